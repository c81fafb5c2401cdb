#include "dataplane/esp/replay_window.hpp"

namespace rampart::dataplane {

namespace {

size_t normalise(size_t size) {
  if (size == 0) return 0;
  if (size > ReplayWindow::kMaxSize) return ReplayWindow::kMaxSize;
  return (size + 63) / 64 * 64;
}

}  // namespace

ReplayWindow::ReplayWindow(size_t size) : size_(normalise(size)) {}

bool ReplayWindow::received(uint32_t seq) const {
  if (seq == 0 || seq > top_ || (size_ && top_ - seq >= size_)) return false;
  uint32_t bit = seq % kMaxSize;
  return (ring_[bit / 64] >> (bit % 64)) & 1;
}

ReplayWindow::Verdict ReplayWindow::check(uint32_t seq) const {
  if (seq == 0) return Verdict::Zero;  // RFC 4303: the first packet is 1; 0 is never sent
  if (size_ == 0 || seq > top_) return Verdict::Ok;
  if (top_ - seq >= size_) return Verdict::TooOld;
  return received(seq) ? Verdict::Replayed : Verdict::Ok;
}

void ReplayWindow::update(uint32_t seq) {
  if (size_ == 0) {
    if (seq > top_) top_ = seq;
    return;
  }
  if (seq > top_) {
    // Slide: clear the bits of the numbers skipped over (at most a whole ring).
    uint32_t gap = seq - top_;
    if (gap >= kMaxSize) {
      ring_.fill(0);
    } else {
      for (uint32_t s = top_ + 1; s != seq; ++s) {
        uint32_t bit = s % kMaxSize;
        ring_[bit / 64] &= ~(uint64_t{1} << (bit % 64));
      }
    }
    top_ = seq;
  }
  uint32_t bit = seq % kMaxSize;
  ring_[bit / 64] |= uint64_t{1} << (bit % 64);
}

}  // namespace rampart::dataplane
