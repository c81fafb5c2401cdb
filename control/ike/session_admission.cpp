#include "control/ike/session_admission.hpp"

#include <algorithm>

namespace rampart::ike {

SessionLimitsOf limits_of(const config::Config& cfg, const IkeSa& sa, const std::string& user) {
  const bool by_server = sa.aaa_server.has_value();
  SessionLimitsOf l;
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

bool continuable(const IkeSa& s) {
  return carries_session(s) && s.authorized && s.state != P1State::Deleting;
}

IkeSa* predecessor(SaTable& sas, const IkeSa& sa) {
  if (sa.initial_contact) return nullptr;  // the peer started afresh: nothing to continue
  if (!sa.responder && !sa.p1_rekey.replaces()) return nullptr;  // ours, with INITIAL-CONTACT
  if (sa.p1_rekey.replaces()) {
    // The SA we set out to replace, or whichever took its session over meanwhile (a chain
    // no longer than the table, whatever it holds).
    IkeSa* c = nullptr;
    uint64_t idx = sa.p1_rekey.replaces();
    for (size_t hops = 0; idx && hops <= sas.size(); ++hops) {
      c = sas.get(idx);
      idx = c ? c->p1_rekey.replaced_by() : 0;
    }
    if (idx) return nullptr;
    return c && continuable(*c) ? c : nullptr;
  }
  for (IkeSa* other : sas.of_peer(sa.peer.address)) {
    if (other == &sa || !continuable(*other) || other->remote_access != sa.remote_access ||
        other->tunnel_group != sa.tunnel_group || other->peer.address != sa.peer.address)
      continue;
    // A client is its address, port and user (many share one NAT); a site is its address and
    // tunnel-group, whatever port its NAT gives it this time.
    if (sa.remote_access && (other->peer.port != sa.peer.port || other->username != sa.username))
      continue;
    return other;
  }
  return nullptr;
}

std::vector<uint64_t> logins_to_preempt(const SaTable& sas, const IkeSa& sa, const IkeSa* continued,
                                        const std::string& user, int limit) {
  std::vector<uint64_t> preempted;
  // The user's SAs (sa among them: XAUTH indexed it) bound the sessions counted below: with no
  // more of them than the limit, no walk.
  if (limit <= 0 || sas.user_count(user) <= static_cast<size_t>(limit)) return preempted;
  std::vector<const IkeSa*> mine;
  for (const IkeSa* other : sas.of_user(user))
    if (other != &sa && other != continued && other->authorized && !other->p1_rekey.replaced_by() &&
        other->username == user && other->state != P1State::Deleting)
      mine.push_back(other);
  while (static_cast<int>(mine.size()) >= limit) {
    auto victim = std::min_element(mine.begin(), mine.end(), [](const IkeSa* a, const IkeSa* b) {
      return a->last_activity != b->last_activity ? a->last_activity < b->last_activity
                                                  : a->established < b->established;
    });
    preempted.push_back((*victim)->index);
    mine.erase(victim);
  }
  return preempted;
}

bool sessions_reach(const SaTable& sas, const IkeSa* except, uint32_t limit) {
  // Every session is an established SA: below the limit without a walk, as nearly always.
  if (sas.established() - (except && except->established ? 1 : 0) < limit) return false;
  uint32_t n = 0;
  for (const auto& [i, other] : sas.all())
    if (other.get() != except && carries_session(*other) && other->authorized &&
        other->state != P1State::Deleting && ++n >= limit)
      return true;
  return false;
}

std::optional<EndReason> limit_reached(const SessionLimitsOf& l, const IkeSa& sa, uint64_t now) {
  if (l.session_seconds && now >= sa.session_start + *l.session_seconds)
    return EndReason::MaxTimeExceeded;
  if (l.idle_seconds && now >= sa.last_activity + *l.idle_seconds) return EndReason::IdleTimeout;
  return std::nullopt;
}

}  // namespace rampart::ike
