// Per-session debugs: levels set by the CLI decide which control-plane lines reach a session.
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

namespace debug_test {

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

TEST_CASE("debug crypto condition: a session sees the lines about its peers, users, groups",
          "[debug]") {
  test::Console a;
  cli::Session b(a.app, true);
  a.run("debug crypto isakmp 127\ndebug crypto ipsec 1");
  b.execute("debug crypto isakmp 127");
  CHECK(a.run("show crypto debug-condition") == "Crypto conditional debug is turned OFF\n");
  a.run(
      "debug crypto condition peer 198.51.100.2\ndebug crypto condition user alice\n"
      "debug crypto condition group RA");
  CHECK(a.run("show crypto debug-condition") ==
        "Crypto conditional debug is turned ON\n"
        "IKE peer IP address filters:\n198.51.100.2\n"
        "IKE user name filters:\nalice\n"
        "IKE group name filters:\nRA\n");
  using S = ike::DebugSubject;
  const S peer{0xc6336402, {}, {}}, other{0xc6336403, {}, {}}, user{0xc6336404, "alice", "L2L"},
      group{0xc6336405, "bob", "RA"}, stranger{0xc6336406, "bob", "L2L"};
  for (const S* s : {&peer, &other, &user, &group, &stranger, static_cast<const S*>(nullptr)})
    a.app.debug(cli::DebugFacility::Isakmp, 1, s ? std::to_string(s->peer) : "none", s);
  a.app.debug(cli::DebugFacility::Ipsec, 1, "ipsec", &peer);
  // Any one condition lets a line through; a line about nobody is held back.
  CHECK(a.s.pending_async == std::vector<std::string>{std::to_string(peer.peer),
                                                      std::to_string(user.peer),
                                                      std::to_string(group.peer), "ipsec"});
  // The other session set none: it sees every line of its level.
  CHECK(b.pending_async.size() == 6);
  // Removed one by one (an address the list lacks is no error), or all at once.
  a.s.pending_async.clear();
  CHECK(a.run("no debug crypto condition peer 198.51.100.2\n"
              "no debug crypto condition peer 198.51.100.9") == "");
  a.app.debug(cli::DebugFacility::Isakmp, 1, "peer", &peer);
  CHECK(a.s.pending_async.empty());
  a.run("debug crypto condition reset");
  CHECK(a.run("show crypto debug-condition") == "Crypto conditional debug is turned OFF\n");
  a.app.debug(cli::DebugFacility::Isakmp, 1, "none", nullptr);
  CHECK(a.s.pending_async == std::vector<std::string>{"none"});
  // Bad input gets the ASA's words.
  CHECK(a.run("debug crypto condition peer 198.51.100").find("ERROR: % Invalid input") !=
        std::string::npos);
}
}  // namespace debug_test
