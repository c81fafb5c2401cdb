#include "dataplane/forward/outbound.hpp"

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

using namespace ipv4;

void Outbound::packet(size_t port, uint8_t* ip, size_t len) {
  if (len < 20 || (ip[0] >> 4) != 4) return;  // the kernel's IPv6 for the device: not ours
  size_t total = get16(ip + 2);
  size_t ihl = (ip[0] & 0x0f) * 4u;
  if (ihl < 20 || total > len || total < ihl) return;
  uint32_t src = get32(ip + 12), dst = get32(ip + 16);
  size_t icmp_len = 0;
  bool found = sad_.with_outbound(src, dst, [&](Sad::Entry& e) {
    // An ICMP error for the sender (fragmentation needed) comes from this port's address.
    icmp_len = enc_.encapsulate(e, ports_[port], ports_[port].address, ip, total);
  });
  if (!found) {
    // Routed into the tunnel with no SA: traffic a crypto map protects waits for its tunnel
    // (the first packet brings it up); anything else here has lost its SA (a route not yet
    // withdrawn). Either way it goes nowhere in clear.
    counters_.add(sad_.acquire(src, dst) ? Count::TunnelPending : Count::NoSa);
    return;
  }
  counters_.add(Count::Frames);
  // Sent once the SA is released. Back into the kernel, which routes it to the sender.
  if (!icmp_len) return;
  if (io_.to_kernel(port, enc_.icmp(), icmp_len))
    counters_.add(Count::Transmitted);
  else
    counters_.add(Count::TxFailed);
}

}  // namespace rampart::dataplane
