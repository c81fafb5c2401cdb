// Cleartext from the kernel, ESP out: one packet that the kernel routed into a port's TUN
// device. Finds the SA that protects it (or queues an acquire for a crypto map entry with no SA
// yet: never sent in clear), encapsulates it (fragmenting, or answering the sender with ICMP
// fragmentation-needed, as the port's df-bit and fragmentation settings say) and hands the ESP
// packets to Egress. No sockets: the sinks are the I/O layer or a test's.
#pragma once

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
  // ip. The packet may be encrypted in place.
  void packet(size_t port, uint8_t* ip, size_t len);

 private:
  Sad& sad_;
  const std::vector<PortConfig>& ports_;
  TxSink& io_;
  WorkerCounters& counters_;
  Encapsulator enc_;
};

}  // namespace rampart::dataplane
