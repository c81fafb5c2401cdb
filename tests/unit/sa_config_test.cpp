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

TEST_CASE("sa_config: the tunnel-group a phase 1 lands on", "[ike][sa_config][security]") {
  config::Config cfg;
  auto group = [&](const std::string& name, const std::string& type, bool keyed = true) {
    cfg.tunnel_groups[name].type = type;
    if (keyed) cfg.tunnel_groups[name].ipsec.pre_shared_key = config::Secret("k");
  };
  group("EZ", "remote-access");
  group("198.51.100.9", "ipsec-l2l");
  group("NOKEY", "remote-access", false);
  const config::Ipv4 client = *config::Ipv4::parse("198.51.100.2");
  const config::Ipv4 site = *config::Ipv4::parse("198.51.100.9");

  // Aggressive mode by the name in its ID; main mode by the peer's address.
  Landing l = landing_group(cfg, true, true, client, "EZ");
  CHECK(l.group == "EZ");
  CHECK(l.remote_access);
  l = landing_group(cfg, false, false, site, std::nullopt);
  CHECK(l.group == "198.51.100.9");
  CHECK_FALSE(l.remote_access);
  // A site's group named in aggressive mode from elsewhere: not that group (AM2 would prove its
  // key to whoever asked); from the site's own address it is.
  l = landing_group(cfg, true, true, client, "198.51.100.9");
  CHECK(l.l2l_named_from_elsewhere);
  CHECK(l.group.empty());  // no DefaultRAGroup with a key
  CHECK(landing_group(cfg, true, false, site, "198.51.100.9").group == "198.51.100.9");
  // Unknown names and groups without a key find nothing...
  CHECK(landing_group(cfg, true, true, client, "OTHER").group.empty());
  CHECK(landing_group(cfg, true, true, client, "NOKEY").group.empty());
  CHECK(landing_group(cfg, true, true, client, "").wanted == "");
  // ...until the default groups have keys: a client (aggressive mode, or XAUTH proposed) lands
  // on DefaultRAGroup, a site on DefaultL2LGroup.
  group("DefaultRAGroup", "remote-access");
  CHECK(landing_group(cfg, true, false, client, "OTHER").group == "DefaultRAGroup");
  CHECK(landing_group(cfg, false, true, client, std::nullopt).group == "DefaultRAGroup");
  // A main-mode peer without XAUTH and no keyed DefaultL2LGroup: DefaultRAGroup (the PIX
  // wildcard key), where it passes XAUTH like every client.
  l = landing_group(cfg, false, false, client, std::nullopt);
  CHECK(l.group == "DefaultRAGroup");
  CHECK(l.remote_access);
  group("DefaultL2LGroup", "ipsec-l2l");
  l = landing_group(cfg, false, false, client, std::nullopt);
  CHECK(l.group == "DefaultL2LGroup");
  CHECK_FALSE(l.remote_access);
  CHECK(l.wanted == "198.51.100.2");
}

}  // namespace sa_config_test
