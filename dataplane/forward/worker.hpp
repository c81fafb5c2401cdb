// The packet worker: ESP between the peers and the kernel. On a port with a crypto map it reads
// the AF_PACKET ring for ESP (IP protocol 50) and ESP-in-UDP (port 4500 without the non-ESP
// marker) addressed to us, decapsulates, checks the inner packet against the SA's selectors and
// writes it into the port's TUN device (vpn_device_of), where the kernel routes, filters and
// NATs it like any packet arriving on an interface. What the kernel routes into that device (a
// VPN client's address, a LAN-to-LAN network) the worker reads from its queue, looks up in the
// SAD, encapsulates and sends to the peer on the port, in batches, with next-hop MACs from the
// kernel's neighbour table. Everything else stays the kernel's: one stateful engine (netfilter)
// for the box's forwarded and decrypted traffic alike.
// The worker is only the wiring: its I/O is a PacketIo (AF_PACKET rings and TUN queues,
// afpacket_io, or AF_XDP sockets over them, afxdp_io), its logic the units that take a frame and a
// TxSink (decap, outbound with encap, egress with next_hop), which the unit tests drive in-process
// ([worker]). It counts into a block of its own (dataplane_counters), which readers sum with the
// others'.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/forward/io_choice.hpp"
#include "dataplane/forward/port_config.hpp"
#include "dataplane/sad/sad.hpp"
#include "platform/expected.hpp"

namespace rampart::dataplane {

namespace xdp {
class SocketDrops;
}

// The I/O a worker runs on: AF_PACKET, or AF_XDP on its share of each port's queues (worker
// index of count) with AF_PACKET beneath (afxdp_io), its sockets registered in drops (when
// given: the table show interface reads) while they are open.
struct WorkerIo {
  IoKind kind = IoKind::AfPacket;
  size_t index = 0, count = 1;
  xdp::SocketDrops* drops = nullptr;
};

class Worker {
 public:
  // ports: the interfaces with a crypto map. The workers of one dataplane share their rings
  // through fanout groups fanout_base + port index (the kernel reassembles IP fragments before
  // it spreads them) and their TUN devices through one queue each.
  Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base, WorkerIo io = {});
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Opens the rings and the TUN queues (creating the devices when they do not exist yet).
  rampart::expected<void, std::string> start();
  void stop();
  const std::vector<PortConfig>& ports() const { return cfg_; }

 private:
  struct Impl;
  Sad& sad_;
  std::vector<PortConfig> cfg_;
  uint16_t fanout_base_ = 0;
  WorkerIo io_;
  std::unique_ptr<Impl> impl_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace rampart::dataplane
