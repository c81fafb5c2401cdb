// RFC 1071 Internet checksum, shared by ping and traceroute's ICMP echoes.
#pragma once

#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>

namespace rampart::platform {

// The checksum in network byte order, ready to be copied into the header.
inline uint16_t inet_checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<uint16_t>(~sum));
}

}  // namespace rampart::platform
