// NextHops following the kernel's notifications: what concerns our ports changes the tables at
// once, what concerns other devices (the VPN's TUN routes, one per tunnel) reads nothing; and
// platform::NetlinkEvents reading real notifications in a network namespace of the test's own
// (needs root; elsewhere it says so and checks nothing).
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "dataplane/forward/next_hop.hpp"
#include "platform/netlink.hpp"
#include "tests/unit/in_namespace.hpp"

namespace next_hop_test {

using namespace rampart::dataplane;
using rampart::platform::NetlinkChange;
using rampart::platform::RouteEntry;
using Kind = NetlinkChange::Kind;

namespace {

NextHops::Clock::time_point g_now{};
NextHops::Clock::time_point fake_now() {
  return g_now;
}

constexpr int kPort = 2, kTun = 7;
constexpr uint32_t kGateway = 0xc63364fe;  // 198.51.100.254
constexpr uint32_t kFar = 0xcb007105;      // 203.0.113.5
constexpr uint32_t kClient = 0xc0000207;   // 192.0.2.7
constexpr std::array<uint8_t, 6> kMac = {2, 0, 0x5e, 0, 0x53, 0xfe};

// A source that notifies, as the kernel's does, and counts how often its tables are read.
struct Notifying final : NeighbourSource {
  std::map<uint32_t, std::array<uint8_t, 6>> table;
  std::vector<RouteEntry> route_table;
  std::vector<NetlinkChange> pending;
  int neighbour_reads = 0, route_reads = 0;
  int event_fd() const override { return 100; }  // never polled here; says "I notify"
  void changes(std::vector<NetlinkChange>& out) override {
    out.insert(out.end(), pending.begin(), pending.end());
    pending.clear();
  }
  bool neighbours(std::map<uint32_t, std::array<uint8_t, 6>>& out) override {
    ++neighbour_reads;
    out = table;
    return true;
  }
  bool routes(std::vector<RouteEntry>& out) override {
    ++route_reads;
    out = route_table;
    return true;
  }
  void resolve(uint32_t) override {}
};

std::vector<PortConfig> one_port() {
  PortConfig p;
  p.ifindex = kPort;
  p.name = "eth0";
  p.address = 0xc6336401;  // 198.51.100.1/24
  p.prefix = 24;
  return {p};
}

NetlinkChange route_change(int ifindex) {
  NetlinkChange c;
  c.kind = Kind::Route;
  c.ifindex = ifindex;
  return c;
}

NetlinkChange neighbour_change(int ifindex, uint32_t address, bool reachable) {
  NetlinkChange c;
  c.kind = Kind::Neighbour;
  c.ifindex = ifindex;
  c.neighbour.ifindex = ifindex;
  c.neighbour.address = address;
  c.neighbour.reachable = reachable;
  std::copy(kMac.begin(), kMac.end(), c.neighbour.mac);
  return c;
}

}  // namespace

TEST_CASE("next hops follow notifications about our ports and ignore the rest", "[next_hop]") {
  auto ports = one_port();
  auto* src = new Notifying;
  NextHops hops(ports, std::unique_ptr<NeighbourSource>(src), &fake_now);
  REQUIRE(src->route_reads == 1);
  REQUIRE(src->neighbour_reads == 1);
  CHECK(!hops.route(kFar));

  SECTION("a route into another device (a tunnel's) reads nothing") {
    src->route_table.push_back({kClient, 32, std::nullopt, kTun});
    src->pending = {route_change(kTun), neighbour_change(kTun, kClient, true)};
    hops.on_event();
    CHECK(src->route_reads == 1);
    CHECK(src->neighbour_reads == 1);
    CHECK(hops.mac(kClient) == nullptr);
  }
  SECTION("a route through our port is read at once; only gateway routes through ports count") {
    src->route_table = {{kClient, 32, std::nullopt, kTun},
                        {0xcb007100, 24, kGateway, kTun},
                        {0xcb007100, 24, kGateway, kPort}};
    src->pending = {route_change(kPort)};
    hops.on_event();
    CHECK(src->route_reads == 2);
    auto hop = hops.route(kFar);
    REQUIRE(hop);
    CHECK(hop->address == kGateway);
    CHECK(hop->port == 0);
    CHECK(!hops.route(kClient));
  }
  SECTION("a multipath route (no single device) is read too") {
    src->pending = {route_change(0)};
    hops.on_event();
    CHECK(src->route_reads == 2);
  }
  SECTION("a neighbour on our port is learnt and forgotten without a read") {
    src->pending = {neighbour_change(kPort, kGateway, true)};
    hops.on_event();
    REQUIRE(hops.mac(kGateway));
    CHECK(*hops.mac(kGateway) == kMac);
    src->pending = {neighbour_change(kPort, kGateway, false)};
    hops.on_event();
    CHECK(hops.mac(kGateway) == nullptr);
    CHECK(src->neighbour_reads == 1);
  }
  SECTION("lost notifications or our port's link changing read everything") {
    src->pending = {NetlinkChange{}};
    hops.on_event();
    CHECK(src->neighbour_reads == 2);
    NetlinkChange link;
    link.kind = Kind::Link;
    link.ifindex = kTun;
    src->pending = {link};
    hops.on_event();
    CHECK(src->neighbour_reads == 2);
    link.ifindex = kPort;
    src->pending = {link};
    hops.on_event();
    CHECK(src->neighbour_reads == 3);
  }
  SECTION("with notifications the periodic read is a safety net of seconds") {
    g_now += std::chrono::seconds(2);
    (void)hops.route(kFar);
    CHECK(src->route_reads == 1);
    g_now += NextHops::kRereadNotified;
    (void)hops.route(kFar);
    CHECK(src->route_reads == 2);
  }
}

TEST_CASE("next hops: the most specific route, then the lowest metric, whatever the order",
          "[next_hop]") {
  auto ports = one_port();
  auto* src = new Notifying;
  src->route_table = {{0, 0, 0xc6336402, kPort, 0, false, 10},
                      {0, 0, kGateway, kPort, 0, false, 5},
                      {0xcb007100, 24, 0xc6336403, kPort, 0, false, 100},
                      {0xcb007100, 25, 0xc6336404, kPort, 0, false, 200}};
  NextHops hops(ports, std::unique_ptr<NeighbourSource>(src), &fake_now);
  CHECK(hops.route(0x08080808)->address == kGateway);
  CHECK(hops.route(0xcb007105)->address == 0xc6336404u);
  CHECK(hops.route(0xcb007185)->address == 0xc6336403u);
}

namespace {

// Runs an ip command in this thread's namespace (a child inherits it).
bool ip(const std::string& args) {
  return std::system(("ip " + args + " >/dev/null 2>&1").c_str()) == 0;
}

// Reads notifications until pred holds of one of them or a second passes.
bool seen(rampart::platform::NetlinkEvents& ev, std::vector<NetlinkChange>& all,
          const std::function<bool(const NetlinkChange&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  size_t checked = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    for (; checked < all.size(); ++checked)
      if (pred(all[checked])) return true;
    pollfd p{ev.fd(), POLLIN, 0};
    ::poll(&p, 1, 50);
    ev.drain(all);
  }
  return false;
}

}  // namespace

// Feeds hops the notifications until pred holds or a second passes.
bool settles(NextHops& hops, const std::function<bool()>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!pred() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{hops.event_fd(), POLLIN, 0};
    if (::poll(&p, 1, 50) > 0) hops.on_event();
  }
  return pred();
}

TEST_CASE("NetlinkEvents reads the kernel's notifications; NextHops follows them", "[next_hop]") {
  struct Result {
    std::string error;
    bool link = false, port_route = false, tun_route = false, learnt = false;
    bool hop_before = true, hop_after = false, mac_after = false, mac_gone = false;
  } r;
  auto why = rampart::test::in_namespace([&] {
    auto ev = rampart::platform::NetlinkEvents::open();
    if (!ev) {
      r.error = ev.error();
      return;
    }
    // veth pairs: this kernel may have no dummy driver. nhtun stands for a tunnel's TUN device.
    if (!ip("link add nh0 type veth peer name nh0p") ||
        !ip("link add nhtun type veth peer name nhtunp")) {
      r.error = "ip link add failed";
      return;
    }
    int port = static_cast<int>(::if_nametoindex("nh0"));
    int tun = static_cast<int>(::if_nametoindex("nhtun"));
    std::vector<NetlinkChange> all;
    ip("link set nh0p up");
    ip("link set nh0 up");
    r.link = seen(*ev, all, [&](auto& c) { return c.kind == Kind::Link && c.ifindex == port; });
    ip("link set nhtunp up");
    ip("link set nhtun up");
    ip("addr add 198.51.100.1/24 dev nh0");
    PortConfig p;
    p.ifindex = port;
    p.name = "nh0";
    p.address = 0xc6336401;
    p.prefix = 24;
    std::vector<PortConfig> ports{p};
    NextHops hops(ports, NeighbourSource::kernel());
    r.hop_before = hops.route(kFar).has_value();

    ip("route add 203.0.113.0/24 via 198.51.100.254 dev nh0");
    r.port_route = seen(*ev, all, [&](auto& c) {
      return c.kind == Kind::Route && c.ifindex == port && !c.removed;
    });
    r.hop_after = settles(hops, [&] {
      auto h = hops.route(kFar);
      return h && h->address == kGateway;
    });
    ip("route add 192.0.2.7/32 dev nhtun");
    r.tun_route =
        seen(*ev, all, [&](auto& c) { return c.kind == Kind::Route && c.ifindex == tun; });
    ip("neigh add 198.51.100.254 lladdr 02:00:5e:00:53:fe dev nh0 nud permanent");
    r.learnt = seen(*ev, all, [&](auto& c) {
      return c.kind == Kind::Neighbour && c.ifindex == port && c.neighbour.reachable &&
             c.neighbour.address == kGateway && std::memcmp(c.neighbour.mac, kMac.data(), 6) == 0;
    });
    r.mac_after = settles(hops, [&] { return hops.mac(kGateway) != nullptr; });
    ip("neigh del 198.51.100.254 dev nh0");
    r.mac_gone = settles(hops, [&] { return hops.mac(kGateway) == nullptr; });
  });
  if (!why.empty()) {
    WARN("not checked: " << why);
    return;
  }
  INFO(r.error);
  REQUIRE(r.error.empty());
  CHECK(r.link);
  CHECK(r.port_route);
  CHECK(r.tun_route);
  CHECK(r.learnt);
  CHECK(!r.hop_before);
  CHECK(r.hop_after);
  CHECK(r.mac_after);
  CHECK(r.mac_gone);
}
}  // namespace next_hop_test
