// The last step of every frame the worker makes for a wire: the route to the destination, the
// next hop's MAC from the kernel's neighbour table (ARP stays the kernel's), the port's MTU,
// then the frame to the I/O sink. A frame whose neighbour is not resolved yet waits in the
// NextHops hold queue (the kernel is asked to resolve it) and leaves from release_held() once
// the neighbour is known; what waited too long, or found the queue full, is a counted drop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/forward/next_hop.hpp"
#include "dataplane/forward/packet_io.hpp"
#include "dataplane/forward/port_config.hpp"
#include "dataplane/sad/dataplane_counters.hpp"

namespace rampart::dataplane {

class Egress {
 public:
  Egress(const std::vector<PortConfig>& ports, NextHops& hops, TxSink& io, WorkerCounters& counters)
      : ports_(ports), hops_(hops), io_(io), counters_(counters) {}

  // Sends an IPv4 packet of len bytes toward dst; ip has kEth bytes of room before it, which
  // become the Ethernet header.
  void send(uint32_t dst, uint8_t* ip, size_t len);
  // Frames whose neighbour resolved leave; those that waited too long are dropped (counted).
  void release_held();

 private:
  void frame_out(size_t port, const std::array<uint8_t, 6>& mac, uint8_t* frame, size_t len);

  const std::vector<PortConfig>& ports_;
  NextHops& hops_;
  TxSink& io_;
  WorkerCounters& counters_;
};

}  // namespace rampart::dataplane
