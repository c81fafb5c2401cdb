// The seam between the packet worker's logic and its I/O. The logic units (decapsulation,
// encapsulation with fragmentation, next hops and ARP) take a frame and hand what they make to
// a TxSink; they never see a socket, so that unit tests run them in-process on frames built from
// the scapy vectors, and so that a second I/O layer (AF_XDP, issue 16) can sit under the same
// logic. PacketIo is that I/O layer: AF_PACKET rings plus the TUN devices (afpacket_io), or
// AF_XDP sockets over them (afxdp_io).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace rampart::dataplane {

// Where the units put what they made. Ports are indexes into the worker's PortConfig list.
class TxSink {
 public:
  virtual ~TxSink() = default;
  // A whole Ethernet frame for port's wire. The sink copies it (or keeps it until flush);
  // the caller's buffer is free again when this returns.
  virtual void transmit(size_t port, const uint8_t* frame, size_t len) = 0;
  // A cleartext IPv4 packet for the kernel, as arriving on port's TUN device; false when the
  // kernel did not take it (the caller counts it).
  virtual bool to_kernel(size_t port, const uint8_t* ip, size_t len) = 0;
};

// The receive side and the batching of one I/O implementation, for the worker's loop.
class PacketIo : public TxSink {
 public:
  using FrameFn = std::function<void(uint8_t* frame, size_t len)>;
  // Every frame that arrived on port's wire since the last call, in order. The frames stay
  // where they are until batch_done has run (after each ring block, or each batch the
  // implementation hands over), so that the caller may hold them for one crypto run.
  virtual size_t receive(size_t port, const FrameFn& f,
                         const std::function<void()>& batch_done) = 0;
  // One packet the kernel routed into port's TUN device, read into buf (cap bytes); <= 0 when
  // there is none.
  virtual ssize_t from_kernel(size_t port, uint8_t* buf, size_t cap) = 0;
  struct Flushed {
    size_t sent = 0, failed = 0;
  };
  // Sends what transmit() queued on every port.
  virtual Flushed flush() = 0;
  // Descriptors to poll: port i's wire is wire_fd(i), its TUN queue kernel_fd(i).
  virtual int wire_fd(size_t port) const = 0;
  virtual int kernel_fd(size_t port) const = 0;
  // Every descriptor of port's wire (AF_XDP has its sockets beside the ring).
  virtual void wire_fds(size_t port, std::vector<int>& out) const { out.push_back(wire_fd(port)); }
  // Housekeeping between polls (AF_XDP binds a queue the previous workers held); true when
  // the descriptors changed and the caller must ask for them again.
  virtual bool maintain() { return false; }
};

}  // namespace rampart::dataplane
