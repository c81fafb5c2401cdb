// A session's limits decided over the configuration and the SA table alone: what an AAA server
// said over the group-policy, which login a new one logs off, when the box is full, and when a
// session's time is up.
#include <catch2/catch.hpp>

#include "control/ike/session_admission.hpp"

namespace session_admission_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

// An authorized, established SA of user in t, its phase 1 completed at `at`, idle since `idle`.
IkeSa& session(SaTable& t, const std::string& user, uint64_t at, uint64_t idle) {
  auto sa = std::make_unique<IkeSa>();
  sa->index = t.next_index();
  sa->icookie.fill(static_cast<uint8_t>(sa->index));
  sa->peer = {config::Ipv4{0xc6336400u + static_cast<uint32_t>(sa->index)}, 4500};
  IkeSa& s = t.adopt(std::move(sa));
  t.set_username(s, user);
  t.mark_established(s, at);
  s.authorized = true;
  s.session_start = at;
  s.last_activity = idle;
  return s;
}

config::Config with_policy(int logins, int idle_minutes) {
  config::Config cfg;
  config::GroupPolicy gp;
  gp.name = "DfltGrpPolicy";
  gp.vpn_simultaneous_logins = logins;
  gp.vpn_idle_timeout = idle_minutes;
  cfg.group_policies["DfltGrpPolicy"] = gp;
  return cfg;
}

}  // namespace

TEST_CASE("session limits: an AAA server's answer over the group-policy", "[ike][admission]") {
  config::Config cfg = with_policy(2, 10);
  IkeSa sa;
  sa.tunnel_group = "EZ";
  SessionLimitsOf l = limits_of(cfg, sa, "alice");
  CHECK(l.config.simultaneous_logins == 2);
  CHECK(l.idle_seconds == 600u);
  CHECK(!l.session_seconds);
  // Idle-Timeout and Session-Timeout in seconds; a server's 0 means no limit, not "at once".
  sa.aaa_server = config::Ipv4{0xc0000201};
  sa.authz.idle_timeout = 0;
  sa.authz.session_timeout = 3600;
  sa.authz.simultaneous_logins = 5;
  l = limits_of(cfg, sa, "alice");
  CHECK(l.idle_seconds == 600u);
  CHECK(l.session_seconds == 3600u);
  CHECK(l.config.simultaneous_logins == 5);
}

TEST_CASE("session limits: at the login limit the idlest session goes", "[ike][admission]") {
  SaTable t;
  IkeSa& a = session(t, "alice", 100, 500);  // idle since 500
  IkeSa& b = session(t, "alice", 200, 300);  // idle the longest
  session(t, "bob", 50, 50);
  IkeSa& fresh = session(t, "alice", 900, 900);
  // Limit 3: room for the new one beside both.
  CHECK(logins_to_preempt(t, fresh, nullptr, "alice", 3).empty());
  // Limit 2: the idlest of the others goes; limit 1: both.
  CHECK(logins_to_preempt(t, fresh, nullptr, "alice", 2) == std::vector<uint64_t>{b.index});
  auto both = logins_to_preempt(t, fresh, nullptr, "alice", 1);
  CHECK(both == std::vector<uint64_t>{b.index, a.index});
  // Equally idle: the older goes. The session fresh continues (a phase-1 rekey) is not another.
  a.last_activity = b.last_activity;
  CHECK(logins_to_preempt(t, fresh, nullptr, "alice", 2) == std::vector<uint64_t>{a.index});
  CHECK(logins_to_preempt(t, fresh, &a, "alice", 2).empty());
  // Sessions being deleted or not yet authorized are not counted.
  b.state = P1State::Deleting;
  a.authorized = false;
  CHECK(logins_to_preempt(t, fresh, nullptr, "alice", 1).empty());
}

TEST_CASE("session limits: the box's limit counts sessions, not SAs", "[ike][admission]") {
  SaTable t;
  IkeSa& a = session(t, "alice", 100, 100);
  IkeSa& b = session(t, "bob", 100, 100);
  CHECK(sessions_reach(t, nullptr, 2));
  CHECK(!sessions_reach(t, nullptr, 3));
  CHECK(!sessions_reach(t, &a, 2));  // a's own session is not another
  // A replaced SA (its session went to its rekey) and one being deleted carry none.
  b.p1_rekey.replaced(a.index, 100);
  CHECK(!sessions_reach(t, nullptr, 2));
  b.p1_rekey = {};
  b.state = P1State::Deleting;
  CHECK(!sessions_reach(t, nullptr, 2));
}

TEST_CASE("session limits: session time and idle time", "[ike][admission]") {
  IkeSa sa;
  sa.session_start = 1000;
  sa.last_activity = 1500;
  SessionLimitsOf l;
  CHECK(!limit_reached(l, sa, 1'000'000));  // no limits: never
  l.idle_seconds = 600;
  CHECK(!limit_reached(l, sa, 2099));
  CHECK(limit_reached(l, sa, 2100) == EndReason::IdleTimeout);
  l.session_seconds = 1000;
  CHECK(limit_reached(l, sa, 2000) == EndReason::MaxTimeExceeded);
  CHECK(!limit_reached(l, sa, 1999));
}

}  // namespace session_admission_test
