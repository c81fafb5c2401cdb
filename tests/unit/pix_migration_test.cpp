// Seed 004 (PIX 6.3(3)) loaded whole: every line applies, converts with one notice, or is
// reported as unsupported with its line number; the ASA model comes out as the ASA converts it.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "tests/unit/session_helpers.hpp"

namespace pix_migration_test {

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
    std::string tag = fmt::format("WARNING: line {}: \"{}\" is not supported", n, input[n - 1]);
    for (const auto& l : out)
      if (l.starts_with(tag)) return true;
    return false;
  };
  size_t unsupported = 0;
  for (size_t n = 1; n <= input.size(); ++n) {
    const std::string& l = input[n - 1];
    bool no_effect = l.starts_with("ip audit") || l.starts_with("failover") ||
                     l.starts_with("no failover") || l.starts_with("pdm") ||
                     l.starts_with("aaa authentication include") || l.starts_with("floodguard") ||
                     l.starts_with("telnet");
    if (no_effect) {
      INFO(l);
      CHECK(reported(n));
      ++unsupported;
    }
    // What has no meaning here says why, line by line, not "not a VPN function".
    if (no_effect) {
      for (const auto& o : out)
        if (o.find("\"" + l + "\"") != std::string::npos)
          CHECK(o.find("not a VPN function") == std::string::npos);
    }
  }
  CHECK(unsupported == 13);  // global, nat and static convert (slice B)
  // The snmp-server lines are applied (the SNMP agent is snmpd, cli/commands/snmp.cpp), and
  // nothing reports the community.
  CHECK(app.config().snmp.community);
  CHECK(report.find("public") == std::string::npos);
  // Firewall lines are applied or converted, never reported.
  for (const auto& o : out) {
    INFO(o);
    for (std::string_view kw : {"\"fixup", "\"access-group", "\"timeout", "\"arp"})
      CHECK(o.find(kw) == std::string::npos);
  }
  CHECK(report.find("WARNING: line 67: \"floodguard enable\" is not supported (PIX AAA flood "
                    "guard; the ASA dropped it for connection limits") != std::string::npos);
  CHECK(report.find("WARNING: line 42: \"pdm history enable\" is not supported (no PIX Device "
                    "Manager: this box is managed from its CLI); ignored") != std::string::npos);
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
  CHECK(notices("fixup protocol") == 13);
  CHECK(notices("timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 rpc 0:10:00 h225 1:00:00 "
                "-> timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 sunrpc 0:10:00") == 1);
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
  using config::IkeAuthentication, config::IkeEncryption, config::IkeHash;
  CHECK(c.crypto.policies.at(10) == config::IsakmpPolicy{10, IkeAuthentication::PreShare,
                                                         IkeEncryption::Des, IkeHash::Md5, 2,
                                                         86400});
  CHECK(c.crypto.policies.at(20) == config::IsakmpPolicy{20, IkeAuthentication::PreShare,
                                                         IkeEncryption::Des, IkeHash::Md5, 1,
                                                         86400});
  CHECK(c.crypto.isakmp_enabled.contains("outside"));
  CHECK(c.crypto.identity == "address");
  CHECK(c.crypto.transform_sets.at("myset").encryption == config::EspEncryption::Des);
  CHECK(c.crypto.transform_sets.at("myset").integrity == config::EspIntegrity::Md5);
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
  CHECK(c.aaa_servers.at("AuthInbound").hosts.at(0).interface == "inside");
  CHECK(c.aaa_servers.at("AuthInbound").protocol == "tacacs+");
  // "crypto map mymap client authentication AuthInbound" comes before the isakmp key and the
  // vpngroup lines that create the tunnel-groups: they get the server group when they come.
  CHECK(c.tunnel_groups.at("vpn3000").general.authentication_server_group == "AuthInbound");
  CHECK(c.tunnel_groups.at("DefaultRAGroup").general.authentication_server_group == "AuthInbound");
  CHECK(c.access_lists.at("101").entries.size() == 1);
  CHECK(c.routes.size() == 2);
  CHECK(c.system.enable_password->kind == "encrypted");
}

TEST_CASE("seed 004's firewall lines are applied: access-group, fixups, timeouts, arp") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report = app.replace_config(seed004());
  const auto& fw = app.config().firewall;
  REQUIRE(fw.access_groups.size() == 1);
  CHECK(fw.access_groups[0] ==
        config::AccessGroup{"120", config::AccessGroup::Direction::In, "outside"});
  // Every fixup became an inspect of the default class, the dns one with its message length.
  REQUIRE(fw.service_policies.size() == 1);
  CHECK(fw.service_policies[0] == config::ServicePolicy{"global_policy", ""});
  CHECK(fw.class_maps.at("inspection_default").match == "default-inspection-traffic");
  CHECK(fw.policy_maps.at("preset_dns_map").parameters ==
        std::vector<std::string>{"message-length maximum 512"});
  const auto& classes = fw.policy_maps.at("global_policy").classes;
  REQUIRE(classes.size() == 1);
  CHECK(classes[0].inspects == std::vector<std::string>{"dns preset_dns_map", "ftp", "h323 h225",
                                                        "h323 ras", "http", "rsh", "rtsp", "sip",
                                                        "skinny", "esmtp", "sqlnet", "tftp"});
  CHECK(report.find("INFO: PIX command converted: fixup protocol dns maximum-length 512 -> "
                    "policy-map type inspect dns preset_dns_map / parameters / message-length "
                    "maximum 512 / class-map inspection_default / match "
                    "default-inspection-traffic / policy-map global_policy / class "
                    "inspection_default / inspect dns preset_dns_map / service-policy "
                    "global_policy global\n") != std::string::npos);
  CHECK(report.find("INFO: PIX command converted: fixup protocol smtp 25 -> policy-map "
                    "global_policy / class inspection_default / inspect esmtp\n") !=
        std::string::npos);
  // The seed's timeouts are the ASA's defaults; rpc is sunrpc.
  CHECK(config::timeout_seconds(fw, "sunrpc") == 600);
  CHECK(config::timeout_seconds(fw, "h225") == 3600);
  CHECK(fw.uauth_absolute);
  CHECK(app.config().system.arp_timeout == 14400);
  std::string run = cli::render_running_config(app.config(), cli::RenderOptions{});
  // NAT sits between arp timeout and access-group, as the ASA prints it (slice B).
  CHECK(run.find("arp timeout 14400\nnat (inside,outside) source static obj-10.89.129.128 "
                 "obj-10.89.129.128 destination static obj-10.89.129.192 obj-10.89.129.192 "
                 "no-proxy-arp route-lookup\n!\nobject network obj_any\n nat (inside,outside) "
                 "dynamic obj-192.168.1.6-192.168.1.10\nobject network obj-10.89.129.131\n nat "
                 "(inside,outside) static 192.168.1.11\naccess-group 120 in interface outside\n"
                 "route ") != std::string::npos);
  CHECK(run.find("timeout sunrpc 0:10:00 h323 0:05:00 h225 1:00:00 mgcp 0:05:00") !=
        std::string::npos);
}

TEST_CASE("fixup on another port, and no fixup") {
  test::Console c;
  c.cfg().firewall = {};
  CHECK(c.run("fixup protocol ftp 2121") ==
        "INFO: PIX command converted: fixup protocol ftp 2121 -> class-map inspection_ftp_2121 / "
        "match port tcp eq 2121 / policy-map global_policy / class inspection_ftp_2121 / inspect "
        "ftp / service-policy global_policy global\n");
  CHECK(c.run("fixup protocol h323 ras 1718-1720") ==
        "INFO: PIX command converted: fixup protocol h323 ras 1718-1720 -> class-map "
        "inspection_h323_1718-1720 / match port udp range 1718 1720 / policy-map global_policy / "
        "class inspection_h323_1718-1720 / inspect h323 ras\n");
  CHECK(c.run("fixup protocol tftp 69") ==
        "INFO: PIX command converted: fixup protocol tftp 69 -> class-map inspection_default / "
        "match default-inspection-traffic / policy-map global_policy / class inspection_default "
        "/ inspect tftp\n");
  CHECK(c.run("no fixup protocol tftp") ==
        "INFO: PIX command converted: no fixup protocol tftp -> policy-map global_policy / class "
        "inspection_default / no inspect tftp\n");
  CHECK(c.run("no fixup protocol ftp 2121") ==
        "INFO: PIX command converted: no fixup protocol ftp 2121 -> policy-map global_policy / "
        "class inspection_ftp_2121 / no inspect ftp\n");
  auto& pm = c.cfg().firewall.policy_maps.at("global_policy");
  CHECK(pm.classes.at(0).inspects.empty());
  CHECK(pm.classes.at(1).inspects == std::vector<std::string>{"h323 ras"});
  CHECK(c.section({"class-map"}) ==
        "class-map inspection_ftp_2121\n match port tcp eq 2121\n"
        "class-map inspection_h323_1718-1720\n match port udp range 1718 1720\n"
        "class-map inspection_default\n match default-inspection-traffic\n");
  auto before = c.app.counters().invalid_input;
  CHECK(c.run("fixup protocol gopher 70") ==
        std::string(sizeof("rampart(config)# ") - 1 + 15, ' ') +
            "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(c.run("fixup protocol ftp 0") == std::string(sizeof("rampart(config)# ") - 1 + 19, ' ') +
                                             "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(c.app.counters().invalid_input == before + 2);
}

TEST_CASE("no fixup with the protocol alone, and a fixup cut short") {
  test::Console c;
  CHECK(c.run("no fixup protocol tftp")
            .starts_with("INFO: PIX command converted: no fixup "
                         "protocol tftp -> policy-map global_policy"));
  CHECK(c.run("no fixup protocol h323") ==
        std::string(sizeof("rampart(config)# ") - 1 + 18, ' ') +
            "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(c.run("fixup protocol icmp error").starts_with("INFO: PIX command converted"));
}

TEST_CASE("seed 004's TACACS+ server: the key wrapped onto its own line in the seed's text",
          "[aaa-cli]") {
  // The seed document prints "aaa-server AuthInbound (inside) host 10.89.129.134" and, after
  // a page break, "secretkey timeout 10": one PIX line, the key and timeout its last words.
  // The fixture joins them, as the configuration was; joined, it loads with both.
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report = app.replace_config(seed004());
  CHECK(report.find("secretkey") == std::string::npos);
  const auto& host = app.config().aaa_servers.at("AuthInbound").hosts.at(0);
  CHECK(host.key->reveal() == "secretkey");
  CHECK(host.timeout == 10);
  std::string run = cli::render_running_config(app.config(), cli::RenderOptions{});
  CHECK(run.find("aaa-server AuthInbound protocol tacacs+\naaa-server AuthInbound (inside) host "
                 "10.89.129.134\n timeout 10\n key *****\n") != std::string::npos);
  CHECK(run.find("tunnel-group vpn3000 general-attributes\n address-pool VPNpool\n "
                 "authentication-server-group AuthInbound\n") != std::string::npos);
  // Left on its own line, the continuation is refused by number: no stray word becomes a key.
  std::string wrapped =
      "aaa-server AuthInbound protocol tacacs+\n"
      "aaa-server AuthInbound (inside) host 10.89.129.134\n"
      "secretkey timeout 10\n";
  cli::Appliance other(sys);
  report = other.replace_config(wrapped);
  CHECK(report.find("ERROR: line 3:") != std::string::npos);
}

TEST_CASE("isakmp policy reads PIX 6.3 words and writes the ASA's", "[algorithms]") {
  test::Console c;
  CHECK(c.run("isakmp policy 10 encryption aes-256") ==
        "INFO: PIX command converted: isakmp policy 10 encryption aes-256 -> crypto ikev1 policy "
        "10 / encryption aes-256\n");
  CHECK(c.run("isakmp policy 10 hash sha") ==
        "INFO: PIX command converted: isakmp policy 10 hash sha -> crypto ikev1 policy 10 / hash "
        "sha\n");
  CHECK(c.run("isakmp policy 10 group 5").ends_with("-> crypto ikev1 policy 10 / group 5\n"));
  CHECK(c.run("isakmp policy 10 authentication pre-share")
            .ends_with("-> crypto ikev1 policy 10 / authentication pre-share\n"));
  const auto& p = c.cfg().crypto.policies.at(10);
  CHECK(p.encryption == config::IkeEncryption::Aes256);
  CHECK(p.hash == config::IkeHash::Sha1);
  CHECK(p.group == 5);
  CHECK(p.authentication == config::IkeAuthentication::PreShare);
  // SHA-2 and group 14 came with the ASA; a PIX 6.3 line never had them. The marker is under
  // the word, and the policy is left as it was.
  auto before = c.app.counters().invalid_input;
  const std::string marker = "^\nERROR: % Invalid input detected at '^' marker.\n";
  const size_t prompt = sizeof("rampart(config)# ") - 1;
  CHECK(c.run("isakmp policy 10 hash sha256") ==
        std::string(prompt + sizeof("isakmp policy 10 hash ") - 1, ' ') + marker);
  CHECK(c.run("isakmp policy 10 group 14") ==
        std::string(prompt + sizeof("isakmp policy 10 group ") - 1, ' ') + marker);
  CHECK(c.run("isakmp policy 10 encryption blowfish") ==
        std::string(prompt + sizeof("isakmp policy 10 encryption ") - 1, ' ') + marker);
  CHECK(c.app.counters().invalid_input == before + 3);
  CHECK(c.cfg().crypto.policies.at(10).hash == config::IkeHash::Sha1);
  CHECK(c.cfg().crypto.policies.at(10).group == 5);
}

TEST_CASE("an ASA running configuration's lines for functions this box lacks are reported") {
  // Lines of an ASA 9.x "show running-config" (most are its defaults): a pasted configuration
  // reports each with why, and none changes the model.
  const std::vector<std::string> lines = {
      "no mac-address auto",
      "ftp mode passive",
      "icmp unreachable rate-limit 1 burst-size 1",
      "no asdm history enable",
      "asdm image disk0:/asdm-782.bin",
      "no arp permit-nonconnected",
      "arp rate-limit 16384",
      "user-identity default-domain LOCAL",
      "http server enable",
      "http 192.0.2.0 255.255.255.0 inside",
      "service sw-reset-button",
      "crypto ipsec security-association pmtu-aging infinite",
      "crypto ca trustpool policy",
      "ssh stricthostkeycheck",
      "ssh key-exchange group dh-group1-sha1",
      "threat-detection basic-threat",
      "threat-detection statistics access-list",
      "no threat-detection statistics tcp-intercept",
      "dynamic-access-policy-record DfltAccessPolicy",
      "prompt hostname context",
      "no call-home reporting anonymous",
      "call-home",
      "timeout conn-holddown 0:00:15",
      "timeout igp stale-route 0:01:10",
  };
  test::Console c;
  const std::string before = c.run("show running-config");
  for (const auto& l : lines) {
    INFO(l);
    std::string out = c.run(l);
    CHECK(out.find("\"" + l + "\" is not supported (") != std::string::npos);
    CHECK(out.starts_with("WARNING: line "));
  }
  CHECK(c.run("show running-config") == before);
  // The commands these share words with still work.
  CHECK(c.run("timeout conn 2:00:00") == "");
  CHECK(c.run("ssh timeout 10") == "");
  CHECK(c.run("arp timeout 3600") == "");
  CHECK(c.run("crypto ipsec security-association lifetime seconds 3600") == "");
}
}  // namespace pix_migration_test
