// One IKE SA's part in phase-1 rekeys (engine_phase1_rekey.cpp). IKEv1 has no rekey exchange:
// a new IKE SA of the same peer and identity takes the session over and the old one goes a
// little later. An SA can be three things here, each changed only through these calls: the
// replacement we started for another SA, an SA whose replacement we start ourselves when due
// (LAN-to-LAN: a client rekeys its own, as only it can answer XAUTH again), and an SA whose
// session went to another and that lingers briefly, with nothing of the session left on it.
#pragma once

#include <cstdint>

namespace rampart::ike {

class Phase1Rekey {
 public:
  // ---- this SA is our replacement for another (by session index)
  void replacing(uint64_t old_index) { of_ = old_index; }
  uint64_t replaces() const { return of_; }  // 0: none (a peer's SA, or a first one)

  // ---- our replacement of this SA
  // When to start it (0: never). A new schedule ends any attempt under way.
  void schedule(uint64_t at) {
    start_at_ = at;
    under_way_ = false;
  }
  bool due(uint64_t now) const { return start_at_ && !under_way_ && now >= start_at_; }
  void started() { under_way_ = true; }
  bool under_way() const { return under_way_; }
  // The attempt is over without a replacement (schedule() again to retry, or never).
  void gave_up() { schedule(0); }

  // ---- this SA's session went to another
  void replaced(uint64_t by, uint64_t now) {
    replaced_by_ = by;
    replaced_at_ = now;
    under_way_ = false;
  }
  uint64_t replaced_by() const { return replaced_by_; }  // 0: it still carries its session
  // A replaced SA goes grace seconds after it was replaced (its peer may delete it first).
  bool linger_over(uint64_t now, uint64_t grace) const {
    return replaced_by_ && now >= replaced_at_ + grace;
  }

 private:
  uint64_t of_ = 0;
  uint64_t start_at_ = 0;
  bool under_way_ = false;
  uint64_t replaced_by_ = 0;
  uint64_t replaced_at_ = 0;
};

}  // namespace rampart::ike
