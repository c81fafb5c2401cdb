// The rate lines of show interface ("1 minute input rate N pkts/sec, N bytes/sec"): samples
// of an interface's counters taken every few seconds, and the per-second rates between the
// newest sample and the one a window (60 s, 300 s) before it. Pure arithmetic on a clock the
// caller passes, so that the unit tests drive it with a fake one.
#pragma once

#include <cstdint>
#include <deque>

namespace rampart::platform {

struct LinkSample {
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0, dropped = 0;
};

// Per second, rounded down as the ASA's integer figures are.
struct LinkRate {
  uint64_t in_packets = 0, in_bytes = 0, out_packets = 0, out_bytes = 0, drop_packets = 0;
};

class LinkRateHistory {
 public:
  // How far apart samples are kept; one taken sooner after the last is ignored.
  static constexpr uint64_t kInterval = 5;

  // Adds the counters read at now (seconds, a monotonic clock). Counters that went down (the
  // device was recreated) start the history afresh: no rate spans the reset.
  void add(uint64_t now, const LinkSample& s);
  // The rates over the last window seconds (or since the oldest sample kept, when younger);
  // zeros until two samples exist, as the ASA shows right after boot.
  LinkRate rate(uint64_t window) const;

 private:
  struct Entry {
    uint64_t at;
    LinkSample s;
  };
  std::deque<Entry> samples_;
};

}  // namespace rampart::platform
