#include "platform/traceroute.hpp"
#include "platform/raw_receive.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
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

constexpr uint8_t kUdp = 17, kIcmp = 1;

uint16_t be16(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] << 8 | p[1]);
}
uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | static_cast<uint32_t>(p[1]) << 16 |
         static_cast<uint32_t>(p[2]) << 8 | p[3];
}

// Whether the datagram an ICMP error quotes (its IP header and first 8 bytes) is our probe.
bool quotes_probe(const uint8_t* inner, size_t n, uint32_t from, const TraceProbeKey& key) {
  if (n < kIpHeader) return false;
  size_t ihl = static_cast<size_t>(inner[0] & 0x0f) * 4;
  if (ihl < kIpHeader || n < ihl + 8) return false;
  // An error our own stack made (no ARP answer for the next hop: it comes from the probe's own
  // source) is no answer from the network; the probe stays unanswered, as ping's echoes do.
  if (be32(inner + 12) == from) return false;
  if (be32(inner + 16) != key.target) return false;
  const uint8_t* l4 = inner + ihl;
  if (key.icmp)
    return inner[9] == kIcmp && l4[0] == ICMP_ECHO && be16(l4 + 4) == key.id &&
           be16(l4 + 6) == key.seq;
  return inner[9] == kUdp && be16(l4) == key.src_port && be16(l4 + 2) == key.dst_port;
}

rampart::expected<void, std::string> bind_to(int fd, const TraceOptions& o) {
  if (!o.device.empty() && ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, o.device.c_str(),
                                        static_cast<socklen_t>(o.device.size())) < 0)
    return rampart::unexpected(fmt::format("bind to {}: {}", o.device, std::strerror(errno)));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(o.source);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
    return rampart::unexpected(fmt::format("bind: {}", std::strerror(errno)));
  return {};
}

// The sockets of one run: the raw ICMP socket that reads the answers (and sends the echoes
// with use-icmp), and the UDP socket that sends the probes otherwise.
struct Sockets {
  Fd icmp, udp;
  uint16_t src_port = 0;
};

rampart::expected<void, std::string> open_sockets(const TraceOptions& o, Sockets& s) {
  s.icmp.fd = ::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  if (s.icmp.fd < 0) return rampart::unexpected(fmt::format("socket: {}", std::strerror(errno)));
  if (auto r = bind_to(s.icmp.fd, o); !r) return r;
  if (o.use_icmp) return {};
  s.udp.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (s.udp.fd < 0) return rampart::unexpected(fmt::format("socket: {}", std::strerror(errno)));
  if (auto r = bind_to(s.udp.fd, o); !r) return r;
  sockaddr_in a{};
  socklen_t al = sizeof a;
  ::getsockname(s.udp.fd, reinterpret_cast<sockaddr*>(&a), &al);
  s.src_port = ntohs(a.sin_port);
  return {};
}

// Sends one probe with the given TTL; false when it could not leave (no route).
bool send_probe(const Sockets& s, const TraceProbeKey& key, int ttl) {
  int fd = key.icmp ? s.icmp.fd : s.udp.fd;
  if (::setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl) < 0) return false;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(key.target);
  uint8_t pkt[kIcmpHeader + 32] = {};  // 32 bytes of payload, the size classic traceroute sends
  if (key.icmp) {
    pkt[0] = ICMP_ECHO;
    pkt[4] = static_cast<uint8_t>(key.id >> 8);
    pkt[5] = static_cast<uint8_t>(key.id);
    pkt[6] = static_cast<uint8_t>(key.seq >> 8);
    pkt[7] = static_cast<uint8_t>(key.seq);
    uint16_t c = inet_checksum(pkt, sizeof pkt);
    std::memcpy(&pkt[2], &c, 2);
  } else {
    to.sin_port = htons(key.dst_port);
  }
  return ::sendto(fd, pkt, sizeof pkt, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) >= 0;
}

TraceProbe await_answer(int fd, const TraceProbeKey& key,
                        std::chrono::steady_clock::time_point sent, int timeout_seconds) {
  using namespace std::chrono;
  auto deadline = sent + seconds(timeout_seconds);
  uint8_t buf[2048];
  for (;;) {
    sockaddr_in from{};
    size_t n = receive_before(fd, buf, sizeof buf, from, deadline);
    if (n == 0) return {};
    uint32_t who = ntohl(from.sin_addr.s_addr);
    auto reply = parse_trace_reply(buf, n, who, key);
    if (!reply) continue;
    auto rtt = duration_cast<milliseconds>(steady_clock::now() - sent).count();
    return {true, who, static_cast<uint32_t>(rtt), *reply};
  }
}

}  // namespace

std::optional<TraceReply> parse_trace_reply(const uint8_t* buf, size_t n, uint32_t from,
                                            const TraceProbeKey& key) {
  if (n < kIpHeader + kIcmpHeader) return std::nullopt;
  size_t ihl = static_cast<size_t>(buf[0] & 0x0f) * 4;
  if (ihl < kIpHeader || n < ihl + kIcmpHeader) return std::nullopt;
  const uint8_t* icmp = buf + ihl;
  size_t left = n - ihl;
  if (icmp[0] == ICMP_ECHOREPLY)
    return key.icmp && from == key.target && be16(icmp + 4) == key.id && be16(icmp + 6) == key.seq
               ? std::optional<TraceReply>(TraceReply{TraceAnswer::Reached, 0})
               : std::nullopt;
  if (icmp[0] != ICMP_TIME_EXCEEDED && icmp[0] != ICMP_DEST_UNREACH) return std::nullopt;
  if (!quotes_probe(icmp + kIcmpHeader, left - kIcmpHeader, from, key)) return std::nullopt;
  if (icmp[0] == ICMP_TIME_EXCEEDED) return TraceReply{TraceAnswer::TimeExceeded, 0};
  // A port unreachable to a UDP probe is the target refusing it: the probe arrived.
  if (!key.icmp && icmp[1] == ICMP_PORT_UNREACH) return TraceReply{TraceAnswer::Reached, 0};
  return TraceReply{TraceAnswer::Unreachable, icmp[1]};
}

rampart::expected<std::vector<TraceHop>, std::string> traceroute(const TraceOptions& o) {
  Sockets s;
  if (auto r = open_sockets(o, s); !r) return rampart::unexpected(r.error());
  TraceProbeKey key;
  key.icmp = o.use_icmp;
  key.target = o.target;
  key.src_port = s.src_port;
  key.id = next_echo_id.fetch_add(1);
  std::vector<TraceHop> hops;
  int n = 0;
  for (int ttl = o.min_ttl; ttl <= o.max_ttl; ++ttl) {
    TraceHop hop{ttl, {}};
    bool done = false;
    for (int i = 0; i < o.probes; ++i, ++n) {
      key.seq = static_cast<uint16_t>(n);
      key.dst_port = static_cast<uint16_t>(o.port + n);
      auto sent = std::chrono::steady_clock::now();
      TraceProbe p;
      if (send_probe(s, key, ttl)) p = await_answer(s.icmp.fd, key, sent, o.timeout_seconds);
      done = done || (p.answered && p.reply.answer != TraceAnswer::TimeExceeded);
      hop.probes.push_back(p);
    }
    hops.push_back(std::move(hop));
    if (done) break;
  }
  return hops;
}

}  // namespace rampart::platform
