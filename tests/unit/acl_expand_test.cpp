// config::expand_acl: access-lists with objects and object-groups as the plain entries that
// the IKE control plane, mode-config's split tunnel lists and "show crypto ipsec sa" read.
#include <catch2/catch.hpp>

#include "control/config/acl_expand.hpp"
#include "tests/unit/session_helpers.hpp"

namespace acl_expand_test {

using namespace rampart;
using K = config::AclAddress::Kind;

namespace {

std::string text(const config::AclAddress& a) {
  return a.kind == K::Any ? "any" : a.address.str() + "/" + std::to_string(a.mask.prefix_len());
}

}  // namespace

TEST_CASE("a range object becomes the fewest subnets that cover it exactly", "[acl-expand]") {
  auto ip = [](const char* s) { return *config::Ipv4::parse(s); };
  std::vector<std::string> got;
  for (const auto& a : config::range_to_subnets(ip("192.0.2.10"), ip("192.0.2.20")))
    got.push_back(text(a));
  CHECK(got == std::vector<std::string>{"192.0.2.10/31", "192.0.2.12/30", "192.0.2.16/30",
                                        "192.0.2.20/32"});
  CHECK(config::range_to_subnets(ip("0.0.0.0"), ip("255.255.255.255")).size() == 1);
  CHECK(config::range_to_subnets(ip("192.0.2.7"), ip("192.0.2.7")).at(0).kind == K::Host);
}

TEST_CASE("objects and nested groups expand; unknown names match nothing", "[acl-expand]") {
  test::Console c;
  c.run(
      "object network R\nrange 192.0.2.10 192.0.2.13\nexit\n"
      "object network H\nhost 198.51.100.7\nexit\n"
      "object-group network INNER\nnetwork-object object H\nexit\n"
      "object-group network OUTER\nnetwork-object 203.0.113.0 255.255.255.0\n"
      "group-object INNER\nexit\n"
      "object-group service WEB\nservice-object tcp-udp destination eq 53\n"
      "service-object tcp destination eq www\nexit\n"
      "access-list A extended permit ip object R object-group OUTER\n"
      "access-list A extended permit object-group WEB any object H\n"
      "access-list A extended permit ip any any inactive\n"
      "access-list A remark not an entry");
  auto x = config::expand_acl(c.cfg(), c.cfg().access_lists.at("A"));
  std::vector<std::string> got;
  for (const auto& e : x.entries)
    got.push_back(e.protocol + " " + text(e.source) + " " + text(e.destination) + " " +
                  std::to_string(e.destination_port.lo));
  CHECK(got == std::vector<std::string>{
                   "ip 192.0.2.10/31 203.0.113.0/24 0", "ip 192.0.2.10/31 198.51.100.7/32 0",
                   "ip 192.0.2.12/31 203.0.113.0/24 0", "ip 192.0.2.12/31 198.51.100.7/32 0",
                   "tcp any 198.51.100.7/32 53", "udp any 198.51.100.7/32 53",
                   "tcp any 198.51.100.7/32 80"});
  for (const auto& e : x.entries) CHECK_FALSE(e.service);
  // A name that is not there (a configuration edited behind the CLI's back) stands for nothing.
  config::AclAddress ghost{K::Group, {}, {}, "GHOST"};
  CHECK(config::expand_address(c.cfg(), ghost).empty());
  // A loop (impossible from the CLI) does not hang the expansion.
  auto& g = c.cfg().firewall.object_groups.at("INNER");
  config::ObjectGroupMember back{config::ObjectGroupMember::Kind::Group};
  back.name = "OUTER";
  g.members.push_back(back);
  CHECK(config::expand_address(c.cfg(), {K::Group, {}, {}, "OUTER"}).size() == 2);
}

TEST_CASE("a split-tunnel list with an object-group gives the client its networks",
          "[acl-expand]") {
  test::Console c;
  c.run(
      "object-group network LANS\nnetwork-object 192.0.2.0 255.255.255.0\n"
      "network-object host 198.51.100.9\nexit\n"
      "access-list SPLIT standard permit any\nno access-list SPLIT\n"
      "access-list SPLIT extended permit ip object-group LANS any");
  auto x = config::expand_acl(c.cfg(), c.cfg().access_lists.at("SPLIT"));
  REQUIRE(x.entries.size() == 2);
  CHECK(text(x.entries[0].source) == "192.0.2.0/24");
  CHECK(text(x.entries[1].source) == "198.51.100.9/32");
}
}  // namespace acl_expand_test
