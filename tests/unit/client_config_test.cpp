// A remote-access client's address and configuration (control/ike/client_config) apart from the
// engine: answered or pushed, from the pools or the user's own address, never one another
// session holds, back to the pool when released, and every change of a client's address seen
// in the generation and the sessions journal.
#include <catch2/catch.hpp>

#include "control/ike/client_config.hpp"
#include "control/ike/mode_config.hpp"
#include "tests/unit/ike_lab.hpp"
#include "tests/unit/ike_parts.hpp"

namespace client_config_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

struct Side : test::IkeParts {
  test::Console console;
  ClientConfig clients{console.cfg(), log, wire, journal};
  Side() { REQUIRE(console.run(test::kConfig).find("ERROR") == std::string::npos); }
  IkeSa& client(const std::string& user, uint8_t host) {
    IkeSa& s = established({1, 2, 3, 4, 5, 6, 7, host}, host);
    s.tunnel_group = "EZ";
    s.group_policy = "EZ";
    s.username = user;
    s.authorized = true;
    return s;
  }
};

AttributePayload request(std::vector<uint16_t> types, std::string version = {}) {
  AttributePayload a;
  a.type = cfg_type::kRequest;
  a.identifier = 0x4242;
  for (uint16_t t : types) a.attributes.push_back(Attribute::tlv(t, {}));
  if (!version.empty())
    a.attributes.push_back(
        Attribute::tlv(cfgattr::kApplicationVersion, Bytes(version.begin(), version.end())));
  return a;
}

}  // namespace

TEST_CASE("client config: a client's request is answered with a pool address", "[ike][modecfg]") {
  Side s;
  IkeSa& sa = s.client("cisco", 2);
  const uint64_t before = s.clients.generation();
  REQUIRE(s.clients.answer(sa, 0x77,
                           request({cfgattr::kIp4Address, cfgattr::kIp4Netmask},
                                   "Cisco Systems VPN Client 5.0.07.0290:WinNT")));
  REQUIRE(sa.assigned);
  CHECK(sa.assigned->str() == "203.0.113.10");
  CHECK(sa.assigned_mask.str() == "255.255.255.0");
  CHECK(sa.address_from_pool);
  CHECK(s.clients.generation() != before);
  auto touched = s.journal.since(0);
  REQUIRE(touched.has_value());
  CHECK(std::find(touched->begin(), touched->end(), sa.index) != touched->end());
  CHECK(sa.client_version == "Cisco Systems VPN Client 5.0.07.0290:WinNT");
  CHECK(s.env.logged("Client Type: WinNT  Client Application Version: 5.0.07.0290"));
  CHECK(s.syslogged("713228"));
  REQUIRE(s.env.sent.size() == 1);  // the reply, one-way: the client asked
  CHECK_FALSE(sa.sent.awaiting());
}

TEST_CASE("client config: an empty pool refuses the client, and a release gives its address back",
          "[ike][modecfg]") {
  Side s;
  IkeSa& a = s.client("cisco", 2);
  IkeSa& b = s.client("cisco", 3);
  IkeSa& c = s.client("cisco", 4);
  REQUIRE(s.clients.assign(a));
  REQUIRE(s.clients.assign(b));  // the pool has two addresses
  CHECK_FALSE(s.clients.answer(c, 0x77, request({cfgattr::kIp4Address})));
  CHECK_FALSE(c.assigned);
  CHECK(s.env.sent.empty());
  CHECK(s.env.logged("Cannot obtain an IP address for remote peer"));
  CHECK(s.syslogged("713132"));
  const config::Ipv4 freed = *a.assigned;
  const uint64_t before = s.clients.generation();
  s.clients.release(a);
  CHECK_FALSE(a.assigned);
  CHECK(s.clients.generation() != before);
  REQUIRE(s.clients.assign(c));
  CHECK(*c.assigned == freed);
  s.clients.release(a);  // twice: nothing more to give back
  CHECK(s.clients.assign(a) == false);
}

TEST_CASE("client config: a user's own address, never while another session holds it",
          "[ike][modecfg][security]") {
  Side s;
  s.console.run(
      "username alice password pw1\nusername alice attributes\n"
      "vpn-framed-ip-address 203.0.113.99 255.255.255.0\nexit\n");
  IkeSa& first = s.client("alice", 2);
  IkeSa& second = s.client("alice", 3);
  REQUIRE(s.clients.assign(first));
  CHECK(first.assigned->str() == "203.0.113.99");
  CHECK_FALSE(first.address_from_pool);
  CHECK_FALSE(s.clients.assign(second));
  CHECK(s.env.logged("Address 203.0.113.99 of user alice is in use by another session"));
  s.clients.release(first);
  CHECK(s.clients.assign(second));
}

TEST_CASE("client config: pushed only where the crypto map says initiate", "[ike][modecfg]") {
  Side s;
  IkeSa& sa = s.client("cisco", 2);
  REQUIRE(s.clients.push(sa));  // the map responds only: the client asks
  CHECK(s.env.sent.empty());
  CHECK_FALSE(sa.assigned);
  s.console.run("crypto map MAP client configuration address initiate\n");
  REQUIRE(s.clients.push(sa));
  REQUIRE(s.env.sent.size() == 1);
  CHECK(sa.assigned->str() == "203.0.113.10");
  CHECK(sa.transaction.pending_set() == Transaction::Set::ModeCfg);
  CHECK(sa.sent.awaiting());  // the SET is sent again until the client ACKs it
}

TEST_CASE("client config: the group-policy's pools come before the tunnel-group's",
          "[ike][modecfg]") {
  Side s;
  s.console.run(
      "ip local pool GP-POOL 203.0.113.40-203.0.113.41\n"
      "group-policy EZ attributes\naddress-pools value GP-POOL\nexit\n");
  IkeSa& sa = s.client("cisco", 2);
  REQUIRE(s.clients.assign(sa));
  CHECK(sa.assigned->str() == "203.0.113.40");
  CHECK(sa.assigned_mask.str() == "255.255.255.255");  // the pool names no mask
}

}  // namespace client_config_test
