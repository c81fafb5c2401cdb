#include "firmware/daemon/vpn_routes.hpp"

#include <map>

#include <fmt/format.h>

#include "control/ike/acquire_policies.hpp"
#include "control/ike/proxy_arp.hpp"
#include "dataplane/forward/port_config.hpp"
#include "platform/arp.hpp"
#include "platform/log.hpp"
#include "platform/netlink.hpp"
#include "platform/tun.hpp"

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

std::string dotted(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

// "0200.5e00.5301" (as platform reports MACs) to bytes.
std::array<uint8_t, 6> mac_bytes(const std::string& s) {
  std::array<uint8_t, 6> m{};
  std::string hex;
  for (char c : s)
    if (c != '.' && c != ':') hex += c;
  for (size_t i = 0; i < 6 && i * 2 + 1 < hex.size(); ++i)
    m[i] = static_cast<uint8_t>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
  return m;
}

bool ours(uint8_t protocol) {
  return protocol == platform::kRampartRriProtocol || protocol == platform::kRampartVpnProtocol;
}

// Static crypto maps: what their ACLs protect goes into the tunnel before it is up, so that
// the first packet brings it up (acquire).
std::vector<VpnRoutes::Want> static_wants(const config::Config& cfg) {
  using K = config::AclAddress::Kind;
  std::vector<VpnRoutes::Want> out;
  for (const ike::ProtectedLine& l : ike::protected_lines(cfg)) {
    const auto& d = l.ace.destination;
    if (d.kind == K::Host)
      out.push_back({d.address.value, 32, l.nameif, false, 0});
    else if (d.kind == K::Subnet)
      out.push_back({d.address.value, d.mask.prefix_len(), l.nameif, false, 0});
  }
  return out;
}

}  // namespace

VpnRoutes::Inputs VpnRoutes::inputs_of(const config::Config& cfg) {
  Inputs in;
  in.interfaces = cfg.interfaces;
  for (const auto& [name, map] : cfg.crypto.maps) {
    in.bindings.emplace_back(name, map.interface);
    for (const auto& [seq, entry] : map.entries)
      in.reverse_routes.emplace_back(name, seq, entry.settings.reverse_route);
  }
  for (const auto& [name, dm] : cfg.crypto.dynamic_maps)
    for (const auto& [seq, entry] : dm.entries)
      in.reverse_routes.emplace_back(name, seq, entry.reverse_route);
  in.statics = static_wants(cfg);
  for (const auto& [name, pool] : cfg.pools)
    in.pools.emplace_back(pool.first.value, pool.last.value);
  return in;
}

bool VpnRoutes::keepable(const Want& w, const Inputs& in) {
  if (w.prefix != 32) return false;
  return std::ranges::any_of(in.pools, [&](const auto& p) {
    return p.first <= w.destination && w.destination <= p.second;
  });
}

void VpnRoutes::claim(uint64_t idx, const Want& w) {
  auto& who = claims_[{w.destination, w.prefix}];
  if (!who.empty() && who.front().first == kKept) {
    who.clear();
    kept_.erase(w.destination);
  }
  who.emplace_back(idx, w);
}

void VpnRoutes::release(const Want& w, std::vector<std::pair<uint64_t, Want>>& who) {
  if (!who.empty() || !keepable(w, synced_inputs_)) return;
  // Kept as a plain route into the tunnel: an injected one (RRI) goes with its SA.
  Want plain{w.destination, 32, w.nameif, false, 0};
  who.emplace_back(kKept, plain);
  kept_[w.destination] = plain;
}

void VpnRoutes::add_kept(const config::Config& cfg) {
  std::set<std::string> nameifs;
  for (const auto& [hw, itf] : cfg.interfaces)
    if (itf.nameif) nameifs.insert(*itf.nameif);
  for (auto it = kept_.begin(); it != kept_.end();) {
    const Want& w = it->second;
    auto c = claims_.find({w.destination, 32});
    if ((c != claims_.end() && !c->second.empty()) || !keepable(w, synced_inputs_) ||
        !nameifs.contains(w.nameif)) {
      it = kept_.erase(it);
      continue;
    }
    claims_[{w.destination, 32}] = {{kKept, w}};
    ++it;
  }
}

VpnRoutes::~VpnRoutes() {
  apply_routes({});
  apply_proxies({});
}

std::vector<VpnRoutes::Want> VpnRoutes::wants_of(const ike::IkeSa& sa, const config::Config& cfg) {
  std::vector<Want> out;
  // A client's address from mode-config on: its first packet may come with its quick mode.
  if (sa.remote_access && sa.authorized && sa.assigned)
    out.push_back({sa.assigned->value, 32, sa.nameif, false, 0});
  for (const auto& ips : sa.ipsec)
    out.push_back({ips.remote.address.value, ips.remote.mask.prefix_len(), sa.nameif,
                   reverse_route(cfg, ips), sa.peer.address.value});
  // A default route into a tunnel would take the box's own traffic to the peer with it (IKE,
  // the ESP itself): "any" stays with the kernel's routing.
  std::erase_if(out, [](const Want& w) { return w.prefix <= 0 || w.nameif.empty(); });
  for (auto& w : out) w.destination &= mask_of(w.prefix);
  return out;
}

std::optional<uint32_t> VpnRoutes::client_host(const ike::IkeSa& sa) {
  // Answered for from its assignment (ike/proxy_arp.hpp), as its route is installed then.
  if (!sa.remote_access || !sa.assigned) return std::nullopt;
  return sa.assigned->value;
}

VpnRoutes::Claims VpnRoutes::claims_of(const ike::Engine& engine, const config::Config& cfg,
                                       std::map<uint64_t, std::vector<Want>>* by_sa) {
  Claims claims;
  for (const auto& [idx, sa] : engine.sas()) {
    auto wants = wants_of(*sa, cfg);
    for (const auto& w : wants) claims[{w.destination, w.prefix}].emplace_back(idx, w);
    if (by_sa) (*by_sa)[idx] = std::move(wants);
  }
  for (auto w : static_wants(cfg))
    if (w.prefix > 0 && !w.nameif.empty()) {
      w.destination &= mask_of(w.prefix);
      claims[{w.destination, w.prefix}].emplace_back(kStatic, w);
    }
  return claims;
}

std::vector<VpnRoutes::Want> VpnRoutes::wanted(const ike::Engine& engine,
                                               const config::Config& cfg) {
  std::vector<Want> out;
  for (const auto& [key, who] : claims_of(engine, cfg, nullptr)) out.push_back(merged(who));
  return out;
}

void VpnRoutes::sync(const ike::Engine& engine, const config::Config& cfg, bool force) {
  Inputs inputs = inputs_of(cfg);
  const bool same_inputs = synced_ && inputs == synced_inputs_;
  if (!force && same_inputs && engine.sessions_journal().end() == journal_at_) return;
  auto touched = engine.sessions_journal().since(journal_at_);
  journal_at_ = engine.sessions_journal().end();
  synced_inputs_ = std::move(inputs);
  // Between full syncs, with the same configuration: the SAs whose sessions changed, alone.
  if (!force && same_inputs && touched) {
    follow(engine, cfg, *touched);
    return;
  }
  by_sa_.clear();
  Claims before = std::exchange(claims_, claims_of(engine, cfg, &by_sa_));
  // Pool addresses whose clients left since the last sync (not followed one by one) are kept
  // as if they had been.
  for (auto& [key, who] : before)
    if (!claims_.contains(key) &&
        std::ranges::none_of(who, [](const auto& c) { return c.first == kStatic; })) {
      Want w = merged(who);
      who.clear();
      release(w, who);
    }
  add_kept(cfg);
  hosts_.clear();
  host_of_.clear();
  for (const auto& [idx, sa] : engine.sas())
    if (auto h = client_host(*sa)) {
      host_of_[idx] = *h;
      ++hosts_[*h];
    }
  std::vector<Want> want;
  for (const auto& [key, who] : claims_) want.push_back(merged(who));
  std::vector<uint32_t> hosts;
  for (const auto& [h, n] : hosts_) hosts.push_back(h);
  // Unforced, this sends the kernel only what differs from what we installed.
  apply(want, hosts, cfg, force || !synced_);
  synced_ = true;
}

VpnRoutes::Want VpnRoutes::merged(const std::vector<std::pair<uint64_t, Want>>& who) {
  // One route per destination: an RRI one wins over one without.
  for (const auto& [idx, w] : who)
    if (w.rri) return w;
  return who.front().second;
}

void VpnRoutes::follow(const ike::Engine& engine, const config::Config& cfg,
                       const std::vector<uint64_t>& touched) {
  std::set<std::pair<uint32_t, int>> keys;  // destinations whose claims changed
  std::set<uint32_t> hosts;                 // client hosts whose count went to or from 0
  for (uint64_t idx : touched) {
    auto it = engine.sas().find(idx);
    std::vector<Want> now =
        it == engine.sas().end() ? std::vector<Want>{} : wants_of(*it->second, cfg);
    auto& before = by_sa_[idx];
    if (now != before) {
      for (const auto& w : before) {
        auto& who = claims_[{w.destination, w.prefix}];
        std::erase_if(who, [&](const auto& c) { return c.first == idx; });
        release(w, who);
        keys.insert({w.destination, w.prefix});
      }
      for (const auto& w : now) {
        claim(idx, w);
        keys.insert({w.destination, w.prefix});
      }
    }
    if (now.empty())
      by_sa_.erase(idx);
    else
      before = std::move(now);
    std::optional<uint32_t> h = it == engine.sas().end() ? std::nullopt : client_host(*it->second);
    auto had = host_of_.find(idx);
    std::optional<uint32_t> old = had == host_of_.end() ? std::nullopt : std::optional(had->second);
    if (h == old) continue;
    if (old && --hosts_[*old] == 0) {
      hosts_.erase(*old);
      hosts.insert(*old);
    }
    if (h && hosts_[*h]++ == 0) hosts.insert(*h);
    if (h)
      host_of_[idx] = *h;
    else
      host_of_.erase(idx);
  }
  if (keys.empty() && hosts.empty()) return;
  LazyNetlink nl;
  // The changed destinations: their routes now, against what we installed for them.
  std::vector<Want> want;
  for (const auto& key : keys) {
    auto c = claims_.find(key);
    if (c == claims_.end()) continue;
    if (c->second.empty()) {
      claims_.erase(c);
      continue;
    }
    want.push_back(merged(c->second));
  }
  std::set<Route> routes = routes_for(nl, want, cfg, false);
  for (const auto& key : keys) {
    for (auto r = installed_.lower_bound(Route{key.first, key.second, std::nullopt, 0, 0});
         r != installed_.end() && r->destination == key.first && r->prefix == key.second;) {
      if (routes.count(*r)) {
        ++r;
        continue;
      }
      if (!nl.get()) return;  // the next full sync tries again
      withdraw(*nl.get(), *r);
      r = installed_.erase(r);
    }
  }
  for (const auto& r : routes)
    if (!installed_.count(r) && nl.get() &&
        nl.get()->add_device_route(r.destination, r.prefix, r.gateway, r.ifindex, 0, r.protocol))
      installed_.insert(r);
  // The hosts that came or went: answered for, or no longer.
  // (The configuration is as when they were added: a change to it takes the full path.)
  for (uint32_t h : hosts)
    for (const auto& p : proxies_of(h, cfg)) {
      if (!nl.get()) return;
      if (!hosts_.contains(h)) {
        if (proxies_.erase(p)) (void)nl.get()->delete_proxy_neighbour(p.ifindex, p.address);
      } else if (!proxies_.count(p) && add_proxy(*nl.get(), p)) {
        proxies_.insert(p);
      }
    }
}

platform::Netlink* VpnRoutes::LazyNetlink::get() {
  if (!tried_) {
    tried_ = true;
    if (auto opened = platform::Netlink::open()) nl_.emplace(std::move(*opened));
  }
  return nl_ ? &*nl_ : nullptr;
}

std::set<VpnRoutes::Route> VpnRoutes::routes_for(LazyNetlink& nl, const std::vector<Want>& want,
                                                 const config::Config& cfg, bool full) {
  std::map<std::string, std::string> device_of;  // nameif -> Linux device
  for (const auto& [hw, itf] : cfg.interfaces)
    if (itf.nameif) device_of[*itf.nameif] = sys_.device_for(hw);
  auto read_links = [&] {
    ifindex_.clear();
    if (!nl.get()) return;
    if (auto links = nl.get()->links())
      for (const auto& l : *links) ifindex_[l.name] = l.ifindex;
  };
  if (full || ifindex_.empty()) read_links();
  bool reread = full;
  std::optional<std::vector<platform::RouteEntry>> kernel;  // read only for an RRI gateway
  std::set<Route> routes;
  for (const auto& w : want) {
    auto dev = device_of.find(w.nameif);
    if (dev == device_of.end()) continue;
    auto tun = ifindex_.find(dataplane::vpn_device_of(dev->second));
    if (tun == ifindex_.end() && !reread) {  // a TUN device made since the last read
      read_links();
      reread = true;
      tun = ifindex_.find(dataplane::vpn_device_of(dev->second));
    }
    if (tun == ifindex_.end()) continue;  // no dataplane on that interface (yet)
    Route r{w.destination, w.prefix, std::nullopt, tun->second, platform::kRampartVpnProtocol};
    if (w.rri) {
      if (!kernel && nl.get())
        kernel = nl.get()->routes().value_or(std::vector<platform::RouteEntry>{});
      if (!kernel) kernel.emplace();
      // The tunnel's path: the gateway toward the peer, or the peer itself when on-link.
      r.protocol = platform::kRampartRriProtocol;
      r.gateway = w.peer;
      int best = -1;
      for (const auto& k : *kernel)
        if (k.gateway && !ours(k.protocol) && k.prefix > best &&
            (w.peer & mask_of(k.prefix)) == k.destination) {
          r.gateway = *k.gateway;
          best = k.prefix;
        }
    }
    routes.insert(r);
  }
  return routes;
}

void VpnRoutes::apply(const std::vector<Want>& want, const std::vector<uint32_t>& hosts,
                      const config::Config& cfg, bool full) {
  LazyNetlink nl;
  if (!nl.get()) return;
  std::set<Route> routes = routes_for(nl, want, cfg, full);
  if (full)
    apply_routes(routes);
  else
    change_routes(*nl.get(), routes);

  std::set<Proxy> proxies;
  for (uint32_t h : hosts)
    for (const auto& p : proxies_of(h, cfg)) proxies.insert(p);
  apply_proxies(proxies);
}

std::vector<VpnRoutes::Proxy> VpnRoutes::proxies_of(uint32_t h, const config::Config& cfg) const {
  std::vector<Proxy> out;
  for (const auto& hw : ike::proxy_arp_interfaces(cfg, config::Ipv4{h}))
    if (auto l = ifindex_.find(sys_.device_for(hw)); l != ifindex_.end())
      out.push_back({l->second, h});
  return out;
}

void VpnRoutes::apply_routes(const std::set<Route>& want) {
  auto nl = platform::Netlink::open();
  if (!nl) return;
  auto kernel = nl->routes();
  if (!kernel) return;
  std::set<Route> have;
  for (const auto& k : *kernel) {
    if (!ours(k.protocol)) continue;
    Route r{k.destination, k.prefix, k.gateway, k.ifindex, k.protocol};
    if (want.count(r) && k.metric == 0) {
      have.insert(r);
      continue;
    }
    // Not (or no longer) wanted, or left by an earlier run: withdrawn.
    if (auto ok = nl->delete_route(k); !ok)
      platform::log(platform::Severity::Warning, "VPN route withdrawal: " + ok.error());
  }
  installed_ = have;
  for (const auto& r : want) {
    if (have.count(r)) continue;
    if (auto ok =
            nl->add_device_route(r.destination, r.prefix, r.gateway, r.ifindex, 0, r.protocol);
        ok)
      installed_.insert(r);
    else if (failed_.insert(r).second)
      platform::log(
          platform::Severity::Warning,
          fmt::format("VPN route {}/{}: {}", dotted(r.destination), r.prefix, ok.error()));
  }
  std::erase_if(failed_, [&](const Route& r) { return !want.count(r); });
}

void VpnRoutes::withdraw(platform::Netlink& nl, const Route& r) {
  platform::RouteEntry k;
  k.destination = r.destination;
  k.prefix = r.prefix;
  k.gateway = r.gateway;
  k.ifindex = r.ifindex;
  k.protocol = r.protocol;
  // Gone already (a TUN device re-created) is fine: the next full apply checks the kernel.
  (void)nl.delete_route(k);
}

void VpnRoutes::change_routes(platform::Netlink& nl, const std::set<Route>& want) {
  for (auto it = installed_.begin(); it != installed_.end();) {
    if (want.count(*it)) {
      ++it;
      continue;
    }
    withdraw(nl, *it);
    it = installed_.erase(it);
  }
  for (const auto& r : want) {
    if (installed_.count(r)) continue;
    if (nl.add_device_route(r.destination, r.prefix, r.gateway, r.ifindex, 0, r.protocol))
      installed_.insert(r);
    // A failure is said (once) by the next full apply, which tries again.
  }
}

void VpnRoutes::apply_proxies(const std::set<Proxy>& want) {
  if (want == proxies_) return;
  auto nl = platform::Netlink::open();
  if (!nl) return;
  for (const auto& p : proxies_)
    if (!want.count(p)) (void)nl->delete_proxy_neighbour(p.ifindex, p.address);
  std::set<Proxy> now;
  for (const auto& p : want)
    if (proxies_.count(p) || add_proxy(*nl, p)) now.insert(p);
  proxies_ = std::move(now);
}

bool VpnRoutes::add_proxy(platform::Netlink& nl, const Proxy& p) {
  if (auto ok = nl.add_proxy_neighbour(p.ifindex, p.address); !ok) {
    platform::log(platform::Severity::Warning,
                  fmt::format("proxy ARP for {}: {}", dotted(p.address), ok.error()));
    return false;
  }
  auto links = nl.links();
  if (!links) return true;
  for (const auto& l : *links) {
    if (l.ifindex != p.ifindex) continue;
    // The kernel answers a broadcast request for a proxied address after a random delay of
    // up to proxy_delay (0.8 s by default), as a router that may not be the best one would;
    // here it is the only one.
    (void)platform::set_ipv4_neigh_sysctl(l.name, "proxy_delay", "0");
    if (auto ok = platform::send_gratuitous_arp(p.ifindex, mac_bytes(l.mac), p.address); ok)
      sad_.counters().control().add(dataplane::Count::ArpAnnounced);
    else
      platform::log(platform::Severity::Warning, ok.error());
  }
  return true;
}

}  // namespace rampart::firmware
