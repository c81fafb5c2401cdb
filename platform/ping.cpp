#include "platform/ping.hpp"
#include "platform/raw_receive.hpp"

#include <arpa/inet.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "platform/fd.hpp"
#include "platform/inet_checksum.hpp"

namespace rampart::platform {

namespace {

// Waits for the echo reply (or an unreachable quoting our echo) to id/seq until deadline.
PingProbe await_reply(int fd, uint16_t id, uint16_t seq, uint32_t target,
                      std::chrono::steady_clock::time_point sent,
                      std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  uint8_t buf[2048];
  for (;;) {
    sockaddr_in from{};
    size_t n = receive_before(fd, buf, sizeof buf, from, deadline);
    if (n == 0) return {};
    if (n < kIpHeader + kIcmpHeader) continue;
    size_t ihl = static_cast<size_t>(buf[0] & 0x0f) * 4;
    if (ihl < kIpHeader || n < ihl + kIcmpHeader) continue;
    const uint8_t* icmp = buf + ihl;
    uint16_t rid = static_cast<uint16_t>(icmp[4] << 8 | icmp[5]);
    uint16_t rseq = static_cast<uint16_t>(icmp[6] << 8 | icmp[7]);
    if (icmp[0] == ICMP_ECHOREPLY && rid == id && rseq == seq &&
        ntohl(from.sin_addr.s_addr) == target) {
      auto rtt = duration_cast<milliseconds>(steady_clock::now() - sent).count();
      return {'!', static_cast<uint32_t>(rtt)};
    }
    // An unreachable quotes our IP header and the first 8 bytes of our echo. One our own
    // stack made (no ARP answer: its source is the echo's own source) is no answer from the
    // network, as on the ASA, which prints '?' for it.
    if (icmp[0] == ICMP_DEST_UNREACH && n >= ihl + 8 + kIpHeader + 8) {
      const uint8_t* inner = icmp + 8;
      size_t iihl = static_cast<size_t>(inner[0] & 0x0f) * 4;
      if (n < ihl + 8 + iihl + 8) continue;
      uint32_t inner_src = 0;
      std::memcpy(&inner_src, inner + 12, 4);
      if (inner_src == from.sin_addr.s_addr) continue;
      const uint8_t* echo = inner + iihl;
      if (echo[0] == ICMP_ECHO && (echo[4] << 8 | echo[5]) == id && (echo[6] << 8 | echo[7]) == seq)
        return {'U', 0};
    }
  }
}

}  // namespace

rampart::expected<std::vector<PingProbe>, std::string> ping(const PingOptions& o) {
  Fd s;
  s.fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (s.fd < 0) return rampart::unexpected(fmt::format("socket: {}", std::strerror(errno)));
  if (!o.device.empty() && ::setsockopt(s.fd, SOL_SOCKET, SO_BINDTODEVICE, o.device.c_str(),
                                        static_cast<socklen_t>(o.device.size())) < 0)
    return rampart::unexpected(fmt::format("bind to {}: {}", o.device, std::strerror(errno)));
  uint16_t id = next_echo_id.fetch_add(1);
  size_t payload = o.size > static_cast<int>(kIpHeader + kIcmpHeader)
                       ? static_cast<size_t>(o.size) - kIpHeader - kIcmpHeader
                       : 0;
  std::vector<uint8_t> pkt(kIcmpHeader + payload);
  for (size_t i = 0; i < payload; ++i) pkt[kIcmpHeader + i] = static_cast<uint8_t>(0xab);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(o.target);
  std::vector<PingProbe> out;
  for (int i = 0; i < o.repeat; ++i) {
    auto seq = static_cast<uint16_t>(i);
    pkt[0] = ICMP_ECHO;
    pkt[1] = 0;
    pkt[2] = pkt[3] = 0;
    pkt[4] = static_cast<uint8_t>(id >> 8);
    pkt[5] = static_cast<uint8_t>(id);
    pkt[6] = static_cast<uint8_t>(seq >> 8);
    pkt[7] = static_cast<uint8_t>(seq);
    uint16_t c = inet_checksum(pkt.data(), pkt.size());
    std::memcpy(&pkt[2], &c, 2);
    auto sent = std::chrono::steady_clock::now();
    auto deadline = sent + std::chrono::seconds(o.timeout_seconds);
    if (::sendto(s.fd, pkt.data(), pkt.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) <
        0) {
      // No route, no neighbour: the echo never left; the ASA counts it as not answered.
      out.push_back({'?', 0});
      continue;
    }
    out.push_back(await_reply(s.fd, id, seq, o.target, sent, deadline));
  }
  return out;
}

}  // namespace rampart::platform
