// An IPv4 packet's header read in place (RFC 791 3.1): what the netfilter readers (nflog,
// nfqueue) need of the packets the kernel hands them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rampart::platform {

inline uint16_t be16(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}
inline uint32_t be32(std::span<const uint8_t> b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

struct Ipv4View {
  uint8_t protocol = 0;
  uint32_t src = 0, dst = 0;    // host order
  bool first_fragment = true;   // fragment offset 0: the transport header is here
  std::span<const uint8_t> l4;  // what follows the header (options included in it)
};

// Version 4 and a header length (IHL) that fits the bytes, or nothing.
inline std::optional<Ipv4View> ipv4_view(std::span<const uint8_t> b) {
  if (b.size() < 20 || (b[0] >> 4) != 4) return std::nullopt;
  size_t ihl = size_t{b[0] & 0x0fu} * 4;
  if (ihl < 20 || ihl > b.size()) return std::nullopt;
  return Ipv4View{b[9], be32(b, 12), be32(b, 16), (be16(b, 6) & 0x1fff) == 0, b.subspan(ihl)};
}

}  // namespace rampart::platform
