// One AF_XDP socket on one queue of a port, with a UMEM of its own: the frames the XDP program
// steers arrive in the UMEM through the RX ring and go back to the kernel through the fill
// ring once the worker is done with them; frames to send are copied into free UMEM frames,
// posted on the TX ring and come back free through the completion ring.
// Frame ownership, the invariant the rings rest on: every UMEM frame is at any time in exactly
// one place: the fill ring or the kernel's RX path (the receive half, kRxFrames of them), the
// RX ring until the worker's batch is done, refill_ until the fill ring has room, the free
// stack, or the TX/completion path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/expected.hpp"

struct xsk_umem;
struct xsk_socket;
struct xsk_ring_prod;
struct xsk_ring_cons;

namespace rampart::dataplane::xdp {

class XskPort {
 public:
  // UMEM geometry: 2 KB frames (an MTU-1500 frame with the kernel's headroom; larger frames
  // take AF_PACKET), 16 MB a socket, half for receiving, half for sending. The receiving half
  // is the burst a worker absorbs while it is not scheduled: 4096 frames, 20 ms at 200 kpps
  // (with 1024, dataplane_bench lost a third of the frames that AF_PACKET's ring absorbed).
  static constexpr uint32_t kFrameSize = 2048, kFrames = 8192, kRxFrames = kFrames / 2;
  // What a received frame may hold: the kernel keeps XDP_PACKET_HEADROOM (256) in each.
  static constexpr uint32_t kMaxRxFrame = kFrameSize - 256;
  static constexpr size_t kBatch = 64;

  // Binds to queue of device name: zero-copy where the driver has it, copy mode otherwise.
  static rampart::expected<std::unique_ptr<XskPort>, std::string> open(const std::string& name,
                                                                       uint32_t queue);
  ~XskPort();
  XskPort(const XskPort&) = delete;
  XskPort& operator=(const XskPort&) = delete;

  int fd() const;
  uint32_t queue() const { return queue_; }
  bool zero_copy() const { return zero_copy_; }

  // Calls f(frame, length) for each frame on the RX ring, kBatch at a time; batch_done runs
  // after each batch, before its frames go back to the fill ring. Returns the frame count.
  size_t drain(const std::function<void(uint8_t*, size_t)>& f,
               const std::function<void()>& batch_done);
  // Copies a frame into a free UMEM frame on the TX ring (posted at flush). False when it
  // cannot (longer than a frame, no free frame or slot): the caller sends it another way.
  bool queue(const uint8_t* frame, size_t len);
  size_t queued() const { return queued_; }
  // Frames posted to the kernel and not yet back through the completion ring: a flush that
  // could not empty the TX ring (the kernel said EAGAIN) leaves some, for the next flush.
  size_t in_flight() const { return (kFrames - kRxFrames) - free_.size() - queued_; }
  // Posts what is queued and wakes the kernel to send it; returns how many were posted.
  size_t flush();
  // The kernel's own count of what it could not hand this socket (XDP_STATISTICS): frames
  // dropped because the RX ring was full or the fill ring empty, or for another reason.
  struct Drops {
    uint64_t ring_full = 0, fill_empty = 0, other = 0;
  };
  Drops drops() const;

 private:
  XskPort() = default;
  void reclaim();  // completion ring -> free stack
  void refill();   // refill_ -> fill ring, as far as it has room
  uint8_t* area_ = nullptr;
  xsk_umem* umem_ = nullptr;
  xsk_socket* xsk_ = nullptr;
  std::unique_ptr<xsk_ring_prod> fill_, tx_;
  std::unique_ptr<xsk_ring_cons> comp_, rx_;
  std::vector<uint64_t> free_;    // UMEM addresses of the sending half not in flight
  std::vector<uint64_t> refill_;  // received frames done with, not yet on the fill ring
  uint32_t queue_ = 0;
  size_t queued_ = 0;  // reserved on the TX ring, not yet submitted
  bool zero_copy_ = false;
};

}  // namespace rampart::dataplane::xdp
