// vpn-sessiondb max-session-limit: the CLI line, and the engine refusing a new remote-access
// session at the limit after XAUTH (113029, counted), while the sessions up go on. The
// LAN-to-LAN case is in ike_l2l_test.cpp, a client's phase-1 rekey at the limit in
// ike_phase1_rekey_test.cpp, the trap in snmp_test.cpp.
#include <catch2/catch.hpp>

#include "tests/unit/ike_lab.hpp"

namespace session_limit_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

// Phase 1 through XAUTH (status 1 expected) and mode-config.
void connect(Lab& lab, const std::string& user, const std::string& password) {
  lab.phase1();
  lab.xauth(user, password);
  REQUIRE(lab.ack_status() == 1);
  REQUIRE(lab.mode_config().attributes.at(0).data.size() == 4);
}

size_t sessions(Lab& lab) {
  size_t n = 0;
  for (const auto& [i, sa] : lab.engine.sas())
    n += carries_session(*sa) && sa->authorized && sa->state != P1State::Deleting ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("vpn-sessiondb max-session-limit: typed, shown, removed, its range",
          "[session-limit][cli]") {
  test::Console con;
  CHECK(con.run("vpn-sessiondb max-session-limit 1\n") == "");
  CHECK(con.cfg().vpn_sessiondb.max_session_limit == 1u);
  CHECK(con.run("show running-config vpn-sessiondb\n") == "vpn-sessiondb max-session-limit 1\n");
  std::string run = con.run("show running-config\n");
  CHECK(run.find("\nssh version 2\nvpn-sessiondb max-session-limit 1\n") != std::string::npos);
  // The range (1 to the most an Integer32 holds), and the number is needed.
  for (const char* bad :
       {"vpn-sessiondb max-session-limit 0\n", "vpn-sessiondb max-session-limit 2147483648\n",
        "vpn-sessiondb max-session-limit\n"})
    CHECK(con.run(bad).find("ERROR: % I") != std::string::npos);  // Invalid input, Incomplete
  CHECK(con.cfg().vpn_sessiondb.max_session_limit == 1u);
  CHECK(con.run("vpn-sessiondb max-session-limit 2147483647\n") == "");
  CHECK(con.cfg().vpn_sessiondb.max_session_limit == 2147483647u);
  CHECK(con.run("no vpn-sessiondb max-session-limit\n") == "");
  CHECK_FALSE(con.cfg().vpn_sessiondb.max_session_limit);
  CHECK(con.run("show running-config vpn-sessiondb\n").empty());
  con.run("vpn-sessiondb max-session-limit 7\n");
  CHECK(con.run("no vpn-sessiondb max-session-limit 7\n") == "");
  CHECK_FALSE(con.cfg().vpn_sessiondb.max_session_limit);
  con.run("vpn-sessiondb max-session-limit 9\nusername keep password keep123\n");
  CHECK(con.run("clear configure vpn-sessiondb\n") == "");
  CHECK_FALSE(con.cfg().vpn_sessiondb.max_session_limit);
  CHECK(con.cfg().users.contains("keep"));  // that section alone
}

TEST_CASE("at vpn-sessiondb max-session-limit a new remote-access session is refused",
          "[session-limit][ike][security]") {
  Lab lab;
  lab.console.run(
      "vpn-sessiondb max-session-limit 1\nusername alice password alice123\n"
      "ip local pool BIG 203.0.113.20-203.0.113.29 mask 255.255.255.0\n"
      "tunnel-group EZ general-attributes\naddress-pool BIG\nexit\n");
  connect(lab, "cisco", "cisco");
  const uint64_t first = lab.engine.sas().begin()->first;
  // Another user, another address: XAUTH passes, the box is full.
  lab.second_client(3);
  lab.phase1();
  lab.xauth("alice", "alice123");
  CHECK(lab.ack_status() == 0);  // XAUTH status: fail
  CHECK(lab.syslogged(
      "%ASA-4-113029: Group EZ User alice IP 198.51.100.3 Session could not be established: "
      "session limit of 1 reached."));
  CHECK(lab.engine.stats().refused_session_limit == 1);
  CHECK(lab.engine.stats().system_capacity_fails == 1);
  CHECK(lab.console.run("show crypto isakmp stats\n").find("  Refused Session Limit:") !=
        std::string::npos);
  lab.engine.tick();
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.engine.sas().begin()->first == first);  // the session up goes on
  CHECK(sessions(lab) == 1);
  // Clients that fail XAUTH never count: with the limit at 2 the same client gets in.
  lab.console.run("vpn-sessiondb max-session-limit 2\n");
  lab.second_client(4);
  connect(lab, "alice", "alice123");
  CHECK(sessions(lab) == 2);
  CHECK(lab.engine.stats().refused_session_limit == 1);
  // Lowered under the sessions up: they stay, new ones wait until there is room.
  lab.console.run("vpn-sessiondb max-session-limit 1\n");
  lab.second_client(5);
  lab.phase1();
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 0);
  CHECK(lab.engine.stats().refused_session_limit == 2);
  lab.engine.tick();
  CHECK(sessions(lab) == 2);
  lab.console.run("no vpn-sessiondb max-session-limit\n");
  lab.second_client(6);
  connect(lab, "alice", "alice123");
  CHECK(sessions(lab) == 3);
}

TEST_CASE("show vpn-sessiondb summary: the capacity is the platform's, or the limit below it",
          "[session-limit][cli]") {
  Lab lab;
  connect(lab, "cisco", "cisco");
  auto line = [&](const std::string& name) {
    std::string out = lab.console.run("show vpn-sessiondb summary | include " + name + "\n");
    return out.substr(0, out.find('\n'));
  };
  CHECK(line("Capacity") == "Device Total VPN Capacity    :  10000");
  CHECK(line("Load") == "Device Load                  :      0%");
  lab.console.run("vpn-sessiondb max-session-limit 4\n");
  CHECK(line("Capacity") == "Device Total VPN Capacity    :      4");
  CHECK(line("Load") == "Device Load                  :     25%");
  lab.console.run("vpn-sessiondb max-session-limit 50000\n");
  CHECK(line("Capacity") == "Device Total VPN Capacity    :  10000");
}

TEST_CASE("a login the box's limit refuses logs none of the user's sessions off",
          "[session-limit][ike][security]") {
  Lab lab;
  lab.console.run(
      "username alice password alice123\n"
      "ip local pool BIG 203.0.113.20-203.0.113.29 mask 255.255.255.0\n"
      "tunnel-group EZ general-attributes\naddress-pool BIG\nexit\n"
      "group-policy EZ attributes\nvpn-simultaneous-logins 1\nexit\n");
  connect(lab, "cisco", "cisco");
  lab.second_client(3);
  connect(lab, "alice", "alice123");
  REQUIRE(sessions(lab) == 2);
  // The limit lowered under the two sessions up: cisco's second login would log his first off
  // (one login each), but the box would still be full, so it is refused and his first stays.
  lab.console.run("vpn-sessiondb max-session-limit 1\n");
  lab.second_client(4);
  lab.phase1();
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 0);
  CHECK(lab.engine.stats().refused_session_limit == 1);
  lab.engine.tick();
  CHECK(sessions(lab) == 2);
  size_t cisco = 0;
  for (const auto& [i, sa] : lab.engine.sas()) cisco += sa->username == "cisco" ? 1 : 0;
  CHECK(cisco == 1);
  // With room for one more, the same login takes his first session's place (his first client
  // is told, with an IKE Delete to its own address).
  lab.console.run("vpn-sessiondb max-session-limit 2\n");
  lab.second_client(5);
  lab.phase1();
  lab.xauth("cisco", "cisco");
  CHECK(lab.drop_sent_to_others() == 1);
  CHECK(lab.ack_status() == 1);
  lab.engine.tick();
  CHECK(sessions(lab) == 2);
  CHECK(lab.syslogged("Reason: Port Preempted"));
}
}  // namespace session_limit_test
