// IPv4 header arithmetic the packet path shares: network-order loads and stores, the header
// checksum and the RFC 1624 TTL update.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rampart::dataplane::ipv4 {

constexpr size_t kEth = 14;
constexpr uint16_t kTypeIpv4 = 0x0800, kTypeArp = 0x0806;
constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17, kProtoEsp = 50;
constexpr uint16_t kNattPort = 4500;
constexpr uint16_t kDf = 0x4000, kMf = 0x2000, kOffsetMask = 0x1fff;

inline uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline uint32_t get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
inline void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

inline uint32_t mask_of(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

uint16_t checksum(const uint8_t* data, size_t len);

// RFC 1624 incremental update for a TTL decrement.
void decrement_ttl(uint8_t* ip);

// Writes a 20-byte header (no options) with its checksum.
struct Header {
  uint8_t tos = 0, ttl = 64, protocol = 0;
  uint16_t total = 0, id = 0, flags_offset = 0;
  uint32_t source = 0, destination = 0;
};
void write_header(uint8_t* ip, const Header& h);

}  // namespace rampart::dataplane::ipv4
