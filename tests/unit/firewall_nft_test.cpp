// nft_ruleset: the script for small policies, and every generated script accepted by the
// real nftables parser and kernel (libnftables' dry run: checked, never applied).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>

#include "control/firewall/nft_ruleset.hpp"
#include "platform/nftables.hpp"
#include "tests/unit/firewall_fixture.hpp"

namespace firewall_nft_test {

using namespace rampart;
using namespace rampart::test;

namespace {

bool has(const std::string& script, std::string_view text) {
  return script.find(text) != std::string::npos;
}

// The dry run needs CAP_NET_ADMIN (it talks to the kernel); without it the check is skipped
// with a warning rather than failed, as the unit suite also runs unprivileged.
void accepted_by_nft(const std::string& script) {
  if (::geteuid() != 0) {
    WARN("not root: the nftables dry run is skipped");
    return;
  }
  auto nft = platform::Nftables::open();
  REQUIRE(nft);
  if (std::getenv("RAMPART_DUMP_NFT")) std::fputs(script.c_str(), stderr);
  auto r = nft->check(script);
  if (!r) FAIL(r.error());
}

}  // namespace

namespace {

// small_firewall() with a crypto map on outside and group-policy RA filtering by outside_in.
config::Config vpn_firewall() {
  auto cfg = small_firewall();
  config::CryptoMap map;
  map.name = "outside_map";
  map.interface = "outside";
  cfg.crypto.maps["outside_map"] = map;
  config::GroupPolicy gp;
  gp.name = "RA";
  gp.vpn_filter = "outside_in";
  cfg.group_policies["RA"] = gp;
  return cfg;
}

}  // namespace

TEST_CASE("nft: one table replaced in one buffer, forward policy drop", "[firewall][nft]") {
  auto p = firewall::build_policy(small_firewall(), device_of);
  auto rs = firewall::compile_ruleset(p);
  const auto& s = rs.script;
  CHECK(
      s.starts_with("add table ip rampart_fw\ndelete table ip rampart_fw\ntable ip rampart_fw {"));
  CHECK(has(s, "type filter hook forward priority filter; policy drop;"));
  CHECK(has(s, "meta l4proto != icmp ct state established,related accept"));
  // The ACL's lines, each with its own counter, and its deny logging 106023.
  CHECK(has(s, "ip daddr { 198.51.100.10 } tcp dport { 80 } counter name acl_0_1_0 return"));
  CHECK(has(s, "counter name acl_0_3_2 goto pl_0_3"));
  CHECK(has(s, "log group 1 prefix \"106100 outside_in 3 \""));
  CHECK(has(s, "counter name acl_0_4_0 goto dn_0"));
  CHECK(has(s, "log group 1 prefix \"106023 outside_in \""));
  CHECK(rs.counters.at("acl_0_3_1").key == "outside_in/3/1");
  CHECK(rs.counters.at("acl_0_3_1").text ==
        "extended permit tcp any host 198.51.100.11 eq https log informational interval 300");
  // Static NAT both ways, PAT on the interface address, proxy ARP for the mapped address.
  CHECK(has(s,
            "iifname { \"eth0\" } ip daddr { 203.0.113.10 } counter name natr_2_1 dnat to "
            "198.51.100.10"));
  CHECK(has(s,
            "iifname { \"eth2\" } oifname { \"eth0\" } ip saddr { 198.51.100.10 } counter "
            "name nat_2_1 snat to 203.0.113.10"));
  CHECK(has(s,
            "iifname { \"eth1\" } oifname { \"eth0\" } ip saddr { 192.0.2.0/24 } counter "
            "name nat_2_2 snat to 203.0.113.1"));
  CHECK(has(s,
            "ip daddr 192.0.2.1 iifname != { \"eth1\", \"lo\" } counter name "
            "asp_wrong_interface drop"));
  REQUIRE(rs.proxy_arp.size() == 1);
  CHECK(rs.proxy_arp[0].device == "eth0");
  CHECK(has(s, "ip daddr { 203.0.113.10 } counter name asp_mapped_to_box drop"));
  CHECK(rs.counters.at("asp_mapped_to_box").kind == firewall::CounterInfo::Kind::Drop);
  accepted_by_nft(s);
}

TEST_CASE("nft: security levels without ACLs log 106001/106006/106014", "[firewall][nft]") {
  auto cfg = small_firewall();
  cfg.firewall.access_groups.clear();
  auto p = firewall::build_policy(cfg, device_of);
  auto s = firewall::compile_ruleset(p).script;
  CHECK(has(s, "log group 1 prefix \"106001 - \""));
  CHECK(has(s, "log group 1 prefix \"106006 - \""));
  CHECK(has(s, "log group 1 prefix \"106014 - \""));
  // outside (0) -> inside (100): lower to higher, denied by level.
  CHECK(has(s, "chain p_0_1 {\n\t\tgoto level_deny\n"));
  // inside (100) -> outside (0): permitted.
  CHECK(has(s, "chain p_1_0 {\n\t\taccept\n"));
  // Hairpin without same-security-traffic intra.
  CHECK(has(s, "chain p_1_1 {\n\t\tcounter name asp_sp_security_failed drop\n"));
  accepted_by_nft(s);
}

TEST_CASE("nft: inspections assign conntrack helpers; icmp becomes stateful", "[firewall][nft]") {
  auto cfg = small_firewall();
  config::PolicyMap pm;
  pm.name = "global_policy";
  pm.classes.push_back(
      {"inspection_default",
       {"ftp", "tftp", "sip", "h323 h225", "h323 ras", "icmp", "rtsp", "pptp", "netbios", "snmp"}});
  cfg.firewall.policy_maps[pm.name] = pm;
  cfg.firewall.service_policies.push_back({"global_policy", ""});
  auto s = firewall::compile_ruleset(firewall::build_policy(cfg, device_of)).script;
  CHECK(has(s, "ct helper ftp { type \"ftp\" protocol tcp; l3proto ip; }"));
  CHECK(has(s, "ct state new tcp dport 21 ct helper set \"ftp\""));
  CHECK(has(s, "ct state new udp dport 1719 ct helper set \"ras\""));
  CHECK(has(s, "ct state established accept"));
  CHECK(!has(s, "rtsp"));
  accepted_by_nft(s);
}

TEST_CASE("nft: VPN devices, vpn-filter sets, global and out ACLs, twice NAT", "[firewall][nft]") {
  auto cfg = vpn_firewall();
  config::AccessList g;
  g.name = "global_acl";
  g.entries.push_back(ace(true, "icmp", any_a(), any_a()));
  cfg.access_lists["global_acl"] = g;
  cfg.firewall.access_groups.push_back({"global_acl", config::AccessGroup::Direction::Global, ""});
  cfg.firewall.access_groups.push_back({"global_acl", config::AccessGroup::Direction::Out, "dmz"});
  config::TwiceNat exempt;
  exempt.real_if = "inside";
  exempt.mapped_if = "outside";
  exempt.source_real = exempt.source_mapped = "LAN";
  exempt.destination_mapped = exempt.destination_real = "VPN-POOL";
  cfg.firewall.twice_nat.push_back(exempt);
  config::ServiceObject real, mapped;
  real.name = "HTTP";
  real.protocol = "tcp";
  real.destination = eq(80);
  mapped.name = "ALT";
  mapped.protocol = "tcp";
  mapped.destination = eq(8080);
  cfg.firewall.service_objects["HTTP"] = real;
  cfg.firewall.service_objects["ALT"] = mapped;
  config::TwiceNat fwd;
  fwd.real_if = "inside";
  fwd.mapped_if = "dmz";
  fwd.source_type = config::TwiceNat::Type::Dynamic;
  fwd.source_real = "LAN";
  fwd.source_mapped = "interface";
  fwd.destination_mapped = "MAIL";
  fwd.destination_real = "WEB";
  fwd.service_real = "HTTP";
  fwd.service_mapped = "ALT";
  cfg.firewall.twice_nat.push_back(fwd);
  auto p = firewall::build_policy(cfg, device_of);
  firewall::RulesetInputs in;
  in.vpn_clients["outside_in"] = {0xc00002c8};
  in.counters["acl_1_1_0"] = {7, 700};
  auto rs = firewall::compile_ruleset(p, in);
  const auto& s = rs.script;
  CHECK(firewall::vpn_filter_set(p, "outside_in") == "vpnf_0");
  CHECK(firewall::vpn_filter_set(p, "RA").empty());
  CHECK(has(s, "set vpnf_0 {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.200 }\n"));
  CHECK(has(s, "ip saddr @vpnf_0 jump acl_vf_1"));
  CHECK(has(s, "ip daddr @vpnf_0 jump acl_vr_1"));
  CHECK(has(s, "\"eth0-vpn\" : jump from_0v"));
  // The in ACL falls to the global ACL, whose end is the implicit deny.
  CHECK(has(s, "goto acl_gl_0"));
  CHECK(has(s, "jump acl_out_0"));
  CHECK(has(s, "counter acl_1_1_0 {\n\t\tpackets 7 bytes 700\n"));
  // NAT exemption: identity, first.
  CHECK(has(s,
            "ip saddr { 192.0.2.0/24 } ip daddr { 192.0.2.200-192.0.2.209 } counter name "
            "nat_1_1 accept"));
  CHECK(has(s, "tcp dport 8080 dnat to 198.51.100.10:80"));
  accepted_by_nft(s);
}

TEST_CASE("nft: icmp permit|deny on the input hook, first match, then the implicit deny",
          "[firewall][nft]") {
  auto cfg = small_firewall();
  cfg.firewall.icmp = {
      {.permit = true,
       .source = ip4("198.51.100.0"),
       .mask = {0xffffff00u},
       .type = 8,
       .nameif = "outside"},
      {.permit = false, .nameif = "outside"},
  };
  auto rs = firewall::compile_ruleset(firewall::build_policy(cfg, device_of));
  const auto& s = rs.script;
  const std::string to_box = "iifname { \"eth0\" } ip daddr 203.0.113.1 ip protocol icmp";
  const auto permit = s.find(to_box + " ip saddr 198.51.100.0/24 icmp type 8 accept");
  const auto deny = s.find(to_box + " goto icmp_deny");
  REQUIRE(permit != std::string::npos);
  REQUIRE(deny != std::string::npos);
  CHECK(permit < deny);
  CHECK(s.find(to_box + " goto icmp_deny", deny + 1) != std::string::npos);  // the implicit one
  // 313001 logged under the limit in a rule of its own, then the drop for every packet.
  CHECK(has(s,
            "\tchain icmp_deny {\n\t\tlimit rate 100/second burst 100 packets log group 1 "
            "prefix \"313001 \"\n\t\tcounter name asp_acl_drop drop\n\t}"));
  // inside has no rule: nothing about its ICMP.
  CHECK_FALSE(has(s, "iifname { \"eth1\" } ip daddr 192.0.2.1 ip protocol icmp"));
  accepted_by_nft(s);
}

TEST_CASE("counters text parses", "[firewall][nft]") {
  auto c = platform::parse_counters(
      "table ip rampart_fw {\n\tcounter acl_0_1_0 {\n\t\tpackets 3 bytes 180\n\t}\n"
      "\tcounter nat_2_1 {\n\t\tpackets 0 bytes 0\n\t}\n}\n");
  REQUIRE(c.size() == 2);
  CHECK(c["acl_0_1_0"] == platform::CounterValue{3, 180});
  CHECK(c["nat_2_1"] == platform::CounterValue{0, 0});
}

TEST_CASE("nft: a refused script returns the parser's words, no crash", "[firewall][nft]") {
  if (::geteuid() != 0) return;
  auto nft = platform::Nftables::open();
  REQUIRE(nft);
  auto r = nft->check("table ip t { chain c { ip saddr 999.1.1.1 accept } }");
  REQUIRE(!r);
  CHECK(!r.error().empty());
}

TEST_CASE("nft: 1,000 ACEs and 1,000 static port forwards compile and pass the dry run",
          "[firewall][nft]") {
  using K = config::NetworkObject::Kind;
  auto cfg = small_firewall();
  for (int n = 1; n <= 1000; ++n) {
    std::string name = "fwd-" + std::to_string(n);
    auto& o = add_object(cfg, "", K::Host, "192.0.2.20");
    o.name = name;
    config::ObjectNat s;
    s.real_if = "inside";
    s.mapped_if = "outside";
    s.type = config::ObjectNat::Type::Static;
    s.mapped_kind = config::ObjectNat::Mapped::Interface;
    s.service_protocol = "tcp";
    s.real_port = s.mapped_port = static_cast<uint16_t>(20000 + n);
    o.nat = s;
    cfg.firewall.network_objects[name] = o;
    auto& big = cfg.access_lists["BIG"];
    big.name = "BIG";
    big.entries.push_back(ace(false, "tcp", host_a("192.0.2.30"), host_a("198.51.100.3"),
                              eq(static_cast<uint16_t>(1000 + n))));
  }
  cfg.firewall.network_objects.erase("");
  cfg.firewall.access_groups.push_back({"BIG", config::AccessGroup::Direction::In, "inside"});
  auto p = firewall::build_policy(cfg, device_of);
  REQUIRE(p.nat.size() == 1002);
  // Statics first, one address each: by address (192.0.2.20 < 198.51.100.10), then by name.
  CHECK(p.nat[0].text == "static fwd-1 interface service tcp 20001 20001");
  CHECK(p.nat[1000].text == "static WEB 203.0.113.10");
  CHECK(p.nat[1001].text == "dynamic LAN interface");
  auto rs = firewall::compile_ruleset(p);
  CHECK(rs.proxy_arp.size() == 1);  // the interface's own address is not added again
  // The port forwards are one map lookup each way; each keeps its chain and counter.
  CHECK(has(rs.script,
            "iifname { \"eth0\" } ip daddr . tcp dport vmap { 203.0.113.1 . 20001 : "
            "goto nr_2_1, "));
  CHECK(has(rs.script,
            "chain nr_2_1 {\n\t\tmeta l4proto tcp counter name natr_2_1 dnat to "
            "192.0.2.20:20001\n"));
  CHECK(has(rs.script,
            "iifname { \"eth1\" } oifname { \"eth0\" } ip saddr . tcp sport vmap { "
            "192.0.2.20 . 20001 : goto nf_2_1, "));
  // So are the 1,000 host/port ACEs.
  CHECK(has(rs.script,
            "ip saddr . ip daddr . tcp dport vmap { 192.0.2.30 . 198.51.100.3 . 1001 "
            ": goto e_0_1_0, "));
  CHECK(has(rs.script, "chain e_0_1_0 {\n\t\tcounter name acl_0_1_0 goto dn_0\n"));
  accepted_by_nft(rs.script);
}

TEST_CASE("nft: twice NAT with a destination translates both ends, both ways", "[firewall][nft]") {
  using K = config::NetworkObject::Kind;
  auto cfg = small_firewall();
  add_object(cfg, "PUB", K::Host, "203.0.113.20");
  add_object(cfg, "PEER-REAL", K::Host, "203.0.113.2");
  add_object(cfg, "PEER-MAPPED", K::Host, "198.51.100.99");
  config::TwiceNat t;
  t.real_if = "dmz";
  t.mapped_if = "outside";
  t.source_real = "WEB";
  t.source_mapped = "PUB";
  t.destination_mapped = "PEER-MAPPED";
  t.destination_real = "PEER-REAL";
  cfg.firewall.twice_nat.push_back(t);
  auto rs = firewall::compile_ruleset(firewall::build_policy(cfg, device_of));
  const auto& s = rs.script;
  // Forward: the DMZ host reaches the peer at its mapped address, seen as PUB.
  CHECK(has(s,
            "iifname { \"eth2\" } ip saddr { 198.51.100.10 } ip daddr { 198.51.100.99 } dnat "
            "to 203.0.113.2"));
  CHECK(has(s,
            "oifname { \"eth0\" } ip saddr { 198.51.100.10 } ip daddr { 203.0.113.2 } counter "
            "name nat_1_1 snat to 203.0.113.20"));
  // Reverse: the peer reaches PUB, and the DMZ host sees the peer's mapped address.
  CHECK(has(s,
            "iifname { \"eth0\" } ip daddr { 203.0.113.20 } ip saddr { 203.0.113.2 } counter "
            "name natr_1_1 dnat to 198.51.100.10"));
  CHECK(has(s,
            "oifname { \"eth2\" } ip saddr { 203.0.113.2 } ip daddr { 198.51.100.10 } snat to "
            "198.51.100.99"));
  CHECK(rs.problems.empty());
  accepted_by_nft(s);
}

TEST_CASE("nft: a NAT rule naming an interface without an address matches nothing",
          "[firewall][nft]") {
  auto cfg = small_firewall();
  cfg.firewall.network_objects["LAN"].nat->mapped_if = "backup";
  auto rs = firewall::compile_ruleset(firewall::build_policy(cfg, device_of));
  CHECK(!has(rs.script, "nat_2_2"));
  REQUIRE(rs.problems.size() == 1);
  CHECK(rs.problems[0] ==
        "nat section 2 line 2 (dynamic LAN interface): its interface has no address: the rule "
        "matches nothing");
  accepted_by_nft(rs.script);
}

// Seeded random policies (ports, ranges, groups, statics, pools, twice NAT, VPN devices,
// inspections): every script the compiler writes is accepted by nftables.
TEST_CASE("nft: generated policies all pass the dry run", "[firewall][nft]") {
  using K = config::NetworkObject::Kind;
  std::mt19937 rng(1234);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const char* hosts[] = {"192.0.2.10", "192.0.2.20", "198.51.100.10", "203.0.113.5"};
  const char* protos[] = {"ip", "tcp", "udp", "icmp", "esp", "47"};
  for (int round = 0; round < 40; ++round) {
    auto cfg = small_firewall();
    if (pick(2)) {
      config::CryptoMap map;
      map.name = "M";
      map.interface = "outside";
      cfg.crypto.maps["M"] = map;
    }
    add_object(cfg, "R", K::Range, "192.0.2.50", "192.0.2.77");
    auto& acl = cfg.access_lists["outside_in"];
    for (int i = 0; i < 20; ++i) {
      auto src = pick(3) == 0 ? any_a() : host_a(hosts[pick(4)]);
      auto dst = pick(3) == 0 ? group_a("DMZ-HOSTS")
                 : pick(2)    ? object_a("R")
                              : host_a(hosts[pick(4)]);
      const char* proto = protos[pick(6)];
      config::AclPort port;
      if (std::string(proto) == "tcp" || std::string(proto) == "udp") {
        uint16_t a = static_cast<uint16_t>(pick(65535)), b = static_cast<uint16_t>(pick(65535));
        port = {static_cast<config::AclPort::Op>(pick(6)), std::min(a, b), std::max(a, b)};
      }
      auto e = ace(pick(2), proto, src, dst, port);
      if (std::string(proto) == "icmp" && pick(2)) e.icmp_type = "echo";
      if (pick(4) == 0) e.log_level = 6;
      acl.entries.insert(acl.entries.begin() + pick(static_cast<int>(acl.entries.size())), e);
    }
    auto& pool = add_object(cfg, "POOL", K::Range, "203.0.113.100", "203.0.113.100");
    if (pick(2)) pool.last = ip4("203.0.113.120");
    auto& lan = cfg.firewall.network_objects["LAN"];
    lan.nat->mapped_kind =
        pick(2) ? config::ObjectNat::Mapped::Interface : config::ObjectNat::Mapped::Object;
    lan.nat->mapped = "POOL";
    if (pick(2)) {
      config::TwiceNat t;
      t.real_if = pick(2) ? "inside" : "any";
      t.mapped_if = "outside";
      t.source_real = t.source_mapped = "LAN";
      t.destination_mapped = t.destination_real = "R";
      cfg.firewall.twice_nat.push_back(t);
    }
    if (pick(2))
      cfg.firewall.access_groups.push_back(
          {"outside_in", config::AccessGroup::Direction::Global, ""});
    cfg.firewall.same_security_inter = pick(2);
    cfg.firewall.same_security_intra = pick(2);
    config::PolicyMap pm;
    pm.name = "gp";
    pm.classes.push_back({"c", {pick(2) ? "icmp" : "icmp error", "ftp", "sip", "tftp"}});
    cfg.firewall.policy_maps["gp"] = pm;
    cfg.firewall.service_policies.push_back({"gp", ""});
    config::GroupPolicy gp;
    gp.name = "RA";
    gp.vpn_filter = "outside_in";
    cfg.group_policies["RA"] = gp;
    firewall::RulesetInputs in;
    in.vpn_clients["outside_in"] = {0xcb007164};  // sets are keyed by filter ACL
    in.all_vpn_clients = {0xcb007164};
    in.vpn_pools = {{0xcb007164, 0xcb007178}};
    auto rs = firewall::compile_ruleset(firewall::build_policy(cfg, device_of), in);
    INFO("round " << round);
    accepted_by_nft(rs.script);
  }
}

TEST_CASE("nft: a session's Filter-Id ACL has its own set beside the group-policy's",
          "[firewall][nft][fw-vpnfilter]") {
  auto cfg = vpn_firewall();
  config::AccessList user;
  user.name = "USERF";
  user.entries.push_back(ace(true, "icmp", any_a(), any_a()));
  cfg.access_lists["USERF"] = user;
  // Without a session naming it, USERF is no filter: no set, no chains.
  auto bare = firewall::build_policy(cfg, device_of);
  CHECK(bare.vpn_filter_acls == std::set<std::string>{"outside_in"});
  CHECK_FALSE(bare.acls.contains("USERF"));
  // A session's Filter-Id (and one naming an ACL the configuration lost meanwhile).
  auto p = firewall::build_policy(cfg, device_of, {"USERF", "GONE"});
  CHECK(p.vpn_filter_acls == std::set<std::string>{"GONE", "USERF", "outside_in"});
  CHECK(firewall::vpn_filter_set(p, "GONE") == "vpnf_0");
  CHECK(firewall::vpn_filter_set(p, "USERF") == "vpnf_1");
  CHECK(firewall::vpn_filter_set(p, "outside_in") == "vpnf_2");
  firewall::RulesetInputs in;
  in.all_vpn_clients = {0xc00002c8, 0xc00002c9, 0xc00002ca};
  in.vpn_clients["USERF"] = {0xc00002c8};       // alice: the server's filter
  in.vpn_clients["outside_in"] = {0xc00002c9};  // bob: the group-policy's
  in.vpn_clients["GONE"] = {0xc00002ca};
  auto rs = firewall::compile_ruleset(p, in);
  const auto& s = rs.script;
  CHECK(has(s, "set vpnf_1 {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.200 }\n"));
  CHECK(has(s, "set vpnf_2 {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.201 }\n"));
  CHECK(has(s, "set vpnf_0 {\n\t\ttype ipv4_addr\n\t\telements = { 192.0.2.202 }\n"));
  CHECK(has(s, "ip saddr @vpnf_1 jump acl_vf_"));
  CHECK(has(s, "ip daddr @vpnf_1 jump acl_vr_"));
  CHECK(has(s, "ip saddr @vpnf_2 jump acl_vf_"));
  // A filter the configuration no longer has permits nothing (fail closed), and says so.
  CHECK(has(s, "ip saddr @vpnf_0 jump acl_vf_"));
  bool said = false;
  for (const auto& line : p.not_enforced) said |= line.find("GONE") != std::string::npos;
  auto problems = rs.problems;
  for (const auto& line : problems) said |= line.find("GONE") != std::string::npos;
  CHECK(said);
  accepted_by_nft(s);
}

TEST_CASE("nft: a TCP syslog server down denies new connections, not open ones",
          "[firewall][nft][hostdown]") {
  auto p = firewall::build_policy(small_firewall(), device_of);
  auto up = firewall::compile_ruleset(p);
  // The chain is there (empty) either way, so the daemon can fill it without a rebuild; its
  // counter is declared either way for the same reason.
  CHECK(has(up.script, "\tchain hostdown {\n\t}\n"));
  CHECK(up.counters.at("asp_syslog_hostdown").kind == firewall::CounterInfo::Kind::Drop);
  firewall::RulesetInputs in;
  in.deny_new = true;
  auto down = firewall::compile_ruleset(p, in);
  CHECK(has(down.script,
            "\tchain hostdown {\n\t\tct state new counter name asp_syslog_hostdown drop\n\t}\n"));
  // Jumped to after the packets of open connections passed and before any ACL judges a new
  // one: an established connection keeps flowing, a permitted new one is still dropped.
  const auto& s = down.script;
  size_t established = s.find("ct state established,related accept");
  size_t jump = s.find("jump hostdown");
  size_t acls = s.find("iifname vmap");
  REQUIRE(established != std::string::npos);
  REQUIRE(jump != std::string::npos);
  CHECK(established < jump);
  CHECK(jump < acls);
  // Only the forward hook: the input chain (SSH, the console's sessions) does not jump there.
  size_t input = s.find("chain input {");
  REQUIRE(input != std::string::npos);
  CHECK(s.find("hostdown", input) == std::string::npos);
  // The rules the daemon puts in the chain at run time are the same text.
  firewall::Ruleset scratch;
  CHECK(firewall::hostdown_rules(scratch, true) ==
        std::vector<std::string>{"ct state new counter name asp_syslog_hostdown drop"});
  CHECK(firewall::hostdown_rules(scratch, false).empty());
  accepted_by_nft(s);
}
}  // namespace firewall_nft_test
