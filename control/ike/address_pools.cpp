#include "control/ike/address_pools.hpp"

#include <algorithm>

namespace rampart::ike {

std::optional<config::Ipv4> AddressPools::allocate(const config::Config& cfg,
                                                   const std::vector<std::string>& pools) {
  for (const auto& name : pools) {
    auto it = cfg.pools.find(name);
    if (it == cfg.pools.end()) continue;
    const uint32_t first = it->second.first.value, last = it->second.last.value;
    // Below the range's mark every address is taken: the search starts there, not at the
    // first address (a walk over every client's address per set-up, at 10,000 clients).
    uint32_t& free_from = free_from_.try_emplace({first, last}, first).first->second;
    for (uint64_t a = std::max(first, free_from); a <= last; ++a) {
      if (used_.insert(static_cast<uint32_t>(a)).second) {
        free_from = static_cast<uint32_t>(a);  // taken now, but none below it is free
        return config::Ipv4{static_cast<uint32_t>(a)};
      }
    }
    free_from = last;
  }
  return std::nullopt;
}

bool AddressPools::claim(config::Ipv4 address) {
  return used_.insert(address.value).second;
}

void AddressPools::release(config::Ipv4 address) {
  used_.erase(address.value);
  for (auto& [range, free_from] : free_from_)
    if (address.value >= range.first && address.value < free_from) free_from = address.value;
}

std::vector<config::Ipv4> AddressPools::in_use(const config::LocalPool& pool) const {
  std::vector<config::Ipv4> out;
  for (auto it = used_.lower_bound(pool.first.value); it != used_.end() && *it <= pool.last.value;
       ++it)
    out.push_back(config::Ipv4{*it});
  return out;
}

}  // namespace rampart::ike
