// ESP in, cleartext to the kernel: one frame from an outside port's wire. Takes ESP (IP protocol
// 50) and ESP-in-UDP (port 4500 without the non-ESP marker) addressed to one of our ports,
// finds the SA by SPI, decrypts (the replay window and the ICV checked by the SA), checks that
// what came out is IPv4 inside the SA's selectors and hands it to the kernel through the
// port's TUN device. Frames are decrypted in batches: queue() takes each ESP frame of a ring
// block, complete() (before the block goes back to the kernel) prepares them all under their
// SAs, runs the crypto backend once over the batch and finishes each (the replay window
// advances only after the ICV verified). Everything else (IKE, keepalives, ARP, traffic to others)
// is the kernel's and left alone, uncounted. No sockets: the sink is the I/O layer or a test's.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/forward/packet_io.hpp"
#include "dataplane/forward/port_config.hpp"
#include "dataplane/sad/sad.hpp"

namespace rampart::dataplane {

class Decapsulator {
 public:
  Decapsulator(Sad& sad, const std::vector<PortConfig>& ports, TxSink& io, WorkerCounters& counters)
      : sad_(sad), ports_(ports), io_(io), counters_(counters) {}

  // A frame (Ethernet header first) that arrived on port, decrypted in place and handed over
  // before this returns: a batch of one.
  void frame(size_t port, uint8_t* f, size_t len) {
    queue(port, f, len);
    complete();
  }
  // The same for a batch: queue() keeps the frame (which must stay where it is until
  // complete() returns) and completes the batch itself when it is full.
  void queue(size_t port, uint8_t* f, size_t len);
  void complete();

 private:
  // The ESP part of an IPv4 packet addressed to us, or {nullptr, 0} when it is not ours.
  struct Esp {
    uint8_t* at = nullptr;
    size_t len = 0;
  };
  Esp esp_of(uint8_t* ip, size_t len) const;
  // After the batch's crypto run, under the SA: the ICV's verdict, the window, the inner
  // packet's checks. The inner packet's length, 0 when dropped (counted).
  size_t finish(Sad::Entry& e, const crypto::Op& op, uint8_t** inner);
  // Hands the batch's survivors to the kernel, in the order they arrived (no SA held).
  void deliver(size_t n);

  struct Pending {
    size_t port = 0;
    uint8_t* esp = nullptr;
    size_t esp_len = 0;
    bool known = false;  // an SA had the SPI
    uint8_t* inner = nullptr;
    size_t inner_len = 0;
  };
  std::array<Pending, Sad::kMaxBatch> batch_;
  std::array<crypto::Op, Sad::kMaxBatch> ops_;
  size_t queued_ = 0;

  Sad& sad_;
  const std::vector<PortConfig>& ports_;
  TxSink& io_;
  WorkerCounters& counters_;
};

}  // namespace rampart::dataplane
