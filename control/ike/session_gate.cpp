#include "control/ike/session_gate.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/ike/session_admission.hpp"
#include "platform/printable.hpp"

namespace rampart::ike {

bool SessionGate::admit_user(IkeSa& sa, const std::string& user, std::vector<uint64_t>& preempted) {
  // The user's own limits first: logging off their idlest session frees a place for this one,
  // which the box's limit counts; a login the box refuses logs nobody off.
  if (admit_login(sa, user, preempted) && admit_session(sa, user, preempted.size())) return true;
  preempted.clear();
  return false;
}

bool SessionGate::admit_login(IkeSa& sa, const std::string& user,
                              std::vector<uint64_t>& preempted) {
  SessionLimits l = limits_of(cfg_, sa, user).config;
  if (!l.ikev1_permitted) {
    // [U] the ASA's exact words for a tunnel protocol the group-policy does not allow.
    log_.event(&sa, fmt::format("Tunnel Rejected: User ({}) not permitted to use IKEv1 by the "
                                "vpn-tunnel-protocol of {}",
                                platform::printable(user), l.tunnel_protocol_from));
    return false;
  }
  if (l.simultaneous_logins == 0) {
    log_.event(&sa,
               fmt::format("Tunnel Rejected: User ({}) may not log in (vpn-simultaneous-logins 0)",
                           platform::printable(user)));
    return false;
  }
  // The ASA's rule: at the limit, the user's session idle the longest is logged off.
  auto off = logins_to_preempt(sas_, sa, predecessor(sas_, sa), user, l.simultaneous_logins);
  preempted.insert(preempted.end(), off.begin(), off.end());
  return true;
}

bool SessionGate::admit_session(const IkeSa& sa, const std::string& user, size_t freed) {
  const auto& limit = cfg_.vpn_sessiondb.max_session_limit;
  if (!limit || !sessions_reach(sas_, &sa, static_cast<uint32_t>(*limit + freed))) return true;
  // A phase-1 rekey carries on a session that is counted already.
  if (predecessor(sas_, sa)) return true;
  refused_at_limit(sa.tunnel_group, user, sa.peer.address, *limit);
  return false;
}

bool SessionGate::may_initiate(const std::string& group, const config::Ipv4& peer) {
  const auto& limit = cfg_.vpn_sessiondb.max_session_limit;
  if (!limit || !sessions_reach(sas_, nullptr, *limit)) return true;
  refused_at_limit(group, peer.str(), peer, *limit);
  return false;
}

void SessionGate::refused_at_limit(const std::string& group, const std::string& user,
                                   const config::Ipv4& peer, uint32_t limit) {
  ++stats_.refused_session_limit;
  ++stats_.system_capacity_fails;  // [U] the ASA's counter for a box that is full
  log_.syslog_plain(113029, group, user, peer.str(), limit);
}

bool SessionGate::admit_unauthenticated(IkeSa& sa) {
  // [U] the user the ASA names for a session without one: the peer's address, as it names a
  // LAN-to-LAN session in show vpn-sessiondb.
  if (admit_session(sa, sa.peer.address.str())) return true;
  sa.state = P1State::Deleting;
  sa.delete_reason = EndReason::None;  // the tick tells the peer (engine_timers.cpp)
  return false;
}

std::optional<EndReason> SessionGate::expired(IkeSa& sa, uint64_t now) {
  if (!sa.authorized || sa.p1_rekey.replaced_by()) return std::nullopt;
  // Activity is traffic through the tunnel (either direction), not IKE keepalives.
  uint64_t packets = 0;
  for (const auto& ips : sa.ipsec)
    if (auto t = dataplane_.traffic(ips.id)) packets += t->in_packets + t->out_packets;
  if (sa.last_activity == 0 || packets != sa.traffic_packets) {
    sa.traffic_packets = packets;
    sa.last_activity = std::max(now, sa.session_start);
  }
  return limit_reached(limits_of(cfg_, sa, sa.username), sa, now);
}

}  // namespace rampart::ike
