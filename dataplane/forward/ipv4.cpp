#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane::ipv4 {

uint16_t checksum(const uint8_t* data, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += get16(data + i);
  if (len & 1) sum += uint32_t{data[len - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

void decrement_ttl(uint8_t* ip) {
  ip[8] -= 1;
  uint32_t sum = uint32_t{get16(ip + 10)} + 0x0100;
  sum = (sum & 0xffff) + (sum >> 16);
  put16(ip + 10, static_cast<uint16_t>(sum));
}

void write_header(uint8_t* ip, const Header& h) {
  ip[0] = 0x45;
  ip[1] = h.tos;
  put16(ip + 2, h.total);
  put16(ip + 4, h.id);
  put16(ip + 6, h.flags_offset);
  ip[8] = h.ttl;
  ip[9] = h.protocol;
  put16(ip + 10, 0);
  put32(ip + 12, h.source);
  put32(ip + 16, h.destination);
  put16(ip + 10, checksum(ip, 20));
}

}  // namespace rampart::dataplane::ipv4
