// The kernel's way into the tunnels. VPN traffic leaves the box through the TUN device of the
// interface whose crypto map protects it (dataplane::vpn_device_of), so the kernel needs a route
// there for every destination a tunnel serves: each remote-access client's assigned address
// (from the moment IKE assigns it, so that the first answer to the client's first packet finds
// it), each LAN-to-LAN SA's remote network, and the destinations of static crypto maps' ACLs (so
// that the first packet reaches the dataplane and brings the tunnel up). One object owns them
// all and withdraws each with its SA or map.
//
// Reverse-route injection ("crypto map ... set reverse-route") keeps the ASA's meaning: a route
// of such an entry is a static route toward the tunnel's path, with the peer's next hop as its
// gateway, that "show route" lists (rtm_protocol kRampartRriProtocol); the others are there for
// forwarding only (kRampartVpnProtocol) and, as on the ASA, not in the routing table it shows.
//
// A client's address in a connected subnet is answered for on that interface by the kernel
// (a proxy neighbour entry; the kernel answers it because the route to the address leaves by the
// TUN device) and announced once with a gratuitous ARP, while its SA is up.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "control/ike/engine.hpp"
#include "dataplane/sad/sad.hpp"
#include "platform/netlink.hpp"

namespace rampart::firmware {

class VpnRoutes {
 public:
  VpnRoutes(cli::System& sys, dataplane::Sad& sad) : sys_(sys), sad_(sad) {}
  ~VpnRoutes();
  VpnRoutes(const VpnRoutes&) = delete;
  VpnRoutes& operator=(const VpnRoutes&) = delete;

  // Brings the kernel in step. Cheap when nothing changed since the last call (no netlink);
  // force (the daemon's tick) checks the kernel anyway: a TUN device may have been re-created.
  // sessions: the IKE service's sessions_generation (what the SA database reaches, the
  // clients' addresses). When it and what the routes take from the configuration are as at
  // the last call, a call that is not forced walks no SA: at 10,000 tunnels the walk, once a
  // second, was a tenth of the daemon's steady CPU. Without it, every call walks.
  void sync(const ike::Engine& engine, const config::Config& cfg, bool force,
            std::optional<uint64_t> sessions = std::nullopt);

  // What the routes are made from, before any device is looked up.
  struct Want {
    uint32_t destination = 0;
    int prefix = 0;
    std::string nameif;  // the interface with the crypto map
    bool rri = false;
    uint32_t peer = 0;  // RRI: the gateway is the next hop toward this peer
    auto operator<=>(const Want&) const = default;
  };
  // One per destination: an RRI one wins over one without.
  static std::vector<Want> wanted(const ike::Engine& engine, const config::Config& cfg);

  // What the routes take from the configuration, besides the sessions: the interfaces, where
  // the crypto maps are bound, which entries inject their routes, and what the static maps'
  // ACLs send into the tunnels. A few entries each: compared on every call.
  struct Inputs {
    decltype(config::Config::interfaces) interfaces;
    std::vector<std::pair<std::string, std::optional<std::string>>> bindings;
    std::vector<std::tuple<std::string, uint32_t, bool>> reverse_routes;  // map, seq, set
    std::vector<Want> statics;
    bool operator==(const Inputs&) const = default;
  };
  static Inputs inputs_of(const config::Config& cfg);

 private:
  struct Route {
    uint32_t destination = 0;
    int prefix = 0;
    std::optional<uint32_t> gateway;
    int ifindex = 0;
    uint8_t protocol = 0;
    auto operator<=>(const Route&) const = default;
  };
  struct Proxy {
    int ifindex = 0;
    uint32_t address = 0;
    auto operator<=>(const Proxy&) const = default;
  };
  // full (the tick, the first call): the kernel's links and routes are read and reconciled
  // with what is wanted. Otherwise (a set-up or a teardown between ticks) only the difference
  // from what we installed is sent: a client's set-up costs its own route, not a dump of every
  // other client's (with 10,000 clients, two dumps of 10,000 routes per set-up).
  void apply(const std::vector<Want>& want, const std::vector<uint32_t>& hosts,
             const config::Config& cfg, bool full);
  std::set<Route> routes_for(platform::Netlink& nl, const std::vector<Want>& want,
                             const config::Config& cfg, bool full);
  void apply_routes(const std::set<Route>& want);  // full: from the kernel's table
  void change_routes(platform::Netlink& nl, const std::set<Route>& want);  // from installed_
  void apply_proxies(const std::set<Proxy>& want);

  cli::System& sys_;
  dataplane::Sad& sad_;
  std::vector<Want> last_want_;
  std::vector<uint32_t> last_hosts_;
  bool synced_ = false;
  std::optional<uint64_t> synced_sessions_;
  Inputs synced_inputs_;
  std::set<Route> failed_;     // said once, not every second
  std::set<Route> installed_;  // in the kernel since the last full apply, as far as we know
  std::map<std::string, int> ifindex_;  // Linux device -> ifindex, from the last read of links
  std::set<Proxy> proxies_;
};

}  // namespace rampart::firmware
