// Mode-config replies from seed 000's group-policy, and split tunnelling from an ACL.
#include <catch2/catch.hpp>

#include "control/ike/mode_config.hpp"
#include "tests/unit/session_helpers.hpp"

namespace mode_config_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

// A Cisco VPN Client / vpnc style request (seed 004's debug lists the same attributes).
std::vector<Attribute> client_request() {
  std::vector<Attribute> r;
  for (uint16_t t :
       {cfgattr::kIp4Address, cfgattr::kIp4Netmask, cfgattr::kIp4Dns, cfgattr::kIp4Nbns,
        cfgattr::kAddressExpiry, cfgattr::kApplicationVersion, cfgattr::kBanner,
        cfgattr::kSavePassword, cfgattr::kDefaultDomain, cfgattr::kSplitDns, cfgattr::kSplitInclude,
        cfgattr::kPfs, cfgattr::kFirewallType})
    r.push_back(Attribute::tlv(t, {}));
  return r;
}

const Attribute* find(const ModeConfigReply& r, uint16_t type) {
  for (const auto& a : r.attributes)
    if (a.type == type) return &a;
  return nullptr;
}

}  // namespace

TEST_CASE("seed 000's group-policy EZ answers the client's request") {
  test::Console c;
  c.run(
      "group-policy EZ internal\ngroup-policy EZ attributes\npassword-storage enable\n"
      "dns-server value 192.0.2.53\nvpn-tunnel-protocol ikev1\nsplit-tunnel-policy tunnelall\n"
      "default-domain value lab.example\nexit");
  ModeConfigInputs in{&c.cfg().group_policies.at("EZ"), *config::Ipv4::parse("203.0.113.100"),
                      config::Mask::from_prefix(24), std::nullopt, "Rampart 1.0(1)"};
  ModeConfigReply r = build_mode_config_reply(client_request(), in);
  REQUIRE(find(r, cfgattr::kIp4Address));
  CHECK(find(r, cfgattr::kIp4Address)->data == Bytes{203, 0, 113, 100});
  CHECK(find(r, cfgattr::kIp4Netmask)->data == Bytes{255, 255, 255, 0});
  CHECK(find(r, cfgattr::kIp4Dns)->data == Bytes{192, 0, 2, 53});
  CHECK_FALSE(find(r, cfgattr::kIp4Nbns));  // none configured
  CHECK(find(r, cfgattr::kSavePassword)->value == 1);
  CHECK(find(r, cfgattr::kDefaultDomain)->data ==
        Bytes{'l', 'a', 'b', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e'});
  CHECK_FALSE(find(r, cfgattr::kSplitInclude));  // tunnelall
  CHECK(find(r, cfgattr::kApplicationVersion));
  std::vector<std::string> lines;
  for (const auto& l : r.log) lines.push_back(l.text);
  CHECK(lines == std::vector<std::string>{"construct_cfg_set: default domain = lab.example"});
}

TEST_CASE("a request is read out in the client's order, unsupported attributes in place") {
  auto req = client_request();
  std::string host = "laptop-7.example.com";
  req.push_back(Attribute::tlv(cfgattr::kDdnsHostname, Bytes(host.begin(), host.end())));
  req.push_back(Attribute::tlv(6, {}));  // INTERNAL_IP4_DHCP: not an ASA attribute
  std::vector<std::string> lines;
  std::vector<int> levels;
  for (const auto& l : mode_config_request_lines(req)) {
    lines.push_back(l.text);
    levels.push_back(l.level);
  }
  const std::string r = "MODE_CFG: Received request for ";
  CHECK(lines == std::vector<std::string>{r + "IPV4 address!", r + "IPV4 net mask!",
                                          r + "DNS server address!", r + "WINS server address!",
                                          "Received unsupported transaction mode attribute: 5",
                                          r + "Application Version!", r + "Banner!",
                                          r + "Save PW setting!", r + "Default Domain Name!",
                                          r + "Split DNS!", r + "Split Tunnel List!",
                                          r + "PFS setting!", r + "FWTYPE!",
                                          r + "DHCP hostname for DDNS is: laptop-7.example.com!",
                                          "Received unsupported transaction mode attribute: 6"});
  CHECK(levels[4] == 1);  // unsupported: an [IKEv1] event, as the seed prints it
  CHECK(levels[0] == 5);
}

TEST_CASE("a client's DDNS host name is printed no longer than a DNS name") {
  std::vector<Attribute> req{Attribute::tlv(cfgattr::kDdnsHostname, Bytes(4000, 'a'))};
  auto lines = mode_config_request_lines(req);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text.size() < 320);
}

TEST_CASE("tunnelspecified sends the ACL's networks as Unity split-include entries") {
  test::Console c;
  c.run(
      "access-list SPLIT standard permit 192.0.2.0 255.255.255.0\n"
      "access-list SPLIT standard permit host 198.51.100.130\n"
      "group-policy GP internal\ngroup-policy GP attributes\nsplit-tunnel-policy tunnelspecified\n"
      "split-tunnel-network-list value SPLIT\nbanner value Line one\nbanner value Line two\npfs "
      "enable\nexit");
  ModeConfigInputs in{&c.cfg().group_policies.at("GP"), *config::Ipv4::parse("203.0.113.10"),
                      config::Mask::from_prefix(24), c.cfg().access_lists.at("SPLIT"), "x"};
  ModeConfigReply r = build_mode_config_reply(client_request(), in);
  const Attribute* split = find(r, cfgattr::kSplitInclude);
  REQUIRE(split);
  CHECK(split->data == Bytes{192, 0,  2,   0,   255, 255, 255, 0,   0, 0, 0, 0, 0, 0,
                             198, 51, 100, 130, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0});
  const std::string banner = "Line one\nLine two";
  CHECK(find(r, cfgattr::kBanner)->data == Bytes(banner.begin(), banner.end()));
  CHECK(find(r, cfgattr::kPfs)->value == 1);
}
}  // namespace mode_config_test
