// The parts of quick mode both roles compute the same way (quick_mode_sa.hpp): the negotiated
// encapsulation on the SA for each mode a peer may choose, the proxy identities, the keys.
#include <catch2/catch.hpp>

#include "control/ike/quick_mode_sa.hpp"

namespace quick_mode_sa_test {

using namespace rampart;
using namespace rampart::ike;

TEST_CASE("take_choice sets tunnel and UDP encapsulation for each of the six mode numbers",
          "[ike][qm-sa]") {
  struct Case {
    uint16_t mode;
    bool tunnel, udp;
  };
  for (auto c :
       {Case{p2attr::kTunnel, true, false}, Case{p2attr::kTransport, false, false},
        Case{p2attr::kUdpTunnel, true, true}, Case{p2attr::kUdpTransport, false, true},
        Case{p2attr::kUdpTunnelDraft, true, true}, Case{p2attr::kUdpTransportDraft, false, true}}) {
    CAPTURE(c.mode);
    EspChoice choice;
    choice.offer.transform = p2attr::kEspAes;
    choice.offer.key_bits = 256;
    choice.offer.auth = p2attr::kHmacSha;
    choice.offer.encapsulation = c.mode;
    choice.transform_set = "T";
    choice.encryption = config::EspEncryption::Aes256;
    choice.integrity = config::EspIntegrity::Sha1;
    IpsecSa ips;
    ips.tunnel_mode = !c.tunnel;  // whatever it held before is overwritten
    ips.udp_encapsulated = !c.udp;
    take_choice(ips, choice);
    CHECK(ips.tunnel_mode == c.tunnel);
    CHECK(ips.udp_encapsulated == c.udp);
    CHECK(ips.encryption == config::EspEncryption::Aes256);
    CHECK(ips.integrity == config::EspIntegrity::Sha1);
    CHECK(ips.transform_set == "T");
  }
  CHECK_FALSE(encapsulation_of(0));
  CHECK_FALSE(encapsulation_of(5));
  CHECK_FALSE(encapsulation_of(61445));
}

TEST_CASE("proxy identities round-trip through their selectors", "[ike][qm-sa]") {
  Selector host{*config::Ipv4::parse("203.0.113.7"), config::Mask{0xffffffffu}, 17, 500};
  Selector subnet{*config::Ipv4::parse("192.0.2.0"), config::Mask::from_prefix(24), 0, 0};
  CHECK(id_of(host).id_type == kIdIpv4Addr);
  CHECK(id_of(subnet).id_type == kIdIpv4AddrSubnet);
  CHECK(selector_of(id_of(host)) == host);
  CHECK(selector_of(id_of(subnet)) == subnet);
  // Other identity types, or a body of the wrong length, are no proxy.
  IdPayload fqdn{2, 0, 0, Bytes{'a', '.', 'b'}};
  CHECK_FALSE(selector_of(fqdn));
  IdPayload short_subnet{kIdIpv4AddrSubnet, 0, 0, Bytes{192, 0, 2, 0}};
  CHECK_FALSE(selector_of(short_subnet));
}

TEST_CASE("quick-mode keys: each direction from its own SPI, split by the transform",
          "[ike][qm-sa]") {
  IpsecSa ips;
  ips.encryption = config::EspEncryption::TripleDes;
  ips.integrity = config::EspIntegrity::Md5;
  ips.inbound.spi = 0x11111111;
  ips.outbound.spi = 0x22222222;
  SecretBytes skeyid_d(Bytes(20, 0x5a));
  Bytes ni(20, 1), nr(32, 2);
  derive_quick_mode_keys(ips, HashAlg::Sha1, skeyid_d, {}, ni, nr);
  CHECK(ips.inbound.encryption_key.size() == 24);
  CHECK(ips.inbound.integrity_key.size() == 16);
  Bytes in =
      quick_mode_keymat(HashAlg::Sha1, skeyid_d, {}, p2attr::kProtoEsp, 0x11111111, ni, nr, 40)
          .bytes();
  CHECK(ips.inbound.encryption_key.bytes() == Bytes(in.begin(), in.begin() + 24));
  CHECK(ips.inbound.integrity_key.bytes() == Bytes(in.begin() + 24, in.end()));
  CHECK(ips.outbound.encryption_key.bytes() != ips.inbound.encryption_key.bytes());
  // HASH(3) covers the message id and both nonces.
  SecretBytes skeyid_a(Bytes(20, 0x3c));
  Bytes h = quick_mode_hash3(HashAlg::Sha1, skeyid_a, 7, ni, nr);
  CHECK(h.size() == 20);
  CHECK(h != quick_mode_hash3(HashAlg::Sha1, skeyid_a, 8, ni, nr));
  CHECK(h != quick_mode_hash3(HashAlg::Sha1, skeyid_a, 7, nr, ni));
}
}  // namespace quick_mode_sa_test
