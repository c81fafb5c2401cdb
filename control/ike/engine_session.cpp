// The session an IKE SA carries: what a completed phase 1 begins (for a client XAUTH first;
// without XAUTH the session limits, then mode-config or, for our LAN-to-LAN SA, quick mode), the
// limits' last word after XAUTH, and the accounting that starts once a client has its address
// (session_accounting.hpp keeps the records): on from the session of another IKE SA of the same
// client (same peer, user and tunnel-group) when there is one.
#include <fmt/format.h>

#include "control/ike/engine.hpp"

namespace rampart::ike {

void Engine::session_begins(IkeSa& sa) {
  if (!sa.responder) {
    sa.state = P1State::MmActive;
    if (!session_gate_.admit_unauthenticated(sa)) return;
    sa.authorized = true;  // a LAN-to-LAN peer we chose by its crypto map entry
    journal_.touch(sa.index);
    const config::TunnelGroup* tg = tunnel_group_of(cfg_, sa);
    sa.group_policy = tg ? tg->general.default_group_policy.value_or("DfltGrpPolicy")
                         : std::string("DfltGrpPolicy");
    ++stats_.cumulative_sessions;
    phase1_.report_established(sa);
    continue_session(sa);
    phase2_.start(sa);
    return;
  }
  ++stats_.cumulative_sessions;
  const config::TunnelGroup* tg = tunnel_group_or_abort(cfg_, log_, sa);
  if (!tg) return;
  sa.group_policy = tg->general.default_group_policy.value_or("DfltGrpPolicy");
  // Whether the peer must pass XAUTH is the tunnel-group's to say, never the peer's: a client
  // that proposes plain pre-shared key (1) instead of XAUTHInitPreShared (65001) is asked all
  // the same, and nothing but XAUTH happens on this SA until the user is through.
  if (sa.remote_access && !tg->ipsec.xauth_disabled) {
    if (!sa.xauth)
      log_.debug(&sa,
                 "Peer proposed pre-shared key without XAUTH; the tunnel group requires user "
                 "authentication");
    xauth_.start(sa);
    return;
  }
  if (!session_gate_.admit_unauthenticated(sa)) return;
  sa.authorized = true;
  journal_.touch(sa.index);
  sa.state = sa.aggressive ? P1State::AmActive : P1State::MmActive;
  report_phase1_unless_pulling(sa);
  continue_session(sa);  // a peer's phase-1 rekey, perhaps
  if (sa.remote_access && !client_config_.push(sa)) sa.state = P1State::Deleting;
}

bool Engine::admit_user(IkeSa& sa, const std::string& user) {
  std::vector<uint64_t> preempted;
  if (!session_gate_.admit_user(sa, user, preempted)) return false;
  // [U] the disconnect reason the ASA's 113019 gives for a preempted login.
  for (uint64_t index : preempted) remove(index, EndReason::PortPreempted, true);
  return true;
}

void Engine::accounting_start(IkeSa& sa) {
  if (sa.accounting || !sa.remote_access || !sa.authorized || !sa.assigned) return;
  const config::TunnelGroup* tg = tunnel_group_of(cfg_, sa);
  if (!tg || !tg->general.accounting_server_group) return;
  // A client that brings up a new IKE SA for the session it has (a phase-1 rekey) goes on
  // with that session's accounting: found among its address's SAs, not by a walk of all.
  const IkeSa* continuing = nullptr;
  for (const IkeSa* other : sas_.of_peer(sa.peer.address))
    if (other != &sa && other->accounting && other->state != P1State::Deleting &&
        other->peer == sa.peer && other->username == sa.username &&
        other->tunnel_group == sa.tunnel_group) {
      continuing = other;
      break;
    }
  accounting_.start(sa, *tg->general.accounting_server_group, continuing);
  if (continuing)
    log_.debug(&sa, fmt::format("Accounting session {} continues on this SA", sa.accounting->id));
}

}  // namespace rampart::ike
