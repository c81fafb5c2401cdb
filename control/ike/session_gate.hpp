// Who may hold a session, and for how long: the group-policy's limits under what an AAA server
// said (vpn-tunnel-protocol, vpn-simultaneous-logins with the user's idlest login logged off at
// the limit), the box's vpn-sessiondb max-session-limit (113029; a phase-1 rekey's session is
// not a new one), and the idle and session timeouts. The decisions are session_admission's pure
// functions; this logs, counts and reads the dataplane's traffic for them. Logging the preempted
// sessions off is the engine's.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/end_reason.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ipsec_dataplane.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"

namespace rampart::ike {

class SessionGate {
 public:
  SessionGate(const config::Config& cfg, IkeStats& stats, IkeLog& log, SaTable& sas,
              const IpsecDataplane& dataplane)
      : cfg_(cfg), stats_(stats), log_(log), sas_(sas), dataplane_(dataplane) {}

  // A user who passed XAUTH: may they use IKEv1, and how many sessions at once (at the limit,
  // the sessions to log off for this one, the idlest first, are added to preempted)? Then the
  // box's own limit. False when refused (logged; preempted then empty).
  bool admit_user(IkeSa& sa, const std::string& user, std::vector<uint64_t>& preempted);
  // A session that needs no XAUTH (LAN-to-LAN, xauth disabled) refused at the box's limit: sa
  // goes at the next tick, its peer told. False then.
  bool admit_unauthenticated(IkeSa& sa);
  // A LAN-to-LAN session we would start (initiate): false (counted, 113029) at the limit, so
  // that a full box spends no main mode, per acquire, on a site it would refuse at its end.
  bool may_initiate(const std::string& group, const config::Ipv4& peer);
  // The idle and session timeouts: why sa's session must end now, if it must.
  std::optional<EndReason> expired(IkeSa& sa, uint64_t now);

 private:
  // The user's own limits: false (logged) when refused; at vpn-simultaneous-logins, the
  // sessions to log off for this one are added to preempted.
  bool admit_login(IkeSa& sa, const std::string& user, std::vector<uint64_t>& preempted);
  // vpn-sessiondb max-session-limit for sa's new session: false, counted and logged (113029,
  // user the XAUTH name or else the peer's address), at the limit. freed: sessions that go for
  // this one (preempted logins) and make room.
  bool admit_session(const IkeSa& sa, const std::string& user, size_t freed = 0);
  void refused_at_limit(const std::string& group, const std::string& user, const config::Ipv4& peer,
                        uint32_t limit);

  const config::Config& cfg_;
  IkeStats& stats_;
  IkeLog& log_;
  SaTable& sas_;
  const IpsecDataplane& dataplane_;
};

}  // namespace rampart::ike
