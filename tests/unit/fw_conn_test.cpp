// The firewall's operator view: show conn/xlate/local-host/access-list/nat/service-policy
// rendered from given connections and policies, exact text; clear conn's filter and its bad
// input; the syslog messages' wording; the nflog packet parser.
#include <netinet/in.h>

#include <catch2/catch.hpp>

#include <atomic>

#include "control/firewall/fw_messages.hpp"
#include "platform/nflog.hpp"
#include "tests/unit/session_helpers.hpp"

namespace fw_conn_test {

using namespace rampart;
using rampart::test::Console;

namespace {

constexpr uint32_t ip(int a, int b, int c, int d) {
  return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | uint32_t(d);
}

firewall::Policy lab_policy() {
  firewall::Policy p;
  p.interfaces.push_back({"outside", "eth0", "eth0-vpn", 0, ip(198, 51, 100, 1), 26, {}, {}});
  p.interfaces.push_back({"inside", "eth1", {}, 100, ip(192, 0, 2, 1), 24, {}, {}});
  return p;
}

// An outbound TCP connection, inside host to outside server; PAT'ed when pat_port is set.
firewall::Connection outbound_tcp(uint32_t id, uint16_t pat_port = 0) {
  firewall::Connection c;
  c.id = id;
  c.protocol = IPPROTO_TCP;
  c.orig_src = ip(192, 0, 2, 10), c.orig_sport = 40000;
  c.orig_dst = ip(198, 51, 100, 2), c.orig_dport = 80;
  c.reply_src = ip(198, 51, 100, 2), c.reply_sport = 80;
  c.reply_dst = pat_port ? ip(198, 51, 100, 1) : ip(192, 0, 2, 10);
  c.reply_dport = pat_port ? pat_port : 40000;
  c.snat = pat_port != 0;
  c.bytes = 1234, c.packets = 12, c.idle_seconds = 3, c.age_seconds = 65;
  c.timeout_seconds = 3597;
  c.tcp_state = "ESTABLISHED";
  c.assured = true;
  return c;
}

// An inbound UDP flow to a statically published inside server (198.51.100.5 -> 192.0.2.10).
firewall::Connection inbound_udp(uint32_t id) {
  firewall::Connection c;
  c.id = id;
  c.protocol = IPPROTO_UDP;
  c.orig_src = ip(198, 51, 100, 2), c.orig_sport = 5000;
  c.orig_dst = ip(198, 51, 100, 5), c.orig_dport = 53;
  c.reply_src = ip(192, 0, 2, 10), c.reply_sport = 53;
  c.reply_dst = ip(198, 51, 100, 2), c.reply_dport = 5000;
  c.dnat = true;
  c.bytes = 80, c.packets = 2, c.idle_seconds = 1, c.age_seconds = 1, c.timeout_seconds = 119;
  return c;
}

// SSH to the box itself: shown by "show conn all" only.
firewall::Connection to_box(uint32_t id) {
  firewall::Connection c = outbound_tcp(id);
  c.orig_src = c.reply_dst = ip(198, 51, 100, 2), c.orig_sport = c.reply_dport = 50000;
  c.orig_dst = c.reply_src = ip(198, 51, 100, 1), c.orig_dport = c.reply_sport = 22;
  return c;
}

struct FakeTable : firewall::ConnectionTable {
  std::vector<firewall::Connection> conns;
  firewall::ConnectionStats st;
  std::optional<firewall::ConnectionFilter> last;
  mutable std::atomic<int> reads{0};
  std::vector<firewall::Connection> connections() const override {
    ++reads;
    return conns;
  }
  size_t clear(const firewall::ConnectionFilter& f) override {
    last = f;
    return 3;
  }
  firewall::ConnectionStats stats() const override { return st; }
};

struct FakeState : firewall::PolicyState {
  firewall::Policy p = lab_policy();
  std::map<std::string, uint64_t> acl;
  std::map<std::string, std::pair<uint64_t, uint64_t>> nat;
  const firewall::Policy& policy() const override { return p; }
  std::map<std::string, uint64_t> acl_hits() const override { return acl; }
  std::map<std::string, std::pair<uint64_t, uint64_t>> nat_hits() const override { return nat; }
  std::optional<std::string> vpn_group_policy(uint32_t) const override { return std::nullopt; }
};

struct Lab {
  Console c;
  FakeTable table;
  FakeState state;
  Lab() {
    c.app.set_connections(&table);
    c.app.set_policy_state(&state);
    table.conns = {outbound_tcp(1), inbound_udp(2), to_box(3)};
    table.st.most_used = 7;
  }
};

}  // namespace

TEST_CASE("show conn: lower-security end first, the box's own connections with all", "[fwconn]") {
  Lab l;
  CHECK(l.c.run("show conn") ==
        "2 in use, 7 most used\n"
        "TCP outside 198.51.100.2:80 inside 192.0.2.10:40000, idle 0:00:03, bytes 1234, flags UIO\n"
        "UDP outside 198.51.100.2:5000 inside 192.0.2.10:53, idle 0:00:01, bytes 80, flags -\n");
  CHECK(l.c.run("show conn count") == "2 in use, 7 most used\n");
  CHECK(l.c.run("show conn all")
            .find("TCP outside 198.51.100.2:50000 NP Identity Ifc "
                  "198.51.100.1:22, idle 0:00:03, bytes 1234, flags UIOB") != std::string::npos);
  CHECK(l.c.run("show conn protocol udp") ==
        "2 in use, 7 most used\n"
        "UDP outside 198.51.100.2:5000 inside 192.0.2.10:53, idle 0:00:01, bytes 80, flags -\n");
  CHECK(l.c.run("show conn port 80").find("UDP") == std::string::npos);
  CHECK(l.c.run("show conn address 192.0.2.0 netmask 255.255.255.0").find("UDP outside") !=
        std::string::npos);
  std::string detail = l.c.run("show conn detail");
  CHECK(detail.find("Flags: A - awaiting inside ACK to SYN") != std::string::npos);
  CHECK(detail.find("TCP outside:198.51.100.2/80 inside:192.0.2.10/40000,\n"
                    "    flags UIO, idle 3s, uptime 1m5s, timeout 1h0m, bytes 1234\n") !=
        std::string::npos);
}

TEST_CASE("show xlate and show local-host", "[fwconn]") {
  Lab l;
  auto again = inbound_udp(3);  // a second flow to the same static: still one xlate
  again.orig_sport = again.reply_dport = 5001, again.idle_seconds = 7;
  l.table.conns = {outbound_tcp(1, 1024), inbound_udp(2), again};
  CHECK(l.c.run("show xlate") ==
        "2 in use, 2 most used\n"
        "Flags: D - DNS, e - extended, I - identity, i - dynamic, r - portmap,\n"
        "       s - static, T - twice, N - net-to-net\n"
        "TCP PAT from inside:192.0.2.10/40000 to outside:198.51.100.1/1024 flags ri idle "
        "0:00:03 timeout 0:00:30\n"
        "NAT from inside:192.0.2.10 to outside:198.51.100.5 flags s idle 0:00:01 timeout "
        "0:00:00\n");
  CHECK(l.c.run("show xlate count") == "2 in use, 2 most used\n");
  std::string lh = l.c.run("show local-host 192.0.2.10");
  CHECK(lh.find("Interface inside: 1 active, 1 maximum active, 0 denied\n"
                "local host: <192.0.2.10>,\n"
                "    TCP flow count/limit = 1/unlimited\n"
                "    TCP embryonic count to host = 0\n"
                "    TCP intercept watermark = unlimited\n"
                "    UDP flow count/limit = 2/unlimited\n\n  Conn:\n") != std::string::npos);
  CHECK(lh.find("local host: <198.51.100.2>") == std::string::npos);
}

// rampartd runs a view's work on a thread of its own: the command returns at once, and the
// table (a conntrack dump, 100,000 entries on a busy box) is read there, not on the event loop.
TEST_CASE("show conn, xlate and local-host read the table as deferred work", "[fwconn]") {
  Lab l;
  const std::vector<std::string> views = {"show conn detail", "show conn count", "show xlate",
                                          "show local-host", "show conn | include UDP"};
  std::vector<std::string> in_line;
  for (const auto& v : views) in_line.push_back(l.c.run(v));
  CHECK(in_line[4] ==
        "UDP outside 198.51.100.2:5000 inside 192.0.2.10:53, idle 0:00:01, bytes 80, flags -\n");
  l.c.app.set_background_work(true);
  for (size_t i = 0; i < views.size(); ++i) {
    INFO(views[i]);
    cli::Session s(l.c.app, true);
    const int before = l.table.reads;
    cli::Reply r = s.execute(views[i]);
    REQUIRE(r.pending);
    CHECK(r.output.empty());
    CHECK(l.table.reads == before);  // not read yet
    cli::Session::Work w = s.take_deferred();
    REQUIRE(w);
    CHECK(test::run_elsewhere(s, std::move(w)) == in_line[i]);
    CHECK(l.table.reads == before + 1);
  }
  l.c.app.set_background_work(false);
}

TEST_CASE("clear conn: the filter, its count, and a bad netmask refused and counted", "[fwconn]") {
  Lab l;
  CHECK(l.c.run("clear conn address 192.0.2.77 netmask 255.255.255.0 port 80 protocol tcp") ==
        "3 connection(s) deleted.\n");
  REQUIRE(l.table.last);
  CHECK(*l.table.last->address == ip(192, 0, 2, 0));
  CHECK(l.table.last->netmask == 0xffffff00u);
  CHECK(*l.table.last->port == 80);
  CHECK(*l.table.last->protocol == IPPROTO_TCP);
  CHECK(!l.table.last->translated_only);
  CHECK(!l.table.last->to_box);  // the administrator's own SSH survives a plain clear conn
  l.c.run("clear conn all");
  CHECK(l.table.last->to_box);
  CHECK(l.c.run("clear xlate") == "");
  CHECK(l.table.last->translated_only);
  uint64_t before = l.c.app.counters().invalid_input;
  l.table.last.reset();
  std::string out = l.c.run("clear conn address 192.0.2.1 netmask 255.0.255.0");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(!l.table.last);  // nothing was cleared
  CHECK(l.c.app.counters().invalid_input == before + 1);
  CHECK(l.c.run("show conn address 192.0.2.300").find("Invalid input") != std::string::npos);
  CHECK(l.c.run("show conn protocol gre").find("Invalid input") != std::string::npos);
}

TEST_CASE("show access-list: header, hit counts per ACE and per expansion, inactive", "[fwconn]") {
  Lab l;
  firewall::Acl acl{"120", {}};
  firewall::Ace a1;
  a1.line = 1, a1.text = "extended permit tcp any host 192.168.1.11 eq www", a1.hash = 0x3ed6c9d4;
  a1.lines = {firewall::Match{.text = a1.text}};
  firewall::Ace a2;
  a2.line = 2, a2.text = "extended permit tcp any object-group WEB eq www", a2.hash = 0x11;
  a2.lines = {firewall::Match{.text = "extended permit tcp any host 192.168.1.12 eq www"},
              firewall::Match{.text = "extended permit tcp any host 192.168.1.13 eq www"}};
  firewall::Ace a3;
  a3.line = 3, a3.text = "extended deny ip any any inactive", a3.hash = 0x22, a3.inactive = true;
  a3.lines = {firewall::Match{.text = a3.text}};
  acl.aces = {a1, a2, a3};
  l.state.p.acls["120"] = acl;
  l.state.acl = {{"120/1/0", 5}, {"120/2/1", 4}};
  l.table.st.log_flows = 2;
  // A remark between them, from the configuration (the policy keeps only ACEs).
  config::AccessListEntry remark;
  remark.type = config::AccessListEntry::Type::Remark;
  remark.remark = "web servers";
  l.c.cfg().access_lists["120"].entries = {config::AccessListEntry{}, remark};
  a2.line = 3, a3.line = 4;
  l.state.p.acls["120"].aces = {a1, a2, a3};
  l.state.acl = {{"120/1/0", 5}, {"120/3/1", 4}};
  std::string out = l.c.run("show access-list 120");
  CHECK(out ==
        "access-list cached ACL log flows: total 2, denied 0 (deny-flow-max 4096)\n"
        "            alert-interval 300\n"
        "access-list 120; 4 elements; name hash: 0x733864ae\n"
        "access-list 120 line 1 extended permit tcp any host 192.168.1.11 eq www (hitcnt=5) "
        "0x3ed6c9d4 \n"
        "access-list 120 line 2 remark web servers \n"
        "access-list 120 line 3 extended permit tcp any object-group WEB eq www (hitcnt=4) "
        "0x00000011 \n"
        "  access-list 120 line 3 extended permit tcp any host 192.168.1.12 eq www (hitcnt=0) "
        "0x458696ac \n"
        "  access-list 120 line 3 extended permit tcp any host 192.168.1.13 eq www (hitcnt=4) "
        "0x6cf57391 \n"
        "access-list 120 line 4 extended deny ip any any inactive (hitcnt=0) (inactive) "
        "0x00000022 \n");
  CHECK(l.c.run("show access-list NOPE") == "ERROR: access-list <NOPE> does not exist\n");
}

TEST_CASE("show nat [detail]: sections, hits, origin and translated", "[fwconn]") {
  Lab l;
  firewall::NatRule twice;
  twice.section = 1, twice.line = 1, twice.real_if = "inside", twice.mapped_if = "outside";
  twice.identity = true;
  twice.real_source = {{ip(192, 0, 2, 0), ip(192, 0, 2, 255)}};
  twice.mapped_source = twice.real_source;
  twice.real_destination = twice.mapped_destination =
      firewall::AddressSet{{ip(203, 0, 113, 0), ip(203, 0, 113, 255)}};
  twice.text = "source static LAN LAN destination static VPN VPN";
  firewall::NatRule pat;
  pat.section = 2, pat.line = 1, pat.real_if = "inside", pat.mapped_if = "outside";
  pat.is_static = false, pat.pat = pat.interface_pat = true;
  pat.real_source = {{ip(192, 0, 2, 0), ip(192, 0, 2, 255)}};
  pat.text = "source dynamic obj-192.0.2.0 interface";
  l.state.p.nat = {twice, pat};
  l.state.nat = {{"2/1", {5, 0}}};
  CHECK(l.c.run("show nat") ==
        "Manual NAT Policies (Section 1)\n"
        "1 (inside) to (outside) source static LAN LAN destination static VPN VPN\n"
        "    translate_hits = 0, untranslate_hits = 0\n\n"
        "Auto NAT Policies (Section 2)\n"
        "1 (inside) to (outside) source dynamic obj-192.0.2.0 interface\n"
        "    translate_hits = 5, untranslate_hits = 0\n");
  CHECK(l.c.run("show nat detail") ==
        "Manual NAT Policies (Section 1)\n"
        "1 (inside) to (outside) source static LAN LAN destination static VPN VPN\n"
        "    translate_hits = 0, untranslate_hits = 0\n"
        "    Source - Origin: 192.0.2.0/24, Translated: 192.0.2.0/24\n"
        "    Destination - Origin: 203.0.113.0/24, Translated: 203.0.113.0/24\n\n"
        "Auto NAT Policies (Section 2)\n"
        "1 (inside) to (outside) source dynamic obj-192.0.2.0 interface\n"
        "    translate_hits = 5, untranslate_hits = 0\n"
        "    Source - Origin: 192.0.2.0/24, Translated: 198.51.100.1/26\n");
}

TEST_CASE("show service-policy counts the packets each helper watched", "[fwconn]") {
  Lab l;
  auto& fw = l.c.cfg().firewall;
  config::PolicyMap pm;
  pm.name = "global_policy";
  pm.classes.push_back({"inspection_default", {"ftp", "dns preset_dns_map"}});
  fw.policy_maps["global_policy"] = pm;
  fw.service_policies = {{"global_policy", ""}};
  firewall::Connection ftp = outbound_tcp(9);
  ftp.helper = "ftp";
  ftp.packets = 7;
  l.table.conns.push_back(ftp);
  l.table.st.helper_packets["ftp"] = 3;
  CHECK(l.c.run("show service-policy") ==
        "\nGlobal policy: \n"
        "  Service-policy: global_policy\n"
        "    Class-map: inspection_default\n"
        "      Inspect: ftp, packet 10, lock fail 0, drop 0, reset-drop 0\n"
        "      Inspect: dns preset_dns_map, packet 0, lock fail 0, drop 0, reset-drop 0\n");
}

TEST_CASE("connection syslog messages in the ASA's words", "[fwconn]") {
  auto p = lab_policy();
  auto out = outbound_tcp(42);
  auto v = firewall::view_of(p, out);
  CHECK(firewall::built_message(v, out)->text ==
        "Built outbound TCP connection 42 for outside:198.51.100.2/80 (198.51.100.2/80) to "
        "inside:192.0.2.10/40000 (192.0.2.10/40000)");
  CHECK(firewall::built_message(v, out)->id == 302013);
  CHECK(firewall::teardown_message(v, out, 65, firewall::teardown_reason(out, false))->text ==
        "Teardown TCP connection 42 for outside:198.51.100.2/80 to inside:192.0.2.10/40000 "
        "duration 0:01:05 bytes 1234 Conn-timeout");
  out.tcp_state = "TIME_WAIT";
  CHECK(firewall::teardown_reason(out, false) == "TCP FINs");
  CHECK(firewall::teardown_reason(out, true) == "Xlate Clear");
  auto in = inbound_udp(43);
  auto vi = firewall::view_of(p, in);
  CHECK(firewall::built_message(vi, in)->text ==
        "Built inbound UDP connection 43 for outside:198.51.100.2/5000 (198.51.100.2/5000) to "
        "inside:192.0.2.10/53 (198.51.100.5/53)");
  CHECK(firewall::teardown_message(vi, in, 1, "")->text ==
        "Teardown UDP connection 43 for outside:198.51.100.2/5000 to inside:192.0.2.10/53 "
        "duration 0:00:01 bytes 80");
  auto pat = outbound_tcp(44, 1024);
  auto vp = firewall::view_of(p, pat);
  CHECK(firewall::xlate_message(vp, pat, true, 0)->text ==
        "Built dynamic TCP translation from inside:192.0.2.10/40000 to "
        "outside:198.51.100.1/1024");
  CHECK(firewall::xlate_message(vp, pat, false, 30)->text ==
        "Teardown dynamic TCP translation from inside:192.0.2.10/40000 to "
        "outside:198.51.100.1/1024 duration 0:00:30");
  CHECK(!firewall::xlate_message(v, outbound_tcp(45), true, 0));
  CHECK(!firewall::xlate_message(vp, pat, true, 0, true));  // a static rule's: no message
  auto nat = outbound_tcp(46, 40000);                       // address only
  nat.reply_dst = ip(198, 51, 100, 7);
  auto vn = firewall::view_of(p, nat);
  CHECK(firewall::xlate_message(vn, nat, true, 0)->text ==
        "Built dynamic translation from inside:192.0.2.10 to outside:198.51.100.7");
  CHECK(firewall::xlate_message(vn, nat, false, 5)->id == 305010);
  // Which rule translated it: the first whose real side holds the initiator.
  firewall::NatRule stat;
  stat.section = 2, stat.real_if = "inside", stat.is_static = true;
  stat.real_source = {{ip(192, 0, 2, 10), ip(192, 0, 2, 10)}};
  firewall::NatRule dyn = stat;
  dyn.is_static = false, dyn.real_source = {{ip(192, 0, 2, 0), ip(192, 0, 2, 255)}};
  p.nat = {stat, dyn};
  CHECK(firewall::source_rule(p, pat, vp)->is_static);
  pat.orig_src = ip(192, 0, 2, 11);
  CHECK(!firewall::source_rule(p, pat, firewall::view_of(p, pat))->is_static);
  pat.orig_src = ip(203, 0, 113, 1);
  CHECK(!firewall::source_rule(p, pat, firewall::view_of(p, pat)));
}

TEST_CASE("deny and ACE log messages from the ruleset's log prefixes", "[fwconn]") {
  CHECK(!firewall::parse_log_prefix("garbage"));
  CHECK(!firewall::parse_log_prefix("106100 120 x "));
  CHECK(!firewall::parse_log_prefix("106023 "));
  CHECK(!firewall::parse_log_prefix("999999 - "));
  auto deny = firewall::parse_log_prefix("106023 120 ");
  REQUIRE(deny);
  CHECK((deny->id == 106023 && deny->acl == "120"));
  auto ace = firewall::parse_log_prefix("106100 120 3 ");
  REQUIRE(ace);
  CHECK((ace->acl == "120" && ace->line == 3));
  CHECK(firewall::parse_log_prefix("106001 - ")->id == 106001);
  CHECK(firewall::parse_log_prefix("313001 ")->id == 313001);
  CHECK(!firewall::parse_log_prefix("313001 120 "));

  firewall::LoggedFlow f{
      "outside", "inside", IPPROTO_TCP, ip(198, 51, 100, 2), ip(192, 0, 2, 10), 40000, 23,
      0,         0,        0x02};
  auto m = firewall::acl_deny_message(f, "120");
  CHECK((m.severity == 4 && m.id == 106023));
  CHECK(m.text ==
        "Deny tcp src outside:198.51.100.2/40000 dst inside:192.0.2.10/23 by access-group "
        "\"120\" [0x0, 0x0]");
  CHECK(firewall::level_deny_message(106001, f)->text ==
        "Inbound TCP connection denied from 198.51.100.2/40000 to 192.0.2.10/23 flags SYN on "
        "interface outside");
  CHECK(!firewall::level_deny_message(106006, f));  // a TCP packet is not 106006's
  firewall::LoggedFlow icmp{
      "outside", "inside", IPPROTO_ICMP, ip(198, 51, 100, 2), ip(192, 0, 2, 10), 0, 0, 8, 0, 0};
  CHECK(firewall::acl_deny_message(icmp, "120").text ==
        "Deny icmp src outside:198.51.100.2 dst inside:192.0.2.10 (type 8, code 0) by "
        "access-group \"120\" [0x0, 0x0]");
  CHECK(firewall::level_deny_message(106014, icmp)->text ==
        "Deny inbound icmp src outside:198.51.100.2 dst inside:192.0.2.10 (type 8, code 0)");
  auto denied = firewall::icmp_deny_message(icmp);
  CHECK((denied.severity == 3 && denied.id == 313001));
  CHECK(denied.text == "Denied ICMP type=8, code=0 from 198.51.100.2 on interface outside");
  CHECK(firewall::ace_log_message(f, "120", 6, 0x3ed6c9d4, 1, true, 300).text ==
        "access-list 120 permitted tcp outside/198.51.100.2(40000) -> inside/192.0.2.10(23) "
        "hit-cnt 1 first hit [0x3ed6c9d4, 0x0]");
  CHECK(firewall::ace_log_message(f, "120", 6, 0x3ed6c9d4, 9, false, 300)
            .text.find("hit-cnt 9 300-second interval") != std::string::npos);
  CHECK(firewall::tcp_flag_names(0x12) == "SYN ACK");
}

TEST_CASE("nflog packets: IPv4 parsed within its bounds", "[fwconn]") {
  // IPv4 (IHL 5) TCP 198.51.100.2:40000 -> 192.0.2.10:23, SYN.
  std::vector<uint8_t> pkt = {0x45, 0, 0,   40, 0,    0,    0x40, 0,    64, 6,  0, 0, 198, 51,
                              100,  2, 192, 0,  2,    10,   0x9c, 0x40, 0,  23, 0, 0, 0,   0,
                              0,    0, 0,   0,  0x50, 0x02, 0,    0,    0,  0,  0, 0};
  platform::LoggedPacket p;
  REQUIRE(platform::parse_ipv4(pkt, p));
  CHECK((p.protocol == 6 && p.src == ip(198, 51, 100, 2) && p.dst == ip(192, 0, 2, 10)));
  CHECK((p.sport == 40000 && p.dport == 23 && p.tcp_flags == 0x02));
  platform::LoggedPacket q;
  CHECK(!platform::parse_ipv4(std::span(pkt).first(19), q));  // shorter than a header
  pkt[0] = 0x4f;                                              // IHL 60 > 40 bytes
  CHECK(!platform::parse_ipv4(pkt, q));
  pkt[0] = 0x65;  // not version 4
  CHECK(!platform::parse_ipv4(pkt, q));
  pkt[0] = 0x45;
  platform::LoggedPacket cut;
  REQUIRE(platform::parse_ipv4(std::span(pkt).first(22), cut));  // ports cut short
  CHECK((cut.sport == 0 && cut.dport == 0));
}

TEST_CASE("the connection commands are privileged", "[fwconn]") {
  Lab l;
  cli::Session user{l.c.app, false};
  for (const char* line : {"show conn", "clear conn", "clear xlate", "show access-list"}) {
    l.table.last.reset();
    CHECK(user.execute(line).output.find("Invalid input") != std::string::npos);
    CHECK(!l.table.last);
  }
}
}  // namespace fw_conn_test
