// A hash table keyed by a 32-bit number (an SPI, an IPv4 address) for the SA database's
// per-packet look-ups. The slot of a key is known before anything is read, so a batch brings in
// all its packets' slots first and reads them after (the misses of 32 packets overlap), where a
// node-based std::unordered_map is a chain of dependent misses per packet.
// Open addressing with linear probing over a power-of-two table at most half full, and
// backward-shift deletion (no tombstones to accumulate). Keys are mixed by an odd multiplier
// drawn per table: consecutive client addresses would otherwise fill one long run of slots, and
// neither an SPI nor a destination an outsider or an inside host chooses can aim at one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "dataplane/touch_line.hpp"

namespace rampart::dataplane {

template <class V>
class U32Table {
 public:
  U32Table() : mul_(draw_multiplier()) { slots_.resize(kInitial); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Brings in the line where key's search starts (most searches end in it); a load, not a
  // prefetch (touch_line says why).
  void warm(uint32_t key) const { touch_line(&slots_[home(key)]); }

  const V* find(uint32_t key) const {
    for (size_t i = home(key);; i = next(i)) {
      const Slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  V* find(uint32_t key) { return const_cast<V*>(std::as_const(*this).find(key)); }
  bool contains(uint32_t key) const { return find(key) != nullptr; }

  // The value under key, a default one inserted when there is none. References into the table
  // last until the next insertion or erasure.
  V& operator[](uint32_t key) {
    if (V* v = find(key)) return *v;
    if ((size_ + 1) * 2 > slots_.size()) grow();
    size_t i = home(key);
    while (slots_[i].used) i = next(i);
    slots_[i] = Slot{key, true, V{}};
    ++size_;
    return slots_[i].value;
  }

  bool erase(uint32_t key) {
    size_t i = home(key);
    for (; slots_[i].used; i = next(i))
      if (slots_[i].key == key) break;
    if (!slots_[i].used) return false;
    // Backward shift: each later slot of the run moves into the hole unless its own search
    // starts after the hole (it would then no longer be found from there).
    for (size_t j = next(i); slots_[j].used; j = next(j)) {
      size_t k = home(slots_[j].key);
      bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    slots_[i] = Slot{};
    --size_;
    return true;
  }

  template <class F>
  void each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.used) f(s.key, s.value);
  }

 private:
  static constexpr size_t kInitial = 16;
  struct Slot {
    uint32_t key = 0;
    bool used = false;
    V value{};
  };

  static uint64_t draw_multiplier() {
    std::random_device rd;
    return ((static_cast<uint64_t>(rd()) << 32) ^ rd()) | 1;
  }
  size_t home(uint32_t key) const { return static_cast<size_t>((key * mul_) >> shift_); }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    --shift_;
    size_ = 0;
    for (Slot& s : old)
      if (s.used) (*this)[s.key] = std::move(s.value);
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  uint64_t mul_;
  int shift_ = 64 - 4;  // log2(kInitial) bits of the product's top
};

}  // namespace rampart::dataplane
