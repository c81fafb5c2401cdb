#include "platform/netlink.hpp"

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rampart::platform {

namespace {

rampart::unexpected<std::string> nl_fail(std::string_view what, int err) {
  return rampart::unexpected(fmt::format("{}: {}", what, nl_geterror(err)));
}

// Owning handles for libnl objects.
struct CacheDeleter {
  void operator()(nl_cache* c) const { nl_cache_free(c); }
};
using Cache = std::unique_ptr<nl_cache, CacheDeleter>;
struct AddrDeleter {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
using NlAddr = std::unique_ptr<nl_addr, AddrDeleter>;

NlAddr ipv4(uint32_t host_order, int prefix) {
  uint32_t be = htonl(host_order);
  NlAddr a(nl_addr_build(AF_INET, &be, sizeof be));
  if (a) nl_addr_set_prefixlen(a.get(), prefix);
  return a;
}

uint32_t host_of(nl_addr* a) {
  uint32_t be = 0;
  if (a && nl_addr_get_len(a) == 4) std::memcpy(&be, nl_addr_get_binary_addr(a), 4);
  return ntohl(be);
}

LinkStats stats_of(rtnl_link* l) {
  auto g = [l](rtnl_link_stat_id_t id) { return rtnl_link_get_stat(l, id); };
  LinkStats s;
  s.rx_packets = g(RTNL_LINK_RX_PACKETS);
  s.rx_bytes = g(RTNL_LINK_RX_BYTES);
  s.tx_packets = g(RTNL_LINK_TX_PACKETS);
  s.tx_bytes = g(RTNL_LINK_TX_BYTES);
  s.rx_errors = g(RTNL_LINK_RX_ERRORS);
  s.tx_errors = g(RTNL_LINK_TX_ERRORS);
  s.rx_dropped = g(RTNL_LINK_RX_DROPPED);
  s.tx_dropped = g(RTNL_LINK_TX_DROPPED);
  s.multicast = g(RTNL_LINK_MULTICAST);
  s.collisions = g(RTNL_LINK_COLLISIONS);
  s.rx_crc = g(RTNL_LINK_RX_CRC_ERR);
  s.rx_frame = g(RTNL_LINK_RX_FRAME_ERR);
  s.rx_over = g(RTNL_LINK_RX_OVER_ERR);
  s.rx_missed = g(RTNL_LINK_RX_MISSED_ERR);
  s.rx_length = g(RTNL_LINK_RX_LEN_ERR);
  s.rx_fifo = g(RTNL_LINK_RX_FIFO_ERR);
  s.tx_fifo = g(RTNL_LINK_TX_FIFO_ERR);
  s.tx_aborted = g(RTNL_LINK_TX_ABORT_ERR);
  s.tx_carrier = g(RTNL_LINK_TX_CARRIER_ERR);
  s.rx_nohandler = g(RTNL_LINK_RX_NOHANDLER);
  return s;
}

// An IPv4 neighbour message (of a dump or a notification): address, MAC, state and age. False
// for other families, proxy entries and messages without an address.
bool parse_neighbour(nlmsghdr* h, Neighbour& e) {
  auto* nd = static_cast<ndmsg*>(nlmsg_data(h));
  nlattr* tb[NDA_MAX + 1] = {};
  if (nd->ndm_family != AF_INET || (nd->ndm_flags & NTF_PROXY) ||
      nlmsg_parse(h, sizeof(ndmsg), tb, NDA_MAX, nullptr) < 0)
    return false;
  if (!tb[NDA_DST] || nla_len(tb[NDA_DST]) != 4) return false;
  e.ifindex = nd->ndm_ifindex;
  uint32_t be = 0;
  std::memcpy(&be, nla_data(tb[NDA_DST]), 4);
  e.address = ntohl(be);
  bool ll = tb[NDA_LLADDR] && nla_len(tb[NDA_LLADDR]) == 6;
  if (ll) std::memcpy(e.mac, nla_data(tb[NDA_LLADDR]), 6);
  constexpr int kUsable = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT;
  e.reachable = ll && (nd->ndm_state & kUsable) && h->nlmsg_type == RTM_NEWNEIGH;
  e.permanent = nd->ndm_state & NUD_PERMANENT;
  if (tb[NDA_CACHEINFO] && nla_len(tb[NDA_CACHEINFO]) >= static_cast<int>(sizeof(nda_cacheinfo))) {
    // ndm_updated is the time since the entry was last updated, in USER_HZ clock ticks.
    nda_cacheinfo ci;
    std::memcpy(&ci, nla_data(tb[NDA_CACHEINFO]), sizeof ci);
    long hz = ::sysconf(_SC_CLK_TCK);
    e.age_seconds = hz > 0 ? ci.ndm_updated / static_cast<uint32_t>(hz) : 0;
  }
  return true;
}

// One RTM_NEWNEIGH of an ARP dump: the entries with a usable link-layer address.
int on_arp_entry(nl_msg* msg, void* arg) {
  auto* out = static_cast<std::vector<Neighbour>*>(arg);
  nlmsghdr* h = nlmsg_hdr(msg);
  Neighbour e;
  if (h->nlmsg_type == RTM_NEWNEIGH && parse_neighbour(h, e) && e.reachable) out->push_back(e);
  return NL_OK;
}

// A route notification: whether it is an IPv4 route of the main table, and its output device
// (0 when it has several next hops or none).
bool parse_route(nlmsghdr* h, NetlinkChange& c) {
  auto* rt = static_cast<rtmsg*>(nlmsg_data(h));
  nlattr* tb[RTA_MAX + 1] = {};
  if (rt->rtm_family != AF_INET || nlmsg_parse(h, sizeof(rtmsg), tb, RTA_MAX, nullptr) < 0)
    return false;
  uint32_t table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rt->rtm_table;
  if (table != RT_TABLE_MAIN) return false;
  c.ifindex = tb[RTA_OIF] && !tb[RTA_MULTIPATH] ? static_cast<int>(nla_get_u32(tb[RTA_OIF])) : 0;
  return true;
}

// What one notification says, or nothing for what no reader of these tables follows.
std::optional<NetlinkChange> parse_change(nlmsghdr* h) {
  NetlinkChange c;
  c.removed = h->nlmsg_type == RTM_DELLINK || h->nlmsg_type == RTM_DELROUTE ||
              h->nlmsg_type == RTM_DELNEIGH;
  switch (h->nlmsg_type) {
    case RTM_NEWLINK:
    case RTM_DELLINK:
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ifinfomsg))) return std::nullopt;
      c.kind = NetlinkChange::Kind::Link;
      c.ifindex = static_cast<ifinfomsg*>(nlmsg_data(h))->ifi_index;
      return c;
    case RTM_NEWROUTE:
    case RTM_DELROUTE:
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) return std::nullopt;
      c.kind = NetlinkChange::Kind::Route;
      return parse_route(h, c) ? std::optional(c) : std::nullopt;
    case RTM_NEWNEIGH:
    case RTM_DELNEIGH:
      if (h->nlmsg_len < NLMSG_LENGTH(sizeof(ndmsg))) return std::nullopt;
      c.kind = NetlinkChange::Kind::Neighbour;
      if (!parse_neighbour(h, c.neighbour)) return std::nullopt;
      c.ifindex = c.neighbour.ifindex;
      return c;
    default:
      return std::nullopt;
  }
}

}  // namespace

rampart::expected<std::vector<Neighbour>, std::string> Netlink::arp_table() {
  // A socket of its own: the dump's callback must not stay on the shared one.
  nl_sock* sk = nl_socket_alloc();
  if (!sk) return rampart::unexpected(std::string("netlink: out of memory"));
  std::unique_ptr<nl_sock, void (*)(nl_sock*)> owner(sk, nl_socket_free);
  if (int err = nl_connect(sk, NETLINK_ROUTE); err < 0) return nl_fail("arp connect", err);
  nl_socket_disable_auto_ack(sk);  // a dump ends with NLMSG_DONE; no ACK to wait for
  std::vector<Neighbour> out;
  nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_arp_entry, &out);
  ndmsg req{};
  req.ndm_family = AF_INET;
  if (int err = nl_send_simple(sk, RTM_GETNEIGH, NLM_F_DUMP, &req, sizeof req); err < 0)
    return nl_fail("arp dump", err);
  if (int err = nl_recvmsgs_default(sk); err < 0) return nl_fail("arp dump", err);
  return out;
}

rampart::expected<Netlink, std::string> Netlink::open() {
  nl_sock* sk = nl_socket_alloc();
  if (!sk) return rampart::unexpected(std::string("netlink: out of memory"));
  if (int err = nl_connect(sk, NETLINK_ROUTE); err < 0) {
    nl_socket_free(sk);
    return nl_fail("netlink connect", err);
  }
  return Netlink(sk);
}

Netlink::Netlink(Netlink&& o) noexcept : sk_(o.sk_) {
  o.sk_ = nullptr;
}
Netlink& Netlink::operator=(Netlink&& o) noexcept {
  std::swap(sk_, o.sk_);
  return *this;
}
Netlink::~Netlink() {
  if (sk_) nl_socket_free(sk_);
}

rampart::expected<std::vector<Link>, std::string> Netlink::links() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_link_alloc_cache(sk_, AF_UNSPEC, &raw); err < 0) return nl_fail("links", err);
  Cache cache(raw);
  std::vector<Link> out;
  for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
    auto* l = reinterpret_cast<rtnl_link*>(o);
    Link k;
    k.name = rtnl_link_get_name(l);
    k.ifindex = rtnl_link_get_ifindex(l);
    unsigned flags = rtnl_link_get_flags(l);
    k.admin_up = flags & IFF_UP;
    k.oper_up = flags & IFF_RUNNING;
    k.mtu = rtnl_link_get_mtu(l);
    if (nl_addr* a = rtnl_link_get_addr(l); a && nl_addr_get_len(a) == 6) {
      auto* b = static_cast<const uint8_t*>(nl_addr_get_binary_addr(a));
      k.mac =
          fmt::format("{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}", b[0], b[1], b[2], b[3], b[4], b[5]);
    }
    k.stats = stats_of(l);
    out.push_back(std::move(k));
  }
  return out;
}

rampart::expected<std::vector<Address>, std::string> Netlink::addresses() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_addr_alloc_cache(sk_, &raw); err < 0) return nl_fail("addresses", err);
  Cache cache(raw);
  std::vector<Address> out;
  for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_family(a) != AF_INET) continue;
    out.push_back(
        {rtnl_addr_get_ifindex(a), host_of(rtnl_addr_get_local(a)), rtnl_addr_get_prefixlen(a)});
  }
  return out;
}

rampart::expected<std::vector<Neighbour>, std::string> Netlink::neighbours() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_neigh_alloc_cache(sk_, &raw); err < 0) return nl_fail("neighbours", err);
  Cache cache(raw);
  std::vector<Neighbour> out;
  for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
    auto* n = reinterpret_cast<rtnl_neigh*>(o);
    if (rtnl_neigh_get_family(n) != AF_INET) continue;
    nl_addr* ll = rtnl_neigh_get_lladdr(n);
    Neighbour e;
    e.ifindex = rtnl_neigh_get_ifindex(n);
    e.address = host_of(rtnl_neigh_get_dst(n));
    int state = rtnl_neigh_get_state(n);
    e.reachable = ll && nl_addr_get_len(ll) == 6 &&
                  (state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT));
    if (ll && nl_addr_get_len(ll) == 6) std::memcpy(e.mac, nl_addr_get_binary_addr(ll), 6);
    out.push_back(e);
  }
  return out;
}

rampart::expected<std::vector<RouteEntry>, std::string> Netlink::routes() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_route_alloc_cache(sk_, AF_INET, 0, &raw); err < 0)
    return nl_fail("routes", err);
  Cache cache(raw);
  std::vector<RouteEntry> out;
  for (nl_object* o = nl_cache_get_first(raw); o; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_table(r) != RT_TABLE_MAIN || rtnl_route_get_type(r) != RTN_UNICAST) continue;
    RouteEntry e;
    nl_addr* dst = rtnl_route_get_dst(r);
    e.destination = host_of(dst);
    e.prefix = dst ? static_cast<int>(nl_addr_get_prefixlen(dst)) : 0;
    e.protocol = rtnl_route_get_protocol(r);
    e.link_scope = rtnl_route_get_scope(r) == RT_SCOPE_LINK;
    e.metric = rtnl_route_get_priority(r);
    if (rtnl_route_get_nnexthops(r) > 0) {
      rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
      e.ifindex = rtnl_route_nh_get_ifindex(nh);
      if (nl_addr* gw = rtnl_route_nh_get_gateway(nh)) e.gateway = host_of(gw);
    }
    out.push_back(e);
  }
  return out;
}

rampart::expected<void, std::string> Netlink::set_up(int ifindex, bool up) {
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link* orig = rtnl_link_alloc();
  rtnl_link_set_ifindex(orig, ifindex);
  if (up)
    rtnl_link_set_flags(change, IFF_UP);
  else
    rtnl_link_unset_flags(change, IFF_UP);
  int err = rtnl_link_change(sk_, orig, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(orig);
  if (err < 0) return nl_fail("set link state", err);
  return {};
}

rampart::expected<void, std::string> Netlink::set_mtu(int ifindex, uint32_t mtu) {
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link* orig = rtnl_link_alloc();
  rtnl_link_set_ifindex(orig, ifindex);
  rtnl_link_set_mtu(change, mtu);
  int err = rtnl_link_change(sk_, orig, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(orig);
  if (err < 0) return nl_fail("set MTU", err);
  return {};
}

rampart::expected<void, std::string> Netlink::add_address(int ifindex, uint32_t address,
                                                          int prefix) {
  rtnl_addr* a = rtnl_addr_alloc();
  NlAddr local = ipv4(address, prefix);
  rtnl_addr_set_ifindex(a, ifindex);
  rtnl_addr_set_local(a, local.get());
  if (prefix < 31) {
    // The kernel does not derive the broadcast address; the ASA always has one.
    uint32_t bcast = address | (prefix == 0 ? 0xffffffffu : (0xffffffffu >> prefix));
    NlAddr b = ipv4(bcast, 32);
    rtnl_addr_set_broadcast(a, b.get());
  }
  int err = rtnl_addr_add(sk_, a, NLM_F_REPLACE);
  rtnl_addr_put(a);
  if (err < 0) return nl_fail("add address", err);
  return {};
}

rampart::expected<void, std::string> Netlink::delete_address(int ifindex, uint32_t address,
                                                             int prefix) {
  rtnl_addr* a = rtnl_addr_alloc();
  NlAddr local = ipv4(address, prefix);
  rtnl_addr_set_ifindex(a, ifindex);
  rtnl_addr_set_local(a, local.get());
  int err = rtnl_addr_delete(sk_, a, 0);
  rtnl_addr_put(a);
  if (err < 0) return nl_fail("delete address", err);
  return {};
}

rampart::expected<void, std::string> Netlink::add_route(uint32_t dst, int prefix, uint32_t gateway,
                                                        int ifindex, uint32_t metric,
                                                        uint8_t protocol) {
  rtnl_route* r = rtnl_route_alloc();
  NlAddr d = ipv4(dst, prefix);
  NlAddr gw = ipv4(gateway, 32);
  rtnl_route_set_family(r, AF_INET);
  rtnl_route_set_table(r, RT_TABLE_MAIN);
  rtnl_route_set_protocol(r, protocol);
  rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
  rtnl_route_set_type(r, RTN_UNICAST);
  rtnl_route_set_dst(r, d.get());
  rtnl_route_set_priority(r, metric);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_nh_set_ifindex(nh, ifindex);
  rtnl_route_add_nexthop(r, nh);  // the route owns nh from here
  int err = rtnl_route_add(sk_, r, NLM_F_CREATE | NLM_F_REPLACE);
  rtnl_route_put(r);
  if (err < 0) return nl_fail("add route", err);
  return {};
}

rampart::expected<void, std::string> Netlink::delete_route(const RouteEntry& e) {
  rtnl_route* r = rtnl_route_alloc();
  NlAddr d = ipv4(e.destination, e.prefix);
  rtnl_route_set_family(r, AF_INET);
  rtnl_route_set_table(r, RT_TABLE_MAIN);
  rtnl_route_set_protocol(r, e.protocol);
  // Unset, libnl asks for link scope on a route without a next hop, and the kernel then finds
  // no universe-scope route with a gateway to delete.
  rtnl_route_set_scope(r, e.link_scope ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  rtnl_route_set_dst(r, d.get());
  rtnl_route_set_priority(r, e.metric);
  int err = rtnl_route_delete(sk_, r, 0);
  rtnl_route_put(r);
  if (err < 0) return nl_fail("delete route", err);
  return {};
}

rampart::expected<void, std::string> Netlink::add_device_route(uint32_t dst, int prefix,
                                                               std::optional<uint32_t> gateway,
                                                               int ifindex, uint32_t metric,
                                                               uint8_t protocol) {
  rtnl_route* r = rtnl_route_alloc();
  NlAddr d = ipv4(dst, prefix);
  rtnl_route_set_family(r, AF_INET);
  rtnl_route_set_table(r, RT_TABLE_MAIN);
  rtnl_route_set_protocol(r, protocol);
  // Universe scope even without a gateway: a link-scope route reads as "directly connected".
  rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
  rtnl_route_set_type(r, RTN_UNICAST);
  rtnl_route_set_dst(r, d.get());
  rtnl_route_set_priority(r, metric);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(nh, ifindex);
  NlAddr gw;
  if (gateway) {
    gw = ipv4(*gateway, 32);
    rtnl_route_nh_set_gateway(nh, gw.get());
    rtnl_route_nh_set_flags(nh, RTNH_F_ONLINK);
  }
  rtnl_route_add_nexthop(r, nh);
  // Never in place of another owner's route with the same key (a connected route has metric 0
  // too): the caller withdraws its own before it changes one.
  int err = rtnl_route_add(sk_, r, NLM_F_CREATE | NLM_F_EXCL);
  rtnl_route_put(r);
  if (err < 0) return nl_fail("add route", err);
  return {};
}

namespace {

rtnl_neigh* proxy_entry(int ifindex, uint32_t address) {
  rtnl_neigh* n = rtnl_neigh_alloc();
  NlAddr a = ipv4(address, 32);
  rtnl_neigh_set_family(n, AF_INET);
  rtnl_neigh_set_ifindex(n, ifindex);
  rtnl_neigh_set_dst(n, a.get());  // takes its own reference
  rtnl_neigh_set_flags(n, NTF_PROXY);
  return n;
}

}  // namespace

rampart::expected<void, std::string> Netlink::add_proxy_neighbour(int ifindex, uint32_t address) {
  rtnl_neigh* n = proxy_entry(ifindex, address);
  int err = rtnl_neigh_add(sk_, n, NLM_F_CREATE | NLM_F_REPLACE);
  rtnl_neigh_put(n);
  if (err < 0) return nl_fail("add proxy neighbour", err);
  return {};
}

rampart::expected<void, std::string> Netlink::delete_proxy_neighbour(int ifindex,
                                                                     uint32_t address) {
  rtnl_neigh* n = proxy_entry(ifindex, address);
  int err = rtnl_neigh_delete(sk_, n, 0);
  rtnl_neigh_put(n);
  if (err < 0) return nl_fail("delete proxy neighbour", err);
  return {};
}

rampart::expected<NetlinkEvents, std::string> NetlinkEvents::open() {
  nl_sock* sk = nl_socket_alloc();
  if (!sk) return rampart::unexpected(std::string("netlink: out of memory"));
  nl_socket_disable_seq_check(sk);  // notifications carry no sequence of ours
  if (int err = nl_connect(sk, NETLINK_ROUTE); err < 0) {
    nl_socket_free(sk);
    return nl_fail("netlink connect", err);
  }
  if (int err = nl_socket_add_memberships(sk, RTNLGRP_NEIGH, RTNLGRP_IPV4_ROUTE, RTNLGRP_LINK, 0);
      err < 0) {
    nl_socket_free(sk);
    return nl_fail("netlink groups", err);
  }
  // Room for the bursts that many tunnels coming up at once cause; an overrun still only costs
  // a full read of the tables (NetlinkChange::Kind::Lost).
  (void)nl_socket_set_buffer_size(sk, 1 << 20, 0);
  nl_socket_set_nonblocking(sk);
  return NetlinkEvents(sk);
}

NetlinkEvents::NetlinkEvents(NetlinkEvents&& o) noexcept : sk_(o.sk_) {
  o.sk_ = nullptr;
}
NetlinkEvents& NetlinkEvents::operator=(NetlinkEvents&& o) noexcept {
  std::swap(sk_, o.sk_);
  return *this;
}
NetlinkEvents::~NetlinkEvents() {
  if (sk_) nl_socket_free(sk_);
}

int NetlinkEvents::fd() const {
  return sk_ ? nl_socket_get_fd(sk_) : -1;
}

void NetlinkEvents::drain(std::vector<NetlinkChange>& out) {
  alignas(nlmsghdr) char buf[32768];
  for (;;) {
    ssize_t n = ::recv(fd(), buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0 && errno == ENOBUFS) {  // overrun: some were lost, the tables changed anyway
      out.push_back({});
      continue;
    }
    if (n <= 0) return;
    int left = static_cast<int>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf); nlmsg_ok(h, left); h = nlmsg_next(h, &left))
      if (auto c = parse_change(h)) out.push_back(*c);
  }
}

}  // namespace rampart::platform
