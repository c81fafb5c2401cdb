// NAT in the CLI: object NAT and twice NAT typed, refused, rendered and reloaded; the PIX 6.3
// nat/global/static forms converted as the ASA 8.3 upgrade converts them.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "cli/commands/nat_syntax.hpp"
#include "cli/commands/pix_nat.hpp"
#include "tests/unit/session_helpers.hpp"

namespace nat_test {

using namespace rampart;

namespace {

// Two named interfaces and the objects the NAT lines below refer to.
const char* kBase =
    "interface GigabitEthernet0/0\n"
    " nameif outside\n"
    " security-level 0\n"
    " ip address 203.0.113.1 255.255.255.0\n"
    "interface GigabitEthernet0/1\n"
    " nameif inside\n"
    " security-level 100\n"
    " ip address 192.0.2.1 255.255.255.0\n"
    "exit\n"
    "object network LAN\n"
    " subnet 192.0.2.0 255.255.255.0\n"
    "object network VPN\n"
    " subnet 198.51.100.0 255.255.255.0\n"
    "object network POOL\n"
    " range 203.0.113.10 203.0.113.20\n"
    "object network WEB\n"
    " host 192.0.2.80\n"
    "exit\n";

struct NatConsole : test::Console {
  NatConsole() { run(kBase); }
  std::string nat() { return section({"nat"}); }
};

// The model after render -> load into a fresh appliance equals the one rendered.
void check_round_trip(test::Console& con) {
  std::string text = cli::render_running_config(con.cfg(), cli::RenderOptions{});
  test::FakeSystem sys;
  cli::Appliance again(sys);
  std::string report = again.replace_config(text);
  CHECK(report.find("ERROR") == std::string::npos);
  CHECK(again.config().firewall == con.cfg().firewall);
}

size_t count(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("object NAT: dynamic and static forms, one rule per object", "[nat]") {
  NatConsole con;
  CHECK(con.run("object network LAN\n nat (inside,outside) dynamic interface\n").empty());
  const auto& lan = con.cfg().firewall.network_objects.at("LAN");
  REQUIRE(lan.nat);
  CHECK(lan.nat->mapped_kind == config::ObjectNat::Mapped::Interface);
  // A new nat line replaces the old one.
  CHECK(con.run("object network LAN\n nat (inside,outside) dynamic POOL interface dns\n").empty());
  CHECK(lan.nat->mapped == "POOL");
  CHECK(lan.nat->interface_fallback);
  CHECK(lan.nat->dns);
  CHECK(con.run("object network WEB\n nat (inside,outside) static 203.0.113.80 service tcp www "
                "8080\n")
            .empty());
  CHECK(con.nat() ==
        "!\n"
        "object network LAN\n"
        " nat (inside,outside) dynamic POOL interface dns\n"
        "object network WEB\n"
        " nat (inside,outside) static 203.0.113.80 service tcp www 8080\n");
  // show running-config object is not where the NAT line shows.
  CHECK(con.section({"object"}).find("nat") == std::string::npos);
  check_round_trip(con);
  CHECK(con.run("object network WEB\n no nat (inside,outside) static 203.0.113.80 service tcp "
                "www 8080\n")
            .empty());
  CHECK_FALSE(con.cfg().firewall.network_objects.at("WEB").nat);
}

TEST_CASE("object NAT: pat-pool, inline PAT, identity with route-lookup", "[nat]") {
  NatConsole con;
  CHECK(con.run("object network LAN\n nat (inside,outside) dynamic pat-pool POOL\n").empty());
  CHECK(con.run("object network VPN\n nat (inside,outside) static VPN no-proxy-arp "
                "route-lookup\n")
            .empty());
  CHECK(con.run("object network WEB\n nat (any,outside) dynamic 203.0.113.5\n").empty());
  CHECK(con.nat() ==
        "!\nobject network LAN\n nat (inside,outside) dynamic pat-pool POOL\n"
        "object network VPN\n nat (inside,outside) static VPN no-proxy-arp route-lookup\n"
        "object network WEB\n nat (any,outside) dynamic 203.0.113.5\n");
  check_round_trip(con);
}

TEST_CASE("object NAT: refusals in the ASA's words, counted", "[nat]") {
  NatConsole con;
  con.run("object network LAN\n");
  auto before = con.app.counters();
  // A misspelt type: the marker under it.
  std::string out = con.run(" nat (inside,outside) dynamc interface");
  CHECK(out == std::string(con.s.prompt().size() + 22, ' ') +
                   "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(con.app.counters().invalid_input == before.invalid_input + 1);
  CHECK(con.run(" nat (inside,outside) dynamic NOPE") == "ERROR: Object NOPE does not exist\n");
  CHECK(con.run(" nat (inside,dmz) dynamic interface") ==
        "ERROR: 'dmz' is not a valid interface name\n");
  CHECK(con.run(" nat (inside,any) dynamic interface").starts_with("ERROR: The 'interface'"));
  CHECK(con.run(" nat (inside,outside) static 203.0.113.9 route-lookup") ==
        "ERROR: Route-lookup is only supported for identity NAT\n");
  CHECK(con.run(" nat (inside,outside) static 203.0.113.9 dns service tcp 80 80")
            .find("^\nERROR: % Invalid input") != std::string::npos);
  CHECK(con.app.counters().rejected == before.rejected + 4);
  CHECK_FALSE(con.cfg().firewall.network_objects.at("LAN").nat);
}

TEST_CASE("twice NAT: VPN exemption, dynamic PAT, lines and after-auto", "[nat]") {
  NatConsole con;
  CHECK(con.run("nat (inside,outside) source static LAN LAN destination static VPN VPN "
                "no-proxy-arp route-lookup")
            .empty());
  CHECK(con.run("nat (inside,outside) after-auto source dynamic any interface").empty());
  CHECK(con.run("nat (inside,outside) source dynamic LAN pat-pool POOL interface description "
                "office  PAT")
            .empty());
  // The same rule again stays one rule.
  CHECK(con.run("nat (inside,outside) after-auto source dynamic any interface").empty());
  // Line 1: before the exemption.
  CHECK(con.run("nat (inside,outside) 1 source static WEB WEB inactive").empty());
  const auto& fw = con.cfg().firewall;
  REQUIRE(fw.twice_nat.size() == 3);
  CHECK(fw.twice_nat[0].source_real == "WEB");
  CHECK(fw.twice_nat[2].description == "office  PAT");
  REQUIRE(fw.after_auto.size() == 1);
  con.run("object network WEB\n nat (inside,outside) static 203.0.113.80\nexit\n");
  CHECK(con.nat() ==
        "nat (inside,outside) source static WEB WEB inactive\n"
        "nat (inside,outside) source static LAN LAN destination static VPN VPN no-proxy-arp "
        "route-lookup\n"
        "nat (inside,outside) source dynamic LAN pat-pool POOL interface description office  "
        "PAT\n"
        "!\n"
        "object network WEB\n"
        " nat (inside,outside) static 203.0.113.80\n"
        "nat (inside,outside) after-auto source dynamic any interface\n");
  check_round_trip(con);
  CHECK(con.run("no nat (inside,outside) source static WEB WEB inactive").empty());
  CHECK(fw.twice_nat.size() == 2);
  CHECK(con.run("no nat (inside,outside) after-auto source dynamic any interface").empty());
  CHECK(fw.after_auto.empty());
}

TEST_CASE("twice NAT: refusals", "[nat]") {
  NatConsole con;
  CHECK(con.run("nat (inside,outside) source static LAN NOPE") ==
        "ERROR: Object NOPE does not exist\n");
  CHECK(con.run("nat (inside,outside) source static LAN LAN destination static VPN GONE") ==
        "ERROR: Object GONE does not exist\n");
  CHECK(con.run("nat (inside,outside) source static LAN WEB route-lookup") ==
        "ERROR: Route-lookup is only supported for identity NAT\n");
  CHECK(con.run("nat source static LAN LAN route-lookup") ==
        "ERROR: Route-lookup requires both the real and the mapped interface\n");
  CHECK(con.run("nat (inside,outside) source static LAN LAN service HTTP HTTP") ==
        "ERROR: Object HTTP does not exist\n");
  std::string out = con.run("nat (inside,outside) source statik LAN LAN");
  CHECK(out.find("^\nERROR: % Invalid input detected at '^' marker.\n") != std::string::npos);
  CHECK(out.find('^') == con.s.prompt().size() + 28);
  CHECK(con.run("no nat (inside,outside) source static LAN LAN") == "ERROR: NAT rule not found\n");
  CHECK(con.cfg().firewall.twice_nat.empty());
}

TEST_CASE("nat syntax: render of a parsed line gives the line back", "[nat]") {
  for (std::string line : {
           "(inside,outside) source static LAN LAN destination static VPN VPN service A B "
           "net-to-net dns unidirectional no-proxy-arp route-lookup inactive description x y",
           "(any,outside) after-auto source dynamic any interface",
           "(inside,outside) source dynamic LAN POOL interface",
       }) {
    auto parsed = cli::nat::parse_twice_nat(cli::split_words(line));
    REQUIRE(parsed);
    CHECK(cli::nat::render(parsed->rule, parsed->after_auto) == "nat " + line);
  }
  for (std::string line : {"(inside,outside) static 203.0.113.1 net-to-net no-proxy-arp",
                           "(inside,outside) static interface service udp domain 5353",
                           "(inside,outside) dynamic pat-pool P interface dns"}) {
    auto parsed = cli::nat::parse_object_nat(cli::split_words(line));
    REQUIRE(parsed);
    CHECK(cli::nat::render(*parsed) == "nat " + line);
  }
}

// ---- PIX 6.3 ----------------------------------------------------------------------------

namespace {

const char* kPixBase =
    "nameif ethernet0 outside security0\n"
    "nameif ethernet1 inside security100\n"
    "ip address outside 192.168.1.1 255.255.255.0\n"
    "ip address inside 10.89.129.194 255.255.255.240\n";

}  // namespace

TEST_CASE("PIX nat and global pair in either order", "[nat][pix]") {
  const std::string nat_line = "nat (inside) 1 0.0.0.0 0.0.0.0 0 0";
  const std::string global_line = "global (outside) 1 192.168.1.6-192.168.1.10";
  const std::string notice =
      "INFO: PIX command converted: nat (inside) 1 0.0.0.0 0.0.0.0 0 0 + global (outside) 1 "
      "192.168.1.6-192.168.1.10 -> object network obj-192.168.1.6-192.168.1.10 / range "
      "192.168.1.6 192.168.1.10 / object network obj_any / subnet 0.0.0.0 0.0.0.0 / nat "
      "(inside,outside) dynamic obj-192.168.1.6-192.168.1.10\n";
  for (bool global_first : {false, true}) {
    test::Console con;
    con.run(kPixBase);
    std::string first = con.run(global_first ? global_line : nat_line);
    CHECK(first.starts_with("INFO: PIX command "));
    CHECK(first.find("waits for") != std::string::npos);
    CHECK(con.run(global_first ? nat_line : global_line) == notice);
    const auto& obj = con.cfg().firewall.network_objects.at("obj_any");
    REQUIRE(obj.nat);
    CHECK(obj.nat->mapped == "obj-192.168.1.6-192.168.1.10");
    CHECK(con.section({"nat"}) ==
          "!\nobject network obj_any\n nat (inside,outside) dynamic "
          "obj-192.168.1.6-192.168.1.10\n");
  }
}

TEST_CASE("PIX global: a single address is PAT, interface, and a pool with interface fallback",
          "[nat][pix]") {
  test::Console con;
  con.run(kPixBase);
  con.run("global (outside) 2 192.168.1.20\n");
  CHECK(con.run("nat (inside) 2 10.89.129.128 255.255.255.240")
            .find("/ object network obj-10.89.129.128 / subnet 10.89.129.128 255.255.255.240 / nat "
                  "(inside,outside) dynamic obj-192.168.1.20\n") != std::string::npos);
  CHECK(con.cfg().firewall.network_objects.at("obj-192.168.1.20").kind ==
        config::NetworkObject::Kind::Host);
  con.run("global (outside) 3 interface\n");
  CHECK(con.run("nat (inside) 3 10.89.129.131 255.255.255.255 dns")
            .ends_with("-> object network obj-10.89.129.131 / host 10.89.129.131 / nat "
                       "(inside,outside) dynamic interface dns\n"));
  con.run("global (outside) 4 interface\nglobal (outside) 4 192.168.1.30-192.168.1.40\n");
  CHECK(con.run("nat (inside) 4 10.89.129.128 255.255.255.240")
            .find("object network obj-10.89.129.128-01 / subnet 10.89.129.128 255.255.255.240 / "
                  "nat (inside,outside) dynamic obj-192.168.1.30-192.168.1.40 interface\n") !=
        std::string::npos);
  check_round_trip(con);
}

TEST_CASE("PIX nat 0: identity and the VPN exemption access-list", "[nat][pix]") {
  test::Console con;
  con.run(kPixBase);
  con.run(
      "access-list 101 permit ip 10.89.129.128 255.255.255.240 10.89.129.192 "
      "255.255.255.240\n"
      "access-list 101 permit ip host 10.89.129.130 any\n"
      "access-list 101 deny ip any any\n");
  std::string out = con.run("nat (inside) 0 access-list 101");
  CHECK(out ==
        "INFO: PIX command converted: nat (inside) 0 access-list 101 -> object network "
        "obj-10.89.129.128 / subnet 10.89.129.128 255.255.255.240 / object network "
        "obj-10.89.129.192 / subnet 10.89.129.192 255.255.255.240 / object network "
        "obj-10.89.129.130 / host 10.89.129.130 / nat (inside,outside) source static "
        "obj-10.89.129.128 obj-10.89.129.128 destination static obj-10.89.129.192 "
        "obj-10.89.129.192 no-proxy-arp route-lookup / nat (inside,outside) source static "
        "obj-10.89.129.130 obj-10.89.129.130 destination static any any no-proxy-arp "
        "route-lookup\n");
  CHECK(con.cfg().firewall.twice_nat.size() == 2);
  CHECK(con.run("nat (inside) 0 10.89.129.140 255.255.255.255")
            .ends_with("nat (inside,outside) static obj-10.89.129.140\n"));
  CHECK(con.run("nat (inside) 0 access-list 999") == "ERROR: access-list 999 does not exist\n");
  CHECK(con.run("no nat (inside) 0 access-list 101").starts_with("ERROR: A PIX nat line cannot"));
  CHECK(con.cfg().firewall.twice_nat.size() == 2);
  check_round_trip(con);
}

TEST_CASE("PIX static: hosts, subnets, port forwards", "[nat][pix]") {
  test::Console con;
  con.run(kPixBase);
  CHECK(con.run("static (inside,outside) 192.168.1.11 10.89.129.131 netmask 255.255.255.255 0 0") ==
        "INFO: PIX command converted: static (inside,outside) 192.168.1.11 10.89.129.131 netmask "
        "255.255.255.255 0 0 -> object network obj-10.89.129.131 / host 10.89.129.131 / nat "
        "(inside,outside) static 192.168.1.11\n");
  CHECK(con.run("static (inside,outside) 192.168.1.64 10.89.129.128 netmask 255.255.255.240")
            .ends_with("-> object network obj-192.168.1.64 / subnet 192.168.1.64 255.255.255.240 "
                       "/ object network obj-10.89.129.128 / subnet 10.89.129.128 "
                       "255.255.255.240 / nat (inside,outside) static obj-192.168.1.64\n"));
  // A second rule on the same host: the -01 object, as the migration names it.
  CHECK(con.run("static (inside,outside) tcp interface www 10.89.129.131 8080 netmask "
                "255.255.255.255")
            .ends_with("-> object network obj-10.89.129.131-01 / host 10.89.129.131 / nat "
                       "(inside,outside) static interface service tcp 8080 www\n"));
  CHECK(con.run("static (inside,outside) udp 192.168.1.12 53 10.89.129.135 53")
            .ends_with("nat (inside,outside) static 192.168.1.12 service udp domain domain\n"));
  std::string bad = con.run("static (inside,outside) tcp 192.168.1.12 wwx 10.89.129.135 80");
  CHECK(bad.find("^\nERROR: % Invalid input") != std::string::npos);
  check_round_trip(con);
}

TEST_CASE("PIX static rewrites inbound ACEs from the mapped to the real address", "[nat][pix]") {
  // In a loaded configuration the access-group comes after the static: the rewrite waits for
  // the end of the load.
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string cfg = std::string(kPixBase) +
                    "access-list 120 permit tcp any host 192.168.1.11 eq www\n"
                    "access-list 120 permit tcp any host 10.89.129.131 eq smtp\n"
                    "access-list 120 permit tcp any host 192.168.1.1 eq 2222\n"
                    "access-list 121 permit ip any host 192.168.1.11\n"
                    "static (inside,outside) 192.168.1.11 10.89.129.131 netmask 255.255.255.255\n"
                    "static (inside,outside) tcp interface 2222 10.89.129.140 22\n"
                    "access-group 120 in interface outside\n";
  std::string report = app.replace_config(cfg);
  CHECK(report.find("INFO: PIX access-list converted to real addresses: access-list 120 line 1 "
                    "destination host 192.168.1.11 eq 80 -> host 10.89.129.131 eq 80\n") !=
        std::string::npos);
  CHECK(report.find("INFO: PIX access-list converted to real addresses: access-list 120 line 3 "
                    "destination host 192.168.1.1 eq 2222 -> host 10.89.129.140 eq 22\n") !=
        std::string::npos);
  CHECK(report.find("access-list 120 line 2") == std::string::npos);
  CHECK(report.find("access-list 121") == std::string::npos);
  auto& c = app.config();
  const auto& e = c.access_lists.at("120").entries;
  CHECK(e[0].destination.address == *config::Ipv4::parse("10.89.129.131"));
  CHECK(e[1].destination.address == *config::Ipv4::parse("10.89.129.131"));  // stays
  CHECK(e[2].destination.address == *config::Ipv4::parse("10.89.129.140"));
  CHECK(e[2].destination_port.lo == 22);
  // ACL 121 is bound nowhere: it keeps the mapped address.
  CHECK(c.access_lists.at("121").entries[0].destination.address ==
        *config::Ipv4::parse("192.168.1.11"));
}

TEST_CASE("PIX nat without a global: a warning at the end of the load", "[nat][pix]") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report =
      app.replace_config(std::string(kPixBase) + "nat (inside) 7 10.89.129.128 255.255.255.240\n");
  CHECK(report.find("WARNING: line 5: \"nat (inside) 7 10.89.129.128 255.255.255.240\" has no "
                    "\"global (IF) 7\" to pair with; not converted\n") != std::string::npos);
  CHECK(app.config().firewall.network_objects.empty());
}

TEST_CASE("seed 004's translation lines all convert", "[nat][pix]") {
  test::Console con;
  con.run(kPixBase);
  con.run(
      "access-list 101 permit ip 10.89.129.128 255.255.255.240 10.89.129.192 "
      "255.255.255.240\n");
  std::string out = con.run(
      "global (outside) 1 192.168.1.6-192.168.1.10\n"
      "nat (inside) 0 access-list 101\n"
      "nat (inside) 1 0.0.0.0 0.0.0.0 0 0\n"
      "static (inside,outside) 192.168.1.11 10.89.129.131 netmask 255.255.255.255 0 0\n");
  CHECK(out.find("ERROR") == std::string::npos);
  CHECK(out.find("ignored") == std::string::npos);
  CHECK(count(out, "INFO: PIX command converted:") == 3);
  CHECK(con.section({"nat"}) ==
        "nat (inside,outside) source static obj-10.89.129.128 obj-10.89.129.128 destination "
        "static obj-10.89.129.192 obj-10.89.129.192 no-proxy-arp route-lookup\n"
        "!\n"
        "object network obj_any\n"
        " nat (inside,outside) dynamic obj-192.168.1.6-192.168.1.10\n"
        "object network obj-10.89.129.131\n"
        " nat (inside,outside) static 192.168.1.11\n");
  check_round_trip(con);
}

TEST_CASE("PIX policy NAT and policy static become twice NAT", "[nat][pix]") {
  test::Console con;
  con.run(kPixBase);
  con.run(
      "access-list POL permit ip 10.89.129.128 255.255.255.240 host 198.51.100.7\n"
      "access-list POL permit tcp host 10.89.129.131 any eq www\n"
      "global (outside) 3 192.168.1.50\n");
  std::string out = con.run("nat (inside) 3 access-list POL");
  CHECK(out.find("WARNING: line ") != std::string::npos);  // the ACE with a port
  CHECK(out.ends_with(
      "nat (inside,outside) source dynamic obj-10.89.129.128 obj-192.168.1.50 destination "
      "static obj-198.51.100.7 obj-198.51.100.7 / nat (inside,outside) source dynamic "
      "obj-10.89.129.131 obj-192.168.1.50 destination static any any\n"));
  CHECK(con.cfg().firewall.twice_nat.size() == 2);
  out = con.run("static (inside,outside) 192.168.1.60 access-list POL");
  CHECK(
      out.ends_with("nat (inside,outside) source static obj-10.89.129.128 obj-192.168.1.60 "
                    "destination static obj-198.51.100.7 obj-198.51.100.7 / nat "
                    "(inside,outside) source static obj-10.89.129.131 obj-192.168.1.60 "
                    "destination static any any\n"));
  CHECK(con.run("static (inside,outside) 192.168.1.60 access-list").find("^\nERROR") !=
        std::string::npos);
  CHECK(con.run("static (inside,outside) 192.168.1.60 access-list NONE") ==
        "ERROR: access-list NONE does not exist\n");
  CHECK(con.run("nat (inside) 4 access-list NONE") == "ERROR: access-list NONE does not exist\n");
  check_round_trip(con);
}

TEST_CASE("PIX static typed at the console rewrites ACEs bound already", "[nat][pix]") {
  test::Console con;
  con.run(kPixBase);
  con.run("access-list 120 permit tcp any host 192.168.1.11 eq www\n");
  con.run("access-group 120 in interface outside\n");
  REQUIRE(con.cfg().firewall.access_groups.size() == 1);
  std::string out = con.run("static (inside,outside) 192.168.1.11 10.89.129.131");
  CHECK(
      out.ends_with("INFO: PIX access-list converted to real addresses: access-list 120 line 1 "
                    "destination host 192.168.1.11 eq 80 -> host 10.89.129.131 eq 80\n"));
  CHECK(con.cfg().access_lists.at("120").entries[0].destination.address ==
        *config::Ipv4::parse("10.89.129.131"));
}

TEST_CASE("seed 004 loaded whole: NAT converted, ACL 120 keeps its real address", "[nat][pix]") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) + "/tests/fixtures/seed004-pix63.cfg");
  std::stringstream ss;
  ss << f.rdbuf();
  std::string report = app.replace_config(ss.str());
  CHECK(report.find("has no \"global") == std::string::npos);
  CHECK(report.find("PIX access-list converted") == std::string::npos);
  const auto& fw = app.config().firewall;
  CHECK(fw.twice_nat.size() == 1);
  CHECK(fw.network_objects.at("obj_any").nat);
  CHECK(fw.network_objects.at("obj-10.89.129.131").nat);
  for (const auto& e : app.config().access_lists.at("120").entries)
    CHECK(e.destination.address == *config::Ipv4::parse("10.89.129.131"));
}

TEST_CASE("NAT lines of random words: an answer for each, no crash", "[nat]") {
  // Deterministic: a fixed LCG over the NAT vocabulary, object names and PIX operands.
  const std::vector<std::string> vocab = {"(inside,outside)",
                                          "(inside)",
                                          "(any,any)",
                                          "(,)",
                                          "(a,b,c)",
                                          "source",
                                          "static",
                                          "dynamic",
                                          "destination",
                                          "service",
                                          "LAN",
                                          "VPN",
                                          "POOL",
                                          "WEB",
                                          "any",
                                          "interface",
                                          "pat-pool",
                                          "dns",
                                          "unidirectional",
                                          "no-proxy-arp",
                                          "route-lookup",
                                          "inactive",
                                          "description",
                                          "net-to-net",
                                          "after-auto",
                                          "1",
                                          "0",
                                          "70000",
                                          "tcp",
                                          "udp",
                                          "www",
                                          "192.0.2.5",
                                          "0.0.0.0",
                                          "255.255.255.0",
                                          "access-list",
                                          "101",
                                          "netmask",
                                          "-"};
  NatConsole con;
  uint32_t x = 12345;
  auto next = [&] { return x = x * 1103515245u + 12345u; };
  for (int i = 0; i < 3000; ++i) {
    std::string line = (next() >> 16) % 3 == 0 ? "global" : (next() >> 16) % 2 ? "nat" : "static";
    int n = 1 + static_cast<int>((next() >> 16) % 9);
    for (int k = 0; k < n; ++k) line += " " + vocab[(next() >> 16) % vocab.size()];
    if ((next() >> 16) % 2) con.run("object network LAN");
    std::string out = con.s.execute(line).output;
    CHECK((out.empty() || out.starts_with("INFO") || out.find("ERROR") != std::string::npos ||
           out.starts_with("WARNING")));
    if (con.s.mode() != cli::Mode::Config) con.s.exit_mode();
    REQUIRE(con.s.mode() == cli::Mode::Config);
  }
  // The objects are still there and every rule still renders and reloads.
  CHECK(con.cfg().firewall.network_objects.size() >= 4);
  check_round_trip(con);
}
}  // namespace nat_test
