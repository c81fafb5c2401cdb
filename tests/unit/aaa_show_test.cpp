// show aaa-server, clear aaa-server statistics and test aaa-server through the CLI, against the
// daemon's AaaService with a scripted protocol client: the ASA's listing byte for byte, its test
// answers, the prompts for a missing user name and password, and the errors.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "firmware/daemon/aaa_service.hpp"
#include "tests/unit/aaa_scripted_client.hpp"
#include "tests/unit/session_helpers.hpp"

namespace aaa_show_test {

using namespace rampart;
using namespace std::chrono_literals;
using K = aaa::ServerAnswer::Kind;

namespace {

constexpr int64_t kWall = 1720495551;  // 03:25:51 UTC Tue Jul 9 2024

struct AaaConsole : test::Console {
  test::ScriptedClient client;
  std::unique_ptr<firmware::AaaService> svc;
  std::vector<std::string> logs;

  AaaConsole() {
    run("interface GigabitEthernet0/1\nnameif inside\nip address 192.0.2.1 255.255.255.0\n"
        "exit\naaa-server ISE protocol tacacs+\naaa-server ISE (inside) host 198.51.100.10\n"
        "key sharedsecret\nexit\naaa-server RAD protocol radius\n"
        "aaa-server RAD (inside) host 198.51.100.20\ntimeout 5\nexit\nend");
    firmware::AaaService::Options o;
    o.clock = {[] {
                 return std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                     .count();
               },
               [] { return kWall; }};
    svc = std::make_unique<firmware::AaaService>(
        [this](const std::string&) { return std::make_unique<test::Forward>(&client); },
        [this](int sev, int id, const std::string& text) {
          logs.push_back(fmt::format("%ASA-{}-{}: {}", sev, id, text));
        },
        o);
    svc->configure(cfg());
    sys.aaa_service = svc.get();
  }
  ~AaaConsole() { sys.aaa_service = nullptr; }
};

config::Ipv4 ip(const char* s) {
  return *config::Ipv4::parse(s);
}

}  // namespace

TEST_CASE("show aaa-server lists LOCAL and every server as the ASA does", "[aaa-show]") {
  AaaConsole con;
  con.client.scripts[ip("198.51.100.10").value] = {K::Accept, 61ms};
  con.run("test aaa-server authentication ISE host 198.51.100.10 username bob password pw");
  con.run("test aaa-server authentication LOCAL username x password y");  // refused: no group
  std::string out = con.run("show aaa-server");
  CHECK(out ==
        "Server Group:    LOCAL\n"
        "Server Protocol: Local database\n"
        "Server Address:  None\n"
        "Server port:     None\n"
        "Server status:   ACTIVE, Last transaction at unknown\n"
        "Number of pending requests\t\t0\n"
        "Average round trip time\t\t\t0ms\n"
        "Number of authentication requests\t0\n"
        "Number of authorization requests\t0\n"
        "Number of accounting requests\t\t0\n"
        "Number of retransmissions\t\t0\n"
        "Number of accepts\t\t\t0\n"
        "Number of rejects\t\t\t0\n"
        "Number of challenges\t\t\t0\n"
        "Number of bad authenticators\t\t0\n"
        "Number of timeouts\t\t\t0\n"
        "Number of unrecognized responses\t0\n"
        "\n"
        "Server Group:    ISE\n"
        "Server Protocol: tacacs+\n"
        "Server Address:  198.51.100.10\n"
        "Server port:     49\n"
        "Server status:   ACTIVE, Last transaction at 03:25:51 UTC Tue Jul 9 2024\n"
        "Number of pending requests\t\t0\n"
        "Average round trip time\t\t\t61ms\n"
        "Number of authentication requests\t1\n"
        "Number of authorization requests\t0\n"
        "Number of accounting requests\t\t0\n"
        "Number of retransmissions\t\t0\n"
        "Number of accepts\t\t\t1\n"
        "Number of rejects\t\t\t0\n"
        "Number of challenges\t\t\t0\n"
        "Number of bad authenticators\t\t0\n"
        "Number of timeouts\t\t\t0\n"
        "Number of unrecognized responses\t0\n"
        "\n"
        "Server Group:    RAD\n"
        "Server Protocol: radius\n"
        "Server Address:  198.51.100.20\n"
        "Server port:     1645(authentication), 1646(accounting)\n"
        "Server status:   ACTIVE, Last transaction at unknown\n"
        "Number of pending requests\t\t0\n"
        "Average round trip time\t\t\t0ms\n"
        "Number of authentication requests\t0\n"
        "Number of authorization requests\t0\n"
        "Number of accounting requests\t\t0\n"
        "Number of retransmissions\t\t0\n"
        "Number of accepts\t\t\t0\n"
        "Number of rejects\t\t\t0\n"
        "Number of challenges\t\t\t0\n"
        "Number of bad authenticators\t\t0\n"
        "Number of timeouts\t\t\t0\n"
        "Number of unrecognized responses\t0\n");
  // One group, one host, one protocol.
  CHECK(con.run("show aaa-server RAD").starts_with("Server Group:    RAD\n"));
  CHECK(con.run("show aaa-server ISE host 198.51.100.10").starts_with("Server Group:    ISE\n"));
  CHECK(con.run("show aaa-server protocol tacacs+").starts_with("Server Group:    ISE\n"));
  CHECK(con.run("show aaa-server protocol local").starts_with("Server Group:    LOCAL\n"));
  CHECK(con.run("show aaa-server protocol ldap").empty());
  CHECK(out.find("sharedsecret") == std::string::npos);
}

TEST_CASE("a FAILED server shows when it was disabled", "[aaa-show]") {
  AaaConsole con;
  con.run("configure terminal\naaa-server RAD protocol radius\nmax-failed-attempts 1\nend");
  con.svc->configure(con.cfg());
  con.client.scripts[ip("198.51.100.20").value] = {K::Timeout, 0ms};
  CHECK(con.run("test aaa-server authentication RAD username bob password pw") ==
        "INFO: Attempting Authentication test to IP address <198.51.100.20> (timeout: 7 "
        "seconds)\n"
        "ERROR: Authentication Server not responding: No error\n");
  std::string out = con.run("show aaa-server RAD");
  CHECK(out.find("Server status:   FAILED, Server disabled at 03:25:51 UTC Tue Jul 9 2024\n") !=
        std::string::npos);
  CHECK(out.find("Number of timeouts\t\t\t1\n") != std::string::npos);
}

TEST_CASE("test aaa-server answers with the ASA's words", "[aaa-show]") {
  AaaConsole con;
  con.client.scripts[ip("198.51.100.10").value] = {K::Accept, 0ms};
  CHECK(con.run("test aaa-server authentication ISE host 198.51.100.10 username bob password "
                "secret1") ==
        "INFO: Attempting Authentication test to IP address <198.51.100.10> (timeout: 12 "
        "seconds)\nINFO: Authentication Successful\n");
  con.client.scripts[ip("198.51.100.10").value] = {K::Reject, 0ms};
  CHECK(con.run("test aaa-server authentication ISE username bob password secret2") ==
        "INFO: Attempting Authentication test to IP address <198.51.100.10> (timeout: 12 "
        "seconds)\nERROR: Authentication Rejected: AAA failure\n");
  con.client.scripts[ip("198.51.100.10").value] = {K::Accept, 0ms};
  CHECK(con.run("test aaa-server authorization ISE host 198.51.100.10 username bob") ==
        "INFO: Attempting Authorization test to IP address <198.51.100.10> (timeout: 12 "
        "seconds)\nINFO: Authorization Successful\n");
  // The passwords went to the server and nowhere else.
  CHECK(con.client.seen_passwords == std::vector<std::string>{"secret1", "secret2"});
  for (const auto& l : con.logs) CHECK(l.find("secret") == std::string::npos);
}

TEST_CASE("test aaa-server asks for the user name and the password", "[aaa-show]") {
  AaaConsole con;
  cli::Reply r = con.s.execute("test aaa-server authentication ISE host 198.51.100.10");
  CHECK(r.input_prompt == "Username: ");
  CHECK_FALSE(r.secret_input);
  r = con.s.execute("bob");
  CHECK(r.input_prompt == "Password: ");
  CHECK(r.secret_input);
  r = con.s.execute("typed-secret");
  CHECK(r.output ==
        "INFO: Attempting Authentication test to IP address <198.51.100.10> (timeout: 12 "
        "seconds)\nINFO: Authentication Successful\n");
  CHECK(con.client.seen_passwords == std::vector<std::string>{"typed-secret"});
  // An empty user name ends the test.
  con.s.execute("test aaa-server authentication ISE");
  CHECK(con.s.execute("").output == "ERROR: A username is required\n");
}

TEST_CASE("clear aaa-server statistics zeroes the counters", "[aaa-show]") {
  AaaConsole con;
  con.run("test aaa-server authentication ISE username bob password pw");
  CHECK(con.run("show aaa-server ISE").find("Number of accepts\t\t\t1\n") != std::string::npos);
  CHECK(con.run("clear aaa-server statistics RAD").empty());
  CHECK(con.run("show aaa-server ISE").find("Number of accepts\t\t\t1\n") != std::string::npos);
  CHECK(con.run("clear aaa-server statistics ISE").empty());
  CHECK(con.run("show aaa-server ISE").find("Number of accepts\t\t\t0\n") != std::string::npos);
  con.run("test aaa-server authentication ISE username bob password pw");
  con.run("clear aaa-server statistics");
  CHECK(con.run("show aaa-server ISE").find("Number of accepts\t\t\t0\n") != std::string::npos);
}

TEST_CASE("aaa-server commands refuse what does not exist, counted", "[aaa-show]") {
  AaaConsole con;
  auto before = con.app.counters().rejected;
  CHECK(con.run("show aaa-server NOSUCH") == "ERROR: aaa-server group NOSUCH does not exist\n");
  CHECK(con.run("show aaa-server ISE host 198.51.100.99") ==
        "ERROR: aaa-server host 198.51.100.99 does not exist in aaa-server group ISE\n");
  CHECK(con.run("clear aaa-server statistics NOSUCH") ==
        "ERROR: aaa-server group NOSUCH does not exist\n");
  CHECK(con.run("test aaa-server authentication NOSUCH username u password p") ==
        "ERROR: aaa-server group NOSUCH does not exist\n");
  CHECK(con.run("test aaa-server authentication ISE host 198.51.100.99 username u password p") ==
        "ERROR: aaa-server host 198.51.100.99 does not exist in aaa-server group ISE\n");
  CHECK(con.app.counters().rejected == before + 5);
  CHECK(con.run("show aaa-server ISE host 300.1.1.1").find("Invalid input") != std::string::npos);
  // No AAA service (a CLI without the daemon): said, not pretended.
  con.sys.aaa_service = nullptr;
  CHECK(con.run("show aaa-server") == "ERROR: the AAA service is not running\n");
}
}  // namespace aaa_show_test
