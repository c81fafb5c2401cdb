// Two Rampart engines in-process, one initiating LAN-to-LAN and one answering, each with its own
// fake clock and RNG: main mode, quick mode with PFS, the same ESP keys on both sides; with and
// without a NAT in between.
#include <catch2/catch.hpp>

#include <algorithm>

#include "control/ike/engine.hpp"
#include "tests/unit/ike_initiator.hpp"
#include "tests/unit/session_helpers.hpp"

namespace ike_l2l_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

// Site A (198.51.100.1, LAN 192.0.2.0/24) and site B (198.51.100.2, LAN 198.51.100.128/26).
const Selector lan_a{*config::Ipv4::parse("192.0.2.0"), config::Mask::from_prefix(24)};
const Selector lan_b{*config::Ipv4::parse("198.51.100.128"), config::Mask::from_prefix(26)};
std::string site(const std::string& me, const std::string& peer, const std::string& lan,
                 const std::string& far) {
  return "interface GigabitEthernet0/0\nnameif outside\nip address " + me +
         " 255.255.255.192\nexit\n"
         "access-list L2L extended permit ip " +
         lan + " " + far +
         "\n"
         "crypto ipsec ikev1 transform-set T1 esp-3des esp-md5-hmac\n"
         "crypto ipsec ikev1 transform-set T2 esp-aes-256 esp-sha-hmac\n"
         "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer " +
         peer +
         "\n"
         "crypto map MAP 10 set ikev1 transform-set T2\ncrypto map MAP 10 set pfs group14\n"
         "crypto map MAP interface outside\ncrypto ikev1 enable outside\n"
         "crypto ikev1 policy 10\nauthentication pre-share\nencryption aes-256\nhash sha\n"
         "group 14\nexit\n"
         "tunnel-group " +
         peer + " type ipsec-l2l\ntunnel-group " + peer +
         " ipsec-attributes\nikev1 pre-shared-key between-sites\nexit\n";
}

// The two sites most tests build: A (192.0.2.0/24 at 198.51.100.1) and B (198.51.100.128/26 at
// 198.51.100.2), each the other's peer.
std::string site_a() {
  return site("198.51.100.1", "198.51.100.2", "192.0.2.0 255.255.255.0",
              "198.51.100.128 255.255.255.192");
}
std::string site_b() {
  return site("198.51.100.2", "198.51.100.1", "198.51.100.128 255.255.255.192",
              "192.0.2.0 255.255.255.0");
}

struct Site {
  test::Console console;
  test::FakeEnv env;
  Engine engine{console.cfg(), env};
  Endpoint address;
  Site(const std::string& cfg, const std::string& me, uint64_t seed) {
    env.seed = seed;
    REQUIRE(console.run(cfg).find("ERROR") == std::string::npos);
    console.app.set_ike(&engine);
    address = {*config::Ipv4::parse(me), 500};
  }
  ~Site() { console.app.set_ike(nullptr); }
};

// Carries datagrams between the two until both are quiet. nat: what A sends reaches B from
// another address (a NAT in front of A), and B's answers to that address reach A.
void shuttle(Site& a, Site& b, const std::optional<Endpoint>& nat = std::nullopt) {
  for (int round = 0; round < 50; ++round) {
    bool moved = false;
    while (!a.env.sent.empty()) {
      auto [to, data] = a.env.sent.front();
      Endpoint from = a.env.sent_from.front();
      a.env.sent.erase(a.env.sent.begin());
      a.env.sent_from.erase(a.env.sent_from.begin());
      if (nat) from = {nat->address, static_cast<uint16_t>(from.port == 500 ? 1500 : 14500)};
      b.engine.receive(Datagram{to, from, "outside", data});
      moved = true;
    }
    while (!b.env.sent.empty()) {
      auto [to, data] = b.env.sent.front();
      Endpoint from = b.env.sent_from.front();
      b.env.sent.erase(b.env.sent.begin());
      b.env.sent_from.erase(b.env.sent_from.begin());
      if (nat) to = {a.address.address, static_cast<uint16_t>(to.port == 1500 ? 500 : 4500)};
      a.engine.receive(Datagram{to, from, "outside", data});
      moved = true;
    }
    if (!moved) return;
  }
  FAIL("the engines never went quiet");
}

void check_tunnel(Site& a, Site& b) {
  REQUIRE(a.engine.sas().size() == 1);
  REQUIRE(b.engine.sas().size() == 1);
  const IkeSa& i = *a.engine.sas().begin()->second;
  const IkeSa& r = *b.engine.sas().begin()->second;
  CHECK(i.state == P1State::MmActive);
  CHECK(r.state == P1State::MmActive);
  CHECK_FALSE(i.responder);
  CHECK(r.responder);
  REQUIRE(i.ipsec.size() == 1);
  REQUIRE(r.ipsec.size() == 1);
  const IpsecSa &x = i.ipsec[0], &y = r.ipsec[0];
  CHECK(x.outbound.spi == y.inbound.spi);
  CHECK(x.inbound.spi == y.outbound.spi);
  CHECK(x.outbound.encryption_key.bytes() == y.inbound.encryption_key.bytes());
  CHECK(x.outbound.integrity_key.bytes() == y.inbound.integrity_key.bytes());
  CHECK(x.inbound.encryption_key.bytes() == y.outbound.encryption_key.bytes());
  CHECK(x.inbound.encryption_key.size() == 32);  // esp-aes-256
  CHECK(x.inbound.integrity_key.size() == 20);   // esp-sha-hmac
  CHECK(x.pfs_group == 14);
  CHECK(y.pfs_group == 14);
  CHECK(y.remote.address == *config::Ipv4::parse("192.0.2.0"));
  CHECK(y.local.mask == config::Mask::from_prefix(26));
}

}  // namespace

TEST_CASE("two Rampart engines build a LAN-to-LAN tunnel") {
  Site a(site_a(), "198.51.100.1", 1);
  Site b(site_b(), "198.51.100.2", 2);
  REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  shuttle(a, b);
  check_tunnel(a, b);
  CHECK(a.env.logged("IKE Initiator: New Phase 1, Intf outside, IKE Peer 198.51.100.2"));
  CHECK(b.env.logged("IKE Remote Peer configured for crypto map: MAP"));
  std::string show = a.console.run("show crypto isakmp sa");
  CHECK(show.find("    Type    : L2L             Role    : initiator \n") != std::string::npos);
  CHECK(b.console.run("show crypto isakmp sa").find("Role    : responder ") != std::string::npos);
}

TEST_CASE("LAN-to-LAN through a NAT floats to 4500 and encapsulates ESP in UDP") {
  Site a(site_a(), "198.51.100.1", 3);
  // B knows A by the NAT's outside address.
  Site b(site("198.51.100.2", "198.51.100.3", "198.51.100.128 255.255.255.192",
              "192.0.2.0 255.255.255.0"),
         "198.51.100.2", 4);
  REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  shuttle(a, b, Endpoint{*config::Ipv4::parse("198.51.100.3"), 0});
  check_tunnel(a, b);
  const IkeSa& r = *b.engine.sas().begin()->second;
  CHECK(r.nat_peer);
  CHECK(r.peer.port == 14500);
  CHECK(r.local.port == 4500);
  CHECK(r.ipsec[0].udp_encapsulated);
  CHECK(a.engine.sas().begin()->second->ipsec[0].udp_encapsulated);
}

TEST_CASE("a LAN-to-LAN key mismatch fails on both sides without leftovers") {
  Site a(site_a(), "198.51.100.1", 5);
  Site b(site_b(), "198.51.100.2", 6);
  b.console.run("tunnel-group 198.51.100.1 ipsec-attributes\nikev1 pre-shared-key other\nexit");
  REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  shuttle(a, b);
  CHECK(b.engine.sas().empty());
  CHECK(b.env.logged("mismatched pre-shared key"));
  a.env.t += 31;
  a.engine.tick();
  CHECK(a.engine.sas().empty());
}

TEST_CASE("traffic under a crypto map's ACL brings the tunnel up (acquire), once per entry") {
  Site a(site_a(), "198.51.100.1", 3);
  Site b(site_b(), "198.51.100.2", 4);
  dataplane::Sad sad;
  a.engine.set_sad(&sad);
  a.engine.tick();  // the dataplane learns the entry's policy
  // What the ACL does not cover is not the tunnel's business.
  CHECK_FALSE(sad.acquire(0xc000020a, 0xc6336405));
  // A packet from the inside LAN to site B's LAN: dropped while the tunnel comes up, and many
  // packets ask once.
  CHECK(sad.acquire(0xc000020a, 0xc6336481));
  CHECK(sad.acquire(0xc000020b, 0xc6336482));
  a.engine.tick();
  CHECK(a.env.logged("IKE Initiator: New Phase 1, Intf outside, IKE Peer 198.51.100.2"));
  REQUIRE(a.engine.sas().size() == 1);
  shuttle(a, b);
  check_tunnel(a, b);
  // The SA now carries that traffic: the dataplane finds it, nothing more is asked.
  CHECK(sad.with_outbound(0xc000020a, 0xc6336481, [](dataplane::Sad::Entry&) {}));
  CHECK(sad.take_acquires().empty());
  a.engine.set_sad(nullptr);
}

TEST_CASE("acquire under a tcp crypto ACL asks for its protocol and port, and both ends agree") {
  Site a(site_a(), "198.51.100.1", 13);
  Site b(site_b(), "198.51.100.2", 14);
  a.console.run(
      "no access-list L2L\naccess-list L2L extended permit tcp 192.0.2.0 255.255.255.0 "
      "198.51.100.128 255.255.255.192 eq 80");
  b.console.run(
      "no access-list L2L\naccess-list L2L extended permit tcp 198.51.100.128 "
      "255.255.255.192 eq 80 192.0.2.0 255.255.255.0");
  dataplane::Sad sad;
  a.engine.set_sad(&sad);
  a.engine.tick();
  CHECK(sad.acquire(0xc000020a, 0xc6336481));
  a.engine.tick();
  shuttle(a, b);
  REQUIRE(a.engine.sas().size() == 1);
  REQUIRE(b.engine.sas().size() == 1);
  const IkeSa& i = *a.engine.sas().begin()->second;
  REQUIRE(i.ipsec.size() == 1);
  CHECK(i.ipsec[0].remote.protocol == 6);
  CHECK(i.ipsec[0].remote.port == 80);
  CHECK(i.ipsec[0].local.port == 0);
  CHECK(b.engine.sas().begin()->second->ipsec.size() == 1);
  a.engine.set_sad(nullptr);
}

TEST_CASE("peer-id-validate: a peer naming another address than its own is refused",
          "[ike][security]") {
  // B knows A by the address A's packets come from (198.51.100.3); A names itself 198.51.100.1.
  // Without NAT-T nothing explains the difference: the identity check fails.
  for (bool nocheck : {false, true}) {
    Site a(site_a(), "198.51.100.1", 7);
    Site b(site("198.51.100.2", "198.51.100.3", "198.51.100.128 255.255.255.192",
                "192.0.2.0 255.255.255.0"),
           "198.51.100.2", 8);
    b.console.run("no crypto isakmp nat-traversal");
    if (nocheck)
      b.console.run("tunnel-group 198.51.100.3 ipsec-attributes\npeer-id-validate nocheck\nexit");
    REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
    shuttle(a, b, Endpoint{*config::Ipv4::parse("198.51.100.3"), 0});
    if (nocheck) {
      REQUIRE(b.engine.sas().size() == 1);
      CHECK(b.engine.sas().begin()->second->ipsec.size() == 1);
    } else {
      CHECK(b.engine.sas().empty());
      CHECK(
          b.env.logged("Peer ID check failed: ID_IPV4_ADDR 198.51.100.1 is not the peer's "
                       "address (peer-id-validate req)"));
      CHECK(b.engine.stats().auth_fails == 1);
    }
  }
}

TEST_CASE("the PIX wildcard key does not let a main-mode peer skip XAUTH", "[ike][security]") {
  // Seed 004's gateway: a dynamic map for clients, the wildcard key, XAUTH on the map. A
  // LAN-to-LAN peer that knows the key completes main mode but gets no IPsec SA without XAUTH.
  Site a(site_a(), "198.51.100.1", 9);
  Site b(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.2 "
      "255.255.255.192\nexit\n"
      "ip local pool VPNpool 203.0.113.10-203.0.113.20\n"
      "crypto ipsec ikev1 transform-set T2 esp-aes-256 esp-sha-hmac\n"
      "crypto dynamic-map dynmap 10 set ikev1 transform-set T2\n"
      "crypto map mymap 10 ipsec-isakmp dynamic dynmap\ncrypto map mymap interface outside\n"
      "crypto ikev1 enable outside\n"
      "crypto ikev1 policy 10\nauthentication pre-share\nencryption aes-256\nhash sha\n"
      "group 14\nexit\n"
      "isakmp key between-sites address 0.0.0.0 netmask 0.0.0.0\n",
      "198.51.100.2", 10);
  REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  shuttle(a, b);
  REQUIRE(b.engine.sas().size() == 1);
  const IkeSa& r = *b.engine.sas().begin()->second;
  CHECK(r.tunnel_group == "DefaultRAGroup");
  CHECK(r.state == P1State::XauthWait);
  CHECK(r.ipsec.empty());
  CHECK(b.engine.stats().in_p2_exchanges == 0);
  CHECK(a.engine.sas().begin()->second->ipsec.empty());
}

TEST_CASE("a dynamic LAN-to-LAN entry honours its match address", "[ike][security]") {
  // B answers unknown sites through DefaultL2LGroup and a dynamic map whose ACL admits only
  // 192.0.2.0/25 behind them; A asks for 192.0.2.0/24 and then for what the ACL allows.
  for (bool within : {false, true}) {
    Site a(site("198.51.100.1", "198.51.100.2",
                within ? "192.0.2.0 255.255.255.128" : "192.0.2.0 255.255.255.0",
                "198.51.100.128 255.255.255.192"),
           "198.51.100.1", 11);
    Site b(
        "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.2 "
        "255.255.255.192\nexit\n"
        "access-list SITES extended permit ip 198.51.100.128 255.255.255.192 192.0.2.0 "
        "255.255.255.128\n"
        "crypto ipsec ikev1 transform-set T2 esp-aes-256 esp-sha-hmac\n"
        "crypto dynamic-map SITES 10 match address SITES\n"
        "crypto dynamic-map SITES 10 set ikev1 transform-set T2\n"
        "crypto dynamic-map SITES 10 set pfs group14\n"
        "crypto map MAP 10 ipsec-isakmp dynamic SITES\ncrypto map MAP interface outside\n"
        "crypto ikev1 enable outside\n"
        "crypto ikev1 policy 10\nauthentication pre-share\nencryption aes-256\nhash sha\n"
        "group 14\nexit\n"
        "tunnel-group DefaultL2LGroup ipsec-attributes\nikev1 pre-shared-key between-sites\n"
        "exit\n",
        "198.51.100.2", 12);
    Selector lan_a{*config::Ipv4::parse("192.0.2.0"), config::Mask::from_prefix(within ? 25 : 24)};
    REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
    shuttle(a, b);
    REQUIRE(b.engine.sas().size() == 1);
    CHECK(b.engine.sas().begin()->second->tunnel_group == "DefaultL2LGroup");
    CHECK(b.engine.sas().begin()->second->ipsec.size() == (within ? 1u : 0u));
    if (!within) CHECK(b.env.logged("Rejecting IPSec tunnel: no matching crypto map entry"));
  }
}

namespace {

// Carries one datagram (A's first, else B's); false when both are quiet.
bool step(Site& a, Site& b) {
  for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    if (from->env.sent.empty()) continue;
    auto [dst, data] = from->env.sent.front();
    Endpoint src = from->env.sent_from.front();
    from->env.sent.erase(from->env.sent.begin());
    from->env.sent_from.erase(from->env.sent_from.begin());
    REQUIRE_NOTHROW(to->engine.receive(Datagram{dst, src, "outside", data}));
    return true;
  }
  return false;
}

}  // namespace

TEST_CASE("configuration changes on either side at any moment of main mode and quick mode",
          "[ike][security]") {
  const std::vector<const char*> edits = {"clear configure tunnel-group",
                                          "clear configure crypto map",
                                          "clear configure crypto ipsec",
                                          "clear configure crypto ikev1",
                                          "clear configure access-list",
                                          "tunnel-group 198.51.100.1 ipsec-attributes\n"
                                          "ikev1 pre-shared-key changed\nexit",
                                          "clear configure all"};
  for (const char* edit : edits)
    for (bool on_initiator : {false, true})
      for (int at = 0; at < 9; ++at) {
        INFO("edit '" << edit << "' on " << (on_initiator ? "A" : "B") << " before datagram "
                      << at);
        Site a(site_a(), "198.51.100.1", 21);
        Site b(site_b(), "198.51.100.2", 22);
        REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
        for (int i = 0; i < 40; ++i) {
          if (i == at) (on_initiator ? a : b).console.run(edit);
          if (!step(a, b)) break;
        }
        for (Site* s : {&a, &b}) {
          s->env.t += 60;
          REQUIRE_NOTHROW(s->engine.tick());
          REQUIRE_NOTHROW(s->console.run("show crypto isakmp sa detail\nshow crypto ipsec sa"));
          CHECK(s->engine.stats().internal_errors == 0);
          s->console.run("clear crypto isakmp sa");
          CHECK(s->engine.sas().empty());
        }
      }
}

TEST_CASE("a crypto ACL naming an object and an object-group protects exactly their networks",
          "[ike][acl-expand]") {
  // The same two sites, each ACL written with objects: an object read as "any" would make the
  // acquire below fire for every destination, and quick mode accept any proxy.
  auto with_objects = [](const std::string& near, const std::string& far) {
    return "object network NEAR\nsubnet " + near + "\nexit\nobject-group network FAR\n" +
           "network-object " + far + "\nexit\n";
  };
  Site a(with_objects("192.0.2.0 255.255.255.0", "198.51.100.128 255.255.255.192") +
             site("198.51.100.1", "198.51.100.2", "object NEAR", "object-group FAR"),
         "198.51.100.1", 5);
  Site b(with_objects("198.51.100.128 255.255.255.192", "192.0.2.0 255.255.255.0") +
             site("198.51.100.2", "198.51.100.1", "object NEAR", "object-group FAR"),
         "198.51.100.2", 6);
  REQUIRE(a.console.cfg().access_lists.at("L2L").entries.at(0).source.kind ==
          config::AclAddress::Kind::Object);
  dataplane::Sad sad;
  a.engine.set_sad(&sad);
  a.engine.tick();
  CHECK_FALSE(sad.acquire(0xc000020a, 0xc6336405));  // 198.51.100.5: not in FAR
  CHECK_FALSE(sad.acquire(0xc633640a, 0xc6336481));  // from outside NEAR
  CHECK(sad.acquire(0xc000020a, 0xc6336481));        // NEAR -> FAR
  a.engine.tick();
  shuttle(a, b);
  check_tunnel(a, b);  // B's quick mode matched the proxies against its expanded ACL
  a.engine.set_sad(nullptr);
}

TEST_CASE("both ends take the same encapsulation mode and lifetimes from one quick mode",
          "[ike][qm-sa]") {
  // Transport-mode transform sets on both sides, and B's entry with shorter lifetimes than A's
  // global ones; once with no NAT (plain transport) and once behind one (UDP-encapsulated
  // transport, RFC 3947 5.1). The initiator used to recognise two of the four UDP modes and
  // never set the mode at all, so its SA went out as plain ESP in tunnel mode.
  for (bool nat : {false, true}) {
    CAPTURE(nat);
    Site a(site_a(), "198.51.100.1", 13);
    Site b(site("198.51.100.2", nat ? "198.51.100.3" : "198.51.100.1",
                "198.51.100.128 255.255.255.192", "192.0.2.0 255.255.255.0"),
           "198.51.100.2", 14);
    for (Site* s : {&a, &b})
      REQUIRE(s->console.run("crypto ipsec ikev1 transform-set T2 mode transport").empty());
    REQUIRE(b.console
                .run("crypto map MAP 10 set security-association lifetime seconds 3600\n"
                     "crypto map MAP 10 set security-association lifetime kilobytes 50000")
                .empty());
    REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
    if (nat)
      shuttle(a, b, Endpoint{*config::Ipv4::parse("198.51.100.3"), 0});
    else
      shuttle(a, b);
    check_tunnel(a, b);
    const IpsecSa& x = a.engine.sas().begin()->second->ipsec[0];
    const IpsecSa& y = b.engine.sas().begin()->second->ipsec[0];
    CHECK_FALSE(x.tunnel_mode);
    CHECK_FALSE(y.tunnel_mode);
    CHECK(x.udp_encapsulated == nat);
    CHECK(y.udp_encapsulated == nat);
    // B's shorter lifetimes reach A through RESPONDER-LIFETIME.
    CHECK(
        b.env.logged("Overriding Initiator's IPSec rekeying duration from 28800 to 3600 seconds"));
    CHECK(a.env.logged("processing notify payload (RESPONDER-LIFETIME)"));
    CHECK(x.lifetime_seconds == 3600);
    CHECK(y.lifetime_seconds == 3600);
    CHECK(x.lifetime_kilobytes == 50000);
    CHECK(y.lifetime_kilobytes == 50000);
    CHECK(a.engine.stats().out_p2_exchanges == 1);
    CHECK(b.engine.stats().in_p2_exchanges == 1);
  }
}

TEST_CASE("a QM2 choosing what QM1 no longer offers is refused and counted", "[ike][qm-sa]") {
  Site a(site_a(), "198.51.100.1", 15);
  Site b(site_b(), "198.51.100.2", 16);
  REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  auto pending = [&] { return a.engine.sas().begin()->second->quick_modes.size(); };
  // Main mode, then A's QM1 in flight; B answers it.
  for (int i = 0; i < 40 && pending() == 0; ++i) REQUIRE(step(a, b));
  REQUIRE(pending() == 1);
  REQUIRE(step(a, b));
  REQUIRE_FALSE(b.env.sent.empty());
  // The transform set goes before QM2 arrives: B's choice is no longer one A accepts.
  a.console.run("clear configure crypto ipsec");
  while (step(a, b)) {
  }
  CHECK(a.env.logged("The responder chose an IPSec transform we did not offer"));
  CHECK(a.engine.stats().in_p2_invalid == 1);
  CHECK(pending() == 0);
  CHECK(a.engine.sas().begin()->second->ipsec.empty());
  CHECK(a.engine.stats().out_p2_exchanges == 0);
}

TEST_CASE("at vpn-sessiondb max-session-limit a second site is refused after main mode",
          "[ike][session-limit]") {
  const std::string site_c_key =
      "tunnel-group 198.51.100.3 type ipsec-l2l\ntunnel-group 198.51.100.3 ipsec-attributes\n"
      "ikev1 pre-shared-key between-sites\nexit\n";
  Site a(site_a(), "198.51.100.1", 7);
  Site b(site_b() + site_c_key + "vpn-sessiondb max-session-limit 1\n", "198.51.100.2", 8);
  Site c(site("198.51.100.3", "198.51.100.2", "198.51.100.192 255.255.255.192",
              "198.51.100.128 255.255.255.192"),
         "198.51.100.3", 9);
  REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  shuttle(a, b);
  check_tunnel(a, b);
  const Selector lan_c{*config::Ipv4::parse("198.51.100.192"), config::Mask::from_prefix(26)};
  REQUIRE(c.engine.initiate("MAP", 10, lan_c, lan_b));
  shuttle(c, b);
  const std::string refused =
      "%ASA-4-113029: Group 198.51.100.3 User 198.51.100.3 IP 198.51.100.3 Session could not be "
      "established: session limit of 1 reached.";
  CHECK(std::count(b.env.syslogs.begin(), b.env.syslogs.end(), refused) == 1);
  CHECK(b.engine.stats().refused_session_limit == 1);
  // Its quick mode is refused, and the tick deletes its IKE SA, telling it.
  b.engine.tick();
  shuttle(c, b);
  REQUIRE(b.engine.sas().size() == 1);
  CHECK(b.engine.sas().begin()->second->peer.address == *config::Ipv4::parse("198.51.100.1"));
  CHECK(b.engine.sas().begin()->second->ipsec.size() == 1);
  for (const auto& [i, sa] : c.engine.sas()) CHECK(sa->ipsec.empty());
  CHECK(c.env.logged("Received an IKE Delete from the peer"));
}

TEST_CASE("at vpn-sessiondb max-session-limit no LAN-to-LAN negotiation of ours starts",
          "[ike][session-limit]") {
  Site a(site_a() + "vpn-sessiondb max-session-limit 1\n", "198.51.100.1", 7);
  Site b(site_b(), "198.51.100.2", 8);
  REQUIRE(b.engine.initiate("MAP", 10, lan_b, lan_a));
  shuttle(b, a);
  REQUIRE(a.engine.sas().size() == 1);
  REQUIRE(a.engine.sas().begin()->second->ipsec.size() == 1);
  // A's one session is up: its own acquire starts nothing (no MM1, no SA), counted and logged.
  a.env.sent.clear();
  a.env.sent_from.clear();
  CHECK_FALSE(a.engine.initiate("MAP", 10, lan_a, lan_b));
  CHECK(a.env.sent.empty());
  CHECK(a.engine.sas().size() == 1);
  CHECK(a.engine.stats().refused_session_limit == 1);
  CHECK(a.env.syslogs.back() ==
        "%ASA-4-113029: Group 198.51.100.2 User 198.51.100.2 IP 198.51.100.2 Session could not be "
        "established: session limit of 1 reached.");
}
}  // namespace ike_l2l_test
