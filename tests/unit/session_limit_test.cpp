// vpn-sessiondb max-session-limit: the CLI line. The engine's refusals follow.
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

using namespace rampart;

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
}
