// When a remote-access session's accounting starts (session_accounting.hpp keeps the records):
// once the client holds its address, on from the session of another IKE SA of the same client
// (same peer, user and tunnel-group) when there is one.
#include <fmt/format.h>

#include "control/ike/engine.hpp"

namespace rampart::ike {

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
