// The engine's tick: every SA's timers, each a named step with its constants in timers.hpp.
// A step that ends the SA says why; the SA goes after the walk (the peer told or not).
#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

void Engine::run_timers() {
  const uint64_t now = env_.now();
  if (dataplane::Sad* sad = phase2_.dataplane().sad())
    for (const AcquireTarget& t : acquire_.sync(cfg_, *sad)) acquire(t);
  phase2_.dataplane().drain(now);
  std::vector<std::pair<uint64_t, EndReason>> doomed;
  std::vector<uint64_t> resumed;
  for (auto& [idx, sa] : sas_.all()) {
    if (auto why = sa_timers(*sa, now))
      doomed.emplace_back(idx, *why);
    else if (delayed_quick_mode_timer(*sa, now))
      resumed.push_back(idx);
  }
  for (auto [idx, reason] : doomed) {
    const IkeSa* sa = sas_.get(idx);
    if (!sa) continue;
    // A peer that deleted, or a negotiation that never finished, is not told again.
    bool tell = sa->state != P1State::Deleting || reason == EndReason::None;
    if (!peer_told(reason)) tell = false;
    if (timers::unverified(*sa)) tell = false;  // perhaps a spoofed address
    remove(idx, reason == EndReason::None ? EndReason::Error : reason, tell);
  }
  // After the walk: handling a message may add or remove SAs.
  for (uint64_t idx : resumed)
    if (IkeSa* sa = sas_.get(idx)) resume_quick_mode(*sa);
}

std::optional<EndReason> Engine::sa_timers(IkeSa& sa, uint64_t now) {
  if (sa.state == P1State::Deleting) return sa.delete_reason;
  if (auto why = negotiation_timer(sa, now)) return why;
  if (auto why = retransmit_timer(sa, now)) return why;
  if (!sa.established) return std::nullopt;
  if (auto why = phase1_lifetime_timer(sa, now)) return why;
  nat_keepalive_timer(sa, now);
  phase2_.timers(sa, now);
  if (auto why = session_gate_.expired(sa, now)) return why;
  accounting_.interim(sa, now);
  return dpd_timer(sa, now);
}

// Half-open phase 1, and a user who does not answer XAUTH.
std::optional<EndReason> Engine::negotiation_timer(const IkeSa& sa, uint64_t now) {
  if (!sa.established && now >= sa.created + timers::kHalfOpen)
    return EndReason::NegotiationTimedOut;
  if (sa.state == P1State::XauthWait && now >= sa.established + timers::kXauth)
    return EndReason::XauthTimedOut;
  return std::nullopt;
}

// Our last request, again; at the limit a quick mode fails alone (the IKE SA and the session
// stay, as on the ASA), anything else takes the IKE SA with it.
std::optional<EndReason> Engine::retransmit_timer(IkeSa& sa, uint64_t now) {
  if (!sa.sent.due(now)) return std::nullopt;
  if (sa.sent.resends() >= timers::max_retransmits(sa)) phase2_.abandon_quick_mode(sa);
  if (!sa.sent.awaiting()) return std::nullopt;
  if (sa.sent.resends() >= timers::max_retransmits(sa)) {
    log_.debug(&sa, "IKE message retransmission limit reached, deleting SA");
    return EndReason::RetransmissionLimit;
  }
  sa.sent.resent(timers::next_retransmit(now, sa.sent.resends() + 1));
  ++stats_.retransmits;
  const Bytes& again = sa.sent.last();
  env_.send(sa.local, sa.peer, again);
  ++stats_.out_packets;
  if (auto m = parse_message(again.data(), again.size()))
    log_.debug(&sa, fmt::format("IKE_DECODE RESENDING Message (msgid={:x}) total length : {}",
                                m->header.message_id, again.size()));
  return std::nullopt;
}

// The hard lifetime of phase 1; its rekey and a replaced SA's end (engine_phase1_rekey.cpp).
std::optional<EndReason> Engine::phase1_lifetime_timer(IkeSa& sa, uint64_t now) {
  uint32_t life = sa.choice.lifetime_seconds;
  if (life != 0 && now >= sa.established + life)
    return sa.p1_rekey.replaced_by() ? EndReason::Phase1Rekeyed : EndReason::P1LifetimeExpired;
  return phase1_rekey_timers(sa, now);
}

// Behind a NAT ourselves: keep its mapping open (crypto isakmp nat-traversal N).
void Engine::nat_keepalive_timer(IkeSa& sa, uint64_t now) {
  if (sa.nat_local && sa.local.port == 4500 && cfg_.crypto.nat_traversal &&
      now >= sa.last_keepalive + static_cast<uint64_t>(cfg_.crypto.nat_traversal_keepalive)) {
    env_.send_nat_keepalive(sa.local, sa.peer);
    sa.last_keepalive = now;
  }
}

// A QM1 held for the transaction (QuickModes::delay) of a user who passed XAUTH but whose
// address has not come by the deadline: handled now (and refused, speaking for no address).
bool Engine::delayed_quick_mode_timer(const IkeSa& sa, uint64_t now) {
  return sa.authorized && sa.quick_modes.delay_over(now);
}

// DPD (RFC 3706, dpd.hpp): an R-U-THERE to a peer quiet for the threshold, again each retry.
std::optional<EndReason> Engine::dpd_timer(IkeSa& sa, uint64_t now) {
  const config::TunnelGroup* tg = tunnel_group_of(cfg_, sa);
  if (!sa.peer_dpd || (tg && tg->ipsec.keepalive_disabled) || sa.sent.awaiting() ||
      sa.p1_rekey.replaced_by() || (sa.state != P1State::AmActive && sa.state != P1State::MmActive))
    return std::nullopt;
  int threshold = tg && tg->ipsec.keepalive_threshold ? *tg->ipsec.keepalive_threshold
                  : sa.remote_access                  ? timers::kDpdThresholdRemoteAccess
                                                      : timers::kDpdThresholdLanToLan;
  int retry = tg && tg->ipsec.keepalive_retry ? *tg->ipsec.keepalive_retry : timers::kDpdRetry;
  Dpd::Times times{static_cast<uint64_t>(threshold), static_cast<uint64_t>(retry),
                   timers::kDpdMaxOutstanding};
  switch (sa.dpd.due(now, sa.last_heard, times)) {
    case Dpd::Step::Nothing:
      break;
    case Dpd::Step::Probe:
      informational_.send_dpd(sa);
      break;
    case Dpd::Step::Dead:
      log_.event(&sa, "Heartbeat timeout: peer is not responding, deleting SA");
      return EndReason::DpdFailure;
  }
  return std::nullopt;
}

}  // namespace rampart::ike
