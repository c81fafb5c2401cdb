// SessionGate (control/ike/session_gate) apart from the engine: what it logs and counts as it
// applies the session limits (session_admission's decisions): the user's idlest login named for
// preemption, the box's limit (113029) except for a session a phase-1 rekey continues, and the
// idle timeout read from the dataplane's traffic.
#include <catch2/catch.hpp>

#include "control/ike/session_gate.hpp"
#include "tests/unit/ike_initiator.hpp"

namespace session_gate_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

struct Gate {
  config::Config cfg;
  test::FakeEnv env;
  IkeStats stats;
  IkeLog log{env};
  SaTable sas;
  IpsecDataplane dataplane{cfg};
  SessionGate gate{cfg, stats, log, sas, dataplane};
  Gate(int logins, int idle_minutes) {
    config::GroupPolicy gp;
    gp.name = "DfltGrpPolicy";
    gp.vpn_simultaneous_logins = logins;
    gp.vpn_idle_timeout = idle_minutes;
    cfg.group_policies["DfltGrpPolicy"] = gp;
  }
  // An authorized, established session of user from its own address, idle since idle.
  IkeSa& session(const std::string& user, uint64_t idle) {
    auto sa = std::make_unique<IkeSa>();
    sa->index = sas.next_index();
    sa->icookie.fill(static_cast<uint8_t>(sa->index));
    sa->peer = {config::Ipv4{0xc6336400u + static_cast<uint32_t>(sa->index)}, 4500};
    IkeSa& s = sas.adopt(std::move(sa));
    sas.set_username(s, user);
    sas.mark_established(s, 100);
    s.authorized = true;
    s.session_start = 100;
    s.last_activity = idle;
    return s;
  }
  bool syslogged(std::string_view id) const {
    for (const auto& l : env.syslogs)
      if (l.find(id) != std::string::npos) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("session gate: at the user's login limit the idlest login is named to go",
          "[ike][admission]") {
  Gate g(1, 0);
  IkeSa& old = g.session("alice", 150);
  IkeSa& fresh = g.session("alice", 300);
  std::vector<uint64_t> preempted;
  REQUIRE(g.gate.admit_user(fresh, "alice", preempted));
  CHECK(preempted == std::vector<uint64_t>{old.index});
  g.cfg.group_policies["DfltGrpPolicy"].vpn_simultaneous_logins = 0;
  preempted.clear();
  CHECK_FALSE(g.gate.admit_user(fresh, "alice", preempted));
  CHECK(preempted.empty());
  CHECK(g.env.logged("may not log in (vpn-simultaneous-logins 0)"));
}

TEST_CASE("session gate: the box's limit refuses a new session, counted and logged",
          "[ike][admission]") {
  Gate g(3, 0);
  g.cfg.vpn_sessiondb.max_session_limit = 1;
  g.session("alice", 150);
  IkeSa& bob = g.session("bob", 150);
  std::vector<uint64_t> preempted;
  CHECK_FALSE(g.gate.admit_user(bob, "bob", preempted));
  CHECK(g.stats.refused_session_limit == 1);
  CHECK(g.syslogged("113029"));
  CHECK_FALSE(g.gate.may_initiate("L2L", config::Ipv4{0xcb007101u}));
  CHECK(g.stats.refused_session_limit == 2);
  CHECK_FALSE(g.gate.admit_unauthenticated(bob));
  CHECK(bob.state == P1State::Deleting);  // its peer told at the next tick
}

TEST_CASE("session gate: an idle session's time runs out, one with traffic goes on",
          "[ike][admission]") {
  Gate g(3, 1);  // vpn-idle-timeout 1 minute
  IkeSa& s = g.session("alice", 100);
  CHECK_FALSE(g.gate.expired(s, 159));
  CHECK(g.gate.expired(s, 160) == EndReason::IdleTimeout);
  s.p1_rekey.replaced(99, 160);  // a replaced SA's session lives on its successor
  CHECK_FALSE(g.gate.expired(s, 1000));
}

}  // namespace session_gate_test
