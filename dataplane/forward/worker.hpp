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
  uint32_t mtu = 1500;
  bool operator==(const PortConfig&) const = default;
};

class Worker {
 public:
  // fanout_base: non-zero when several workers share the ports (group = base + port index).
  Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base = 0);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  rampart::expected<void, std::string> start();
  void stop();
  const std::vector<PortConfig>& ports() const { return cfg_; }

 private:
  struct Impl;
  Sad& sad_;
  std::vector<PortConfig> cfg_;
  uint16_t fanout_base_ = 0;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace rampart::dataplane
