// Where a packet leaves and to which MAC: the port whose subnet holds the destination, else the
// gateway of the most specific kernel route through one of our ports; the MAC from the
// kernel's neighbour table. The kernel keeps ARP: an unknown neighbour is resolved by making the
// kernel ask, and the frames for it wait here a moment (as the kernel holds a few per
// neighbour) instead of being dropped. The tables follow netlink's notifications about our
// ports only: with 10,000 tunnels the kernel holds 10,000 routes into the VPN's TUN device and
// each tunnel that comes or goes announces one, none of which decides a next hop here.
// Where the tables come from is a NeighbourSource (the kernel's, through netlink, in the
// workers; a test's own in-process) and the clock is injected, so that holding, releasing and
// expiring run in a unit test without a network or a sleep.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "dataplane/forward/port_config.hpp"
#include "platform/netlink.hpp"

namespace rampart::dataplane {

// The neighbour and route tables and the way to get a neighbour resolved.
class NeighbourSource {
 public:
  virtual ~NeighbourSource() = default;
  // Readable when the tables changed; -1 without change events.
  virtual int event_fd() const { return -1; }
  // Takes the pending change events (appended to out).
  virtual void changes(std::vector<platform::NetlinkChange>& out) { (void)out; }
  // The usable neighbours (address -> MAC) and the routes; false when they cannot be read
  // (the previous tables stay).
  virtual bool neighbours(std::map<uint32_t, std::array<uint8_t, 6>>& out) = 0;
  virtual bool routes(std::vector<platform::RouteEntry>& out) = 0;
  // Makes the neighbour's address be resolved (the kernel sends the ARP request).
  virtual void resolve(uint32_t address) = 0;
  // The kernel's tables through netlink; resolution by a datagram the kernel must route
  // (kernel_neighbours.cpp).
  static std::unique_ptr<NeighbourSource> kernel();
};

class NextHops {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = Clock::time_point (*)();
  NextHops(const std::vector<PortConfig>& ports, std::unique_ptr<NeighbourSource> source,
           Now now = &Clock::now);
  ~NextHops();
  NextHops(const NextHops&) = delete;
  NextHops& operator=(const NextHops&) = delete;

  // Readable when the kernel's neighbours or routes changed; -1 without netlink events.
  int event_fd() const;
  void on_event();

  struct Hop {
    size_t port = 0;
    uint32_t address = 0;  // the neighbour to send to: the destination or a gateway
  };
  std::optional<Hop> route(uint32_t destination);
  const std::array<uint8_t, 6>* mac(uint32_t neighbour);

  // Keeps a frame (Ethernet header still blank) until its neighbour resolves. False when the
  // queue for that neighbour (or in all) is full: the caller drops and counts.
  bool hold(const Hop& hop, const uint8_t* frame, size_t len);
  bool holding() const { return !held_.empty(); }
  // Hands frames whose neighbour has resolved to send(port, mac, frame, len); frames that
  // waited a second are given to expired().
  void release(
      const std::function<void(size_t, const std::array<uint8_t, 6>&, uint8_t*, size_t)>& send,
      const std::function<void()>& expired);

 private:
  void refresh(bool force);
  void read_routes();
  bool ours(int ifindex) const;

  const std::vector<PortConfig>& ports_;
  std::unique_ptr<NeighbourSource> source_;
  Now now_;
  bool notified_;  // the source tells of changes: the periodic read is only a safety net
  std::map<uint32_t, std::array<uint8_t, 6>> neighbours_;
  std::vector<platform::RouteEntry> routes_;  // gateway routes through our ports, best first
  std::vector<platform::NetlinkChange> changes_;
  Clock::time_point refreshed_{};
  struct Held {
    size_t port;
    std::vector<uint8_t> frame;
    Clock::time_point since;
  };
  std::multimap<uint32_t, Held> held_;

 public:
  // As the kernel holds a few frames per unresolved neighbour; a second is long for ARP on a
  // segment, and frames older than that are stale for their senders anyway.
  static constexpr size_t kHeldPerHop = 3, kHeldTotal = 256;
  static constexpr std::chrono::seconds kHoldFor{1};
  // Tables are read again this often without notifications (a source that has none), faster
  // while frames wait for a neighbour; with them, only as a safety net.
  static constexpr std::chrono::milliseconds kRereadEvery{1000}, kRereadHolding{10};
  static constexpr std::chrono::seconds kRereadNotified{10};
};

}  // namespace rampart::dataplane
