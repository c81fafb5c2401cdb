#include "dataplane/crypto/stats.hpp"

#include <atomic>
#include <chrono>
#include <iterator>

namespace rampart::dataplane::crypto {

namespace {

// Every counter of EngineStats, so that one loop adds, reads and clears them all.
constexpr uint64_t EngineStats::*kFields[] = {&EngineStats::in_packets,
                                              &EngineStats::in_bytes,
                                              &EngineStats::in_hashed_packets,
                                              &EngineStats::in_hashed_bytes,
                                              &EngineStats::decrypted_packets,
                                              &EngineStats::decrypted_bytes,
                                              &EngineStats::out_packets,
                                              &EngineStats::out_bytes,
                                              &EngineStats::out_bad_packets,
                                              &EngineStats::out_hashed_packets,
                                              &EngineStats::out_hashed_bytes,
                                              &EngineStats::encrypted_packets,
                                              &EngineStats::encrypted_bytes,
                                              &EngineStats::auth_failed,
                                              &EngineStats::errors,
                                              &EngineStats::batches,
                                              &EngineStats::transforms};
constexpr size_t kCount = std::size(kFields);
static_assert(kCount * sizeof(uint64_t) == sizeof(EngineStats), "a counter is missing");
constexpr size_t kTransforms = kCount - 1;

struct Atomic {
  std::atomic<uint64_t> v[kCount] = {};
  std::atomic<int64_t> started{0};
};

Atomic& slot(BackendKind k) {
  static Atomic s[2];
  return s[k == BackendKind::OpenSsl ? 0 : 1];
}

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void mark_started(Atomic& a) {
  int64_t zero = 0;
  if (a.started.load(std::memory_order_relaxed) == 0)
    a.started.compare_exchange_strong(zero, now_s(), std::memory_order_relaxed);
}

void add(Atomic& a, const EngineStats& d) {
  for (size_t i = 0; i < kCount; ++i)
    if (d.*kFields[i]) a.v[i].fetch_add(d.*kFields[i], std::memory_order_relaxed);
}

}  // namespace

EngineStats stats(BackendKind k) {
  EngineStats s;
  for (size_t i = 0; i < kCount; ++i) s.*kFields[i] = slot(k).v[i].load(std::memory_order_relaxed);
  return s;
}

uint64_t active_seconds(BackendKind k) {
  int64_t t = slot(k).started.load(std::memory_order_relaxed);
  return t ? static_cast<uint64_t>(now_s() - t) : 0;
}

void clear_stats(BackendKind k) {
  // The live transforms are a level, not a count of events: they stay.
  for (size_t i = 0; i < kCount; ++i)
    if (i != kTransforms) slot(k).v[i].store(0, std::memory_order_relaxed);
}

void account(BackendKind k, std::span<const Op> ops) {
  EngineStats d;
  for (const Op& op : ops) {
    if (op.status == OpStatus::Pending || op.status == OpStatus::Skipped) continue;
    if (!op.sa || op.sa->kind() != k) continue;
    bool hashed = op.sa->icv_size() != 0, ciphered = op.sa->cipher() != EspCipher::Null;
    bool ok = op.status == OpStatus::Ok;
    uint64_t len = op.hashed_len() + op.sa->icv_size();
    if (op.encrypt) {
      ++d.out_packets, d.out_bytes += len;
      if (!ok) ++d.out_bad_packets;
      if (ok && hashed) ++d.out_hashed_packets, d.out_hashed_bytes += op.hashed_len();
      if (ok && ciphered) ++d.encrypted_packets, d.encrypted_bytes += op.payload_len;
    } else {
      ++d.in_packets, d.in_bytes += len;
      if (hashed) ++d.in_hashed_packets, d.in_hashed_bytes += op.hashed_len();
      if (ok && ciphered) ++d.decrypted_packets, d.decrypted_bytes += op.payload_len;
      if (op.status == OpStatus::AuthFailed) ++d.auth_failed;
    }
    if (op.status == OpStatus::Error) ++d.errors;
  }
  if (d.out_packets + d.in_packets == 0) return;
  d.batches = 1;
  Atomic& a = slot(k);
  mark_started(a);
  add(a, d);
}

void transform_added(BackendKind k) {
  Atomic& a = slot(k);
  mark_started(a);
  a.v[kTransforms].fetch_add(1, std::memory_order_relaxed);
}

void transform_removed(BackendKind k) {
  slot(k).v[kTransforms].fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace rampart::dataplane::crypto
