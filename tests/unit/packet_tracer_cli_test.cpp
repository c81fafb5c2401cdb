// packet-tracer at the console: the policy built from the running configuration, the link
// states of the box, and the '^' marker under a bad operand, counted.
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

namespace packet_tracer_cli_test {

using rampart::test::Console;

namespace {

void lab(Console& c) {
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nsecurity-level 0\n"
      "ip address 198.51.100.1 255.255.255.192\nno shutdown\nexit\n"
      "interface GigabitEthernet0/1\nnameif inside\nsecurity-level 100\n"
      "ip address 192.0.2.1 255.255.255.0\nno shutdown\nexit\n"
      "interface GigabitEthernet0/2\nnameif dmz\nsecurity-level 50\n"
      "ip address 198.51.100.129 255.255.255.192\nshutdown\nexit\n"
      "route outside 0.0.0.0 0.0.0.0 198.51.100.2\n"
      "access-list OUT_IN extended permit tcp any host 192.0.2.20 eq www");
  c.cfg().firewall.access_groups.push_back(
      {.acl = "OUT_IN",
       .direction = rampart::config::AccessGroup::Direction::In,
       .interface = "outside"});
  c.sys.apply(c.cfg());  // the links follow the model, as rampartd's apply makes them
}

}  // namespace

TEST_CASE("packet-tracer traces the running configuration's policy", "[tracer]") {
  Console c;
  lab(c);
  std::string allow = c.run("packet-tracer input outside tcp 198.51.100.7 1025 192.0.2.20 www");
  CHECK(allow.find("Type: ACCESS-LIST\nSubtype: log\nResult: ALLOW\nConfig:\n"
                   "access-group OUT_IN in interface outside\n"
                   "access-list OUT_IN extended permit tcp any host 192.0.2.20 eq www\n") !=
        std::string::npos);
  CHECK(allow.find("found next-hop 192.0.2.20 using egress ifc  inside\n") != std::string::npos);
  CHECK(allow.find("Action: allow\n") != std::string::npos);
  std::string drop = c.run("packet-tracer input outside udp 198.51.100.7 1025 192.0.2.20 53");
  CHECK(drop.find("Action: drop\nDrop-reason: (acl-drop) Flow is denied by configured rule\n") !=
        std::string::npos);
  // ICMP by name and number, and rawip by protocol name.
  CHECK(c.run("packet-tracer input inside icmp 192.0.2.10 echo 0 198.51.100.7")
            .find("Action: allow") != std::string::npos);
  CHECK(c.run("packet-tracer input inside icmp 192.0.2.10 8 0 198.51.100.7 detailed")
            .find("Action: allow") != std::string::npos);
  CHECK(
      c.run("packet-tracer input inside rawip 192.0.2.10 gre 198.51.100.7").find("Action: allow") !=
      std::string::npos);
  // "detailed" dumps the rule looked up.
  CHECK(c.run("packet-tracer input outside tcp 198.51.100.7 1025 192.0.2.20 80 detailed")
            .find("Forward Flow based lookup yields rule:\n in  id=") != std::string::npos);
}

TEST_CASE("packet-tracer shows the interfaces' states", "[tracer]") {
  Console c;
  lab(c);
  std::string out = c.run("packet-tracer input inside tcp 192.0.2.10 1025 198.51.100.130 22");
  CHECK(out.find("output-interface: dmz\noutput-status: down\noutput-line-status: down\n"
                 "Action: drop\nDrop-reason: (interface-down) Interface is down\n") !=
        std::string::npos);
}

TEST_CASE("packet-tracer refuses a bad operand with the marker under it, counted", "[tracer]") {
  Console c;
  lab(c);
  c.s.end_config();
  struct Bad {
    std::string line, word;
  } cases[] = {
      {"packet-tracer input nowhere tcp 192.0.2.10 1025 198.51.100.7 80", "nowhere"},
      {"packet-tracer input inside tcp 192.0.2.10 1025 198.51.100.7 70000", "70000"},
      {"packet-tracer input inside tcp 192.0.2.10 wwww 198.51.100.7 80", "wwww"},
      {"packet-tracer input inside icmp 192.0.2.10 echoes 0 198.51.100.7", "echoes"},
      {"packet-tracer input inside icmp 192.0.2.10 8 256 198.51.100.7", "256"},
      {"packet-tracer input inside rawip 192.0.2.10 foo 198.51.100.7", "foo"},
  };
  uint64_t before = c.app.counters().invalid_input;
  for (const auto& b : cases) {
    std::string prompt = c.s.prompt();
    std::string out = c.run(b.line);
    INFO(b.line << "\n" << out);
    CHECK(out == std::string(prompt.size() + b.line.find(b.word), ' ') +
                     "^\nERROR: % Invalid input detected at '^' marker.\n");
  }
  CHECK(c.app.counters().invalid_input == before + std::size(cases));
  // A bad address is the matcher's own refusal, also under the word.
  std::string out = c.run("packet-tracer input inside tcp 192.0.2.300 1025 198.51.100.7 80");
  CHECK(out.find("^\nERROR: % Invalid input detected at '^' marker.\n") != std::string::npos);
}

TEST_CASE("packet-tracer is a privileged command", "[tracer]") {
  Console c;
  lab(c);
  c.s.end_config();
  c.s.set_privileged(false);
  std::string out = c.run("packet-tracer input inside tcp 192.0.2.10 1025 198.51.100.7 80");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(out.find("Phase:") == std::string::npos);
}
}  // namespace packet_tracer_cli_test
