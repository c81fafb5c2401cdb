// What the kernel is told to route into the crypto interfaces' TUN devices before any tunnel is
// up: the destinations of static crypto maps' ACLs (so the first packet reaches the dataplane
// and brings its tunnel up), on the map's interface, one per destination; never a default
// route, and nothing for a dynamic map (its peers' networks come with their SAs).
#include <catch2/catch.hpp>

#include "control/ike/engine.hpp"
#include "firmware/daemon/vpn_routes.hpp"
#include "platform/firewall.hpp"
#include "tests/unit/ike_initiator.hpp"
#include "tests/unit/session_helpers.hpp"

namespace vpn_routes_test {

using namespace rampart;
using Want = firmware::VpnRoutes::Want;

namespace {

const char* kBase =
    "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\n"
    "exit\ninterface GigabitEthernet0/1\nnameif inside\nip address 192.0.2.1 255.255.255.0\n"
    "exit\ncrypto ipsec ikev1 transform-set T esp-aes esp-sha-hmac\n";

std::vector<Want> wanted(const std::string& lines) {
  test::Console console;
  REQUIRE(console.run(std::string(kBase) + lines).find("ERROR") == std::string::npos);
  test::FakeEnv env;
  ike::Engine engine(console.cfg(), env);
  return firmware::VpnRoutes::wanted(engine, console.cfg());
}

uint32_t ip(const char* s) {
  return config::Ipv4::parse(s)->value;
}

}  // namespace

TEST_CASE("static crypto map ACL destinations are routed into the map's interface",
          "[vpn_routes]") {
  auto w = wanted(
      "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 "
      "255.255.255.192\n"
      "access-list L2L extended permit ip host 192.0.2.5 host 203.0.113.7\n"
      "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 203.0.113.0 255.255.255.0\n"
      "access-list L2L extended permit ip any any\n"
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set T\ncrypto map MAP 10 set reverse-route\n"
      "crypto map MAP interface outside\n");
  std::vector<Want> expect = {
      {ip("198.51.100.128"), 26, "outside", false, 0},
      {ip("203.0.113.0"), 24, "outside", false, 0},
      {ip("203.0.113.7"), 32, "outside", false, 0},
  };
  std::sort(w.begin(), w.end());
  std::sort(expect.begin(), expect.end());
  // "any" is left to the kernel's own routing: a default route into the tunnel would take the
  // box's IKE and ESP to the peer with it. RRI comes with the SA, not with the ACL.
  CHECK(w == expect);
}

TEST_CASE("a crypto ACL of objects is routed as what the objects stand for", "[vpn_routes]") {
  // Read as plain operands an object-group named nothing and got no route: the first packet
  // never reached the dataplane to bring the tunnel up (acquire's own targets expanded it).
  auto w = wanted(
      "object network FARHOST\nhost 203.0.113.7\nexit\n"
      "object-group network FAR\nnetwork-object 198.51.100.128 255.255.255.192\n"
      "network-object object FARHOST\nexit\n"
      "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 object-group FAR\n"
      "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 203.0.113.64 "
      "255.255.255.192 inactive\n"
      "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
      "crypto map MAP 10 set ikev1 transform-set T\ncrypto map MAP interface outside\n");
  std::vector<Want> expect = {
      {ip("198.51.100.128"), 26, "outside", false, 0},
      {ip("203.0.113.7"), 32, "outside", false, 0},
  };
  std::sort(w.begin(), w.end());
  CHECK(w == expect);  // the inactive line protects nothing and is not routed
}

TEST_CASE("what the routes take from the configuration changes with each part they follow",
          "[vpn_routes]") {
  // The tick skips its walk over the SAs while these inputs and the sessions stay the same:
  // every configuration change the routes follow must show in them, and nothing else.
  test::Console console;
  REQUIRE(console
              .run(std::string(kBase) +
                   "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 203.0.113.0 "
                   "255.255.255.0\n"
                   "crypto dynamic-map DYN 10 set ikev1 transform-set T\n"
                   "crypto map MAP 10 match address L2L\n"
                   "crypto map MAP 10 set peer 198.51.100.2\n"
                   "crypto map MAP 10 set ikev1 transform-set T\n"
                   "crypto map MAP 65000 ipsec-isakmp dynamic DYN\n")
              .find("ERROR") == std::string::npos);
  using firmware::VpnRoutes;
  auto before = VpnRoutes::inputs_of(console.cfg());
  auto changes = [&](const std::string& line) {
    REQUIRE(console.run(line).find("ERROR") == std::string::npos);
    auto now = VpnRoutes::inputs_of(console.cfg());
    bool changed = !(now == before);
    before = now;
    return changed;
  };
  CHECK(changes("crypto map MAP interface outside"));
  CHECK(changes("crypto dynamic-map DYN 10 set reverse-route"));
  CHECK(changes("crypto map MAP 10 set reverse-route"));
  CHECK(changes("access-list L2L extended permit ip host 192.0.2.5 host 198.51.100.130"));
  CHECK(changes("interface GigabitEthernet0/1\nno shutdown\nexit"));
  CHECK_FALSE(changes("group-policy GP internal"));
  CHECK_FALSE(changes("access-list OTHER extended permit ip any any"));
}

TEST_CASE("a client's address is answered for from its assignment, a site's never",
          "[vpn_routes]") {
  // The ASA announces a client's address once mode-config gives it out, before any quick mode
  // (seed 000's "Gratuitous ARP sent" comes before PHASE 1 COMPLETED).
  ike::IkeSa sa;
  sa.remote_access = true;
  CHECK(!firmware::VpnRoutes::client_host(sa));  // nothing assigned yet
  sa.assigned = config::Ipv4{ip("192.0.2.100")};
  CHECK(firmware::VpnRoutes::client_host(sa) == ip("192.0.2.100"));  // no IPsec SA needed
  sa.remote_access = false;  // a LAN-to-LAN peer's selectors are routed, never impersonated
  CHECK(!firmware::VpnRoutes::client_host(sa));
}

TEST_CASE("no routes without a static map on an interface", "[vpn_routes]") {
  // A map not applied to any interface, and a dynamic map (its peers are unknown until they
  // connect): nothing to route yet.
  CHECK(wanted("access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 "
               "255.255.255.192\n"
               "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
               "crypto map MAP 10 set ikev1 transform-set T\n")
            .empty());
  CHECK(wanted("crypto dynamic-map DYN 10 set ikev1 transform-set T\n"
               "crypto map MAP 65000 ipsec-isakmp dynamic DYN\n"
               "crypto map MAP interface outside\n")
            .empty());
}

TEST_CASE("the dataplane's kernel rules drop ESP at input and leave forwarding to the firewall",
          "[vpn_routes]") {
  auto s = platform::dataplane_rules_script();
  CHECK(s.find("meta l4proto esp counter drop") != std::string::npos);
  CHECK(s.find("forward") == std::string::npos);
}
}  // namespace vpn_routes_test
