#include "dataplane/forward/worker.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "platform/netlink.hpp"
#include "platform/packet_port.hpp"

namespace rampart::dataplane {

namespace {

constexpr size_t kEth = 14;
constexpr uint16_t kIpv4Type = 0x0800;
constexpr uint8_t kProtoEsp = 50, kProtoUdp = 17;
constexpr uint16_t kNattPort = 4500;

uint16_t get16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
uint32_t get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
void put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void put32(uint8_t* p, uint32_t v) {
  put16(p, static_cast<uint16_t>(v >> 16));
  put16(p + 2, static_cast<uint16_t>(v));
}

uint16_t ip_checksum(const uint8_t* h, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += get16(h + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

// RFC 1624 incremental update for a TTL decrement.
void decrement_ttl(uint8_t* ip) {
  ip[8] -= 1;
  uint32_t sum = uint32_t{get16(ip + 10)} + 0x0100;
  sum = (sum & 0xffff) + (sum >> 16);
  put16(ip + 10, static_cast<uint16_t>(sum));
}

// Completes the TCP or UDP checksum of an IPv4 packet whose sender left it to offload.
void complete_l4_checksum(uint8_t* ip, size_t total) {
  size_t ihl = (ip[0] & 0x0f) * 4u;
  uint8_t proto = ip[9];
  if ((proto != 6 && proto != 17) || total <= ihl || (get16(ip + 6) & 0x3fff)) return;
  size_t len = total - ihl;
  size_t at = proto == 6 ? 16 : 6;  // checksum offset in the TCP / UDP header
  if (len < at + 2) return;
  uint8_t* l4 = ip + ihl;
  l4[at] = l4[at + 1] = 0;
  uint32_t sum = get16(ip + 12) + get16(ip + 14) + get16(ip + 16) + get16(ip + 18) + proto +
                 static_cast<uint32_t>(len);
  for (size_t i = 0; i + 1 < len; i += 2) sum += get16(l4 + i);
  if (len & 1) sum += uint32_t{l4[len - 1]} << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  uint16_t c = static_cast<uint16_t>(~sum);
  if (proto == 17 && c == 0) c = 0xffff;
  put16(l4 + at, c);
}

uint32_t mask_of(int prefix) {
  return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~((1u << (32 - prefix)) - 1);
}

}  // namespace

struct Worker::Impl {
  std::vector<platform::PacketPort> ports;
  int wake = -1;
  std::optional<platform::Netlink> nl;
  std::map<uint32_t, std::array<uint8_t, 6>> neighbours;
  std::vector<platform::RouteEntry> routes;
  std::chrono::steady_clock::time_point refreshed{};
  int resolver = -1;  // a UDP socket whose sends make the kernel resolve a neighbour
  // Frames held while their next hop is being resolved (as the kernel holds a few per
  // neighbour): sent when the MAC appears, dropped after a second.
  struct Held {
    size_t port;
    std::vector<uint8_t> frame;  // Ethernet header left blank
    std::chrono::steady_clock::time_point since;
  };
  std::multimap<uint32_t, Held> held;
  static constexpr size_t kHeldPerHop = 3, kHeldTotal = 256;
  uint16_t ip_id = 1;
  std::vector<uint8_t> out = std::vector<uint8_t>(65536 + 256);

  void refresh() {
    auto now = std::chrono::steady_clock::now();
    auto every = held.empty() ? std::chrono::milliseconds(200) : std::chrono::milliseconds(10);
    if (now - refreshed < every) return;
    refreshed = now;
    if (!nl) return;
    if (auto n = nl->neighbours()) {
      neighbours.clear();
      for (const auto& e : *n)
        if (e.reachable) std::copy(e.mac, e.mac + 6, neighbours[e.address].begin());
    }
    if (auto r = nl->routes()) routes = *r;
  }
  void resolve(uint32_t ip) {
    // The kernel keeps ARP: a datagram to the address makes it ask (port 9, discard).
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(9);
    a.sin_addr.s_addr = htonl(ip);
    ::sendto(resolver, "", 0, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }
};

Worker::Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base)
    : sad_(sad), cfg_(std::move(ports)), fanout_base_(fanout_base) {}

Worker::~Worker() {
  stop();
}

rampart::expected<void, std::string> Worker::start() {
  impl_ = std::make_unique<Impl>();
  for (size_t i = 0; i < cfg_.size(); ++i) {
    const auto& p = cfg_[i];
    auto port = platform::PacketPort::open(
        p.ifindex, fanout_base_ ? static_cast<uint16_t>(fanout_base_ + i) : uint16_t{0});
    if (!port) return rampart::unexpected(p.name + ": " + port.error());
    impl_->ports.push_back(std::move(*port));
  }
  impl_->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  impl_->resolver = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (auto nl = platform::Netlink::open()) impl_->nl.emplace(std::move(*nl));
  stop_ = false;
  thread_ = std::thread([this] {
    Impl& m = *impl_;
    std::vector<pollfd> fds;
    for (const auto& p : m.ports) fds.push_back({p.fd(), POLLIN, 0});
    fds.push_back({m.wake, POLLIN, 0});
    // Next hop for a destination: on-link through a port, else a route's gateway.
    auto transmit = [&](uint32_t dst, uint8_t* ip, size_t len) {
      m.refresh();
      size_t port = cfg_.size();
      uint32_t hop = dst;
      for (size_t i = 0; i < cfg_.size(); ++i)
        if ((dst & mask_of(cfg_[i].prefix)) == (cfg_[i].address & mask_of(cfg_[i].prefix)))
          port = i;
      if (port == cfg_.size()) {
        int best = -1;
        for (const auto& r : m.routes)
          if (r.gateway && r.prefix > best && (dst & mask_of(r.prefix)) == r.destination)
            for (size_t i = 0; i < cfg_.size(); ++i)
              if (cfg_[i].ifindex == r.ifindex) {
                port = i;
                hop = *r.gateway;
                best = r.prefix;
              }
      }
      if (port == cfg_.size()) {
        ++sad_.counters().no_route;
        return;
      }
      uint8_t* eth = ip - kEth;  // callers leave room for the Ethernet header
      auto n = m.neighbours.find(hop);
      if (n == m.neighbours.end()) {
        if (m.held.count(hop) < Impl::kHeldPerHop && m.held.size() < Impl::kHeldTotal)
          m.held.emplace(hop, Impl::Held{port, std::vector<uint8_t>(eth, ip + len),
                                         std::chrono::steady_clock::now()});
        else
          ++sad_.counters().no_adjacency;
        m.resolve(hop);
        return;
      }
      std::memcpy(eth, n->second.data(), 6);
      std::memcpy(eth + 6, cfg_[port].mac.data(), 6);
      put16(eth + 12, kIpv4Type);
      if (m.ports[port].send(eth, len + kEth))
        ++sad_.counters().transmitted;
      else
        ++sad_.counters().tx_failed;
    };
    auto release_held = [&] {
      if (m.held.empty()) return;
      m.refresh();
      auto now = std::chrono::steady_clock::now();
      for (auto it = m.held.begin(); it != m.held.end();) {
        auto n = m.neighbours.find(it->first);
        if (n != m.neighbours.end()) {
          auto& f = it->second.frame;
          std::memcpy(f.data(), n->second.data(), 6);
          std::memcpy(f.data() + 6, cfg_[it->second.port].mac.data(), 6);
          put16(f.data() + 12, kIpv4Type);
          if (m.ports[it->second.port].send(f.data(), f.size()))
            ++sad_.counters().transmitted;
          else
            ++sad_.counters().tx_failed;
          it = m.held.erase(it);
        } else if (now - it->second.since > std::chrono::seconds(1)) {
          ++sad_.counters().no_adjacency;
          it = m.held.erase(it);
        } else {
          ++it;
        }
      }
    };

    auto outside = [&](uint8_t* f, size_t len) {
      if (len < kEth + 20 || get16(f + 12) != kIpv4Type) return;
      uint8_t* ip = f + kEth;
      size_t ihl = (ip[0] & 0x0f) * 4u;
      size_t total = get16(ip + 2);
      if ((ip[0] >> 4) != 4 || ihl < 20 || total > len - kEth || total < ihl) return;
      bool for_us = false;
      for (const auto& p : cfg_) for_us |= p.address == get32(ip + 16);
      if (!for_us) return;
      uint8_t* esp = nullptr;
      size_t esp_len = 0;
      if (ip[9] == kProtoEsp) {
        esp = ip + ihl;
        esp_len = total - ihl;
      } else if (ip[9] == kProtoUdp && total >= ihl + 8 + 8 && get16(ip + ihl + 2) == kNattPort &&
                 get32(ip + ihl + 8) != 0) {
        esp = ip + ihl + 8;  // RFC 3948: ESP right after the UDP header, no marker
        esp_len = total - ihl - 8;
      } else {
        return;  // IKE, keepalives and everything else are the kernel's
      }
      ++sad_.counters().frames;
      uint32_t spi = get32(esp);
      uint8_t* inner = nullptr;
      size_t inner_len = 0;
      bool found = sad_.with_inbound(spi, [&](Sad::Entry& e) {
        uint8_t nh = 0;
        EspDrop drop;
        inner_len = e.in->decap(esp, esp_len, &inner, &nh, &drop);
        if (!inner_len) {
          return;
        }
        // The SA carries only its selectors (RFC 4301 5.2): a packet that decrypts but does not
        // belong is dropped.
        if (nh != 4 || inner_len < 20 || !e.spec.remote_ts.contains(get32(inner + 12)) ||
            !e.spec.local_ts.contains(get32(inner + 16))) {
          ++sad_.counters().policy_mismatch;
          inner_len = 0;
        }
      });
      if (!found) {
        ++sad_.counters().no_sa;
        return;
      }
      if (!inner_len) return;
      ++sad_.counters().decapsulated;
      if (inner[8] <= 1) {
        ++sad_.counters().ttl_expired;
        return;
      }
      decrement_ttl(inner);
      // Room for an Ethernet header before the inner packet: the ESP header is there.
      transmit(get32(inner + 16), inner,
               get16(inner + 2) <= inner_len ? get16(inner + 2) : inner_len);
    };

    auto inside = [&](size_t port, uint8_t* f, size_t len, bool csum_pending) {
      if (len < kEth + 20 || get16(f + 12) != kIpv4Type ||
          std::memcmp(f, cfg_[port].mac.data(), 6) != 0)
        return;
      uint8_t* ip = f + kEth;
      size_t total = get16(ip + 2);
      if ((ip[0] >> 4) != 4 || total > len - kEth || total < 20) return;
      uint32_t src = get32(ip + 12), dst = get32(ip + 16);
      for (const auto& p : cfg_)
        if (p.address == dst) return;  // for the box itself
      if (ip[8] <= 1) return;          // the kernel answers with time-exceeded
      // Outer IPv4 header (+ UDP) then ESP, after room for Ethernet. The path MTU is the
      // outside port's: what would not fit is fragmented before encryption (DF clear, the
      // ASA's default "fragmentation before-encryption") or refused with ICMP
      // fragmentation-needed to its sender (DF set), so that its PMTU discovery adapts.
      uint32_t mtu = 1500;
      for (const auto& p : cfg_)
        if (p.outside) mtu = p.mtu;
      struct Out {
        uint32_t peer = 0;
        size_t at = 0, len = 0;
      };
      std::vector<Out> sent;
      bool found = sad_.with_outbound(src, dst, [&](Sad::Entry& e) {
        if (csum_pending) complete_l4_checksum(ip, total);
        bool udp = e.spec.local_port && e.spec.peer_port;
        size_t head = 20 + (udp ? 8 : 0);
        auto fits = [&](size_t inner) { return head + inner + e.out->overhead(inner) <= mtu; };
        auto encap_one = [&](const uint8_t* pkt, size_t plen) {
          uint8_t* eth = m.out.data();
          uint8_t* outer = eth + kEth;
          EspDrop drop;
          size_t esp_len = e.out->encap(pkt, plen, outer + head, m.out.size() - kEth - head, &drop);
          if (!esp_len) {
            ++sad_.counters().too_big;
            return;
          }
          size_t outer_len = head + esp_len;
          outer[0] = 0x45;
          outer[1] = pkt[1];  // DSCP copied, as the ASA does
          put16(outer + 2, static_cast<uint16_t>(outer_len));
          put16(outer + 4, m.ip_id++);
          put16(outer + 6, get16(pkt + 6) & 0x4000);  // copy-df
          outer[8] = 64;
          outer[9] = udp ? kProtoUdp : kProtoEsp;
          put16(outer + 10, 0);
          put32(outer + 12, e.spec.local);
          put32(outer + 16, e.spec.peer);
          put16(outer + 10, ip_checksum(outer, 20));
          if (udp) {
            put16(outer + 20, e.spec.local_port);
            put16(outer + 22, e.spec.peer_port);
            put16(outer + 24, static_cast<uint16_t>(8 + esp_len));
            put16(outer + 26, 0);  // RFC 3948 3.1.1: zero UDP checksum
          }
          ++sad_.counters().encapsulated;
          transmit(e.spec.peer, outer, outer_len);
        };
        if (fits(total)) {
          decrement_ttl(ip);
          encap_one(ip, total);
          return;
        }
        // The largest inner packet that still fits, fragment payloads in multiples of 8.
        size_t room = mtu > head ? mtu - head : 0;
        while (room > 68 && !fits(room)) --room;
        size_t ihl = (ip[0] & 0x0f) * 4u;
        if (get16(ip + 6) & 0x4000) {
          // DF: tell the sender (RFC 1191) instead of fragmenting.
          uint8_t* icmp_eth = m.out.data() + 8192;
          uint8_t* h = icmp_eth + kEth;
          size_t quote = std::min(total, ihl + 8);
          size_t ilen = 20 + 8 + quote;
          h[0] = 0x45;
          h[1] = 0xc0;
          put16(h + 2, static_cast<uint16_t>(ilen));
          put16(h + 4, m.ip_id++);
          put16(h + 6, 0);
          h[8] = 64;
          h[9] = 1;
          put16(h + 10, 0);
          put32(h + 12, cfg_[port].address);
          put32(h + 16, src);
          put16(h + 10, ip_checksum(h, 20));
          uint8_t* icmp = h + 20;
          icmp[0] = 3;  // destination unreachable
          icmp[1] = 4;  // fragmentation needed and DF set
          put16(icmp + 2, 0);
          put16(icmp + 4, 0);
          put16(icmp + 6, static_cast<uint16_t>(room));
          std::memcpy(icmp + 8, ip, quote);
          put16(icmp + 2, ip_checksum(icmp, 8 + quote));
          ++e.pmtu_sent;
          sent.push_back({src, 8192, ilen});
          return;
        }
        size_t chunk = (room - ihl) / 8 * 8;
        if (chunk < 8) {
          ++e.prefrag_failed;
          ++sad_.counters().too_big;
          return;
        }
        decrement_ttl(ip);  // forwarded, in pieces
        uint8_t frag[2048];
        size_t payload = total - ihl;
        uint16_t base_off = get16(ip + 6) & 0x1fff;
        bool more_after = get16(ip + 6) & 0x2000;
        for (size_t off = 0; off < payload; off += chunk) {
          size_t n = std::min(chunk, payload - off);
          std::memcpy(frag, ip, ihl);
          std::memcpy(frag + ihl, ip + ihl + off, n);
          bool more = off + n < payload || more_after;
          put16(frag + 2, static_cast<uint16_t>(ihl + n));
          put16(frag + 6, static_cast<uint16_t>((more ? 0x2000 : 0) | (base_off + off / 8)));
          put16(frag + 10, 0);
          put16(frag + 10, ip_checksum(frag, ihl));
          ++e.fragments;
          encap_one(frag, ihl + n);
        }
        ++e.prefrag_ok;
      });
      if (!found) return;  // not ours: the kernel decides
      ++sad_.counters().frames;
      for (const auto& o : sent) transmit(o.peer, m.out.data() + o.at + kEth, o.len);
    };

    while (!stop_) {
      int n = ::poll(fds.data(), fds.size(), m.held.empty() ? 100 : 10);
      release_held();
      if (n <= 0) continue;
      for (size_t i = 0; i < m.ports.size(); ++i)
        m.ports[i].drain([&](uint8_t* f, size_t len, bool csum_pending) {
          if (cfg_[i].outside)
            outside(f, len);
          else
            inside(i, f, len, csum_pending);
        });
    }
  });
  return {};
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  stop_ = true;
  uint64_t one = 1;
  (void)!::write(impl_->wake, &one, sizeof one);
  thread_.join();
  ::close(impl_->wake);
  ::close(impl_->resolver);
  impl_.reset();
}

}  // namespace rampart::dataplane
