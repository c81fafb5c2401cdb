// Cleartext from the kernel, ESP out: one packet that the kernel routed into a port's TUN
// device. Finds the SA that protects it (or queues an acquire for a crypto map entry with no SA
// yet: never sent in clear), encapsulates it (fragmenting, or answering the sender with ICMP
// fragmentation-needed, as the port's df-bit and fragmentation settings say) and hands the ESP
// packets to Egress. Packets are encrypted in batches: queue() copies each into a slot of the
// batch, complete() frames them all under their SAs, runs the crypto backend once and sends
// them in the order they came (a packet that must be fragmented or answered takes the one-packet
// path in its turn; one too large for a slot completes the batch and goes alone). No sockets: the
// sinks are the I/O layer or a test's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/forward/egress.hpp"
#include "dataplane/forward/encap.hpp"
#include "dataplane/forward/packet_io.hpp"
#include "dataplane/forward/port_config.hpp"
#include "dataplane/sad/sad.hpp"

namespace rampart::dataplane {

class Outbound {
 public:
  Outbound(Sad& sad, const std::vector<PortConfig>& ports, Egress& egress, TxSink& io,
           WorkerCounters& counters)
      : sad_(sad),
        ports_(ports),
        io_(io),
        counters_(counters),
        enc_(counters,
             [out = &egress](uint32_t dst, uint8_t* ip, size_t len) { out->send(dst, ip, len); }) {}

  // An IPv4 packet of len bytes read from port's TUN device, with kEth bytes of room before
  // ip, sent before this returns: a batch of one. The packet may be encrypted in place.
  void packet(size_t port, uint8_t* ip, size_t len) {
    queue(port, ip, len);
    complete();
  }
  // The same for a batch: the caller's buffer is free again when queue() returns.
  void queue(size_t port, uint8_t* ip, size_t len);
  void complete();

  // The largest inner packet a batch slot holds; larger ones go alone.
  static constexpr size_t kSlotInner = 2048;

 private:
  // Room in a slot before the inner packet: Ethernet, outer IPv4 and UDP, the ESP header and
  // the largest IV, so that the framing moves the packet only toward the front. After it: the
  // most padding, trailer and ICV there are.
  static constexpr size_t kInnerAt = 14 + 28 + 8 + 16;
  static constexpr size_t kSlot = kInnerAt + kSlotInner + 256 + 2 + 32;
  struct Pending {
    size_t port = 0;
    uint32_t src = 0, dst = 0;
    size_t total = 0;
    Encapsulator::Plan plan = Encapsulator::Plan::Refused;
    Encapsulator::Sealing seal;
    size_t icmp_len = 0;  // an ICMP error for the sender, copied to the slot's start
    bool known = false;   // an SA protects it
  };
  uint8_t* slot(size_t i) { return slots_.data() + i * kSlot; }
  // The one-packet path, for what does not fit a slot.
  void single(size_t port, uint8_t* ip, size_t total);
  // Under the batch's SAs: frame, one crypto run, finish in order.
  void seal(size_t n, Sad::Entry* const* sas);
  // After: the drops without an SA, the ICMP errors for the kernel.
  void settle(size_t n);

  Sad& sad_;
  const std::vector<PortConfig>& ports_;
  TxSink& io_;
  WorkerCounters& counters_;
  Encapsulator enc_;
  std::array<Pending, Sad::kMaxBatch> batch_;
  std::array<crypto::Op, Sad::kMaxBatch> ops_;
  std::vector<uint8_t> slots_ = std::vector<uint8_t>(Sad::kMaxBatch * kSlot);
  size_t queued_ = 0;
};

}  // namespace rampart::dataplane
