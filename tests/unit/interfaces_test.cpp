// Interface sub-mode, nameif defaults, address checks, routes and their rendering.
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

namespace interfaces_test {

using rampart::test::Console;

TEST_CASE("interface sub-mode edits the model and renders as the ASA") {
  Console c;
  CHECK(c.run("interface GigabitEthernet0/0\nnameif outside\n") ==
        "INFO: Security level for \"outside\" set to 0 by default.\n");
  CHECK(c.run("ip address 198.51.100.1 255.255.255.0\nno shutdown") == "");
  CHECK(c.s.prompt() == "rampart(config-if)# ");
  auto& itf = c.cfg().interfaces.at("GigabitEthernet0/0");
  CHECK_FALSE(itf.shutdown);
  CHECK(c.section({"interface GigabitEthernet0/0"}) ==
        "interface GigabitEthernet0/0\n nameif outside\n security-level 0\n"
        " ip address 198.51.100.1 255.255.255.0\n!\n");
  CHECK(c.run("interface gi0/1\nnameif inside") ==
        "INFO: Security level for \"inside\" set to 100 by default.\n");
  CHECK(c.section({"interface GigabitEthernet0/2"}) ==
        "interface GigabitEthernet0/2\n shutdown\n no nameif\n no security-level\n no ip "
        "address\n!\n");
}

TEST_CASE("bad interface input gets the ASA's words") {
  Console c;
  CHECK(c.run("interface Foo0/0") ==
        "                           ^\nERROR: % Invalid input detected at '^' marker.\n");
  c.run("interface GigabitEthernet0/0");
  CHECK(c.run("ip address 192.0.2.1 255.0.255.0") ==
        std::string(20 + 21, ' ') + "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(c.run("ip address 192.0.2.0 255.255.255.0").starts_with("ERROR: Invalid IP address"));
  c.run("ip address 192.0.2.1 255.255.255.0\ninterface GigabitEthernet0/1");
  CHECK(c.run("ip address 192.0.2.2 255.255.255.0").starts_with("ERROR: This address conflicts"));
  CHECK(c.run("route bogus 0.0.0.0 0.0.0.0 192.0.2.254").starts_with("ERROR:"));
}

TEST_CASE("routes render in order and no removes them") {
  Console c;
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 "
      "255.255.255.192\nexit");
  CHECK(c.run("route outside 0.0.0.0 0.0.0.0 198.51.100.62") == "");
  CHECK(c.run("route outside 198.51.100.128 255.255.255.192 198.51.100.62 5") == "");
  CHECK(c.section({"route"}) ==
        "route outside 0.0.0.0 0.0.0.0 198.51.100.62 1\n"
        "route outside 198.51.100.128 255.255.255.192 198.51.100.62 5\n");
  c.run("no route outside 0.0.0.0 0.0.0.0 198.51.100.62");
  CHECK(c.section({"route"}) == "route outside 198.51.100.128 255.255.255.192 198.51.100.62 5\n");
  CHECK(c.run("route outside 198.51.100.129 255.255.255.192 198.51.100.62").starts_with("ERROR:"));
}

TEST_CASE("route and ssh take 0 for 0.0.0.0, as operators type the default route") {
  Console c;
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 "
      "255.255.255.192\nexit");
  CHECK(c.run("route outside 0 0 198.51.100.62") == "");
  CHECK(c.section({"route"}) == "route outside 0.0.0.0 0.0.0.0 198.51.100.62 1\n");
  c.run("no route outside 0 0 198.51.100.62");
  CHECK(c.section({"route"}) == "");
  CHECK(c.run("ssh 0 0 outside") == "");
  CHECK(c.section({"ssh"}).find("ssh 0.0.0.0 0.0.0.0 outside\n") != std::string::npos);
  // Only 0 itself: any other short form is still not an address, nor is 0 a gateway.
  CHECK(c.run("route outside 10 0 198.51.100.62").ends_with("marker.\n"));
  CHECK(c.run("route outside 00 0 198.51.100.62").ends_with("marker.\n"));
  CHECK(c.run("route outside 0 0 0").ends_with("marker.\n"));
}
}  // namespace interfaces_test
