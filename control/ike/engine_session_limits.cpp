// The group-policy's limits on a session (control/ike/session_policy.hpp resolves them): who may
// log in over IKEv1 and how many times at once, and how long a session may sit idle or last.
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/session_policy.hpp"
#include "platform/printable.hpp"

namespace rampart::ike {

namespace {

// The limits of sa's session: the configuration's, under what an AAA server said about the user
// (its group-policy, Session-Timeout, Idle-Timeout, simultaneous logins). Times in seconds.
struct Limits {
  SessionLimits config;
  std::optional<uint64_t> idle_seconds, session_seconds;
};

Limits limits_of(const config::Config& cfg, const IkeSa& sa, const std::string& user) {
  const bool by_server = sa.aaa_server.has_value();
  Limits l;
  l.config = session_limits(cfg, by_server ? std::string{} : user, sa.tunnel_group,
                            by_server ? sa.authz.group_policy.value_or("") : std::string{});
  if (l.config.idle_minutes) l.idle_seconds = uint64_t(*l.config.idle_minutes) * 60;
  if (l.config.session_minutes) l.session_seconds = uint64_t(*l.config.session_minutes) * 60;
  // A server's 0 means "no limit" (RFC 2865 5.27/5.28 leave it to the NAS; the ASA ignores 0).
  if (sa.authz.idle_timeout && *sa.authz.idle_timeout) l.idle_seconds = *sa.authz.idle_timeout;
  if (sa.authz.session_timeout && *sa.authz.session_timeout)
    l.session_seconds = *sa.authz.session_timeout;
  if (sa.authz.simultaneous_logins)
    l.config.simultaneous_logins =
        static_cast<int>(std::min<uint32_t>(*sa.authz.simultaneous_logins, 2147483647u));
  return l;
}

}  // namespace

bool Engine::admit_user(IkeSa& sa, const std::string& user) {
  // The user's own limits first: logging off their idlest session frees a place for this one,
  // which the box's limit counts; a login the box refuses logs nobody off.
  std::vector<uint64_t> preempted;
  if (!admit_login(sa, user, preempted) || !admit_session(sa, user, preempted.size())) return false;
  // [U] the disconnect reason the ASA's 113019 gives for a preempted login.
  for (uint64_t index : preempted) remove(index, EndReason::PortPreempted, true);
  return true;
}

bool Engine::admit_login(IkeSa& sa, const std::string& user, std::vector<uint64_t>& preempted) {
  SessionLimits l = limits_of(cfg_, sa, user).config;
  if (!l.ikev1_permitted) {
    // [U] the ASA's exact words for a tunnel protocol the group-policy does not allow.
    log(&sa, Tag::Event,
        fmt::format("Tunnel Rejected: User ({}) not permitted to use IKEv1 by the "
                    "vpn-tunnel-protocol of {}",
                    platform::printable(user), l.tunnel_protocol_from));
    return false;
  }
  if (l.simultaneous_logins == 0) {
    log(&sa, Tag::Event,
        fmt::format("Tunnel Rejected: User ({}) may not log in (vpn-simultaneous-logins 0)",
                    platform::printable(user)));
    return false;
  }
  // The ASA's rule: at the limit, the user's session idle the longest is logged off, and of
  // equally idle ones the oldest. The session this SA continues (a phase-1 rekey) is not
  // another login.
  const IkeSa* continued = predecessor(sa);
  // The user's SAs (this one among them: XAUTH indexed it) bound the sessions counted below:
  // with no more of them than the limit, no walk.
  if (sas_.user_count(user) <= static_cast<size_t>(l.simultaneous_logins)) return true;
  std::vector<IkeSa*> mine;
  for (IkeSa* other : sas_.of_user(user))
    if (other != &sa && other != continued && other->authorized && !other->replaced_by &&
        other->username == user && other->state != P1State::Deleting)
      mine.push_back(other);
  while (static_cast<int>(mine.size()) >= l.simultaneous_logins) {
    auto victim = std::min_element(mine.begin(), mine.end(), [](const IkeSa* a, const IkeSa* b) {
      return a->last_activity != b->last_activity ? a->last_activity < b->last_activity
                                                  : a->established < b->established;
    });
    preempted.push_back((*victim)->index);
    mine.erase(victim);
  }
  return true;
}

bool Engine::sessions_reach(const IkeSa* except, uint32_t limit) const {
  // Every session is an established SA: below the limit without a walk, as nearly always.
  if (sas_.established() - (except && except->established ? 1 : 0) < limit) return false;
  uint32_t n = 0;
  for (const auto& [i, other] : sas_.all())
    if (other.get() != except && carries_session(*other) && other->authorized &&
        other->state != P1State::Deleting && ++n >= limit)
      return true;
  return false;
}

bool Engine::admit_session(const IkeSa& sa, const std::string& user, size_t freed) {
  const auto& limit = cfg_.vpn_sessiondb.max_session_limit;
  if (!limit || !sessions_reach(&sa, static_cast<uint32_t>(*limit + freed))) return true;
  // A phase-1 rekey carries on a session that is counted already.
  if (predecessor(sa)) return true;
  refused_at_limit(sa.tunnel_group, user, sa.peer.address, *limit);
  return false;
}

bool Engine::may_initiate_session(const std::string& group, const config::Ipv4& peer) {
  const auto& limit = cfg_.vpn_sessiondb.max_session_limit;
  if (!limit || !sessions_reach(nullptr, *limit)) return true;
  refused_at_limit(group, peer.str(), peer, *limit);
  return false;
}

void Engine::refused_at_limit(const std::string& group, const std::string& user,
                              const config::Ipv4& peer, uint32_t limit) {
  ++stats_.refused_session_limit;
  ++stats_.system_capacity_fails;  // [U] the ASA's counter for a box that is full
  syslog_plain(113029, group, user, peer.str(), limit);
}

bool Engine::admit_unauthenticated_session(IkeSa& sa) {
  // [U] the user the ASA names for a session without one: the peer's address, as it names a
  // LAN-to-LAN session in show vpn-sessiondb.
  if (admit_session(sa, sa.peer.address.str())) return true;
  sa.state = P1State::Deleting;
  sa.delete_reason = EndReason::None;  // the tick tells the peer (engine_timers.cpp)
  return false;
}

std::optional<EndReason> Engine::session_expired(IkeSa& sa, uint64_t now) {
  if (!sa.authorized || sa.replaced_by) return std::nullopt;
  // Activity is traffic through the tunnel (either direction), not IKE keepalives.
  uint64_t packets = 0;
  for (const auto& ips : sa.ipsec)
    if (auto t = dataplane_.traffic(ips.id)) packets += t->in_packets + t->out_packets;
  if (sa.last_activity == 0 || packets != sa.traffic_packets) {
    sa.traffic_packets = packets;
    sa.last_activity = std::max(now, sa.session_start);
  }
  Limits l = limits_of(cfg_, sa, sa.username);
  if (l.session_seconds && now >= sa.session_start + *l.session_seconds)
    return EndReason::MaxTimeExceeded;
  if (l.idle_seconds && now >= sa.last_activity + *l.idle_seconds) return EndReason::IdleTimeout;
  return std::nullopt;
}

}  // namespace rampart::ike
