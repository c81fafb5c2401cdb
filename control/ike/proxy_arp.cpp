#include "control/ike/proxy_arp.hpp"

namespace rampart::ike {

std::vector<std::string> proxy_arp_interfaces(const config::Config& cfg, config::Ipv4 host) {
  std::vector<std::string> out;
  for (const auto& [hw, itf] : cfg.interfaces) {
    if (!itf.nameif || !itf.address || !itf.mask || itf.shutdown) continue;
    bool crypto = false;
    for (const auto& [name, map] : cfg.crypto.maps) crypto |= map.interface == *itf.nameif;
    uint32_t m = itf.mask->value;
    if (crypto || (host.value & m) != (itf.address->value & m) || host == *itf.address) continue;
    out.push_back(hw);
  }
  return out;
}

}  // namespace rampart::ike
