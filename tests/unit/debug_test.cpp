// Per-session debugs: levels set by the CLI decide which control-plane lines reach a session.
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

using namespace rampart;

TEST_CASE("debug levels are per session and filter what arrives") {
  test::Console a;
  cli::Session b(a.app, true);
  a.run("debug crypto isakmp 127\ndebug crypto ipsec");
  CHECK(a.run("show debug") ==
        "debug crypto ikev1 enabled at level 127\ndebug crypto ipsec enabled at level 1\n");
  CHECK(b.execute("show debug").output.empty());
  a.app.debug(cli::DebugFacility::Isakmp, 5,
              "[IKEv1 DEBUG]IP = 198.51.100.2, processing SA payload");
  a.app.debug(cli::DebugFacility::Ipsec, 10, "IPSEC: detail not asked for");
  REQUIRE(a.s.pending_async.size() == 1);
  CHECK(a.s.pending_async[0] == "[IKEv1 DEBUG]IP = 198.51.100.2, processing SA payload");
  CHECK(b.pending_async.empty());
  a.run("no debug crypto isakmp");
  CHECK(a.s.debug_isakmp == 0);
  a.run("undebug all");
  CHECK(a.run("show debug").empty());
}
