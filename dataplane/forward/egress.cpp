#include "dataplane/forward/egress.hpp"

#include <cstring>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

using namespace ipv4;

void Egress::frame_out(size_t port, const std::array<uint8_t, 6>& mac, uint8_t* frame, size_t len) {
  std::memcpy(frame, mac.data(), 6);
  std::memcpy(frame + 6, ports_[port].mac.data(), 6);
  io_.transmit(port, frame, len);
}

void Egress::send(uint32_t dst, uint8_t* ip, size_t len) {
  auto hop = hops_.route(dst);
  if (!hop) {
    counters_.add(Count::NoRoute);
    return;
  }
  // The encapsulation keeps to the port's MTU; a route to the peer through a port of smaller
  // MTU than the crypto map's would make a frame the NIC drops unseen: counted here.
  if (len > ports_[hop->port].mtu) {
    counters_.add(Count::EgressTooBig);
    return;
  }
  uint8_t* eth = ip - kEth;
  put16(eth + 12, kTypeIpv4);
  if (const auto* mac = hops_.mac(hop->address))
    frame_out(hop->port, *mac, eth, len + kEth);
  else if (!hops_.hold(*hop, eth, len + kEth))
    counters_.add(Count::NoAdjacency);
}

void Egress::release_held() {
  hops_.release([&](size_t port, const std::array<uint8_t, 6>& mac, uint8_t* f,
                    size_t len) { frame_out(port, mac, f, len); },
                [&] { counters_.add(Count::NoAdjacency); });
}

}  // namespace rampart::dataplane
