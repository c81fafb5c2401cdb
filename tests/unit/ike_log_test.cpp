// The engine's words to the operator (control/ike/ike_log): the ASA's tags and session prefix on
// debug lines, nothing built for a level nobody watches, peer bytes escaped, syslog ids with the
// table's level and the prefix filled in.
#include <catch2/catch.hpp>

#include "control/ike/ike_log.hpp"
#include "tests/unit/ike_initiator.hpp"

namespace ike_log_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

// Watches "debug crypto isakmp" up to level `isakmp` only.
struct Watching : test::FakeEnv {
  int isakmp = 255;
  bool debugging(DebugKind kind, int level) override {
    return kind != DebugKind::Isakmp || level <= isakmp;
  }
};

IkeSa client() {
  IkeSa sa;
  sa.peer = {*config::Ipv4::parse("198.51.100.2"), 500};
  sa.tunnel_group = "EZ";
  sa.username = "cisco";
  return sa;
}

}  // namespace

TEST_CASE("ike log: the ASA's tags, the session's prefix as far as it is known", "[ike][debug]") {
  Watching env;
  IkeLog log(env);
  IkeSa sa = client();
  log.event(&sa, "PHASE 1 COMPLETED");
  log.debug(&sa, "processing hash payload");
  sa.username.clear();
  Endpoint peer{*config::Ipv4::parse("192.0.2.7"), 4500};
  log.decode(nullptr, "IKE Responder starting QM: msg id = 00000500", &peer);
  log.event(nullptr, "no one's");
  REQUIRE(env.lines.size() == 4);
  CHECK(env.lines[0] ==
        "[IKEv1]Group = EZ, Username = cisco, IP = 198.51.100.2, PHASE 1 COMPLETED");
  CHECK(env.lines[1] ==
        "[IKEv1 DEBUG]Group = EZ, Username = cisco, IP = 198.51.100.2, processing hash payload");
  CHECK(env.lines[2] ==
        "[IKEv1 DECODE]IP = 192.0.2.7, IKE Responder starting QM: msg id = 00000500");
  CHECK(env.lines[3] == "[IKEv1]no one's");
  // Whom each line is about, for "debug crypto condition".
  REQUIRE(env.about_lines[0].second);
  CHECK(env.about_lines[0].second->user == "cisco");
  CHECK(env.about_lines[2].second->peer == peer.address.value);
  CHECK_FALSE(env.about_lines[3].second);
}

TEST_CASE("ike log: levels nobody watches are not written, peer bytes are escaped",
          "[ike][debug]") {
  Watching env;
  env.isakmp = 1;  // debug crypto isakmp 1: events only
  IkeLog log(env);
  IkeSa sa = client();
  log.debug(&sa, "detail");
  log.decode(&sa, "decode");
  log.message(sa.peer, false, 0, {}, 28);
  CHECK(env.lines.empty());
  CHECK(log.watching(DebugKind::Isakmp, 1));
  CHECK_FALSE(log.watching(DebugKind::Isakmp, 5));
  sa.username = "eve\x1b[2J";  // a user name with a terminal escape in it
  log.event(&sa, "User (x) authenticated.");
  REQUIRE(env.lines.size() == 1);
  CHECK(env.lines[0].find('\x1b') == std::string::npos);
}

TEST_CASE("ike log: syslog with the table's level, the prefix where the message has one",
          "[ike][debug]") {
  Watching env;
  IkeLog log(env);
  IkeSa sa = client();
  log.syslog_sa(&sa, nullptr, 713902, "All IPSec SA proposals found unacceptable!");
  log.syslog_plain(113015, "authentication", "invalid password", " : user IP = 198.51.100.2");
  REQUIRE(env.syslogs.size() == 2);
  CHECK(env.syslogs[0] ==
        "%ASA-3-713902: Group = EZ, Username = cisco, IP = 198.51.100.2, All IPSec SA proposals "
        "found unacceptable!");
  CHECK(env.syslogs[1] ==
        "%ASA-6-113015: AAA user authentication Rejected : reason = invalid password : local "
        "database : user = ***** : user IP = 198.51.100.2");
  CHECK(IkeLog::prefix(nullptr) == "");
}

}  // namespace ike_log_test
