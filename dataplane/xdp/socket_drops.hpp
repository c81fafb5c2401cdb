// What the kernel could not hand to the packet workers' sockets, summed per port device for
// show interface, which adds it to the kernel's own counts for the device: the AF_XDP sockets'
// (XskPort::drops) and the AF_PACKET rings' (PacketPort::take_drops; beneath the AF_XDP
// sockets too, for what they do not take).
// The object that owns the workers (rampartd's DataplaneService) owns one table; each worker
// registers a socket when it binds one and removes it before the socket closes, and the last
// counts of a removed socket stay in its device's totals, so a port change (new workers, new
// sockets) never makes a count fall.
// Read live, not sampled: read() asks the kernel for each socket's counts (getsockopt
// XDP_STATISTICS or PACKET_STATISTICS, any thread may) under the table's lock, which a worker
// takes only when it binds or closes a socket, never per packet. So the figures are those of
// the moment, as the kernel's link counters that show interface reads beside them (which may
// already contain the AF_XDP ones, see Reading), and a socket's descriptor is never used after
// its worker closed it. The kernel copies the counts under the socket's mutex, which a worker's
// copy-mode sendto also takes: one show interface may delay a send by that copy, never more.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/xdp/xsk_port.hpp"

namespace rampart::dataplane::xdp {

// A device's sockets' counts: its AF_XDP sockets' three, and the frames its AF_PACKET rings had
// no free block for (which no driver counts in rx_dropped).
struct Drops {
  uint64_t ring_full = 0, fill_empty = 0, other = 0;
  uint64_t packet_ring = 0;
  static Drops of(const XskPort::Drops& d) { return {d.ring_full, d.fill_empty, d.other, 0}; }
  uint64_t xsk() const { return ring_full + fill_empty + other; }
};

inline Drops& operator+=(Drops& a, const Drops& b) {
  a.ring_full += b.ring_full;
  a.fill_empty += b.fill_empty;
  a.other += b.other;
  a.packet_ring += b.packet_ring;
  return a;
}

class SocketDrops {
 public:
  // One socket's counts, asked of the kernel when someone reads (XskPort::drops), always under
  // the table's lock: a source may keep a running total (PACKET_STATISTICS resets when read).
  using Source = std::function<Drops()>;
  // Adds a socket of device's; the token removes it. in_rx_dropped (an AF_XDP socket's): the
  // device's driver counts every frame it could not redirect into a socket in its own
  // rx_dropped too (see Reading); nullopt (an AF_PACKET ring's) says nothing of the driver.
  uint64_t add(const std::string& device, Source source,
               std::optional<bool> in_rx_dropped = std::nullopt);
  // Before the socket closes: its counts as they are now stay in its device's totals.
  void remove(uint64_t token);

  struct Reading {
    Drops drops;  // every socket the device has had, open or closed
    // The driver counted the AF_XDP sockets' frames in the device's rx_dropped as well (veth and
    // virtio_net in native mode count a failed XDP redirect there; generic mode and most NIC
    // drivers count it nowhere), so a reader adding them must take them out of that figure.
    // Never the rings' packet_ring.
    bool in_rx_dropped = false;
  };
  Reading read(const std::string& device) const;

 private:
  struct Live {
    uint64_t token;
    std::string device;
    Source source;
  };
  mutable std::mutex mu_;
  std::vector<Live> live_;
  std::map<std::string, Reading> closed_;  // by device: removed sockets, and the driver's flag
  uint64_t next_token_ = 1;
};

}  // namespace rampart::dataplane::xdp
