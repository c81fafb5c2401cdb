// When the session-threshold-exceeded trap (CISCO-REMOTE-ACCESS-MONITOR-MIB
// ciscoRasTooManySessions) is due. The MIB: sent when "the number of sessions established
// exceeds the set threshold crasThrMaxSessions", then "suppressed till the value returns below
// the specified threshold". The threshold is vpn-sessiondb max-session-limit, which the engine
// enforces: the sessions never exceed it, a new one that would is refused instead, so a refused
// session is the event. A flood of refused clients is one trap; and however the sessions go
// up and down around the limit, never more than one trap in kGapSeconds.
#pragma once

#include <cstdint>
#include <optional>

namespace rampart::snmp {

class SessionThreshold {
 public:
  static constexpr uint64_t kGapSeconds = 60;

  // One look, about a second after the last: refused is the engine's count of sessions refused
  // at the limit; below whether the sessions are below the limit now, when the caller counted
  // them (needed only while disarmed()). True when the trap is to be sent now.
  bool due(uint64_t refused, std::optional<bool> below, uint64_t now);
  bool disarmed() const { return !armed_; }
  // Nobody listens (no agent, or the trap is off): refusals until the next look are no news.
  void forget() { known_ = false; }

 private:
  uint64_t refused_ = 0;
  bool known_ = false;
  bool armed_ = true;
  std::optional<uint64_t> sent_at_;
};

}  // namespace rampart::snmp
