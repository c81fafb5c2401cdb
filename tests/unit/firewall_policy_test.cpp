// build_policy: objects and groups resolved, ACEs expanded with their show access-list texts,
// NAT in the ASA's order, inspections, security-level defaults.
#include <catch2/catch.hpp>

#include "control/firewall/policy.hpp"
#include "tests/unit/firewall_fixture.hpp"

namespace firewall_policy_test {

using namespace rampart;
using namespace rampart::test;

TEST_CASE("interfaces: ASA default levels, devices, VPN device with a crypto map", "[firewall]") {
  auto cfg = small_firewall();
  config::CryptoMap map;
  map.name = "outside_map";
  map.interface = "outside";
  cfg.crypto.maps["outside_map"] = map;
  auto p = firewall::build_policy(cfg, device_of);
  REQUIRE(p.interfaces.size() == 3);
  const auto* out = p.interface("outside");
  const auto* in = p.interface("inside");
  REQUIRE(out);
  REQUIRE(in);
  CHECK(out->level == 0);
  CHECK(in->level == 100);
  CHECK(p.interface("dmz")->level == 50);
  CHECK(out->device == "eth0");
  CHECK(out->vpn == std::optional<std::string>("eth0-vpn"));
  CHECK(!in->vpn);
  CHECK(p.by_device("eth0-vpn") == out);
  CHECK(out->acl_in == std::optional<std::string>("outside_in"));
  CHECK(out->prefix == 24);
}

TEST_CASE("ACEs expand object-groups, nested, with show access-list texts", "[firewall]") {
  auto p = firewall::build_policy(small_firewall(), device_of);
  REQUIRE(p.acls.contains("outside_in"));
  const auto& acl = p.acls.at("outside_in");
  REQUIRE(acl.aces.size() == 3);
  CHECK(acl.aces[0].line == 1);
  CHECK(acl.aces[0].text == "extended permit tcp any object WEB eq www");
  REQUIRE(acl.aces[0].lines.size() == 1);
  CHECK(acl.aces[0].lines[0].text == "extended permit tcp any host 198.51.100.10 eq www");
  CHECK(firewall::contains(acl.aces[0].lines[0].destination, 0xc633640a));
  CHECK(!firewall::contains(acl.aces[0].lines[0].destination, 0xc633640b));
  CHECK(acl.aces[0].lines[0].destination_ports == firewall::PortSet{{80, 80}});
  // The remark took line 2.
  const auto& logged = acl.aces[1];
  CHECK(logged.line == 3);
  CHECK(logged.log);
  CHECK(logged.text ==
        "extended permit tcp any object-group DMZ-HOSTS eq https log informational interval 300");
  REQUIRE(logged.lines.size() == 3);
  CHECK(logged.lines[0].text ==
        "extended permit tcp any host 198.51.100.10 eq https log informational interval 300");
  CHECK(logged.lines[1].text ==
        "extended permit tcp any host 198.51.100.11 eq https log informational interval 300");
  CHECK(logged.lines[2].text ==
        "extended permit tcp any host 198.51.100.25 eq https log informational interval 300");
  CHECK(acl.aces[2].text == "extended deny ip any any");
  CHECK(!acl.aces[2].permit);
  // Stable, distinct hashes.
  auto again = firewall::build_policy(small_firewall(), device_of);
  CHECK(again.acls.at("outside_in").aces[0].hash == acl.aces[0].hash);
  CHECK(acl.aces[0].hash != acl.aces[1].hash);
}

TEST_CASE("service groups, protocol groups and icmp-type groups expand", "[firewall]") {
  auto cfg = small_firewall();
  config::ServiceObject dns;
  dns.name = "DNS";
  dns.protocol = "tcp-udp";
  dns.destination = eq(53);
  cfg.firewall.service_objects["DNS"] = dns;
  config::ObjectGroup svc;
  svc.name = "SVC";
  svc.kind = config::ObjectGroup::Kind::Service;
  svc.members.push_back({config::ObjectGroupMember::Kind::Object, {}, {}, "DNS", "", {}, {}});
  svc.members.push_back({config::ObjectGroupMember::Kind::Service, {}, {}, "", "tcp", {}, eq(25)});
  cfg.firewall.object_groups["SVC"] = svc;
  config::ObjectGroup icmp;
  icmp.name = "PINGS";
  icmp.kind = config::ObjectGroup::Kind::IcmpType;
  icmp.members.push_back({config::ObjectGroupMember::Kind::IcmpType, {}, {}, "echo", "", {}, {}});
  icmp.members.push_back(
      {config::ObjectGroupMember::Kind::IcmpType, {}, {}, "echo-reply", "", {}, {}});
  cfg.firewall.object_groups["PINGS"] = icmp;
  auto& acl = cfg.access_lists["outside_in"];
  auto with_service = ace(true, "", any_a(), object_a("MAIL"));
  with_service.service = config::AclAddress{config::AclAddress::Kind::Group, {}, {}, "SVC"};
  acl.entries.insert(acl.entries.begin(), with_service);
  auto pings = ace(true, "icmp", any_a(), any_a());
  pings.icmp_type = "object-group PINGS";
  acl.entries.insert(acl.entries.begin(), pings);
  auto p = firewall::build_policy(cfg, device_of);
  const auto& aces = p.acls.at("outside_in").aces;
  REQUIRE(aces[0].lines.size() == 2);
  CHECK(aces[0].lines[0].text == "extended permit icmp any any echo");
  CHECK(aces[0].lines[0].icmp_type == 8);
  CHECK(aces[0].lines[1].icmp_type == 0);
  REQUIRE(aces[1].lines.size() == 3);
  CHECK(aces[1].text == "extended permit object-group SVC any object MAIL");
  CHECK(aces[1].lines[0].text == "extended permit tcp any host 198.51.100.25 eq domain");
  CHECK(aces[1].lines[1].text == "extended permit udp any host 198.51.100.25 eq domain");
  CHECK(aces[1].lines[1].protocol == 17);
  CHECK(aces[1].lines[2].text == "extended permit tcp any host 198.51.100.25 eq smtp");
}

TEST_CASE("an ACE naming a missing object matches nothing and is reported", "[firewall]") {
  auto cfg = small_firewall();
  cfg.access_lists["outside_in"].entries.insert(cfg.access_lists["outside_in"].entries.begin(),
                                                ace(true, "ip", any_a(), object_a("NOPE")));
  auto p = firewall::build_policy(cfg, device_of);
  CHECK(p.acls.at("outside_in").aces[0].lines.empty());
  bool reported = false;
  for (const auto& l : p.not_enforced) reported = reported || l.find("NOPE") != std::string::npos;
  CHECK(reported);
}

TEST_CASE("NAT order: section 1, then statics before dynamics by size, address, name, then 3",
          "[firewall]") {
  using K = config::NetworkObject::Kind;
  auto cfg = small_firewall();
  // A second dynamic rule with fewer real addresses than LAN, and a static with more.
  auto& few = add_object(cfg, "FEW", K::Range, "192.0.2.16", "192.0.2.19");
  config::ObjectNat d;
  d.real_if = "inside";
  d.mapped_if = "outside";
  few.nat = d;
  auto& big = add_object(cfg, "ZBIG", K::Subnet, "198.51.100.0", "255.255.255.0");
  config::ObjectNat s;
  s.real_if = "dmz";
  s.mapped_if = "outside";
  s.type = config::ObjectNat::Type::Static;
  s.mapped_kind = config::ObjectNat::Mapped::Object;
  s.mapped = "ZBIG";  // identity
  big.nat = s;
  auto& a2 = add_object(cfg, "A2", K::Host, "198.51.100.10");  // same address as WEB
  auto s2 = s;
  s2.mapped_kind = config::ObjectNat::Mapped::Address;
  s2.mapped = "203.0.113.11";
  a2.nat = s2;
  config::TwiceNat exempt;
  exempt.real_if = "inside";
  exempt.mapped_if = "outside";
  exempt.source_real = exempt.source_mapped = "LAN";
  exempt.destination_mapped = exempt.destination_real = "VPN-POOL";
  cfg.firewall.twice_nat.push_back(exempt);
  config::TwiceNat off = exempt;
  off.inactive = true;
  cfg.firewall.twice_nat.push_back(off);
  config::TwiceNat late;
  late.real_if = "inside";
  late.mapped_if = "outside";
  late.source_type = config::TwiceNat::Type::Dynamic;
  late.source_real = "any";
  late.source_mapped = "interface";
  cfg.firewall.after_auto.push_back(late);
  auto p = firewall::build_policy(cfg, device_of);
  std::vector<std::string> order;
  for (const auto& r : p.nat) order.push_back(std::to_string(r.section) + ":" + r.text);
  CHECK(order == std::vector<std::string>{
                     "1:static LAN LAN destination static VPN-POOL VPN-POOL",
                     "2:static A2 203.0.113.11",
                     "2:static WEB 203.0.113.10",
                     "2:static ZBIG ZBIG",
                     "2:dynamic FEW interface",
                     "2:dynamic LAN interface",
                     "3:dynamic any interface",
                 });
  CHECK(p.nat[0].identity);
  CHECK(p.nat[0].line == 1);
  CHECK(p.nat[1].line == 1);
  CHECK(p.nat[5].line == 5);
  CHECK(p.nat[3].identity);
  CHECK(!p.nat[1].identity);
  CHECK(p.nat[4].pat);
  CHECK(p.nat[4].interface_pat);
  CHECK(p.nat[4].mapped_source.empty());
  CHECK(p.nat[2].mapped_source == firewall::AddressSet{{0xcb00710a, 0xcb00710a}});
  CHECK(p.nat[6].section == 3);
  CHECK(p.nat[6].real_source == firewall::any_address());
}

TEST_CASE("inspections, timeouts and what is not enforced", "[firewall]") {
  auto cfg = small_firewall();
  config::ClassMap cm;
  cm.name = "inspection_default";
  cm.match = "default-inspection-traffic";
  cfg.firewall.class_maps[cm.name] = cm;
  config::PolicyMap pm;
  pm.name = "global_policy";
  pm.classes.push_back({"inspection_default", {"dns preset_dns_map", "ftp", "h323 h225", "rtsp"}});
  cfg.firewall.policy_maps[pm.name] = pm;
  cfg.firewall.service_policies.push_back({"global_policy", ""});
  cfg.firewall.timeouts["conn"] = 7200;
  cfg.firewall.same_security_inter = true;
  cfg.management.permit_vpn = false;
  auto p = firewall::build_policy(cfg, device_of);
  CHECK(p.inspections == std::vector<std::string>{"dns", "ftp", "h323 h225", "rtsp"});
  CHECK(p.inspects("ftp"));
  CHECK(p.inspects("h323"));
  CHECK(!p.inspects("icmp"));
  CHECK(p.conn_timeout == 7200);
  CHECK(p.udp_timeout == 120);
  CHECK(p.half_closed_timeout == 600);
  CHECK(p.same_security_inter);
  CHECK(!p.permit_vpn);
  bool rtsp = false, ftp = false;
  for (const auto& l : p.not_enforced) {
    rtsp = rtsp || l.starts_with("inspect rtsp");
    ftp = ftp || l.starts_with("inspect ftp");
  }
  CHECK(rtsp);
  CHECK(!ftp);
}

TEST_CASE("vpn-filters bind their ACLs", "[firewall]") {
  auto cfg = small_firewall();
  config::GroupPolicy gp;
  gp.name = "RA";
  gp.vpn_filter = "outside_in";
  cfg.group_policies["RA"] = gp;
  auto p = firewall::build_policy(cfg, device_of);
  CHECK(p.vpn_filters.at("RA") == "outside_in");
}
}  // namespace firewall_policy_test
