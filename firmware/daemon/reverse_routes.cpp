#include "firmware/daemon/reverse_routes.hpp"

#include <fmt/format.h>

#include "platform/log.hpp"
#include "platform/netlink.hpp"

namespace rampart::firmware {

namespace {

bool reverse_route(const config::Config& cfg, const ike::IpsecSa& ips) {
  // A dynamic entry is tagged with its dynamic map's name, a static one with its map's.
  if (auto d = cfg.crypto.dynamic_maps.find(ips.crypto_map); d != cfg.crypto.dynamic_maps.end())
    if (auto e = d->second.entries.find(ips.map_seq); e != d->second.entries.end())
      return e->second.reverse_route;
  if (auto m = cfg.crypto.maps.find(ips.crypto_map); m != cfg.crypto.maps.end())
    if (auto e = m->second.entries.find(ips.map_seq); e != m->second.entries.end())
      return e->second.settings.reverse_route;
  return false;
}

uint32_t mask_of(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

}  // namespace

ReverseRoutes::~ReverseRoutes() {
  apply({});
}

void ReverseRoutes::sync(const ike::Engine& engine, const config::Config& cfg) {
  std::set<Route> want;
  std::optional<std::vector<platform::RouteEntry>> routes;
  std::optional<std::vector<platform::Link>> links;
  for (const auto& [idx, sa] : engine.sas())
    for (const auto& ips : sa->ipsec) {
      if (!reverse_route(cfg, ips)) continue;
      if (!routes) {
        auto nl = platform::Netlink::open();
        if (!nl) return;
        auto r = nl->routes();
        auto l = nl->links();
        if (!r || !l) return;
        routes = std::move(*r);
        links = std::move(*l);
      }
      // The tunnel's path: the gateway toward the peer, or the peer itself when on-link.
      uint32_t peer = sa->peer.address.value;
      Route route{ips.remote.address.value & ips.remote.mask.value, ips.remote.mask.prefix_len(),
                  peer, 0};
      int best = -1;
      for (const auto& r : *routes)
        if (r.gateway && r.prefix > best && (peer & mask_of(r.prefix)) == r.destination) {
          route.gateway = *r.gateway;
          route.ifindex = r.ifindex;
          best = r.prefix;
        }
      if (best < 0) {
        std::string dev;
        for (const auto& [hw, itf] : cfg.interfaces)
          if (itf.nameif == sa->nameif) dev = sys_.device_for(hw);
        for (const auto& l : *links)
          if (l.name == dev) route.ifindex = l.ifindex;
      }
      if (route.ifindex && route.prefix > 0) want.insert(route);
    }
  apply(want);
}

void ReverseRoutes::apply(const std::set<Route>& want) {
  if (want == installed_) return;
  auto nl = platform::Netlink::open();
  if (!nl) return;
  for (const auto& r : installed_)
    if (!want.count(r)) {
      platform::RouteEntry e;
      e.destination = r.destination;
      e.prefix = r.prefix;
      e.gateway = r.gateway;
      e.ifindex = r.ifindex;
      e.protocol = platform::kRampartRriProtocol;
      e.metric = 1;
      if (auto ok = nl->delete_route(e); !ok)
        platform::log(platform::Severity::Warning, "reverse route withdrawal: " + ok.error());
    }
  std::set<Route> now;
  for (const auto& r : want) {
    if (installed_.count(r)) {
      now.insert(r);
      continue;
    }
    if (auto ok = nl->add_route(r.destination, r.prefix, r.gateway, r.ifindex, 1,
                                platform::kRampartRriProtocol);
        ok)
      now.insert(r);
    else if (failed_.insert(r).second)  // said once, not every second
      platform::log(platform::Severity::Warning,
                    fmt::format("reverse route {}.{}.{}.{}/{}: {}", r.destination >> 24,
                                (r.destination >> 16) & 0xff, (r.destination >> 8) & 0xff,
                                r.destination & 0xff, r.prefix, ok.error()));
  }
  installed_ = std::move(now);
  std::erase_if(failed_, [&](const Route& r) { return !want.count(r); });
}

}  // namespace rampart::firmware
