// The AAA configuration language: aaa-server groups and hosts with their sub-modes, the
// tunnel-group server groups, the administrators' aaa lines, their rendering, a reload of
// what was rendered, and the refusals (with their words and counters).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "tests/unit/session_helpers.hpp"

namespace aaa_cli_test {

using namespace rampart;

namespace {

// The '^' marker under column col of a config-mode line, and the ASA's error.
std::string marker(size_t prompt, size_t col) {
  return std::string(prompt + col, ' ') + "^\nERROR: % Invalid input detected at '^' marker.\n";
}
constexpr size_t kGroupPrompt = sizeof("rampart(config-aaa-server-group)# ") - 1;
constexpr size_t kHostPrompt = sizeof("rampart(config-aaa-server-host)# ") - 1;
constexpr size_t kConfigPrompt = sizeof("rampart(config)# ") - 1;

const char* kSetup =
    "interface GigabitEthernet0/1\n nameif inside\n ip address 192.0.2.1 255.255.255.0\n"
    "exit\n";

std::string reload(const config::Config& cfg) {
  std::string text = cli::render_saved_config(cfg);
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report = app.replace_config(text);
  CHECK(report.find("ERROR") == std::string::npos);
  CHECK(report.find("WARNING") == std::string::npos);
  return cli::render_saved_config(app.config());
}

}  // namespace

TEST_CASE("aaa-server groups, their sub-mode and their rendering", "[aaa-cli]") {
  test::Console c;
  c.run(kSetup);
  CHECK(c.run("aaa-server RAD protocol radius\n max-failed-attempts 5\n"
              " reactivation-mode depletion deadtime 20\n accounting-mode simultaneous\n"
              " interim-accounting-update periodic 6\nexit\n"
              "aaa-server TAC protocol tacacs+\n reactivation-mode timed\n"
              " max-failed-attempts 3\nexit\n") == "");
  const auto& rad = c.cfg().aaa_servers.at("RAD");
  CHECK(rad.max_failed_attempts == 5);
  CHECK(rad.deadtime == 20);
  CHECK(rad.accounting_simultaneous);
  CHECK(rad.interim_accounting_update == 6);
  CHECK(c.cfg().aaa_servers.at("TAC").reactivation_timed);
  CHECK_FALSE(c.cfg().aaa_servers.at("TAC").max_failed_attempts);  // 3 is the default
  CHECK(c.section({"aaa-server RAD"}) ==
        "aaa-server RAD protocol radius\n accounting-mode simultaneous\n"
        " reactivation-mode depletion deadtime 20\n max-failed-attempts 5\n"
        " interim-accounting-update periodic 6\n");
  CHECK(c.section({"aaa-server TAC"}) ==
        "aaa-server TAC protocol tacacs+\n"
        " reactivation-mode timed\n");
  // interim-accounting-update without periodic, then periodic with the default 24 hours.
  c.run("aaa-server RAD protocol radius\n interim-accounting-update\n");
  CHECK(rad.interim_accounting_update == 0);
  c.run(" interim-accounting-update periodic\n");
  CHECK(rad.interim_accounting_update == 24);
  // no forms go back to the defaults, which print nothing.
  c.run(
      " no interim-accounting-update\n no max-failed-attempts 5\n"
      " no reactivation-mode depletion\n no accounting-mode simultaneous\nexit\n");
  CHECK(c.section({"aaa-server RAD"}) == "aaa-server RAD protocol radius\n");
}

TEST_CASE("aaa-server hosts: one-line form, sub-mode, order and rendering", "[aaa-cli]") {
  test::Console c;
  c.run(kSetup);
  c.run("aaa-server RAD protocol radius\n");
  CHECK(c.run("aaa-server RAD (inside) host 192.0.2.10 s3cret-one timeout 5\n") == "");
  CHECK(c.s.mode() == cli::Mode::AaaServerHost);
  CHECK(c.run(" retry-interval 3\n authentication-port 1812\n accounting-port 1813\nexit\n") == "");
  c.run("aaa-server RAD (inside) host 192.0.2.11\n key s3cret-two\nexit\n");
  c.run("aaa-server RAD host 192.0.2.9\nexit\n");  // no interface: found by route
  const auto& hosts = c.cfg().aaa_servers.at("RAD").hosts;
  REQUIRE(hosts.size() == 3);
  CHECK(hosts[0].address.str() == "192.0.2.10");  // kept in the order typed: tried so
  CHECK(hosts[0].key->reveal() == "s3cret-one");
  CHECK(hosts[0].timeout == 5);
  CHECK(hosts[0].retry_interval == 3);
  CHECK(hosts[2].interface.empty());
  std::string shown = c.section({"aaa-server"});
  CHECK(shown ==
        "aaa-server RAD protocol radius\n"
        "aaa-server RAD (inside) host 192.0.2.10\n timeout 5\n retry-interval 3\n key *****\n"
        " authentication-port 1812\n accounting-port 1813\n"
        "aaa-server RAD (inside) host 192.0.2.11\n key *****\n"
        "aaa-server RAD host 192.0.2.9\n");
  CHECK(shown.find("s3cret") == std::string::npos);
  CHECK(c.run("show running-config aaa-server RAD") == shown);
  // The saved configuration keeps the keys, and reloads to the same configuration.
  std::string saved = cli::render_saved_config(c.cfg());
  CHECK(saved.find(" key s3cret-one\n") != std::string::npos);
  CHECK(reload(c.cfg()) == saved);
  // TACACS+: server-port is its one port.
  c.run(
      "aaa-server TAC protocol tacacs+\naaa-server TAC (inside) host 192.0.2.20 k\n"
      " server-port 4949\nexit\n");
  CHECK(c.cfg().aaa_servers.at("TAC").hosts[0].authentication_port == 4949);
  CHECK(c.section({"aaa-server TAC"}) ==
        "aaa-server TAC protocol tacacs+\n"
        "aaa-server TAC (inside) host 192.0.2.20\n key *****\n"
        " server-port 4949\n");
  // no key, no timeout: back to none and to the default.
  CHECK(c.run("aaa-server RAD (inside) host 192.0.2.10\n no key\n no timeout 5\nexit\n") == "");
  CHECK_FALSE(hosts[0].key);
  CHECK_FALSE(hosts[0].timeout);
  // no removes one host and keeps the others in order.
  c.run("no aaa-server RAD (inside) host 192.0.2.10\n");
  REQUIRE(hosts.size() == 2);
  CHECK(hosts[0].address.str() == "192.0.2.11");
}

TEST_CASE("aaa-server refusals: protocol, limits, missing groups", "[aaa-cli]") {
  test::Console c;
  c.run(kSetup);
  auto& k = c.app.counters();
  auto rejected = k.rejected;
  auto invalid = k.invalid_input;
  c.run("aaa-server TAC protocol tacacs+\n");
  // A command the protocol does not have does not exist in its sub-mode.
  CHECK(c.run(" interim-accounting-update\n") == marker(kGroupPrompt, 1));
  c.run("aaa-server TAC (inside) host 192.0.2.20\n");
  CHECK(c.run(" retry-interval 3\n") == marker(kHostPrompt, 1));
  CHECK(c.run(" authentication-port 1812\n") == marker(kHostPrompt, 1));
  c.run("exit\naaa-server RAD protocol radius\naaa-server RAD (inside) host 192.0.2.10\n");
  CHECK(c.run(" server-port 49\n") == marker(kHostPrompt, 1));
  CHECK(c.run(" retry-interval 11\n").find("Invalid input") != std::string::npos);
  CHECK(c.run(" timeout 301\n").find("Invalid input") != std::string::npos);
  c.run("end\nconfigure terminal\n");
  CHECK(k.invalid_input == invalid + 6);
  // Another protocol for an existing group, a group that does not exist, LOCAL.
  CHECK(c.run("aaa-server RAD protocol tacacs+\n") ==
        "ERROR: aaa-server group RAD already uses protocol radius\n");
  CHECK(c.run("aaa-server NONE (inside) host 192.0.2.1\n") ==
        "ERROR: aaa-server group NONE does not exist\n");
  CHECK(c.run("aaa-server LOCAL protocol radius\n") ==
        "ERROR: LOCAL is reserved for the local user database\n");
  CHECK(c.run("aaa-server RAD (nowhere) host 192.0.2.30\n") ==
        "ERROR: 'nowhere' is not a valid interface name\n");
  // Sixteen servers in a group, no more.
  for (int i = 1; i < 16; ++i)
    c.run(fmt::format("aaa-server RAD (inside) host 192.0.2.{}\n", 100 + i));
  CHECK(c.cfg().aaa_servers.at("RAD").hosts.size() == 16);
  CHECK(c.run("aaa-server RAD (inside) host 192.0.2.200\n") ==
        "ERROR: Maximum number of servers (16) in aaa-server group RAD reached\n");
  // A key longer than the ASA takes is refused without being echoed.
  std::string long_key(128, 'x');
  std::string out = c.run("aaa-server RAD (inside) host 192.0.2.10 " + long_key + "\n");
  CHECK(out == "ERROR: The key must be at most 127 characters\n");
  CHECK(k.rejected == rejected + 6);
}

TEST_CASE("tunnel-group server groups and password-management", "[aaa-cli]") {
  test::Console c;
  c.run(kSetup);
  c.run(
      "aaa-server RAD protocol radius\naaa-server LDAPG protocol ldap\nexit\n"
      "tunnel-group EZ type remote-access\ntunnel-group EZ general-attributes\n");
  CHECK(c.run(" authentication-server-group RAD LOCAL\n authorization-server-group RAD\n"
              " accounting-server-group RAD\n password-management password-expire-in-days 7\n") ==
        "");
  const auto& g = c.cfg().tunnel_groups.at("EZ").general;
  CHECK(g.authentication_server_group == "RAD");
  CHECK(g.authentication_fallback_local);
  CHECK(g.password_management_days == 7);
  CHECK(c.section({"tunnel-group EZ general-attributes"}) ==
        "tunnel-group EZ general-attributes\n authentication-server-group RAD LOCAL\n"
        " authorization-server-group RAD\n accounting-server-group RAD\n"
        " password-management password-expire-in-days 7\n");
  c.run(" authentication-server-group (inside) RAD\n password-management\n");
  CHECK_FALSE(g.authentication_fallback_local);
  CHECK(g.password_management_days == 0);
  CHECK(reload(c.cfg()) == cli::render_saved_config(c.cfg()));
  auto invalid = c.app.counters().invalid_input;
  constexpr size_t p = sizeof("rampart(config-tunnel-general)# ") - 1;
  CHECK(c.run(" authentication-server-group NOPE\n") ==
        "ERROR: aaa-server group NOPE does not exist\n");
  CHECK(c.run(" authentication-server-group LOCAL LOCAL\n") == marker(p, 35));
  CHECK(c.run(" authorization-server-group RAD LOCAL\n") == marker(p, 32));
  CHECK(c.run(" accounting-server-group LDAPG\n") ==
        "ERROR: aaa-server group LDAPG does not do accounting: use a RADIUS or TACACS+ group\n");
  CHECK(c.run(" password-management password-expire-in-days 181\n").find("Invalid input") !=
        std::string::npos);
  CHECK(c.app.counters().invalid_input == invalid + 3);
  // A group in use is not removed; once no longer named, it is.
  c.run("exit\n");
  CHECK(c.run("no aaa-server RAD\n") ==
        "ERROR: aaa-server group RAD is in use by tunnel-group EZ; remove that first\n");
  c.run(
      "tunnel-group EZ general-attributes\n no authentication-server-group\n"
      " no authorization-server-group\n no accounting-server-group\nexit\n");
  CHECK(c.run("no aaa-server RAD\n") == "");
  CHECK_FALSE(c.cfg().aaa_servers.contains("RAD"));
}

TEST_CASE("aaa authentication, authorization exec and command accounting", "[aaa-cli]") {
  test::Console c;
  c.run(kSetup);
  c.run("aaa-server RAD protocol radius\naaa-server TAC protocol tacacs+\nexit\n");
  CHECK(c.run("aaa authentication ssh console RAD LOCAL\naaa authentication enable console TAC\n"
              "aaa authentication serial console LOCAL\n"
              "aaa authorization exec authentication-server\n"
              "aaa accounting command privilege 15 TAC\n") == "");
  const auto& m = c.cfg().management;
  CHECK(m.aaa_authentication.at("ssh") == config::AdminAuthentication{"RAD", true});
  CHECK(m.authorization_exec_server);
  CHECK(m.accounting_command_group == "TAC");
  CHECK(m.accounting_command_privilege == 15);
  CHECK(c.run("show running-config aaa") ==
        "aaa authentication enable console TAC\naaa authentication serial console LOCAL\n"
        "aaa authentication ssh console RAD LOCAL\n"
        "aaa authorization exec authentication-server\n"
        "aaa accounting command privilege 15 TAC\n");
  CHECK(reload(c.cfg()) == cli::render_saved_config(c.cfg()));
  auto rejected = c.app.counters().rejected;
  CHECK(c.run("aaa authentication telnet console NOPE\n") ==
        "ERROR: aaa-server group NOPE does not exist\n");
  CHECK(c.run("aaa authentication ssh console LOCAL LOCAL\n") == marker(kConfigPrompt, 37));
  CHECK(c.run("aaa accounting command RAD\n") ==
        "ERROR: aaa-server group RAD is not a TACACS+ group: command accounting needs TACACS+\n");
  CHECK(c.run("no aaa-server TAC\n") ==
        "ERROR: aaa-server group TAC is in use by aaa authentication enable console; remove "
        "that first\n");
  CHECK(c.app.counters().rejected == rejected + 3);
  c.run(
      "no aaa authorization exec authentication-server\nno aaa accounting command\n"
      "no aaa authentication ssh console RAD LOCAL\n");
  CHECK_FALSE(m.authorization_exec_server);
  CHECK_FALSE(m.accounting_command_group);
  CHECK_FALSE(m.aaa_authentication.contains("ssh"));
  // clear configure aaa-server takes the references with the groups.
  c.run("aaa authentication ssh console RAD LOCAL\nclear configure aaa-server\n");
  CHECK(c.cfg().aaa_servers.empty());
  CHECK(m.aaa_authentication.at("ssh") == config::AdminAuthentication{"LOCAL", false});
  CHECK_FALSE(m.aaa_authentication.contains("enable"));
}

TEST_CASE("PIX crypto map client authentication reaches the remote-access tunnel-groups",
          "[aaa-cli]") {
  test::Console c;
  c.run(kSetup);
  c.run("aaa-server AUTH protocol tacacs+\nexit\ntunnel-group EARLY type remote-access\n");
  CHECK(c.run("crypto map M client authentication AUTH\n") ==
        "INFO: PIX command converted: crypto map M client authentication AUTH -> tunnel-group "
        "EARLY general-attributes / authentication-server-group AUTH\n");
  // A vpngroup that comes later gets it with its tunnel-group.
  CHECK(c.run("vpngroup LATE address-pool P\n") ==
        "INFO: PIX command converted: vpngroup LATE address-pool P -> tunnel-group LATE type "
        "remote-access / tunnel-group LATE general-attributes / authentication-server-group "
        "AUTH / tunnel-group LATE general-attributes / address-pool P\n");
  CHECK(c.cfg().tunnel_groups.at("EARLY").general.authentication_server_group == "AUTH");
  CHECK(c.cfg().tunnel_groups.at("LATE").general.authentication_server_group == "AUTH");
  CHECK(c.run("crypto map M client authentication NOPE\n") ==
        "ERROR: aaa-server group NOPE does not exist\n");
  CHECK(c.section({"crypto map"}).find("client authentication") == std::string::npos);
}

TEST_CASE("the one-line host key is never echoed in a load report", "[aaa-cli]") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report = app.replace_config(
      "aaa-server T protocol tacacs+\n"
      "aaa-server T (inside) host 192.0.2.5 hush-hush timeout 999\n");
  CHECK(report.find("hush-hush") == std::string::npos);
  CHECK(report.find("ERROR: line 2: aaa-server T (inside) host 192.0.2.5 ***** timeout 999") !=
        std::string::npos);
}

TEST_CASE("the AAA fuzz seed loads cleanly and round-trips", "[aaa-cli]") {
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) +
                  "/tests/fuzz/corpus/startup_config/aaa-servers");
  std::stringstream ss;
  ss << f.rdbuf();
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string report = app.replace_config(ss.str());
  CHECK(report.find("ERROR") == std::string::npos);
  CHECK(report.find("WARNING") == std::string::npos);
  CHECK(report.find("secret") == std::string::npos);
  const auto& c = app.config();
  CHECK(c.aaa_servers.at("RAD").hosts.size() == 3);
  CHECK(c.aaa_servers.at("RAD").hosts.at(1).key->reveal() == "second-secret");
  CHECK(c.tunnel_groups.at("EZ").general.authentication_fallback_local);
  CHECK(c.management.accounting_command_privilege == 15);
  CHECK(reload(c) == cli::render_saved_config(c));
}
}  // namespace aaa_cli_test
