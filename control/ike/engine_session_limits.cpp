// The group-policy's limits on a session (control/ike/session_policy.hpp resolves them): who may
// log in over IKEv1 and how many times at once, and how long a session may sit idle or last.
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/session_policy.hpp"
#include "platform/printable.hpp"

namespace rampart::ike {

bool Engine::admit_user(IkeSa& sa, const std::string& user) {
  SessionLimits l = session_limits(cfg_, user, sa.tunnel_group);
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
  // equally idle ones the oldest.
  for (;;) {
    std::vector<IkeSa*> mine;
    for (auto& [idx, other] : sas_)
      if (other.get() != &sa && other->authorized && other->username == user &&
          other->state != P1State::Deleting)
        mine.push_back(other.get());
    if (static_cast<int>(mine.size()) < l.simultaneous_logins) return true;
    IkeSa* victim = mine.front();
    for (IkeSa* s : mine)
      if (s->last_activity < victim->last_activity ||
          (s->last_activity == victim->last_activity && s->established < victim->established))
        victim = s;
    // [U] the disconnect reason the ASA's 113019 gives for a preempted login.
    remove(victim->index, "Port Preempted", true);
  }
}

std::optional<std::string> Engine::session_expired(IkeSa& sa, uint64_t now) {
  if (!sa.authorized) return std::nullopt;
  // Activity is traffic through the tunnel (either direction), not IKE keepalives.
  uint64_t packets = 0;
  if (sad_)
    for (const auto& ips : sa.ipsec)
      sad_->with(ips.id, [&](const dataplane::Sad::Entry& e) {
        packets += e.in->counters().packets + e.out->counters().packets;
      });
  if (sa.last_activity == 0 || packets != sa.traffic_packets) {
    sa.traffic_packets = packets;
    sa.last_activity = std::max(now, sa.established);
  }
  SessionLimits l = session_limits(cfg_, sa.username, sa.tunnel_group);
  if (l.session_minutes && now >= sa.established + uint64_t(*l.session_minutes) * 60)
    return "Max time exceeded";
  if (l.idle_minutes && now >= sa.last_activity + uint64_t(*l.idle_minutes) * 60)
    return "Idle Timeout";
  return std::nullopt;
}

}  // namespace rampart::ike
