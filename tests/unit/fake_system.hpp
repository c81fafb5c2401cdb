// An in-memory cli::System for unit tests: three NICs, flash as a string, links that follow
// the model. The real one (firmware/daemon) is exercised by the integration tests.
#pragma once

#include <string>
#include <vector>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "platform/ifmap.hpp"

namespace rampart::test {

class FakeSystem : public cli::System {
 public:
  std::string device_for(const std::string& hw) const override { return map_.device_for(hw); }
  std::vector<std::string> hardware_interfaces() const override {
    return {"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"};
  }
  cli::LinkState link_state(const std::string& hw) const override {
    cli::LinkState l;
    l.device = device_for(hw);
    auto it = applied_.interfaces.find(hw);
    l.exists = it != applied_.interfaces.end();
    if (l.exists) {
      l.admin_up = l.oper_up = !it->second.shutdown;
      l.address = it->second.address;
      l.mask = it->second.mask;
    }
    l.mac = "0200.5e00.530" + std::to_string(hw.back() - '0' + 1);
    l.mtu = 1500;
    return l;
  }
  std::vector<cli::KernelRoute> kernel_routes() const override { return {}; }
  std::vector<std::string> apply(const config::Config& cfg) override {
    applied_ = cfg;
    ++applies;
    return {};
  }
  rampart::expected<std::string, std::string> read_startup() const override {
    if (!has_startup) return rampart::unexpected(std::string("No such file or directory"));
    return startup;
  }
  rampart::expected<void, std::string> write_startup(const std::string& text) override {
    startup = text;
    has_startup = true;
    return {};
  }
  rampart::expected<void, std::string> erase_startup() override {
    startup.clear();
    has_startup = false;
    return {};
  }
  std::string flash_label() const override { return "disk0:"; }
  cli::VersionInfo version() const override {
    return {"1.0(1)", "by tests", "test", 3725, "Test box", "TEST0001", "disk0:/test.img", {}};
  }
  uint64_t now_seconds() const override { return 1795000000; }

  std::string startup;
  bool has_startup = false;
  int applies = 0;

 private:
  platform::InterfaceMap map_;
  config::Config applied_;
};

}  // namespace rampart::test
