// A NIC as the dataplane sees it: an AF_PACKET socket with a TPACKET_V3 receive ring mapped
// into our memory (blocks handed back to the kernel only once every frame in them is done) and
// direct transmission that bypasses the qdisc layer (PACKET_QDISC_BYPASS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "platform/expected.hpp"

namespace rampart::platform {

class PacketPort {
 public:
  // Opens the port on a device; ring_blocks of block_size bytes make the receive ring. With a
  // fanout group (non-zero), the ports of several workers on one device share its traffic by
  // flow hash (PACKET_FANOUT_HASH), so a flow stays on one worker and in order.
  static rampart::expected<PacketPort, std::string> open(int ifindex, uint16_t fanout_group = 0,
                                                         size_t ring_blocks = 64,
                                                         size_t block_size = 1 << 18);
  PacketPort(PacketPort&& o) noexcept;
  PacketPort& operator=(PacketPort&& o) noexcept;
  ~PacketPort();

  int fd() const { return fd_; }
  int ifindex() const { return ifindex_; }
  // Calls f(frame, length, checksum_pending) for every frame the kernel has filled (Ethernet
  // header first), then returns the blocks. checksum_pending: the sender left its TCP/UDP
  // checksum to offload (TP_STATUS_CSUMNOTREADY, e.g. locally made frames over veth); whoever
  // forwards the frame must complete it. Returns how many frames there were.
  size_t drain(const std::function<void(uint8_t*, size_t, bool)>& f);
  bool send(const uint8_t* frame, size_t len);

 private:
  PacketPort() = default;
  int fd_ = -1;
  int ifindex_ = 0;
  uint8_t* ring_ = nullptr;
  size_t ring_size_ = 0, block_size_ = 0, blocks_ = 0, next_block_ = 0;
};

}  // namespace rampart::platform
