#include "dataplane/xdp/socket_drops.hpp"

#include <algorithm>

namespace rampart::dataplane::xdp {

uint64_t SocketDrops::add(const std::string& device, Source source,
                          std::optional<bool> in_rx_dropped) {
  std::lock_guard lock(mu_);
  uint64_t token = next_token_++;
  live_.push_back({token, device, std::move(source)});
  // The latest AF_XDP socket speaks for the device: its driver and mode are the port's now.
  if (in_rx_dropped) closed_[device].in_rx_dropped = *in_rx_dropped;
  return token;
}

void SocketDrops::remove(uint64_t token) {
  std::lock_guard lock(mu_);
  auto it =
      std::find_if(live_.begin(), live_.end(), [&](const Live& l) { return l.token == token; });
  if (it == live_.end()) return;
  closed_[it->device].drops += it->source();
  live_.erase(it);
}

SocketDrops::Reading SocketDrops::read(const std::string& device) const {
  std::lock_guard lock(mu_);
  Reading r;
  if (auto c = closed_.find(device); c != closed_.end()) r = c->second;
  for (const Live& l : live_)
    if (l.device == device) r.drops += l.source();
  return r;
}

}  // namespace rampart::dataplane::xdp
