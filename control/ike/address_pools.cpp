#include "control/ike/address_pools.hpp"

namespace rampart::ike {

std::optional<config::Ipv4> AddressPools::allocate(const config::Config& cfg,
                                                   const std::vector<std::string>& pools) {
  for (const auto& name : pools) {
    auto it = cfg.pools.find(name);
    if (it == cfg.pools.end()) continue;
    for (uint64_t a = it->second.first.value; a <= it->second.last.value; ++a) {
      if (used_.insert(static_cast<uint32_t>(a)).second)
        return config::Ipv4{static_cast<uint32_t>(a)};
    }
  }
  return std::nullopt;
}

bool AddressPools::claim(config::Ipv4 address) {
  return used_.insert(address.value).second;
}

void AddressPools::release(config::Ipv4 address) {
  used_.erase(address.value);
}

std::vector<config::Ipv4> AddressPools::in_use(const config::LocalPool& pool) const {
  std::vector<config::Ipv4> out;
  for (auto it = used_.lower_bound(pool.first.value); it != used_.end() && *it <= pool.last.value;
       ++it)
    out.push_back(config::Ipv4{*it});
  return out;
}

}  // namespace rampart::ike
