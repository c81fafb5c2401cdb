// Where a packet leaves and to which MAC: the port whose subnet holds the destination, else the
// gateway of the most specific kernel route through one of our ports; the MAC from the
// kernel's neighbour table. The kernel keeps ARP: an unknown neighbour is resolved by making the
// kernel ask, and the frames for it wait here a moment (as the kernel holds a few per
// neighbour) instead of being dropped. Tables are read again when netlink says they changed.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "dataplane/forward/port_config.hpp"
#include "platform/netlink.hpp"

namespace rampart::dataplane {

class NextHops {
 public:
  explicit NextHops(const std::vector<PortConfig>& ports);
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
  void resolve(uint32_t address);

  const std::vector<PortConfig>& ports_;
  std::optional<platform::Netlink> nl_;
  std::optional<platform::NetlinkEvents> events_;
  std::map<uint32_t, std::array<uint8_t, 6>> neighbours_;
  std::vector<platform::RouteEntry> routes_;
  std::chrono::steady_clock::time_point refreshed_{};
  int resolver_ = -1;  // a UDP socket whose sends make the kernel resolve a neighbour
  struct Held {
    size_t port;
    std::vector<uint8_t> frame;
    std::chrono::steady_clock::time_point since;
  };
  std::multimap<uint32_t, Held> held_;
  static constexpr size_t kHeldPerHop = 3, kHeldTotal = 256;
};

}  // namespace rampart::dataplane
