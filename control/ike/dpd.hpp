// Dead peer detection (RFC 3706) of one IKE SA: when to send an R-U-THERE, which R-U-THERE-ACK
// answers one, and when the peer is dead. Worry-based: only a peer quiet for the threshold is
// probed, any authenticated message from it counts as alive, and the probes' sequence numbers
// follow on from one another for the SA's life (5.5, 5.7).
#pragma once

#include <cstdint>

namespace rampart::ike {

class Dpd {
 public:
  enum class Step : uint8_t { Nothing, Probe, Dead };
  // The tunnel-group's threshold (seconds of quiet before a probe) and retry interval, and how
  // many unanswered probes past which the peer is dead (timers.hpp has the defaults).
  struct Times {
    uint64_t threshold = 0, retry = 0;
    int max_outstanding = 0;
  };

  // Per tick, the peer last heard at last_heard.
  Step due(uint64_t now, uint64_t last_heard, const Times& t) {
    // Anything heard since this round began shows the peer alive: its own rekey, say, arriving
    // before our probe's answer.
    if (outstanding_ > 0 && last_heard >= round_start_) outstanding_ = 0;
    if (outstanding_ == 0) return now >= last_heard + t.threshold ? Step::Probe : Step::Nothing;
    if (now < sent_ + t.retry) return Step::Nothing;
    return outstanding_ > t.max_outstanding ? Step::Dead : Step::Probe;
  }
  // A probe goes now: its sequence number.
  uint32_t probe(uint64_t now) {
    if (outstanding_ == 0) round_start_ = now;
    ++outstanding_;
    sent_ = now;
    return ++sequence_;
  }
  // An R-U-THERE-ACK with this sequence number: it answers any probe still outstanding (after a
  // stall on either side the answer to one comes when the next was sent already; insisting on
  // the latest would declare a live peer dead). False: it answers none.
  bool acked(uint32_t sequence) {
    uint32_t back = sequence_ - sequence;
    if (back >= static_cast<uint32_t>(outstanding_)) return false;
    outstanding_ = 0;
    return true;
  }
  int outstanding() const { return outstanding_; }
  uint32_t sequence() const { return sequence_; }

 private:
  uint32_t sequence_ = 0;
  uint64_t sent_ = 0;
  uint64_t round_start_ = 0;  // the first probe since the peer was last heard
  int outstanding_ = 0;
};

}  // namespace rampart::ike
