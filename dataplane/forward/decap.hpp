// ESP in, cleartext to the kernel: one frame from an outside port's wire. Takes ESP (IP protocol
// 50) and ESP-in-UDP (port 4500 without the non-ESP marker) addressed to one of our ports,
// finds the SA by SPI, decrypts (the replay window and the ICV checked by the SA), checks that
// what came out is IPv4 inside the SA's selectors and hands it to the kernel through the
// port's TUN device. Everything else (IKE, keepalives, ARP, traffic to others) is the kernel's
// and left alone, uncounted. No sockets: the sink is the I/O layer or a test's.
#pragma once

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

  // A frame (Ethernet header first) that arrived on port. Decrypts in place.
  void frame(size_t port, uint8_t* f, size_t len);

 private:
  // The ESP part of an IPv4 packet addressed to us, or {nullptr, 0} when it is not ours.
  struct Esp {
    uint8_t* at = nullptr;
    size_t len = 0;
  };
  Esp esp_of(uint8_t* ip, size_t len) const;
  // Decrypts and checks under the SA; the inner packet's length, 0 when dropped (counted).
  size_t open(Sad::Entry& e, uint8_t* esp, size_t esp_len, uint8_t** inner);

  Sad& sad_;
  const std::vector<PortConfig>& ports_;
  TxSink& io_;
  WorkerCounters& counters_;
};

}  // namespace rampart::dataplane
