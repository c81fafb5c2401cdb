// Seed 004 (PIX 6.3(3)) loaded whole: every line applies, converts with one notice, or is
// reported as unsupported with its line number; the ASA model comes out as the ASA converts it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "tests/unit/session_helpers.hpp"

using namespace rampart;

namespace {

std::string seed004() {
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) + "/tests/fixtures/seed004-pix63.cfg");
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("seed 004 loads with a notice or a report for every PIX line") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report = app.replace_config(seed004());
  auto input = lines_of(seed004());
  auto out = lines_of(report);
  // No line failed to parse.
  for (const auto& l : out) CHECK_FALSE(l.starts_with("ERROR"));
  // Each non-VPN line is reported with its own line number.
  auto reported = [&](size_t n) {
    // The SNMP community is a secret: the report masks it.
    std::string shown = input[n - 1] == "snmp-server community public"
                            ? "snmp-server community *****"
                            : input[n - 1];
    std::string tag = fmt::format("WARNING: line {}: \"{}\" is not supported", n, shown);
    for (const auto& l : out)
      if (l.starts_with(tag)) return true;
    return false;
  };
  size_t unsupported = 0;
  for (size_t n = 1; n <= input.size(); ++n) {
    const std::string& l = input[n - 1];
    bool non_vpn = l.starts_with("fixup") || l.starts_with("ip audit") ||
                   l.starts_with("failover") || l.starts_with("no failover") ||
                   l.starts_with("pdm") || l.starts_with("arp") || l.starts_with("access-group") ||
                   l.starts_with("timeout") || l.starts_with("aaa authentication include") ||
                   l.starts_with("snmp-server") || l.starts_with("no snmp-server") ||
                   l.starts_with("floodguard") || l.starts_with("telnet");
    if (non_vpn) {
      INFO(l);
      CHECK(reported(n));
      ++unsupported;
    }
  }
  CHECK(unsupported == 36);
  // One notice per converted PIX command.
  auto notices = [&](std::string_view prefix) {
    size_t k = 0;
    for (const auto& l : out)
      if (l.starts_with(fmt::format("INFO: PIX command converted: {}", prefix))) ++k;
    return k;
  };
  CHECK(notices("isakmp policy") == 10);
  CHECK(notices("nameif ethernet") == 2);
  CHECK(notices("ip address ") == 2);
  CHECK(notices("vpngroup vpn3000") == 3);
  CHECK(notices("isakmp key ***** address 0.0.0.0 netmask 0.0.0.0") == 1);
  CHECK(notices("interface ethernet") == 2);
  CHECK(notices("sysopt connection permit-ipsec") == 1);
  // Translation (slice B): the pair nat 1 + global 1, the exemption, the static.
  CHECK(notices("nat (inside) 1 0.0.0.0 0.0.0.0 0 0 + global (outside) 1 ") == 1);
  CHECK(notices("nat (inside) 0 access-list 101") == 1);
  CHECK(notices("static (inside,outside) 192.168.1.11 10.89.129.131") == 1);
  CHECK(report.find("cisco1234") == std::string::npos);  // the key is never echoed
  CHECK(report.find("vpn3000-secret") == std::string::npos);
  CHECK(report.find("community public") == std::string::npos);
}

TEST_CASE("seed 004 becomes the ASA model") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  app.replace_config(seed004());
  const config::Config& c = app.config();
  CHECK(c.system.hostname == "pixfirewall");
  const auto& out = c.interfaces.at("GigabitEthernet0/0");
  CHECK(out.nameif == "outside");
  CHECK(out.security_level == 0);
  CHECK(out.address->str() == "192.168.1.1");
  CHECK_FALSE(out.shutdown);
  CHECK(out.speed == "100");
  CHECK(out.duplex == "full");
  CHECK(c.interfaces.at("GigabitEthernet0/1").security_level == 100);
  REQUIRE(c.crypto.policies.size() == 2);
  CHECK(c.crypto.policies.at(10) == config::IsakmpPolicy{10, "pre-share", "des", "md5", 2, 86400});
  CHECK(c.crypto.policies.at(20) == config::IsakmpPolicy{20, "pre-share", "des", "md5", 1, 86400});
  CHECK(c.crypto.isakmp_enabled.contains("outside"));
  CHECK(c.crypto.identity == "address");
  CHECK(c.crypto.transform_sets.at("myset").transforms ==
        std::vector<std::string>{"esp-des", "esp-md5-hmac"});
  const auto& map = c.crypto.maps.at("mymap");
  CHECK(map.entries.at(10).dynamic_map == "dynmap");
  CHECK(map.client_config_initiate);
  CHECK(map.client_config_respond);
  CHECK(map.client_authentication == "AuthInbound");
  CHECK(map.interface == "outside");
  // The wildcard key serves every peer through DefaultRAGroup, whose sessions pass XAUTH (on the
  // PIX the crypto map's client authentication applied to every peer using the key); without
  // no-xauth it never becomes a LAN-to-LAN key that skips XAUTH.
  CHECK(c.tunnel_groups.at("DefaultRAGroup").ipsec.pre_shared_key->reveal() == "cisco1234");
  CHECK(!c.tunnel_groups.at("DefaultRAGroup").ipsec.xauth_disabled);
  CHECK((!c.tunnel_groups.contains("DefaultL2LGroup") ||
         !c.tunnel_groups.at("DefaultL2LGroup").ipsec.pre_shared_key));
  CHECK(c.tunnel_groups.at("DefaultRAGroup").general.address_pools ==
        std::vector<std::string>{"VPNpool"});
  // vpngroup vpn3000 -> tunnel-group + group-policy of the same name.
  const auto& tg = c.tunnel_groups.at("vpn3000");
  CHECK(tg.type == "remote-access");
  CHECK(tg.general.address_pools == std::vector<std::string>{"VPNpool"});
  CHECK(tg.general.default_group_policy == "vpn3000");
  CHECK(tg.ipsec.pre_shared_key->reveal() == "vpn3000-secret");
  CHECK(c.group_policies.at("vpn3000").vpn_idle_timeout == 30);  // 1800 s
  CHECK(c.pools.at("VPNpool").first.str() == "10.89.129.200");
  CHECK(c.management.permit_vpn);
  CHECK(c.aaa_servers.at("AuthInbound").hosts.at(0).key->reveal() == "secretkey");
  CHECK(c.aaa_servers.at("AuthInbound").hosts.at(0).timeout == 10);
  CHECK(c.access_lists.at("101").entries.size() == 1);
  CHECK(c.routes.size() == 2);
  CHECK(c.system.enable_password->kind == "encrypted");
}
