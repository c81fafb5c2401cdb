// Which IKE SAs' sessions changed, in order, for what follows the sessions outside the engine
// (the VPN routes, the firewall's client set): each follower keeps where it read up to and
// looks at those SAs alone, instead of walking every SA for each new client (at 10,000
// tunnels, milliseconds a set-up). An SA is touched when anything such a follower takes from
// it may have changed: its address, its authorization, its IPsec SAs, its peer, its end.
// The journal keeps the last kKept touches; a follower that fell further behind is told so
// and walks everything once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace rampart::ike {

class SessionJournal {
 public:
  static constexpr size_t kKept = 65536;

  void touch(uint64_t index) {
    touched_.push_back(index);
    if (touched_.size() > kKept) {
      touched_.pop_front();
      ++first_;
    }
  }
  // Where the journal ends now: a follower reads from here next time.
  uint64_t end() const { return first_ + touched_.size(); }
  // The SAs touched from position from (an end() taken earlier) on, each once, in index
  // order; nullopt when some of those touches are no longer kept.
  std::optional<std::vector<uint64_t>> since(uint64_t from) const {
    if (from < first_) return std::nullopt;
    std::vector<uint64_t> out(
        touched_.begin() + static_cast<long>(std::min(from - first_, size_t(touched_.size()))),
        touched_.end());
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

 private:
  std::deque<uint64_t> touched_;
  uint64_t first_ = 0;  // the position of touched_.front()
};

}  // namespace rampart::ike
