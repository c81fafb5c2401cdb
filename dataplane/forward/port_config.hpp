// A NIC as the configuration gives it to the packet workers.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace rampart::dataplane {

// crypto ipsec df-bit: the outer header's DF bit copies the inner one (the ASA's default), is
// always clear (the outer packet may be fragmented even when the inner said DF) or always set.
enum class DfPolicy { Copy, Clear, Set };

// The TUN device through which the kernel and the dataplane hand each other the cleartext of
// the VPN traffic of interface dev: dev + "-vpn" ("eth0-vpn"). The same rule as
// firewall::vpn_device_of in control/firewall/policy.hpp, written again here because the
// dataplane does not depend on control; the two must agree (the firewall's rules name it).
inline std::string vpn_device_of(const std::string& dev) {
  return dev + "-vpn";
}

struct PortConfig {
  int ifindex = 0;
  std::string name;
  std::array<uint8_t, 6> mac{};
  uint32_t address = 0;  // host order
  int prefix = 0;
  bool outside = false;  // a crypto map is applied here: ESP arrives and leaves here
  uint32_t mtu = 1500;
  DfPolicy df = DfPolicy::Copy;
  // crypto ipsec fragmentation: before-encryption (default) fragments the inner packet so that
  // each encrypted piece fits; after-encryption fragments the ESP packet itself.
  bool fragment_after_encryption = false;
  bool operator==(const PortConfig&) const = default;
};

}  // namespace rampart::dataplane
