// Phase-1 rekey. IKEv1 has no rekey exchange: a new phase 1 between the same peers, without
// INITIAL-CONTACT, replaces the old IKE SA, and the IPsec SAs (which never depended on it) go
// on under the new one. Who starts it: a remote-access client rekeys its own phase 1 (vpnc at
// 80 % of the lifetime we told it, strongSwan at its reauth time), because only it can answer
// XAUTH again; for a LAN-to-LAN peer we start it ourselves at 95 % of the lifetime, as the
// ASA's "Starting P1 rekey timer" says. Either way the new SA takes over the session (its IPsec
// SAs, address, accounting and start) the moment it is authorized, so that nothing the user
// sees changes, and the old SA goes a little later: its peer deletes it, or we do.
#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/session_admission.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

namespace {

// Two new SAs for one session (both ends started a rekey at once, or a peer's crossed ours):
// both ends keep the same one, the one whose cookies compare greater, in whatever order the
// two completed on each side. Otherwise each end could keep the SA the other deletes.
bool wins(const IkeSa& a, const IkeSa& b) {
  return std::tie(a.icookie, a.rcookie) > std::tie(b.icookie, b.rcookie);
}

}  // namespace

bool Engine::continue_session(IkeSa& fresh) {
  IkeSa* carrier = predecessor(sas_, fresh);
  if (!carrier) {
    schedule_phase1_rekey(fresh);
    return false;
  }
  bool collided = std::any_of(sas_.all().begin(), sas_.all().end(), [&](const auto& e) {
    return e.second->p1_rekey.replaced_by() == carrier->index;
  });
  if (collided && !wins(fresh, *carrier)) {
    log_.debug(&fresh, fmt::format("Phase 1 rekey collision: session {} stays on the other new SA",
                                   carrier->index));  // [U] ours
    fresh.p1_rekey.replaced(carrier->index, env_.now());
    return true;
  }
  take_over(fresh, *carrier);
  return true;
}

void Engine::take_over(IkeSa& fresh, IkeSa& old) {
  log_.debug(
      &fresh,
      fmt::format("Phase 1 rekey: session {} continues on this SA, {} IPsec SA(s) moved", old.index,
                  old.ipsec.size()));  // [U] ours, no ASA sample
  for (IpsecSa& ips : old.ipsec) fresh.ipsec.push_back(std::move(ips));
  old.ipsec.clear();
  fresh.assigned = old.assigned;
  fresh.assigned_mask = old.assigned_mask;
  fresh.address_from_pool = old.address_from_pool;
  old.assigned.reset();  // the address is the session's: it stays claimed, now by fresh
  client_config_.changed();
  journal_.touch(old.index);
  journal_.touch(fresh.index);
  if (!fresh.accounting) fresh.accounting = old.accounting;
  old.accounting.reset();
  fresh.session_start = old.session_start;
  fresh.last_activity = old.last_activity;
  fresh.traffic_packets = old.traffic_packets;
  fresh.bytes_rx += old.bytes_rx;
  fresh.bytes_tx += old.bytes_tx;
  if (fresh.client_version.empty()) fresh.client_version = old.client_version;
  // The session keeps its index (show vpn-sessiondb, logoff index, RADIUS NAS-Port): the two
  // SAs trade theirs.
  sas_.swap_indexes(fresh, old);
  old.p1_rekey.replaced(fresh.index, env_.now());
  schedule_phase1_rekey(fresh);
}

void Engine::schedule_phase1_rekey(IkeSa& sa) {
  uint64_t life = sa.choice.lifetime_seconds;
  if (sa.remote_access || !life || !sa.established) {
    sa.p1_rekey.schedule(0);  // never: a client rekeys its own
    return;
  }
  Bytes r = wire_.random_bytes(2);
  sa.p1_rekey.schedule(
      timers::phase1_soft_expiry(sa.established, life, static_cast<uint16_t>(r[0] << 8 | r[1])));
}

std::optional<EndReason> Engine::phase1_rekey_timers(IkeSa& sa, uint64_t now) {
  if (sa.p1_rekey.replaced_by()) {
    hand_over_leftovers(sa);
    if (sa.p1_rekey.linger_over(now, timers::kReplacedGrace)) return EndReason::Phase1Rekeyed;
    return std::nullopt;
  }
  if (sa.p1_rekey.due(now) && continuable(sa)) start_phase1_rekey(sa);
  return std::nullopt;
}

void Engine::hand_over_leftovers(IkeSa& sa) {
  IkeSa* next = sa.p1_rekey.replaced_by() ? sas_.get(sa.p1_rekey.replaced_by()) : nullptr;
  if (!next) return;
  for (IpsecSa& ips : sa.ipsec) next->ipsec.push_back(std::move(ips));
  sa.ipsec.clear();
  journal_.touch(sa.index);
  journal_.touch(next->index);
}

void Engine::start_phase1_rekey(IkeSa& old) {
  old.p1_rekey.started();
  // The peer where it is now: behind a NAT that is the mapping of its port 4500, which its
  // keepalives hold open; port 500 may have no mapping any more (RFC 3947 allows starting there).
  IkeSa& sa = phase1_.new_initiator_sa(old.local, old.peer, old.nameif, old.tunnel_group);
  sa.p1_rekey.replacing(old.index);
  log_.event(
      &sa, fmt::format("IKE Initiator: Rekeying Phase 1, Intf {}, IKE Peer {}  local Proxy Address "
                       "N/A, remote Proxy Address N/A,  Crypto map (N/A)",
                       sa.nameif, sa.peer.address.str()));
  if (!phase1_.send_main_1(sa)) {
    old.p1_rekey.gave_up();  // no policy to offer: the old SA runs to its end
    remove(sa.index, EndReason::None, false);
  }
}

void Engine::phase1_rekey_failed(const IkeSa& sa) {
  if (!sa.p1_rekey.replaces() || sa.established) return;
  IkeSa* old = sas_.get(sa.p1_rekey.replaces());
  if (!old || old->p1_rekey.replaced_by()) return;
  // Tried again shortly while the old SA lives; its hard lifetime still ends it.
  old->p1_rekey.schedule(env_.now() + timers::kRekeyRetry);
}

}  // namespace rampart::ike
