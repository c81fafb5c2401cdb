// The end of phase 1, both roles: the peer's proof of the key, INITIAL-CONTACT, the SA
// established and handed to the engine, and PHASE 1 COMPLETED when the ASA prints it.
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/phase1.hpp"

namespace rampart::ike {

std::optional<Outcome> Phase1::unauthenticated(IkeSa& sa, const Bytes& received,
                                               const Bytes& peer_id_b) {
  // The peer proves the key with HASH_I (it initiated) or HASH_R (we did), checked in
  // constant time. A failure ends the negotiation: nothing of it is kept.
  Bytes cki(sa.icookie.begin(), sa.icookie.end()), ckr(sa.rcookie.begin(), sa.rcookie.end());
  Bytes expected = sa.responder ? hash_i(sa.choice.hash, sa.keys.skeyid, sa.p1->gxi, sa.p1->gxr,
                                         cki, ckr, sa.p1->sai_b, peer_id_b)
                                : hash_r(sa.choice.hash, sa.keys.skeyid, sa.p1->gxi, sa.p1->gxr,
                                         cki, ckr, sa.p1->sai_b, peer_id_b);
  if (!equal_ct(received, expected)) {
    log_.event(&sa, "Hash verification failed: probably a mismatched pre-shared key");
    log_.syslog_sa(&sa, nullptr, 713167,
                   "Remote peer has failed user authentication - check configured key");
    return Outcome::failed(sa, &IkeStats::hash_fails,
                           sa.responder ? &IkeStats::responder_fails : &IkeStats::initiator_fails);
  }
  wire_.commit(sa);
  sa.sent.answered();
  return std::nullopt;
}

void Phase1::process_initial_contact(IkeSa& sa, const std::vector<Payload>& p) {
  for (const auto& x : p)
    if (const auto* n = std::get_if<NotifyPayload>(&x); n && n->type == notify::kInitialContact) {
      log_.debug(&sa, "processing notify payload");
      sa.initial_contact = true;
      // INITIAL-CONTACT: the peer rebooted; what we still hold for *it* is stale. Many
      // remote-access clients share one address behind a NAT (hotels, homes, offices): a
      // client is its address and port. A site is its address and its tunnel-group, whatever
      // port its NAT gives it this time.
      std::vector<uint64_t> stale;
      for (IkeSa* other : sas_.of_peer(sa.peer.address)) {
        if (other == &sa || !other->established || other->peer.address != sa.peer.address) continue;
        bool same = sa.remote_access
                        ? other->peer.port == sa.peer.port
                        : !other->remote_access && other->tunnel_group == sa.tunnel_group;
        if (same) stale.push_back(other->index);
      }
      for (uint64_t idx : stale) hooks_.remove(idx, EndReason::PeerReconnected, false);
    }
}

void Phase1::complete(IkeSa& sa, const std::vector<Payload>& p) {
  sas_.mark_established(sa, env_.now());
  sa.session_start = sa.established;
  sa.last_heard = sa.established;
  settle(sa);
  sa.p1.reset();  // the exchange's material (the DH private value wiped) is no longer needed
  process_initial_contact(sa, p);
  hooks_.completed(sa);
}

void Phase1::report_established(IkeSa& sa) {
  if (sa.phase1_reported) return;
  sa.phase1_reported = true;
  log_.event(&sa, "PHASE 1 COMPLETED");
  log_.syslog_sa(&sa, nullptr, 713119);
  if (sa.peer_dpd) log_.event(nullptr, "Keep-alive type for this connection: DPD", &sa.peer);
  if (sa.choice.lifetime_seconds)
    log_.debug(&sa, fmt::format("Starting P1 rekey timer: {} seconds.",
                                sa.choice.lifetime_seconds * 95 / 100));
  stats_.peak_sessions = std::max<uint64_t>(stats_.peak_sessions, sas_.established());
  if (sa.aggressive && sa.choice.responder_lifetime) send_responder_lifetime(sa);
}

// Ours is shorter than offered: say so (RFC 2407 4.6.3.1), or the client would expect the SA to
// live on after we have deleted it. An informational of its own, after PHASE 1 COMPLETED.
void Phase1::send_responder_lifetime(IkeSa& sa) {
  log_.debug(&sa, "sending notify message");
  NotifyPayload n;
  n.protocol = 1;
  n.type = notify::kResponderLifetime;
  n.spi.assign(sa.icookie.begin(), sa.icookie.end());
  n.spi.insert(n.spi.end(), sa.rcookie.begin(), sa.rcookie.end());
  Writer w;
  serialize_attributes({Attribute::tv(p1attr::kLifeType, p1attr::kLifeSeconds),
                        Attribute::tlv(p1attr::kLifeDuration, be32(sa.choice.lifetime_seconds))},
                       w);
  n.data = w.take();
  log_.debug(&sa, "constructing blank hash payload");
  log_.debug(&sa, "constructing qm hash payload");
  informational_.send(sa, {n});
}

}  // namespace rampart::ike
