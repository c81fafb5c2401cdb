// The packet worker: reads the NICs' AF_PACKET rings and moves what the SAs protect. On an
// outside port it takes ESP (IP protocol 50) and ESP-in-UDP (port 4500 without the non-ESP
// marker) addressed to us, decapsulates, checks the inner packet against the SA's selectors
// and forwards it; on an inside port it takes IPv4 sent to our MAC that an outbound SA
// protects, encapsulates it and sends it to the peer; it answers ARP on the inside for the
// remote-access clients' addresses (proxy ARP) and announces them (gratuitous ARP). Everything
// else stays the kernel's. Frames are built here, with next-hop MACs from the kernel's neighbour
// table, and leave in batches.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/forward/port_config.hpp"
#include "dataplane/sad/sad.hpp"
#include "platform/expected.hpp"

namespace rampart::dataplane {

class Worker {
 public:
  // The workers of one dataplane share the ports through fanout groups fanout_base + port
  // index (the kernel reassembles IP fragments before it spreads them); the one that announces
  // sends the gratuitous ARPs.
  Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base, bool announces);
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
  bool announces_ = false;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace rampart::dataplane
