// select_crypto_map, the responder's choice of crypto map entry for a quick mode, as a pure
// function over a configuration typed at the CLI: static against dynamic entries, sequence
// order, the crypto ACL (addresses, protocol, ports), the peer, NAT-T's UDP-only modes, and an
// entry deleted between two negotiations.
#include <catch2/catch.hpp>

#include "control/config/acl_expand.hpp"
#include "control/ike/crypto_map_select.hpp"
#include "tests/unit/session_helpers.hpp"

namespace crypto_map_select_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

using O = MapSelection::Outcome;

const config::Ipv4 kPeer = *config::Ipv4::parse("198.51.100.2");
const config::Ipv4 kOtherPeer = *config::Ipv4::parse("198.51.100.3");

Selector net(const char* a, int prefix, uint8_t protocol = 0, uint16_t port = 0) {
  return {*config::Ipv4::parse(a), config::Mask::from_prefix(prefix), protocol, port};
}
// Our LAN and the peer's, as the peer's QM1 names them.
const Selector kLocal = net("192.0.2.0", 24), kRemote = net("198.51.100.128", 26);

const std::string kBase =
    "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\n"
    "exit\n"
    "crypto ipsec ikev1 transform-set T3DES esp-3des esp-md5-hmac\n"
    "crypto ipsec ikev1 transform-set TAES esp-aes-256 esp-sha-hmac\n"
    "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 255.255.255.192\n";

// An ESP offer of the named transform sets, in that order, one transform each.
SaPayload offer_of(const config::Config& cfg, std::vector<std::string> sets, bool udp = false,
                   uint16_t force_mode = 0) {
  Proposal p{1, p2attr::kProtoEsp, {0x12, 0x34, 0x56, 0x78}, {}};
  uint8_t n = 1;
  for (const auto& s : sets) {
    auto t = esp_transform_for(cfg.crypto.transform_sets.at(s), n++, 28800, 4608000, 0, udp, true);
    REQUIRE(t);
    if (force_mode)
      for (auto& a : t->attributes)
        if (a.type == p2attr::kEncapsulation) a.value = force_mode;
    p.transforms.push_back(*t);
  }
  SaPayload sa;
  sa.proposals.push_back(p);
  return sa;
}

MapSelection select(const config::Config& cfg, const SaPayload& offer, config::Ipv4 peer = kPeer,
                    Selector local = kLocal, Selector remote = kRemote, bool udp_only = false) {
  return select_crypto_map(cfg, MapQuery{"outside", peer, local, remote, &offer, udp_only});
}

bool logged(const MapSelection& s, std::string_view text) {
  for (const auto& l : s.log)
    if (l.text.find(text) != std::string::npos) return true;
  return false;
}

struct Box {
  test::Console console;
  explicit Box(const std::string& lines) {
    REQUIRE(console.run(kBase + lines).find("ERROR") == std::string::npos);
  }
  const config::Config& cfg() { return console.cfg(); }
};

}  // namespace

TEST_CASE("crypto map selection: a static entry for the peer whose ACL covers the proxies",
          "[ike][qm-select]") {
  Box box(
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\ncrypto map MAP interface outside\n");
  SaPayload offer = offer_of(box.cfg(), {"T3DES", "TAES"});
  MapSelection s = select(box.cfg(), offer);
  REQUIRE(s.outcome == O::Chosen);
  CHECK(s.seq == 10);
  CHECK(s.map_tag == "MAP");
  CHECK(s.choice->transform_set == "TAES");
  CHECK(s.choice->transform_number == 2);  // the peer's order: its T3DES is not allowed here
  CHECK(s.settings == &box.cfg().crypto.maps.at("MAP").entries.at(10).settings);
  REQUIRE(s.log.size() == 2);
  CHECK(s.log[0].text == "Static Crypto Map check, checking map = MAP, seq = 10...");
  CHECK(s.log[0].level == 1);
  CHECK(s.log[1].text == "IKE Remote Peer configured for crypto map: MAP");

  // Proxies wider than the ACL, or the sides swapped, are not covered.
  CHECK(select(box.cfg(), offer, kPeer, net("192.0.2.0", 23)).outcome == O::NoProxyMatch);
  CHECK(select(box.cfg(), offer, kPeer, kRemote, kLocal).outcome == O::NoProxyMatch);
  // A host within the ACL's networks is.
  CHECK(select(box.cfg(), offer, kPeer, net("192.0.2.7", 32), net("198.51.100.130", 32)).outcome ==
        O::Chosen);
  // Covered, but no transform acceptable.
  CHECK(select(box.cfg(), offer_of(box.cfg(), {"T3DES"})).outcome == O::NoProposal);
}

TEST_CASE("crypto map selection: sequence order, the first acceptable entry wins",
          "[ike][qm-select]") {
  // Entered out of order: the map is walked by sequence number, not by line.
  Box box(
      "crypto map MAP 20 match address L2L\ncrypto map MAP 20 set peer 198.51.100.2\n"
      "crypto map MAP 20 set ikev1 transform-set T3DES TAES\n"
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\ncrypto map MAP interface outside\n");
  MapSelection both = select(box.cfg(), offer_of(box.cfg(), {"TAES"}));
  REQUIRE(both.outcome == O::Chosen);
  CHECK(both.seq == 10);
  CHECK(both.log[0].text == "Static Crypto Map check, checking map = MAP, seq = 10...");
  // Only seq 20 takes 3DES: seq 10 is walked past.
  MapSelection later = select(box.cfg(), offer_of(box.cfg(), {"T3DES"}));
  REQUIRE(later.outcome == O::Chosen);
  CHECK(later.seq == 20);
  CHECK(later.choice->transform_set == "T3DES");
  CHECK(logged(later, "checking map = MAP, seq = 20..."));
}

TEST_CASE("crypto map selection: static entries before the dynamic one, whose tag it carries",
          "[ike][qm-select]") {
  Box box(
      "crypto dynamic-map DYN 5 set ikev1 transform-set T3DES\n"
      "crypto dynamic-map DYN 7 set ikev1 transform-set TAES\n"
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\n"
      "crypto map MAP 65535 ipsec-isakmp dynamic DYN\ncrypto map MAP interface outside\n");
  // The static entry names this peer: it answers.
  MapSelection st = select(box.cfg(), offer_of(box.cfg(), {"TAES"}));
  REQUIRE(st.outcome == O::Chosen);
  CHECK(st.seq == 10);
  CHECK(st.map_tag == "MAP");
  // Another peer falls through to the dynamic map: its entries in order, tagged with its name.
  MapSelection dyn = select(box.cfg(), offer_of(box.cfg(), {"TAES"}), kOtherPeer);
  REQUIRE(dyn.outcome == O::Chosen);
  CHECK(dyn.seq == 7);
  CHECK(dyn.map_tag == "DYN");
  CHECK(dyn.settings == &box.cfg().crypto.dynamic_maps.at("DYN").entries.at(7));
  CHECK(logged(dyn, "Static Crypto Map check by-passed: Crypto map entry incomplete!"));
  CHECK(dyn.log.back().text == "IKE Remote Peer configured for crypto map: DYN");
  // The static entry's peer offering what only the dynamic map takes gets the dynamic entry.
  MapSelection fall = select(box.cfg(), offer_of(box.cfg(), {"T3DES"}));
  REQUIRE(fall.outcome == O::Chosen);
  CHECK(fall.map_tag == "DYN");
  CHECK(fall.seq == 5);
}

TEST_CASE("crypto map selection: the peer must be one the static entry names", "[ike][qm-select]") {
  Box box(
      "crypto map MAP 10 match address L2L\n"
      "crypto map MAP 10 set peer 198.51.100.9 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\ncrypto map MAP interface outside\n");
  SaPayload offer = offer_of(box.cfg(), {"TAES"});
  CHECK(select(box.cfg(), offer).outcome == O::Chosen);  // the second peer of the list
  MapSelection other = select(box.cfg(), offer, kOtherPeer);
  CHECK(other.outcome == O::NoProxyMatch);
  CHECK_FALSE(logged(other, "IKE Remote Peer configured"));
  // No map on the interface the peer reached.
  box.console.run("no crypto map MAP interface outside");
  MapSelection none = select(box.cfg(), offer);
  CHECK(none.outcome == O::NoMap);
  CHECK(none.log.empty());
}

TEST_CASE("crypto map selection: an ACL entry covers only its protocol and ports",
          "[ike][qm-select][security]") {
  Box box(
      "access-list WEB extended permit tcp 192.0.2.0 255.255.255.0 198.51.100.128 "
      "255.255.255.192 eq 80\n"
      "access-list DNS extended permit udp host 192.0.2.53 range 1024 65535 198.51.100.128 "
      "255.255.255.192\n");
  auto acl = [&](const char* name) {
    return config::expand_acl(box.cfg(), box.cfg().access_lists.at(name));
  };
  const auto web = acl("WEB"), dns = acl("DNS"), all = acl("L2L");
  // tcp to port 80 only: not every protocol (0), not another port, not "all ports" (0).
  CHECK(acl_covers(web, net("192.0.2.0", 24, 6), net("198.51.100.128", 26, 6, 80)));
  CHECK_FALSE(acl_covers(web, kLocal, kRemote));
  CHECK_FALSE(acl_covers(web, net("192.0.2.0", 24, 6), net("198.51.100.128", 26, 6, 443)));
  CHECK_FALSE(acl_covers(web, net("192.0.2.0", 24, 6), net("198.51.100.128", 26, 6, 0)));
  CHECK_FALSE(acl_covers(web, net("192.0.2.0", 24, 17), net("198.51.100.128", 26, 17, 80)));
  // The source port operator holds our side's port.
  CHECK(acl_covers(dns, net("192.0.2.53", 32, 17, 5353), net("198.51.100.128", 26, 17, 53)));
  CHECK_FALSE(acl_covers(dns, net("192.0.2.53", 32, 17, 53), net("198.51.100.128", 26, 17, 53)));
  // An ID names one port or all: a range can only be asked for as all ports of the protocol.
  CHECK(acl_covers(dns, net("192.0.2.53", 32, 17, 0), net("198.51.100.128", 26, 17, 53)));
  CHECK_FALSE(acl_covers(dns, net("192.0.2.53", 32, 6, 0), net("198.51.100.128", 26, 6, 53)));
  // "ip" covers every protocol and port.
  CHECK(acl_covers(all, net("192.0.2.53", 32, 17, 53), net("198.51.100.128", 26, 6, 443)));

  box.console.run(
      "crypto map MAP 10 match address WEB\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\ncrypto map MAP interface outside");
  SaPayload offer = offer_of(box.cfg(), {"TAES"});
  CHECK(select(box.cfg(), offer).outcome == O::NoProxyMatch);
  CHECK(select(box.cfg(), offer, kPeer, net("192.0.2.0", 24, 6), net("198.51.100.128", 26, 6, 80))
            .outcome == O::Chosen);
}

TEST_CASE("crypto map selection: behind a NAT only UDP-encapsulated modes; unknown modes never",
          "[ike][qm-select][security]") {
  Box box(
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\ncrypto map MAP interface outside\n");
  SaPayload plain = offer_of(box.cfg(), {"TAES"}), udp = offer_of(box.cfg(), {"TAES"}, true);
  MapSelection natted = select(box.cfg(), plain, kPeer, kLocal, kRemote, true);
  CHECK(natted.outcome == O::NoProposal);
  CHECK(logged(natted, "Selecting only UDP-Encapsulated-Tunnel and UDP-Encapsulated-Transport"));
  CHECK(select(box.cfg(), udp, kPeer, kLocal, kRemote, true).outcome == O::Chosen);
  // The draft's number for UDP tunnel is one of the known modes; 5 and 61445 are not.
  CHECK(select(box.cfg(), offer_of(box.cfg(), {"TAES"}, false, p2attr::kUdpTunnelDraft)).outcome ==
        O::Chosen);
  CHECK(select(box.cfg(), offer_of(box.cfg(), {"TAES"}, false, 5)).outcome == O::NoProposal);
  CHECK(select(box.cfg(), offer_of(box.cfg(), {"TAES"}, false, 61445)).outcome == O::NoProposal);
  // A transport-mode offer against a tunnel-mode set is refused.
  CHECK(select(box.cfg(), offer_of(box.cfg(), {"TAES"}, false, p2attr::kTransport)).outcome ==
        O::NoProposal);
}

TEST_CASE("crypto map selection: an entry or ACL deleted between negotiations covers nothing",
          "[ike][qm-select][security]") {
  Box box(
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set TAES\ncrypto map MAP 20 match address L2L\n"
      "crypto map MAP 20 set peer 198.51.100.2\ncrypto map MAP 20 set ikev1 transform-set TAES\n"
      "crypto map MAP interface outside\n");
  SaPayload offer = offer_of(box.cfg(), {"TAES"});
  CHECK(select(box.cfg(), offer).seq == 10);
  // The operator removes entry 10 while a peer is mid-negotiation: the next QM1 gets entry 20.
  box.console.cfg().crypto.maps.at("MAP").entries.erase(10);
  MapSelection after = select(box.cfg(), offer);
  REQUIRE(after.outcome == O::Chosen);
  CHECK(after.seq == 20);
  CHECK_FALSE(logged(after, "seq = 10"));
  // The crypto ACL goes: the entry that names it covers nothing (never everything).
  box.console.cfg().access_lists.erase("L2L");
  CHECK(select(box.cfg(), offer).outcome == O::NoProxyMatch);
  // A dynamic entry whose dynamic map is gone offers nothing.
  box.console.run("crypto map MAP 30 ipsec-isakmp dynamic GONE");
  CHECK(select(box.cfg(), offer, kOtherPeer).outcome == O::NoProxyMatch);
}
}  // namespace crypto_map_select_test
