// What a negotiation looks up in the configuration (sa_config) and its exchanges' HASH and IV
// chain (exchange_crypto), apart from the engine.
#include <catch2/catch.hpp>

#include "control/ike/crypto/cipher.hpp"
#include "control/ike/crypto/prf.hpp"
#include "control/ike/exchange_crypto.hpp"
#include "control/ike/sa_config.hpp"

namespace sa_config_test {

using namespace rampart;
using namespace rampart::ike;

TEST_CASE("sa_config: a tunnel-group or an entry removed mid-negotiation is gone",
          "[ike][sa_config]") {
  config::Config cfg;
  cfg.tunnel_groups["EZ"] = {};
  IkeSa sa;
  sa.tunnel_group = "EZ";
  CHECK(tunnel_group_of(cfg, sa) == &cfg.tunnel_groups["EZ"]);
  cfg.tunnel_groups.erase("EZ");
  CHECK(tunnel_group_of(cfg, sa) == nullptr);

  config::CryptoMap& map = cfg.crypto.maps["MAP"];
  map.entries[10] = {};
  map.entries[65000].dynamic_map = "DYN";
  CHECK(static_entry(cfg, "MAP", 10) == &map.entries[10].settings);
  CHECK(static_entry(cfg, "MAP", 65000) == nullptr);  // a dynamic entry is no static one
  CHECK(static_entry(cfg, "MAP", 20) == nullptr);
  CHECK(static_entry(cfg, "OTHER", 10) == nullptr);
}

TEST_CASE("sa_config: mode-config is pushed only where the map initiates, never to Unity",
          "[ike][sa_config]") {
  config::Config cfg;
  config::CryptoMap& map = cfg.crypto.maps["MAP"];
  map.interface = "outside";
  IkeSa sa;
  sa.nameif = "outside";
  CHECK_FALSE(pushes_config(cfg, sa));  // the ASA's default: the client asks
  map.client_config_initiate = true;
  CHECK(pushes_config(cfg, sa));
  sa.nameif = "inside";
  CHECK_FALSE(pushes_config(cfg, sa));  // another interface's map
  sa.nameif = "outside";
  // A Unity client asks by itself where the map also responds: a push would cross its request.
  map.client_config_respond = true;
  sa.peer_unity = true;
  CHECK_FALSE(pushes_config(cfg, sa));
  sa.peer_unity = false;
  CHECK(pushes_config(cfg, sa));
}

TEST_CASE("exchange crypto: HASH over M-ID | extra | rest, one IV chain per exchange",
          "[ike][sa_config]") {
  IkeSa sa;
  sa.choice.hash = HashAlg::Sha1;
  sa.choice.cipher = CipherAlg::Aes128;
  sa.keys.skeyid_a = SecretBytes(Bytes(20, 0x5a));
  sa.phase1_iv = Bytes(16, 0x11);
  Bytes data = {0x12, 0x34, 0x56, 0x78, 1, 2, 3};
  CHECK(hash_over(sa, 0x12345678, {1, 2}, {3}) == prf(HashAlg::Sha1, Bytes(20, 0x5a), data));
  Bytes& iv = exchange_iv_for(sa, 7);
  CHECK(iv == exchange_iv(HashAlg::Sha1, CipherAlg::Aes128, sa.phase1_iv, 7));
  iv = Bytes(16, 0x22);  // the chain moves on with the exchange's messages
  CHECK(exchange_iv_for(sa, 7) == Bytes(16, 0x22));
  CHECK(exchange_iv_for(sa, 8) != Bytes(16, 0x22));  // another exchange, its own chain
  CHECK(sa.exchange_ivs.size() == 2);
}

}  // namespace sa_config_test
