// The dataplane's own drops and events ("show asp drop"), counted per packet worker and summed
// when someone reads them. Each worker owns one block on a cache line of its own and is its
// only writer, so a packet costs a plain load, add and store (relaxed atomics: no lock prefix,
// no fence, no line bouncing between cores); readers load each block and add them up. A block
// that a stopping worker hands back is folded into the retired totals, so nothing it counted
// is lost when the workers restart (a port change). clear asp drop never writes a worker's
// block (that would race with its writer): it remembers what the drops were and reads subtract.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace rampart::dataplane {

// What the workers count. The drops are the rows of show asp drop; frames..transmitted are
// events, which clear asp drop leaves alone.
enum class Count : uint8_t {
  Frames,         // ESP to us taken in, or cleartext with an SA taken out
  Decapsulated,   // authenticated, checked and handed to the kernel
  Encapsulated,   // ESP packets built (each fragment before encryption is one)
  Transmitted,    // frames the I/O layer (or the kernel's TUN device) took
  NoSa,           // no inbound SA for the SPI, or no outbound SA for the addresses
  TunnelPending,  // dropped under an acquire policy while the tunnel comes up
  PolicyMismatch,
  TtlExpired,
  NoRoute,
  NoAdjacency,
  TxFailed,
  TooBig,        // cannot be encapsulated at this size (beyond IPv4, or no fragment fits)
  InnerNotIpv4,  // decrypted, but not an IPv4 packet
  EgressTooBig,  // larger than the MTU of the port it would leave by
  EncapFailed,   // the cipher refused to encrypt (its own reason, never "too big")
  EspRunt,       // ESP too short for an SPI and a sequence number: no SA to count it
  ArpAnnounced,  // gratuitous ARPs for clients' addresses (the control plane's block)
  kCount
};
constexpr size_t kCounts = static_cast<size_t>(Count::kCount);

// One writer's counters. alignas keeps two blocks off one cache line (64 bytes on x86; the
// struct is larger than a line, and the padding after it is its own too).
struct alignas(64) WorkerCounters {
  std::array<std::atomic<uint64_t>, kCounts> v{};
  // Only the owning thread calls add: a relaxed load-add-store is then exact.
  void add(Count c, uint64_t n = 1) {
    auto& x = v[static_cast<size_t>(c)];
    x.store(x.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t get(Count c) const { return v[static_cast<size_t>(c)].load(std::memory_order_relaxed); }
};

struct CounterSnapshot {
  std::array<uint64_t, kCounts> v{};
  uint64_t operator[](Count c) const { return v[static_cast<size_t>(c)]; }
};

class DataplaneCounters {
 public:
  DataplaneCounters();
  // A block for one worker; give it back with detach once the worker's thread has ended.
  std::shared_ptr<WorkerCounters> attach();
  void detach(const std::shared_ptr<WorkerCounters>& block);
  // The block of the control plane's own thread (gratuitous ARPs), written only from there.
  WorkerCounters& control() { return *control_; }
  // Every block and the retired totals, less the drops as they were at the last clear.
  CounterSnapshot read() const;
  // clear asp drop: the drops read as zero from now on; the events keep counting.
  void clear_drops(int64_t now);
  int64_t cleared_at() const { return cleared_at_.load(std::memory_order_relaxed); }
  static bool is_drop(Count c);

  // By EspDrop, what SAs counted before they were deleted (written under the SAD's lock).
  std::atomic<uint64_t> esp[8]{};

 private:
  CounterSnapshot sum_locked() const;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<WorkerCounters>> live_;
  std::array<uint64_t, kCounts> retired_{};
  std::array<uint64_t, kCounts> baseline_{};  // the drops at the last clear
  std::shared_ptr<WorkerCounters> control_;
  std::atomic<int64_t> cleared_at_{0};  // seconds since the epoch, 0: never
};

}  // namespace rampart::dataplane
