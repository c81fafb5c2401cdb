// The ESP anti-replay window (RFC 4303 3.4.3): a bitmap of the last `size` sequence numbers
// below the highest one accepted. check() runs before any cryptography; update() only after the
// ICV verified, so a forged packet can neither advance nor poison the window.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace rampart::dataplane {

class ReplayWindow {
 public:
  static constexpr size_t kMaxSize = 1024;  // crypto ipsec security-association replay window-size
  enum class Verdict { Ok, Replayed, TooOld, Zero };

  // size: 64 (the ASA's default) up to kMaxSize, a multiple of 64; 0 disables the check.
  explicit ReplayWindow(size_t size = 64);

  Verdict check(uint32_t seq) const;
  // Records seq as received. Call only for a packet that check() passed and that authenticated.
  void update(uint32_t seq);

  size_t size() const { return size_; }
  uint32_t highest() const { return top_; }
  // Bit i set: top - i was received (for "show crypto ipsec sa detail"'s replay bitmap).
  bool received(uint32_t seq) const;

 private:
  static constexpr size_t kWords = kMaxSize / 64;
  size_t size_;
  uint32_t top_ = 0;  // highest sequence number accepted; 0 before the first
  // Bit (seq % kMaxSize) of the ring says whether seq was seen, for seq in (top - size, top].
  std::array<uint64_t, kWords> ring_{};
};

}  // namespace rampart::dataplane
