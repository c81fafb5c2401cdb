// Reverse-route injection ("crypto map ... set reverse-route"): while an IPsec SA of such an
// entry is up, a static route for its remote proxy (a client's assigned address, a remote
// site's LAN) points at the tunnel's path, so that routing on the box and what it redistributes
// reach the far side through the outside interface. The routes carry a protocol of their own
// (not the configured static routes') and are withdrawn with the SA.
#pragma once

#include <cstdint>
#include <set>
#include <tuple>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "control/ike/engine.hpp"

namespace rampart::firmware {

class ReverseRoutes {
 public:
  explicit ReverseRoutes(cli::System& sys) : sys_(sys) {}
  ~ReverseRoutes();
  ReverseRoutes(const ReverseRoutes&) = delete;
  ReverseRoutes& operator=(const ReverseRoutes&) = delete;

  void sync(const ike::Engine& engine, const config::Config& cfg);

 private:
  struct Route {
    uint32_t destination = 0;
    int prefix = 0;
    uint32_t gateway = 0;
    int ifindex = 0;
    auto operator<=>(const Route&) const = default;
  };
  void apply(const std::set<Route>& want);
  cli::System& sys_;
  std::set<Route> installed_, failed_;
};

}  // namespace rampart::firmware
