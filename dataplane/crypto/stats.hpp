// What each crypto backend has done since start, for "show crypto accelerator statistics".
// Backends add a batch's totals once per run() (relaxed atomics, never one per packet).
#pragma once

#include <cstdint>
#include <span>

#include "dataplane/crypto/backend.hpp"

namespace rampart::dataplane::crypto {

struct EngineStats {
  uint64_t in_packets = 0, in_bytes = 0;  // decrypt ops run, ESP bytes hashed or not
  uint64_t in_hashed_packets = 0, in_hashed_bytes = 0;
  uint64_t decrypted_packets = 0, decrypted_bytes = 0;
  uint64_t out_packets = 0, out_bytes = 0;  // encrypt ops run
  uint64_t out_bad_packets = 0;             // encrypt ops the library refused
  uint64_t out_hashed_packets = 0, out_hashed_bytes = 0;
  uint64_t encrypted_packets = 0, encrypted_bytes = 0;
  uint64_t auth_failed = 0;  // ICV mismatches (the packet is dropped)
  uint64_t errors = 0;       // jobs the library refused, either direction
  uint64_t batches = 0;      // run() calls that carried at least one op
  uint64_t transforms = 0;   // SA directions keyed now ("Total crypto transforms")
};

// A snapshot of one backend's counters.
EngineStats stats(BackendKind k);
// Seconds since the backend was first used in this process (0: never).
uint64_t active_seconds(BackendKind k);
void clear_stats(BackendKind k);

// For backends: adds what one run() did, from the ops after they completed.
void account(BackendKind k, std::span<const Op> ops);
void transform_added(BackendKind k);
void transform_removed(BackendKind k);

}  // namespace rampart::dataplane::crypto
