#include "control/ike/admission.hpp"

#include <algorithm>
#include <limits>

namespace rampart::ike {

std::string_view refusal_name(Refusal r) {
  switch (r) {
    case Refusal::None:
      return "none";
    case Refusal::PeerLimit:
      return "per-peer limit";
    case Refusal::PeerRate:
      return "per-peer rate";
    case Refusal::GlobalRate:
      return "rate";
    case Refusal::GlobalLimit:
      return "max-in-negotiation-sa";
    case Refusal::CryptoBusy:
      return "crypto queue full";
  }
  return "unknown";
}

void Admission::set_capacity(uint32_t dh_per_second) {
  uint64_t with_headroom = uint64_t{dh_per_second} * kHeadroomPercent / 100;
  per_second_ = static_cast<uint32_t>(
      std::clamp<uint64_t>(with_headroom, kMinPerSecond, std::numeric_limits<uint32_t>::max()));
}

uint32_t Admission::per_second_busy_peers() const {
  return static_cast<uint32_t>(uint64_t{per_second_} * kBusyPeersPercent / 100);
}

uint32_t Admission::per_peer_per_second() const {
  return std::max(kMinPerPeerPerSecond, per_second_ / kPeerShare);
}

void Admission::roll(uint64_t now) {
  if (now == second_) return;
  second_ = now;
  started_this_second_ = 0;
  started_by_peer_.clear();
}

Refusal Admission::check(uint32_t peer, uint64_t now, size_t global_limit) {
  roll(now);
  if (half_open_of(peer) >= kPerPeerHalfOpen) return Refusal::PeerLimit;
  if (auto it = started_by_peer_.find(peer);
      it != started_by_peer_.end() && it->second >= per_peer_per_second())
    return Refusal::PeerRate;
  if (total_ >= global_limit) return Refusal::GlobalLimit;
  uint32_t budget = half_open_of(peer) == 0 ? per_second_ : per_second_busy_peers();
  if (started_this_second_ >= budget) return Refusal::GlobalRate;
  return Refusal::None;
}

void Admission::opened(uint32_t peer, uint64_t now) {
  roll(now);
  ++open_[peer];
  ++total_;
  ++started_this_second_;
  ++started_by_peer_[peer];
}

void Admission::settled(uint32_t peer) {
  auto it = open_.find(peer);
  if (it == open_.end()) return;
  if (--it->second == 0) open_.erase(it);
  --total_;
}

uint32_t Admission::half_open_of(uint32_t peer) const {
  auto it = open_.find(peer);
  return it == open_.end() ? 0 : it->second;
}

std::optional<uint64_t> Admission::log_due(uint64_t now) {
  if (logged_once_ && now == log_second_) {
    ++unlogged_;
    return std::nullopt;
  }
  logged_once_ = true;
  log_second_ = now;
  uint64_t n = unlogged_;
  unlogged_ = 0;
  return n;
}

}  // namespace rampart::ike
