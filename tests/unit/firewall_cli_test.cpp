// The firewall's configuration commands typed at the console (issue 12, slice A): objects,
// object-groups, access-list operands that name them, access-group, same-security-traffic,
// timeouts, arp timeout, the MPF (class-map, policy-map, service-policy), vpn-filter: the model
// they build, "show running-config" in the ASA's words, bad input with the '^' marker and the
// counter, and the round trip through a reload.
#include <catch2/catch.hpp>

#include "cli/render/running_config.hpp"
#include "tests/unit/session_helpers.hpp"

namespace firewall_cli_test {

using rampart::test::Console;
using namespace rampart;

namespace {

// A console with named interfaces and no inspection policy, so sections print only what the
// test typed.
struct Box : Console {
  Box() {
    run("interface GigabitEthernet0/0\nnameif outside\nsecurity-level 0\n"
        "ip address 198.51.100.1 255.255.255.0\nexit\n"
        "interface GigabitEthernet0/1\nnameif inside\nsecurity-level 100\n"
        "ip address 192.0.2.1 255.255.255.0\nexit");
    cfg().firewall = {};  // no factory inspection policy in the way
  }
  uint64_t invalid() { return app.counters().invalid_input; }
  uint64_t rejected() { return app.counters().rejected; }
};

std::string marker(size_t column) {
  return std::string(column, ' ') + "^\nERROR: % Invalid input detected at '^' marker.\n";
}

constexpr size_t kConfigPrompt = sizeof("rampart(config)# ") - 1;

}  // namespace

TEST_CASE("object network and object service: lines, rendering, refusals", "[firewall-cli]") {
  Box c;
  CHECK(c.run("object network WEB\nhost 192.0.2.10\ndescription the web server") == "");
  CHECK(c.s.prompt() == "rampart(config-network-object)# ");
  CHECK(c.run("object network LAN\nsubnet 192.0.2.0 255.255.255.0") == "");
  CHECK(c.run("object network POOL\nrange 203.0.113.10 203.0.113.20") == "");
  CHECK(c.run("object service HTTPS\nservice tcp destination eq https") == "");
  CHECK(c.run("object service HIGH\nservice udp source range 1024 65535 destination eq 53") == "");
  CHECK(c.run("object service PING\nservice icmp echo") == "");
  CHECK(c.section({"object"}) ==
        "object network WEB\n host 192.0.2.10\n description the web server\n"
        "object network LAN\n subnet 192.0.2.0 255.255.255.0\n"
        "object network POOL\n range 203.0.113.10 203.0.113.20\n"
        "object service HTTPS\n service tcp destination eq https\n"
        "object service HIGH\n service udp source range 1024 65535 destination eq domain\n"
        "object service PING\n service icmp echo\n");
  const auto& fw = c.cfg().firewall;
  CHECK(fw.network_objects.at("POOL").last.str() == "203.0.113.20");
  CHECK(fw.service_objects.at("HTTPS").destination.lo == 443);

  SECTION("fqdn is refused with the marker under it, and counted") {
    auto before = c.invalid();
    c.run("object network NAMED");
    CHECK(c.run("fqdn www.example.com") == marker(sizeof("rampart(config-network-object)# ") - 1));
    CHECK(c.invalid() == before + 1);
  }
  SECTION("a bad operand gets the marker; a mask that does not pair the ASA's words") {
    c.run("object network X");
    CHECK(c.run("subnet 192.0.2.1 255.255.255.0") ==
          "ERROR: IP address,mask <192.0.2.1,255.255.255.0> doesn't pair\n");
    c.run("exit\nobject service S");
    size_t p = sizeof("rampart(config-service-object)# ") - 1;
    CHECK(c.run("service tcp destination eq nosuchport") == marker(p + 27));
    CHECK(c.run("service tcp-udp destination") == marker(p + 28));
  }
  SECTION("an object in use cannot be deleted; an unused one can") {
    c.run("exit\naccess-list IN extended permit tcp any object WEB object-group SVC");
    c.run("access-list IN extended permit object HTTPS any object WEB");
    auto before = c.rejected();
    CHECK(c.run("no object network WEB") ==
          "ERROR: unable to delete object (WEB). Object is being used.\n");
    CHECK(c.run("no object service HTTPS") ==
          "ERROR: unable to delete object (HTTPS). Object is being used.\n");
    CHECK(c.rejected() == before + 2);
    CHECK(c.run("no object network LAN") == "");
    CHECK_FALSE(c.cfg().firewall.network_objects.contains("LAN"));
    CHECK(c.cfg().firewall.object_order ==
          std::vector<std::string>{"WEB", "POOL", "HTTPS", "HIGH", "PING"});
  }
  SECTION("objects and object-groups share one name space") {
    CHECK(c.run("exit\nobject service WEB").starts_with("ERROR: WEB is already used"));
    CHECK(c.run("object-group network LAN").starts_with("ERROR: LAN is already used"));
  }
}

TEST_CASE("object-groups of every kind, nesting without loops", "[firewall-cli]") {
  Box c;
  c.run(
      "object network WEB\nhost 192.0.2.10\nexit\nobject service HTTPS\n"
      "service tcp destination eq https\nexit");
  CHECK(c.run("object-group network SERVERS\ndescription published\n"
              "network-object host 192.0.2.11\nnetwork-object 192.0.2.64 255.255.255.192\n"
              "network-object object WEB") == "");
  CHECK(c.s.prompt() == "rampart(config-network-object-group)# ");
  CHECK(c.run("object-group network ALL\ngroup-object SERVERS\nnetwork-object host 192.0.2.99") ==
        "");
  CHECK(
      c.run("object-group service WEBPORTS tcp\nport-object eq www\nport-object range 8000 8080") ==
      "");
  CHECK(c.run("object-group service SVCS\nservice-object tcp destination eq www\n"
              "service-object object HTTPS\nservice-object icmp echo-reply") == "");
  CHECK(c.run("object-group protocol PROTOS\nprotocol-object tcp\nprotocol-object 50") == "");
  CHECK(c.run("object-group icmp-type PINGS\nicmp-object echo\nicmp-object 0") == "");
  CHECK(c.section({"object-group"}) ==
        "object-group network SERVERS\n description published\n network-object host 192.0.2.11\n"
        " network-object 192.0.2.64 255.255.255.192\n network-object object WEB\n"
        "object-group network ALL\n group-object SERVERS\n network-object host 192.0.2.99\n"
        "object-group service WEBPORTS tcp\n port-object eq www\n port-object range 8000 8080\n"
        "object-group service SVCS\n service-object tcp destination eq www\n"
        " service-object object HTTPS\n service-object icmp echo-reply\n"
        "object-group protocol PROTOS\n protocol-object tcp\n protocol-object 50\n"
        "object-group icmp-type PINGS\n icmp-object echo\n icmp-object echo-reply\n");

  SECTION("a group cannot contain itself, directly or through another") {
    auto before = c.rejected();
    CHECK(c.run("object-group network SERVERS\ngroup-object ALL") ==
          "ERROR: Adding object-group (ALL) to object-group (SERVERS) would create a loop\n");
    CHECK(c.run("group-object SERVERS").starts_with("ERROR: Adding object-group (SERVERS)"));
    CHECK(c.rejected() == before + 2);
  }
  SECTION("no forms remove members; a group in use is not removed") {
    c.run("object-group network SERVERS\nno network-object host 192.0.2.11\nno description");
    CHECK(c.section({"object-group network SERVERS"}) ==
          "object-group network SERVERS\n network-object 192.0.2.64 255.255.255.192\n"
          " network-object object WEB\n");
    CHECK(c.run("exit\nno object-group network SERVERS") ==
          "ERROR: Removing object-group (SERVERS) not allowed, it is being used.\n");
    CHECK(c.run("no object-group network ALL") == "");
    CHECK(c.run("no object-group network SERVERS") == "");
    CHECK(c.run("no object network WEB") == "");  // nothing names it any more
  }
  SECTION("bad members get the marker") {
    c.run("object-group icmp-type PINGS");
    CHECK(c.run("icmp-object bogus") == marker(sizeof("rampart(config-icmp-object-group)# ") + 11));
    c.run("object-group service WEBPORTS tcp");
    CHECK(c.run("port-object range 80 21") ==
          marker(sizeof("rampart(config-service-object-group)# ") - 1 + 21));
  }
}

TEST_CASE("access-list operands: objects, services, ICMP, log, inactive, line", "[firewall-cli]") {
  Box c;
  c.run(
      "object network WEB\nhost 192.0.2.10\nexit\nobject service HTTPS\n"
      "service tcp destination eq https\nexit\nobject-group network SERVERS\n"
      "network-object host 192.0.2.11\nexit\nobject-group service SVCS\n"
      "service-object tcp destination eq www\nexit\nobject-group protocol PROTOS\n"
      "protocol-object udp\nexit");
  CHECK(c.run("access-list IN extended permit tcp any object WEB eq www log") == "");
  CHECK(c.run("access-list IN extended permit object-group SVCS any object-group SERVERS") == "");
  CHECK(c.run("access-list IN extended permit object HTTPS any object WEB log 7 interval 60") ==
        "");
  CHECK(c.run("access-list IN extended permit icmp any any echo-reply") == "");
  CHECK(c.run("access-list IN extended deny ip any any log disable inactive") == "");
  CHECK(c.run("access-list IN extended permit tcp any interface outside eq ssh") == "");
  CHECK(c.run("access-list IN extended permit object-group PROTOS any any") == "");
  CHECK(c.run("access-list IN remark first") == "");
  CHECK(c.run("access-list IN line 1 remark inserted at the top") == "");
  CHECK(c.run("access-list IN line 3 extended deny udp host 198.51.100.7 any eq snmp") == "");
  CHECK(c.section({"access-list"}) ==
        "access-list IN remark inserted at the top\n"
        "access-list IN extended permit tcp any object WEB eq www log \n"
        "access-list IN extended deny udp host 198.51.100.7 any eq snmp \n"
        "access-list IN extended permit object-group SVCS any object-group SERVERS \n"
        "access-list IN extended permit object HTTPS any object WEB log debugging interval 60 \n"
        "access-list IN extended permit icmp any any echo-reply \n"
        "access-list IN extended deny ip any any log disable inactive \n"
        "access-list IN extended permit tcp any interface outside eq ssh \n"
        "access-list IN extended permit object-group PROTOS any any \n"
        "access-list IN remark first\n");
  const auto& e = c.cfg().access_lists.at("IN").entries;
  CHECK(e[1].log_level == 6);
  CHECK(e[3].service->kind == config::AclAddress::Kind::Group);
  CHECK(e[4].log_interval == 60);
  CHECK(e[6].inactive);

  SECTION("the no form removes the exact entry") {
    c.run("no access-list IN extended permit icmp any any echo-reply");
    CHECK(c.cfg().access_lists.at("IN").entries.size() == 9);
  }
  SECTION("bad operands: the marker under the word, or the ASA's words for missing names") {
    auto invalid = c.invalid();
    CHECK(c.run("access-list IN extended permit tcp any object-group SVCS") ==
          marker(kConfigPrompt + 52));  // a service group is not an address
    std::string out = c.run("access-list IN extended permit icmp any any echo-reply log 9");
    CHECK(out.find('^') == kConfigPrompt + 59);
    CHECK(c.run("access-list IN extended permit ip any any time-range WORK") ==
          marker(kConfigPrompt + 42));
    CHECK(c.invalid() == invalid + 3);
    auto rejected = c.rejected();
    CHECK(c.run("access-list IN extended permit ip object NOPE any") ==
          "ERROR: specified object <NOPE> not found\n");
    CHECK(c.run("access-list IN extended permit ip any object-group NOPE") ==
          "ERROR: specified object group <NOPE> not found\n");
    CHECK(c.run("access-list IN extended permit ip any interface dmz") ==
          "ERROR: 'dmz' is not a valid interface name\n");
    CHECK(c.rejected() == rejected + 3);
    CHECK(c.cfg().access_lists.at("IN").entries.size() == 10);
  }
}

TEST_CASE("access-group binds one list per interface and direction, and global", "[firewall-cli]") {
  Box c;
  c.run("access-list A extended permit ip any any\naccess-list B extended deny ip any any");
  CHECK(c.run("access-group A in interface outside") == "");
  CHECK(c.run("access-group B out interface inside") == "");
  CHECK(c.run("access-group A global") == "");
  CHECK(c.run("access-group B in interface outside") == "");  // replaces A on outside in
  CHECK(c.section({"access-group"}) ==
        "access-group B in interface outside\naccess-group B out interface inside\n"
        "access-group A global\n");
  CHECK(c.run("access-group NOPE in interface outside") ==
        "ERROR: access-list NOPE does not exist\n");
  CHECK(c.run("access-group A in interface dmz") == "ERROR: 'dmz' is not a valid interface name\n");
  CHECK(c.run("access-group A sideways interface outside") == marker(kConfigPrompt + 15));
  c.run("no access-group B out interface inside");
  CHECK(c.cfg().firewall.access_groups.size() == 2);
  // Deleting an access-list unbinds it, as on the ASA.
  c.run("no access-list B");
  CHECK(c.section({"access-group"}) == "access-group A global\n");
}

TEST_CASE("same-security-traffic, timeouts and arp timeout as the ASA prints them",
          "[firewall-cli]") {
  Box c;
  // The ASA prints every timeout, defaults included.
  const std::string defaults =
      "timeout xlate 3:00:00\n"
      "timeout pat-xlate 0:00:30\n"
      "timeout conn 1:00:00 half-closed 0:10:00 udp 0:02:00 icmp 0:00:02\n"
      "timeout sunrpc 0:10:00 h323 0:05:00 h225 1:00:00 mgcp 0:05:00 mgcp-pat 0:05:00\n"
      "timeout sip 0:30:00 sip_media 0:02:00 sip-invite 0:03:00 sip-disconnect 0:02:00\n"
      "timeout sip-provisional-media 0:02:00 uauth 0:05:00 absolute\n"
      "timeout tcp-proxy-reassembly 0:01:00\n"
      "timeout floating-conn 0:00:00\n";
  CHECK(c.section({"timeout"}) == defaults);
  CHECK(c.section({"arp"}) == "arp timeout 14400\n");
  CHECK(c.run("same-security-traffic permit inter-interface\n"
              "same-security-traffic permit intra-interface") == "");
  CHECK(c.section({"same-security-traffic"}) ==
        "same-security-traffic permit inter-interface\n"
        "same-security-traffic permit intra-interface\n");
  c.run("no same-security-traffic permit inter-interface");
  CHECK_FALSE(c.cfg().firewall.same_security_inter);
  CHECK(c.run("timeout conn 2:00:00 half-closed 0:5:0 udp 0:01:00 icmp 0:00:10") == "");
  CHECK(c.run("timeout uauth 0:10:00 inactivity") == "");
  CHECK(c.run("arp timeout 600") == "");
  CHECK(config::timeout_seconds(c.cfg().firewall, "conn") == 7200);
  CHECK(c.cfg().firewall.timeouts.size() == 5);  // only what differs from the defaults
  CHECK(c.section({"timeout conn"}) ==
        "timeout conn 2:00:00 half-closed 0:05:00 udp 0:01:00 icmp 0:00:10\n");
  CHECK(c.section({"timeout sip-provisional-media"}) ==
        "timeout sip-provisional-media 0:02:00 uauth 0:10:00 inactivity\n");
  CHECK(c.section({"arp"}) == "arp timeout 600\n");

  SECTION("the PIX's rpc is the ASA's sunrpc, converted with a notice") {
    CHECK(c.run("timeout rpc 0:20:00 h225 2:00:00") ==
          "INFO: PIX command converted: timeout rpc 0:20:00 h225 2:00:00 -> timeout sunrpc "
          "0:20:00 h225 2:00:00\n");
    CHECK(config::timeout_seconds(c.cfg().firewall, "sunrpc") == 1200);
  }
  SECTION("a timeout set back to its default is not kept; no timeout resets all") {
    c.run("timeout conn 1:00:00");
    CHECK_FALSE(c.cfg().firewall.timeouts.contains("conn"));
    c.run("no timeout");
    CHECK(c.section({"timeout"}) == defaults);
  }
  SECTION("bad keywords and times get the marker") {
    auto before = c.invalid();
    CHECK(c.run("timeout conn 1:00") == marker(kConfigPrompt + 13));
    CHECK(c.run("timeout conn 1:00:00 bogus 0:01:00") == marker(kConfigPrompt + 21));
    CHECK(c.run("timeout udp 0:61:00") == marker(kConfigPrompt + 12));
    CHECK(c.run("timeout conn 1194:00:00") == marker(kConfigPrompt + 13));
    CHECK(c.invalid() == before + 4);
    CHECK(config::timeout_seconds(c.cfg().firewall, "conn") == 7200);
  }
}

TEST_CASE("the factory default inspection policy, as a new ASA 9.1 prints it", "[firewall-cli]") {
  Console c;  // factory defaults
  std::string run = cli::render_running_config(c.cfg(), cli::RenderOptions{});
  CHECK(run.find("tunnel-group") == std::string::npos);
  const std::string tail =
      "ssh version 2\n"
      "!\n"
      "class-map inspection_default\n"
      " match default-inspection-traffic\n"
      "!\n"
      "!\n"
      "policy-map type inspect dns preset_dns_map\n"
      " parameters\n"
      "  message-length maximum client auto\n"
      "  message-length maximum 512\n"
      "policy-map global_policy\n"
      " class inspection_default\n"
      "  inspect dns preset_dns_map\n"
      "  inspect ftp\n"
      "  inspect h323 h225\n"
      "  inspect h323 ras\n"
      "  inspect ip-options\n"
      "  inspect netbios\n"
      "  inspect rsh\n"
      "  inspect rtsp\n"
      "  inspect skinny\n"
      "  inspect esmtp\n"
      "  inspect sqlnet\n"
      "  inspect sunrpc\n"
      "  inspect tftp\n"
      "  inspect sip\n"
      "  inspect xdmcp\n"
      "!\n"
      "service-policy global_policy global\n";
  CHECK(run.find(tail) != std::string::npos);
  // A configuration loaded whole starts without it.
  test::FakeSystem sys;
  cli::Appliance loaded(sys);
  loaded.replace_config("hostname x\n");
  CHECK(loaded.config().firewall.policy_maps.empty());
  CHECK(loaded.config().firewall.service_policies.empty());
}

TEST_CASE("class-map, policy-map, inspect and service-policy typed", "[firewall-cli]") {
  Box c;
  c.run("access-list WEBTRAFFIC extended permit tcp any any eq 8080");
  CHECK(c.run("class-map ALT-FTP\nmatch port tcp eq 2121") == "");
  CHECK(c.s.prompt() == "rampart(config-cmap)# ");
  CHECK(c.run("class-map WEB\nmatch access-list WEBTRAFFIC") == "");
  CHECK(c.run("policy-map type inspect dns MYDNS\nparameters\nmessage-length maximum 1024\n"
              "message-length maximum 2048\ndns-guard") == "");
  CHECK(c.s.prompt() == "rampart(config-pmap-p)# ");
  CHECK(c.run("policy-map OUT-POLICY\nclass ALT-FTP\ninspect ftp") == "");
  CHECK(c.s.prompt() == "rampart(config-pmap-c)# ");
  // "class" typed in config-pmap-c walks up to config-pmap, as on the ASA.
  CHECK(c.run("class WEB\ninspect http\ninspect dns MYDNS\ninspect h323 ras") == "");
  CHECK(c.run("no inspect http") == "");
  CHECK(c.run("service-policy OUT-POLICY interface outside") == "");
  CHECK(c.s.prompt() == "rampart(config)# ");
  CHECK(c.section({"class-map", "policy-map", "service-policy"}) ==
        "class-map ALT-FTP\n match port tcp eq 2121\n"
        "class-map WEB\n match access-list WEBTRAFFIC\n"
        "policy-map type inspect dns MYDNS\n parameters\n  message-length maximum 2048\n"
        "  dns-guard\n"
        "policy-map OUT-POLICY\n class ALT-FTP\n  inspect ftp\n class WEB\n"
        "  inspect dns MYDNS\n  inspect h323 ras\n"
        "service-policy OUT-POLICY interface outside\n");

  SECTION("refusals") {
    auto rejected = c.rejected();
    CHECK(c.run("policy-map OUT-POLICY\nclass NOPE") == "ERROR: class-map NOPE does not exist\n");
    CHECK(c.run("class WEB\ninspect dns NOMAP") == "ERROR: Inspect map NOMAP not found\n");
    CHECK(c.run("exit\nexit\nno class-map WEB") == "ERROR: class-map WEB is being used\n");
    CHECK(c.run("no policy-map OUT-POLICY") == "ERROR: policy-map OUT-POLICY is being used\n");
    CHECK(c.run("service-policy NOPE global") == "ERROR: policy-map NOPE does not exist\n");
    CHECK(c.rejected() == rejected + 5);
    auto invalid = c.invalid();
    CHECK(c.run("class-map X\nmatch port tcp eq nosuch") ==
          marker(sizeof("rampart(config-cmap)# ") - 1 + 18));
    CHECK(c.run("policy-map P\nclass class-default\ninspect h323 bogus") ==
          marker(sizeof("rampart(config-pmap-c)# ") - 1 + 13));
    CHECK(c.run("inspect gopher") == marker(sizeof("rampart(config-pmap-c)# ") - 1 + 8));
    CHECK(c.invalid() == invalid + 3);
  }
}

TEST_CASE("vpn-filter in a group-policy", "[firewall-cli]") {
  Box c;
  c.run("access-list VPNF extended permit ip any host 192.0.2.10");
  c.run("group-policy GP internal\ngroup-policy GP attributes");
  CHECK(c.run("vpn-filter value VPNF") == "");
  CHECK(c.cfg().group_policies.at("GP").vpn_filter == "VPNF");
  CHECK(c.section({"group-policy"}) ==
        "group-policy GP internal\ngroup-policy GP attributes\n vpn-filter value VPNF\n");
  c.run("vpn-filter none");
  CHECK_FALSE(c.cfg().group_policies.at("GP").vpn_filter);
  c.run("vpn-filter value VPNF\nno vpn-filter");
  CHECK_FALSE(c.cfg().group_policies.at("GP").vpn_filter);
}

TEST_CASE("the firewall configuration survives render and reload unchanged", "[firewall-cli]") {
  Box c;
  c.run(
      "same-security-traffic permit intra-interface\n"
      "object network WEB\nhost 192.0.2.10\ndescription web\nexit\n"
      "object network POOL\nrange 203.0.113.10 203.0.113.20\nexit\n"
      "object service HTTPS\nservice tcp destination eq https\nexit\n"
      "object-group network SERVERS\nnetwork-object object WEB\nnetwork-object 192.0.2.64 "
      "255.255.255.192\nexit\n"
      "object-group service WEBPORTS tcp\nport-object range 8000 8080\nexit\n"
      "object-group service SVCS\nservice-object object HTTPS\ngroup-object WEBPORTS\nexit\n"
      "access-list IN extended permit object-group SVCS any object-group SERVERS log 5\n"
      "access-list IN extended permit icmp any any unreachable\n"
      "access-list IN extended deny ip any any log disable inactive\n"
      "access-group IN in interface outside\n"
      "timeout conn 2:00:00 udp 0:05:00 sunrpc 0:20:00\ntimeout uauth 0:10:00 inactivity\n"
      "arp timeout 600\n"
      "class-map ALT\nmatch port udp range 1000 2000\nexit\n"
      "policy-map P\nclass ALT\ninspect tftp\nexit\nexit\n"
      "service-policy P interface inside\n"
      "group-policy GP internal\ngroup-policy GP attributes\nvpn-filter value IN");
  CHECK(c.s.prompt() == "rampart(config-group-policy)# ");
  std::string text = cli::render_saved_config(c.cfg());
  test::FakeSystem sys;
  cli::Appliance reloaded(sys);
  std::string report = reloaded.replace_config(text);
  CHECK(report.find("ERROR") == std::string::npos);
  CHECK(report.find("WARNING") == std::string::npos);
  CHECK(reloaded.config().firewall == c.cfg().firewall);
  CHECK(reloaded.config().system.arp_timeout == 600);
  CHECK(cli::render_saved_config(reloaded.config()) == text);
}

TEST_CASE("clear configure for the firewall sections", "[firewall-cli]") {
  Box c;
  c.run(
      "access-list A extended permit ip any any\naccess-group A in interface outside\n"
      "timeout conn 2:00:00\nsame-security-traffic permit intra-interface");
  c.run("clear configure timeout\nclear configure same-security-traffic");
  CHECK(c.cfg().firewall.timeouts.empty());
  CHECK_FALSE(c.cfg().firewall.same_security_intra);
  c.run("clear configure access-list");
  CHECK(c.cfg().firewall.access_groups.empty());  // nothing stays bound to a deleted list
}

TEST_CASE("the factory default inspection policy survives a reload of its own rendering",
          "[firewall-cli]") {
  Console c;  // factory defaults
  std::string text = cli::render_saved_config(c.cfg());
  test::FakeSystem sys;
  cli::Appliance reloaded(sys);
  std::string report = reloaded.replace_config(text);
  CHECK(report.find("ERROR") == std::string::npos);
  CHECK(reloaded.config().firewall == c.cfg().firewall);
}

TEST_CASE("an inspect map created after the policy-map that names it still prints first",
          "[firewall-cli]") {
  Box c;
  c.run(
      "policy-map P\nclass class-default\nexit\nexit\n"
      "policy-map type inspect dns M\nparameters\nmessage-length maximum 512\nexit\nexit\n"
      "policy-map P\nclass class-default\ninspect dns M\nexit\nexit");
  std::string text = cli::render_running_config(c.cfg(), cli::RenderOptions{});
  REQUIRE(text.find("policy-map type inspect dns M") != std::string::npos);
  CHECK(text.find("policy-map type inspect dns M") < text.find("policy-map P"));
  test::FakeSystem sys;
  cli::Appliance reloaded(sys);
  CHECK(reloaded.replace_config(text).find("ERROR") == std::string::npos);
  CHECK(reloaded.config().firewall.policy_maps == c.cfg().firewall.policy_maps);
  CHECK(cli::render_running_config(reloaded.config(), cli::RenderOptions{}) == text);
}

TEST_CASE("NAT, access-groups and service-policies follow a nameif, and go with it",
          "[firewall-cli]") {
  Box c;
  c.run(
      "object network LAN\nsubnet 192.0.2.0 255.255.255.0\n"
      "nat (inside,outside) dynamic interface\nexit\n"
      "object network VPN\nsubnet 203.0.113.0 255.255.255.0\nexit\n"
      "nat (inside,outside) source static LAN LAN destination static VPN VPN\n"
      "access-list A extended permit ip any any\naccess-group A in interface outside\n"
      "policy-map P\nexit\nservice-policy P interface outside");
  c.run("interface GigabitEthernet0/0\nnameif wan\nexit");
  const auto& fw = c.cfg().firewall;
  CHECK(fw.network_objects.at("LAN").nat->mapped_if == "wan");
  CHECK(fw.twice_nat.at(0).mapped_if == "wan");
  CHECK(fw.access_groups.at(0).interface == "wan");
  CHECK(fw.service_policies.at(0).interface == "wan");
  c.run("interface GigabitEthernet0/0\nno nameif\nexit");
  CHECK_FALSE(fw.network_objects.at("LAN").nat.has_value());
  CHECK(fw.twice_nat.empty());
  CHECK(fw.access_groups.empty());
  CHECK(fw.service_policies.empty());
}
}  // namespace firewall_cli_test
