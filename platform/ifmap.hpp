// CLI interface names and Linux devices. "GigabitEthernet0/N" is ethN unless a map file says
// otherwise (the lab and the image both name NICs eth0..ethN, so the default fits both).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace rampart::platform {

// Canonical CLI name for what a user typed: "gi0/1", "GigabitEthernet 0/1", "g0/1" and the PIX
// "ethernet1" all give "GigabitEthernet0/1"; "m0/0" gives "Management0/0". nullopt for garbage.
std::optional<std::string> canonical_interface_name(std::string_view typed);

class InterfaceMap {
 public:
  // Map file lines: "<CLI name> <device>", '#' starts a comment. Returns an error text naming
  // the line for anything malformed.
  static std::optional<std::string> parse(std::string_view text, InterfaceMap& out);

  std::string device_for(const std::string& cli_name) const;
  // The CLI name for a Linux device, or nullopt when the device is not a mapped NIC.
  std::optional<std::string> cli_name_for(const std::string& device) const;
  const std::map<std::string, std::string>& overrides() const { return by_cli_; }

 private:
  std::map<std::string, std::string> by_cli_;  // CLI name -> device
};

}  // namespace rampart::platform
