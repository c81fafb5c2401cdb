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
// A client's address from a local pool keeps its route after the client leaves, until the pool
// no longer holds it or a client on another interface takes it: the next client given that
// address (a returning user, usually) costs no netlink request, and traffic for an address
// nobody holds now ends in the dataplane (counted as without an SA) rather than leaving by the
// default route. Non-RRI routes only: an injected route goes with its SA, as on the ASA.
//
// A client's address in a connected subnet is answered for on that interface by the kernel
// (a proxy neighbour entry; the kernel answers it because the route to the address leaves by the
// TUN device) and announced once with a gratuitous ARP, from its assignment while its session
// lasts (control/ike/proxy_arp.hpp).
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

  // Brings the kernel in step. Cheap when nothing changed since the last call (no netlink, no
  // walk): between forced calls, with the same configuration inputs, only the SAs the engine's
  // sessions journal names since the last call are looked at (at 10,000 tunnels, walking every
  // SA per new client and once a second was the biggest share of the event loop's time).
  // force (the daemon's tick, every few seconds) walks every SA and checks the kernel: a TUN
  // device may have been re-created, a route refused may be accepted now.
  void sync(const ike::Engine& engine, const config::Config& cfg, bool force);

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
  // One SA's: its client's address, its IPsec SAs' remote sides (never "any").
  static std::vector<Want> wants_of(const ike::IkeSa& sa, const config::Config& cfg);
  // The client address an SA has the kernel answer for (proxy ARP), if any: its assigned one.
  static std::optional<uint32_t> client_host(const ike::IkeSa& sa);

  // What the routes take from the configuration, besides the sessions: the interfaces, where
  // the crypto maps are bound, which entries inject their routes, and what the static maps'
  // ACLs send into the tunnels. A few entries each: compared on every call.
  struct Inputs {
    decltype(config::Config::interfaces) interfaces;
    std::vector<std::pair<std::string, std::optional<std::string>>> bindings;
    std::vector<std::tuple<std::string, uint32_t, bool>> reverse_routes;  // map, seq, set
    std::vector<Want> statics;
    std::vector<std::pair<uint32_t, uint32_t>> pools;  // first, last
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
  // A netlink socket opened at its first use in a sync: a client whose address's route is in
  // place already (kept) asks for none.
  class LazyNetlink {
   public:
    platform::Netlink* get();  // nullptr when it cannot be opened

   private:
    std::optional<platform::Netlink> nl_;
    bool tried_ = false;
  };
  // full (the tick, the first call): the kernel's links and routes are read and reconciled
  // with what is wanted. Otherwise (a set-up or a teardown between ticks) only the difference
  // from what we installed is sent: a client's set-up costs its own route (none when its pool
  // address's was kept), not a dump of every other client's (with 10,000 clients, two dumps of
  // 10,000 routes per set-up).
  void apply(const std::vector<Want>& want, const std::vector<uint32_t>& hosts,
             const config::Config& cfg, bool full);
  std::set<Route> routes_for(LazyNetlink& nl, const std::vector<Want>& want,
                             const config::Config& cfg, bool full);
  void apply_routes(const std::set<Route>& want);  // full: from the kernel's table
  void change_routes(platform::Netlink& nl, const std::set<Route>& want);  // from installed_
  static void withdraw(platform::Netlink& nl, const Route& r);
  void apply_proxies(const std::set<Proxy>& want);
  std::vector<Proxy> proxies_of(uint32_t host, const config::Config& cfg) const;
  // Answers for p's address and announces it (a gratuitous ARP); false when refused.
  bool add_proxy(platform::Netlink& nl, const Proxy& p);
  // The SAs the sessions journal names, alone: their claims on destinations and hosts
  // change, and only the routes and proxies of what changed are sent to the kernel.
  void follow(const ike::Engine& engine, const config::Config& cfg,
              const std::vector<uint64_t>& touched);
  static Want merged(const std::vector<std::pair<uint64_t, Want>>& who);
  // A pool address whose last claim went: its route is kept (the file's comment says why).
  static bool keepable(const Want& w, const Inputs& in);
  void release(const Want& w, std::vector<std::pair<uint64_t, Want>>& who);
  void claim(uint64_t idx, const Want& w);
  // The full sync's claims get the kept routes still in a pool, on an interface, unclaimed.
  void add_kept(const config::Config& cfg);
  // Who wants each destination (an SA's index, kStatic for a static map's ACL, kKept alone for
  // a kept pool address), from every SA; by_sa, when given, gets each SA's wants.
  using Claims = std::map<std::pair<uint32_t, int>, std::vector<std::pair<uint64_t, Want>>>;
  static Claims claims_of(const ike::Engine& engine, const config::Config& cfg,
                          std::map<uint64_t, std::vector<Want>>* by_sa);

  cli::System& sys_;
  dataplane::Sad& sad_;
  bool synced_ = false;
  Inputs synced_inputs_;
  // The claims, each SA's wants, and the client hosts with how many SAs answer for each: kept
  // from one sync to the next, so that a new client costs its own entries (follow).
  static constexpr uint64_t kStatic = ~uint64_t{0};
  static constexpr uint64_t kKept = kStatic - 1;  // a kept pool address's only claim
  Claims claims_;
  std::map<uint64_t, std::vector<Want>> by_sa_;
  std::map<uint64_t, uint32_t> host_of_;
  std::map<uint32_t, int> hosts_;
  uint64_t journal_at_ = 0;    // where the engine's sessions journal was read up to
  std::set<Route> failed_;     // said once, not every second
  std::set<Route> installed_;  // in the kernel since the last full apply, as far as we know
  std::map<std::string, int> ifindex_;  // Linux device -> ifindex, from the last read of links
  std::set<Proxy> proxies_;
  std::map<uint32_t, Want> kept_;  // pool addresses whose route stays with no client
};

}  // namespace rampart::firmware
