// Linux links, IPv4 addresses and routes through libnl-route. The kernel keeps what it does
// well (addresses, neighbours, local sockets); rampartd tells it what the configuration says.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "platform/expected.hpp"

struct nl_sock;

namespace rampart::platform {

// Routes rampartd installs carry this rtm_protocol, so that it only ever removes its own and
// "ip route" shows where they came from (values below 200 are taken or reserved by iproute2).
constexpr uint8_t kRampartRouteProtocol = 201;
// Reverse-route injection's routes follow the SAs, not the configuration: a protocol of their
// own keeps the two owners from removing each other's routes.
constexpr uint8_t kRampartRriProtocol = 202;
// Routes into a crypto interface's TUN device (VPN clients, LAN-to-LAN networks) that no
// "set reverse-route" asked for: they exist for forwarding only, and show route leaves them
// out as the ASA does (its own VPN routes are not in its routing table).
constexpr uint8_t kRampartVpnProtocol = 203;

// A link's counters as the kernel keeps them (struct rtnl_link_stats64), for show interface.
struct LinkStats {
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  uint64_t rx_errors = 0, tx_errors = 0, rx_dropped = 0, tx_dropped = 0;
  uint64_t multicast = 0, collisions = 0;
  uint64_t rx_crc = 0, rx_frame = 0, rx_over = 0, rx_missed = 0, rx_length = 0, rx_fifo = 0;
  uint64_t tx_fifo = 0, tx_aborted = 0, tx_carrier = 0, rx_nohandler = 0;
};

struct Link {
  std::string name;
  int ifindex = 0;
  bool admin_up = false;
  bool oper_up = false;
  std::string mac;  // "0200.5e00.5301", as the ASA prints MACs
  uint32_t mtu = 0;
  LinkStats stats;
};

struct Address {
  int ifindex = 0;
  uint32_t address = 0;  // host byte order
  int prefix = 0;
};

struct RouteEntry {
  uint32_t destination = 0;  // host byte order
  int prefix = 0;
  std::optional<uint32_t> gateway;
  int ifindex = 0;
  uint8_t protocol = 0;
  bool link_scope = false;  // a connected route the kernel made for an address
  uint32_t metric = 0;
};

struct Neighbour {
  int ifindex = 0;
  uint32_t address = 0;  // host byte order
  uint8_t mac[6] = {};
  bool reachable =
      false;  // a usable link-layer address (REACHABLE, STALE, DELAY, PROBE, PERMANENT)
  bool permanent = false;    // NUD_PERMANENT: a static entry ("alias" on the ASA)
  uint32_t age_seconds = 0;  // since the kernel last updated it (NDA_CACHEINFO)
};

class Netlink {
 public:
  static rampart::expected<Netlink, std::string> open();
  Netlink(Netlink&&) noexcept;
  Netlink& operator=(Netlink&&) noexcept;
  ~Netlink();

  rampart::expected<std::vector<Link>, std::string> links();
  rampart::expected<std::vector<Address>, std::string> addresses();
  rampart::expected<std::vector<RouteEntry>, std::string> routes();     // main table, IPv4
  rampart::expected<std::vector<Neighbour>, std::string> neighbours();  // IPv4 ARP entries
  // The same, with each entry's age, which libnl's neighbour object does not carry: a dump
  // parsed here (show arp). Only entries with a usable link-layer address.
  rampart::expected<std::vector<Neighbour>, std::string> arp_table();

  rampart::expected<void, std::string> set_up(int ifindex, bool up);
  rampart::expected<void, std::string> set_mtu(int ifindex, uint32_t mtu);
  rampart::expected<void, std::string> add_address(int ifindex, uint32_t address, int prefix);
  rampart::expected<void, std::string> delete_address(int ifindex, uint32_t address, int prefix);
  rampart::expected<void, std::string> add_route(uint32_t dst, int prefix, uint32_t gateway,
                                                 int ifindex, uint32_t metric,
                                                 uint8_t protocol = kRampartRouteProtocol);
  rampart::expected<void, std::string> delete_route(const RouteEntry& r);
  // A route out of a device that has no link layer (a TUN device): without a gateway, or with
  // one taken as on-link (RTNH_F_ONLINK) that only says where the route leads. Fails when a
  // route with the same destination and metric exists (it replaces nothing).
  rampart::expected<void, std::string> add_device_route(uint32_t dst, int prefix,
                                                        std::optional<uint32_t> gateway,
                                                        int ifindex, uint32_t metric,
                                                        uint8_t protocol);

  // Proxy neighbour entries ("ip neigh add proxy A dev D"): the kernel answers ARP for A on D
  // when its route to A leaves by another device (and forwarding is on). Adding is idempotent.
  rampart::expected<void, std::string> add_proxy_neighbour(int ifindex, uint32_t address);
  rampart::expected<void, std::string> delete_proxy_neighbour(int ifindex, uint32_t address);

 private:
  explicit Netlink(nl_sock* sk) : sk_(sk) {}
  nl_sock* sk_ = nullptr;
};

// One notification of the kernel's about its tables, reduced to what a reader of them needs
// to know whether (and what) to read again.
struct NetlinkChange {
  enum class Kind {
    Link,       // a link changed (going down flushes its routes without route notifications)
    Route,      // an IPv4 route of the main table was added or removed
    Neighbour,  // an IPv4 ARP entry changed: `neighbour` is its new state
    Lost,       // the kernel dropped notifications (the socket overran): read everything again
  };
  Kind kind = Kind::Lost;
  int ifindex = 0;  // the device it names; for a route its output device, 0 for a multipath one
  bool removed = false;  // an RTM_DEL* notification
  Neighbour neighbour;   // Kind::Neighbour only; reachable false when it is gone or unusable
};

// Tells when the kernel's neighbours, IPv4 routes or links change: its descriptor becomes
// readable on a notification (RTNLGRP_NEIGH, RTNLGRP_IPV4_ROUTE, RTNLGRP_LINK), so that a reader
// of those tables follows them instead of polling them.
class NetlinkEvents {
 public:
  static rampart::expected<NetlinkEvents, std::string> open();
  NetlinkEvents(NetlinkEvents&&) noexcept;
  NetlinkEvents& operator=(NetlinkEvents&&) noexcept;
  ~NetlinkEvents();

  int fd() const;
  // Reads every pending notification and appends what each says to out (other tables' and
  // other families' notifications are left out).
  void drain(std::vector<NetlinkChange>& out);

 private:
  explicit NetlinkEvents(nl_sock* sk) : sk_(sk) {}
  nl_sock* sk_ = nullptr;
};

}  // namespace rampart::platform
