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
  DataplaneService(dataplane::Sad& sad, cli::System& sys) : sad_(sad), sys_(sys) {}
  ~DataplaneService();
  void sync(const config::Config& cfg);
  const dataplane::Worker* worker() const { return worker_.get(); }

 private:
  dataplane::Sad& sad_;
  cli::System& sys_;
  std::unique_ptr<dataplane::Worker> worker_;
  bool rules_ = false;
};

}  // namespace rampart::firmware
