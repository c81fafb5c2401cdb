// A NIC as the dataplane sees it: an AF_PACKET socket with a TPACKET_V3 receive ring mapped
// into our memory (blocks handed back to the kernel only once every frame in them is done) and
// batched transmission that bypasses the qdisc layer (PACKET_QDISC_BYPASS): frames are queued
// into a staging area and leave together in one sendmmsg() call.
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include "platform/expected.hpp"

namespace rampart::platform {

class PacketPort {
 public:
  // Opens the port on a device; ring_blocks of block_size bytes make the receive ring. With a
  // fanout group (non-zero), the ports of several workers on one device share its traffic by
  // flow hash (PACKET_FANOUT_HASH), so a flow stays on one worker and in order; in a group,
  // IPv4 fragments are reassembled by the kernel before they reach us.
  static rampart::expected<PacketPort, std::string> open(int ifindex, uint16_t fanout_group = 0,
                                                         size_t ring_blocks = 64,
                                                         size_t block_size = 1 << 18);
  PacketPort(PacketPort&& o) noexcept;
  PacketPort& operator=(PacketPort&& o) noexcept;
  ~PacketPort();

  int fd() const { return fd_; }
  int ifindex() const { return ifindex_; }
  // Keeps only the frames a classic BPF program accepts (SO_ATTACH_FILTER): the kernel copies
  // nothing else into the ring, and nothing else can fill it. In a fanout group the program
  // sees what the group hands this socket, reassembled.
  rampart::expected<void, std::string> set_filter(std::span<const sock_filter> program);
  // Frames the ring of the socket fd had no room for since the last call (PACKET_STATISTICS,
  // which the kernel resets when read); 0 when it cannot be read. Any thread may ask: by
  // descriptor, for a reader that outlives no port (SocketDrops).
  static uint64_t take_drops(int fd);
  // Calls f(frame, length, checksum_pending) for every frame the kernel has filled (Ethernet
  // header first), then returns the blocks. checksum_pending: the sender left its TCP/UDP
  // checksum to offload (TP_STATUS_CSUMNOTREADY, e.g. locally made frames over veth); whoever
  // forwards the frame must complete it. Returns how many frames there were.
  // block_done, when given, runs after each block's last frame and before the block goes back
  // to the kernel: the frames are still there for a caller that batched them.
  size_t drain(const std::function<void(uint8_t*, size_t, bool)>& f,
               const std::function<void()>& block_done = {});
  // Copies a frame into the transmit batch; the batch leaves when it is full or on flush().
  // A frame larger than a slot is sent alone, at once.
  void queue(const uint8_t* frame, size_t len);
  struct Sent {
    size_t sent = 0, failed = 0;
  };
  // Sends what is queued (one system call for the batch) and reports what left.
  Sent flush();
  size_t queued() const { return queued_; }

  static constexpr size_t kBatch = 64, kSlot = 2048;

 private:
  PacketPort() = default;
  int fd_ = -1;
  int ifindex_ = 0;
  uint8_t* ring_ = nullptr;
  size_t ring_size_ = 0, block_size_ = 0, blocks_ = 0, next_block_ = 0;
  std::unique_ptr<uint8_t[]> tx_;  // kBatch slots of kSlot bytes
  size_t tx_len_[kBatch] = {};
  size_t queued_ = 0;
  Sent pending_;  // results of frames sent early (oversized ones, or a full batch)
};

}  // namespace rampart::platform
