// The packet worker: reads the NICs' AF_PACKET rings and moves what the SAs protect. On an
// outside port it takes ESP (IP protocol 50) and ESP-in-UDP (port 4500 without the non-ESP
// marker) addressed to us, decapsulates, checks the inner packet against the SA's selectors
// and forwards it; on an inside port it takes IPv4 sent to our MAC that an outbound SA
// protects, encapsulates it and sends it to the peer. Everything else stays the kernel's.
// Frames are built here, with next-hop MACs from the kernel's neighbour table.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/sad/sad.hpp"
#include "platform/expected.hpp"

namespace rampart::dataplane {

struct PortConfig {
  int ifindex = 0;
  std::string name;
  std::array<uint8_t, 6> mac{};
  uint32_t address = 0;  // host order
  int prefix = 0;
  bool outside = false;  // a crypto map is applied here: ESP arrives and leaves here
  bool operator==(const PortConfig&) const = default;
};

// Drops and events of the worker, by name ("show asp drop" style).
struct WorkerStats {
  std::atomic<uint64_t> frames{0}, decapsulated{0}, encapsulated{0}, transmitted{0};
  std::atomic<uint64_t> no_sa{0}, esp_dropped{0}, policy_mismatch{0}, ttl_expired{0}, no_route{0},
      neighbour_unresolved{0}, tx_failed{0}, too_big{0};
};

class Worker {
 public:
  Worker(Sad& sad, std::vector<PortConfig> ports);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  rampart::expected<void, std::string> start();
  void stop();
  const std::vector<PortConfig>& ports() const { return cfg_; }
  const WorkerStats& stats() const { return stats_; }

 private:
  struct Impl;
  Sad& sad_;
  std::vector<PortConfig> cfg_;
  WorkerStats stats_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace rampart::dataplane
