// Acquire: traffic that a static crypto map entry's ACL says to protect, arriving while no SA
// protects it, brings the tunnel up (the ASA's "interesting traffic"). The dataplane holds the
// entries' policies (AcquirePolicies) and queues what matched; every tick turns that into
// negotiations: a quick mode over an IKE SA already up with the peer, else main mode.
#include <fmt/format.h>

#include "control/ike/engine.hpp"

namespace rampart::ike {

void Engine::acquire(const AcquireTarget& t) {
  const config::CryptoMapSettings* entry = static_entry(cfg_, t.map, t.seq);
  if (!entry || entry->peers.empty()) return;  // removed since the policies were last synced
  auto peer = config::Ipv4::parse(entry->peers.front());
  if (!peer) return;
  for (IkeSa* sa : sas_.of_peer(*peer)) {
    if (sa->remote_access) continue;
    for (const auto& ips : sa->ipsec)
      if (ips.local == t.local && ips.remote == t.remote) return;  // up (the worker raced it)
    // Phase 1 or a quick mode under way: what follows brings these proxies or, on the next
    // acquire, the next ones.
    if (!sa->established || !sa->quick_modes.empty() || sa->state != P1State::MmActive) return;
    sa->wanted = IkeSa::Wanted{t.map, t.seq, t.local, t.remote};
    log_.event(
        sa,
        fmt::format("IKE Initiator: New Phase 2, local Proxy Address {}, remote Proxy Address {},"
                    "  Crypto map ({})",
                    t.local.address.str(), t.remote.address.str(), t.map));
    phase2_.start(*sa);
    return;
  }
  initiate(t.map, t.seq, t.local, t.remote);
}

}  // namespace rampart::ike
