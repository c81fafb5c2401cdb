// A port group in a port's place in an extended ACE ("permit tcp any host A object-group WEB"):
// the CLI tells it from a network group by the group's kind, prints it back, keeps the group
// from being deleted while used, and the policy expands it to one line per port-object.
#include <catch2/catch.hpp>

#include "control/firewall/policy.hpp"
#include "tests/unit/firewall_fixture.hpp"
#include "tests/unit/session_helpers.hpp"

namespace acl_port_group_test {

using rampart::test::Console;
using namespace rampart;

namespace {

struct Box : Console {
  Box() {
    run("interface GigabitEthernet0/0\nnameif outside\nsecurity-level 0\n"
        "ip address 198.51.100.1 255.255.255.0\nexit\n"
        "interface GigabitEthernet0/1\nnameif inside\nsecurity-level 100\n"
        "ip address 192.0.2.1 255.255.255.0\nexit");
    cfg().firewall = {};
    run("object-group service WEB tcp\nport-object eq www\nport-object range 8000 8080\nexit\n"
        "object-group service DNS tcp-udp\nport-object eq domain\nexit\n"
        "object-group network SERVERS\nnetwork-object host 192.0.2.10\n"
        "network-object host 192.0.2.11\nexit");
  }
};

}  // namespace

TEST_CASE("port groups in an ACE: parsed, printed, in use, expanded", "[firewall-cli]") {
  Box c;
  CHECK(c.run("access-list IN extended permit tcp any host 192.0.2.10 object-group WEB") == "");
  // After the source address, a network group is the destination, a port group the source's
  // ports.
  CHECK(c.run("access-list IN extended permit tcp any object-group SERVERS object-group WEB") ==
        "");
  CHECK(c.run("access-list IN extended permit udp host 198.51.100.7 object-group DNS any") == "");
  CHECK(c.section({"access-list"}) ==
        "access-list IN extended permit tcp any host 192.0.2.10 object-group WEB \n"
        "access-list IN extended permit tcp any object-group SERVERS object-group WEB \n"
        "access-list IN extended permit udp host 198.51.100.7 object-group DNS any \n");
  const auto& e = c.cfg().access_lists.at("IN").entries;
  CHECK(e[0].destination_port_group == std::optional<std::string>("WEB"));
  CHECK(e[1].destination.kind == config::AclAddress::Kind::Group);
  CHECK(e[2].source_port_group == std::optional<std::string>("DNS"));
  // A tcp port group is no port operand of a udp ACE: the marker goes under it.
  CHECK(c.run("access-list IN extended permit udp any host 192.0.2.10 object-group WEB")
            .find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(c.run("no object-group service WEB") ==
        "ERROR: Removing object-group (WEB) not allowed, it is being used.\n");

  c.run("access-group IN in interface outside");
  auto p = firewall::build_policy(c.cfg(), test::device_of);
  REQUIRE(p.acls.contains("IN"));
  const auto& aces = p.acls.at("IN").aces;
  REQUIRE(aces.size() == 3);
  CHECK(aces[0].text == "extended permit tcp any host 192.0.2.10 object-group WEB");
  REQUIRE(aces[0].lines.size() == 2);
  CHECK(aces[0].lines[0].text == "extended permit tcp any host 192.0.2.10 eq www");
  CHECK(aces[0].lines[0].destination_ports == firewall::PortSet{{80, 80}});
  CHECK(aces[0].lines[1].text == "extended permit tcp any host 192.0.2.10 range 8000 8080");
  CHECK(aces[0].lines[1].destination_ports == firewall::PortSet{{8000, 8080}});
  CHECK(aces[1].lines.size() == 4);    // two hosts by two port-objects
  REQUIRE(aces[2].lines.size() == 1);  // the udp half of tcp-udp
  CHECK(aces[2].lines[0].text == "extended permit udp host 198.51.100.7 eq domain any");
  CHECK(aces[2].lines[0].source_ports == firewall::PortSet{{53, 53}});
  CHECK(aces[2].lines[0].destination_ports.empty());
}
}  // namespace acl_port_group_test
