// Keeps the packet worker in step with the configuration: which NICs it reads (those with a
// nameif and an address) and which of them are outside (a crypto map is applied). Re-syncs on
// every tick; restarting the worker is cheap and only happens when the ports change.
#pragma once

#include <memory>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "dataplane/forward/worker.hpp"

namespace rampart::firmware {

class DataplaneService {
 public:
  // workers: how many packet workers share the ports (PACKET_FANOUT), at least 1.
  DataplaneService(dataplane::Sad& sad, cli::System& sys, unsigned workers = 1)
      : sad_(sad), sys_(sys), workers_(workers ? workers : 1) {}
  ~DataplaneService();
  void sync(const config::Config& cfg);
  size_t workers() const { return workers_running_.size(); }

 private:
  dataplane::Sad& sad_;
  cli::System& sys_;
  unsigned workers_;
  std::vector<dataplane::PortConfig> ports_;
  std::vector<std::unique_ptr<dataplane::Worker>> workers_running_;
  bool rules_ = false;
};

}  // namespace rampart::firmware
