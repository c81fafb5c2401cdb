// cli::System on a real box: interfaces and routes through netlink, the startup configuration
// on the flash directory, facts from /proc and DMI.
#pragma once

#include <ctime>
#include <string>

#include "cli/system.hpp"
#include "platform/ifmap.hpp"

namespace rampart::firmware {

class BoxSystem : public cli::System {
 public:
  BoxSystem(std::string flash_dir, platform::InterfaceMap map, std::string image);

  std::string device_for(const std::string& hw) const override;
  std::vector<std::string> hardware_interfaces() const override;
  cli::LinkState link_state(const std::string& hw) const override;
  std::vector<cli::KernelRoute> kernel_routes() const override;
  std::vector<std::string> apply(const config::Config& cfg) override;
  rampart::expected<std::string, std::string> read_startup() const override;
  rampart::expected<void, std::string> write_startup(const std::string& text) override;
  rampart::expected<void, std::string> erase_startup() override;
  std::string flash_label() const override { return "disk0:"; }
  cli::VersionInfo version() const override;
  uint64_t now_seconds() const override;

 private:
  std::string startup_path() const { return flash_dir_ + "/startup-config"; }
  std::string flash_dir_;
  platform::InterfaceMap map_;
  std::string image_;
  std::time_t started_;
};

}  // namespace rampart::firmware
