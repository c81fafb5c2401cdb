#include "platform/link_rates.hpp"

namespace rampart::platform {

namespace {

// The longest window asked (5 minutes) and one interval of slack, so that a sample at least
// 300 s old is still there when the 5-minute rate is taken.
constexpr uint64_t kKeep = 300 + LinkRateHistory::kInterval;

bool went_down(const LinkSample& before, const LinkSample& now) {
  return now.rx_packets < before.rx_packets || now.rx_bytes < before.rx_bytes ||
         now.tx_packets < before.tx_packets || now.tx_bytes < before.tx_bytes ||
         now.dropped < before.dropped;
}

}  // namespace

void LinkRateHistory::add(uint64_t now, const LinkSample& s) {
  if (!samples_.empty()) {
    if (now < samples_.back().at + kInterval) return;
    if (went_down(samples_.back().s, s)) samples_.clear();
  }
  samples_.push_back({now, s});
  while (samples_.size() > 2 && samples_.back().at - samples_[1].at >= kKeep) samples_.pop_front();
}

LinkRate LinkRateHistory::rate(uint64_t window) const {
  if (samples_.size() < 2) return {};
  const Entry& last = samples_.back();
  // The newest sample at least window seconds older than the last; the oldest when none is.
  const Entry* from = &samples_.front();
  for (const auto& e : samples_) {
    if (last.at - e.at < window) break;
    from = &e;
  }
  uint64_t dt = last.at - from->at;
  if (dt == 0) return {};
  return {(last.s.rx_packets - from->s.rx_packets) / dt, (last.s.rx_bytes - from->s.rx_bytes) / dt,
          (last.s.tx_packets - from->s.tx_packets) / dt, (last.s.tx_bytes - from->s.tx_bytes) / dt,
          (last.s.dropped - from->s.dropped) / dt};
}

}  // namespace rampart::platform
