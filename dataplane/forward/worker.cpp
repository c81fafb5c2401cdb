#include "dataplane/forward/worker.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <set>

#include "dataplane/forward/encap.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/next_hop.hpp"
#include "platform/packet_port.hpp"

namespace rampart::dataplane {

using namespace ipv4;

struct Worker::Impl {
  Impl(Sad& sad, const std::vector<PortConfig>& cfg) : sad(sad), cfg(cfg), hops(cfg) {}

  Sad& sad;
  const std::vector<PortConfig>& cfg;
  std::vector<platform::PacketPort> ports;
  NextHops hops;
  int wake = -1;
  // Builds the ESP packets (and fragments, and ICMP errors) with room for Ethernet in front.
  Encapsulator enc{sad.counters(),
                   [this](uint32_t dst, uint8_t* ip, size_t len) { transmit(dst, ip, len); }};
  // Gratuitous ARP: the clients' addresses already announced, and the SAD generation seen.
  std::set<uint32_t> announced;
  uint64_t generation = ~uint64_t{0};

  DataplaneCounters& counters() { return sad.counters(); }
  const PortConfig* outside_port() const {
    for (const auto& p : cfg)
      if (p.outside) return &p;
    return nullptr;
  }

  // Sends an IPv4 packet that has kEth bytes of room before it toward dst.
  void transmit(uint32_t dst, uint8_t* ip, size_t len) {
    auto hop = hops.route(dst);
    if (!hop) {
      ++counters().no_route;
      return;
    }
    // A decrypted packet larger than the egress port's MTU (a client with jumbo frames toward
    // a 1500-byte inside): the NIC or the peer would drop the frame unseen, so it is dropped
    // and counted here. (Fragmenting it, or ICMP back through the tunnel, is not done yet.)
    if (len > cfg[hop->port].mtu) {
      ++counters().egress_too_big;
      return;
    }
    uint8_t* eth = ip - kEth;
    put16(eth + 12, kTypeIpv4);
    if (const auto* mac = hops.mac(hop->address)) {
      std::memcpy(eth, mac->data(), 6);
      std::memcpy(eth + 6, cfg[hop->port].mac.data(), 6);
      ports[hop->port].queue(eth, len + kEth);
    } else if (!hops.hold(*hop, eth, len + kEth)) {
      ++counters().no_adjacency;
    }
  }

  void flush() {
    for (auto& p : ports) {
      if (!p.queued()) continue;
      auto r = p.flush();
      counters().transmitted += r.sent;
      counters().tx_failed += r.failed;
    }
  }

  void release_held() {
    hops.release(
        [&](size_t port, const std::array<uint8_t, 6>& mac, uint8_t* f, size_t len) {
          std::memcpy(f, mac.data(), 6);
          std::memcpy(f + 6, cfg[port].mac.data(), 6);
          ports[port].queue(f, len);
        },
        [&] { ++counters().no_adjacency; });
  }

  // ---- outside: ESP in, cleartext out --------------------------------------------------------

  void outside(uint8_t* f, size_t len) {
    if (len < kEth + 20 || get16(f + 12) != kTypeIpv4) return;
    uint8_t* ip = f + kEth;
    size_t ihl = (ip[0] & 0x0f) * 4u;
    size_t total = get16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || total > len - kEth || total < ihl) return;
    uint32_t dst = get32(ip + 16);
    if (std::none_of(cfg.begin(), cfg.end(), [&](const auto& p) { return p.address == dst; }))
      return;
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
    ++counters().frames;
    uint8_t* inner = nullptr;
    size_t inner_len = 0;
    bool found = sad.with_inbound(get32(esp), [&](Sad::Entry& e) {
      uint8_t nh = 0;
      EspDrop drop;
      inner_len = e.in->decap(esp, esp_len, &inner, &nh, &drop);
      if (!inner_len) return;
      // Our SAs carry IPv4 in tunnel mode. What decrypts to anything else is the ASA's
      // "#pkts invalid ip version (rcv)": typically the client's own IPv6 (a Router
      // Solicitation, MLD reports) that its kernel sends into the tunnel device as soon as it
      // is up. vpnc wraps it as next header 4, so the version nibble decides too.
      if (nh != 4 || inner_len < 20 || (inner[0] >> 4) != 4) {
        ++e.invalid_ip_version;
        ++counters().inner_not_ipv4;
        inner_len = 0;
        return;
      }
      // The SA carries only its selectors (RFC 4301 5.2): an IPv4 packet that decrypts but
      // whose addresses do not belong is "#pkts invalid identity (rcv)".
      if (!e.spec.remote_ts.contains(get32(inner + 12)) ||
          !e.spec.local_ts.contains(get32(inner + 16))) {
        ++e.invalid_identity;
        ++counters().policy_mismatch;
        inner_len = 0;
      }
    });
    if (!found) {
      ++counters().no_sa;
      return;
    }
    if (!inner_len) return;
    ++counters().decapsulated;
    if (inner[8] <= 1) {
      ++counters().ttl_expired;
      return;
    }
    decrement_ttl(inner);
    // The ESP header in front of the inner packet is the room for its Ethernet header.
    transmit(get32(inner + 16), inner, std::min<size_t>(get16(inner + 2), inner_len));
  }

  // ---- inside: cleartext in, ESP out ---------------------------------------------------------

  void inside(size_t port, uint8_t* f, size_t len, bool csum_pending) {
    if (len < kEth + 20) return;
    if (get16(f + 12) == kTypeArp) return arp(port, f, len);
    if (get16(f + 12) != kTypeIpv4 || std::memcmp(f, cfg[port].mac.data(), 6) != 0) return;
    uint8_t* ip = f + kEth;
    size_t total = get16(ip + 2);
    if ((ip[0] >> 4) != 4 || total > len - kEth || total < 20) return;
    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    if (std::any_of(cfg.begin(), cfg.end(), [&](const auto& p) { return p.address == dst; }))
      return;                // for the box itself
    if (ip[8] <= 1) return;  // the kernel answers with time-exceeded
    const PortConfig* out = outside_port();
    if (!out) return;
    struct Icmp {
      uint32_t to = 0;
      size_t len = 0;
    } icmp_error;
    bool found = sad.with_outbound(src, dst, [&](Sad::Entry& e) {
      if (csum_pending) complete_l4_checksum(ip, total);
      icmp_error = {src, enc.encapsulate(e, *out, cfg[port].address, ip, total)};
    });
    if (!found) {
      // Traffic a crypto map protects goes nowhere in clear: it waits for its tunnel.
      if (sad.acquire(src, dst)) ++counters().tunnel_pending;
      return;  // otherwise not ours: the kernel decides
    }
    ++counters().frames;
    // Sent once the SA is released: the route lookup may take a while.
    if (icmp_error.len) transmit(icmp_error.to, enc.icmp(), icmp_error.len);
  }

  // ---- ARP for the clients' addresses --------------------------------------------------------

  // The pool may share the inside subnet: hosts there ARP for a client's address, and we answer
  // for it (proxy ARP) while its SA is up.
  void arp(size_t port, const uint8_t* f, size_t len) {
    const uint8_t* a = f + kEth;
    if (len < kEth + 28 || get16(a) != 1 || get16(a + 2) != kTypeIpv4 || a[4] != 6 || a[5] != 4 ||
        get16(a + 6) != 1)
      return;
    uint32_t target = get32(a + 24);
    const PortConfig& p = cfg[port];
    uint32_t m = mask_of(p.prefix);
    if ((target & m) != (p.address & m) || target == p.address || !sad.is_remote_host(target))
      return;
    uint8_t r[kEth + 28];
    std::memcpy(r, a + 8, 6);  // to the asker
    std::memcpy(r + 6, p.mac.data(), 6);
    put16(r + 12, kTypeArp);
    uint8_t* b = r + kEth;
    put16(b, 1);
    put16(b + 2, kTypeIpv4);
    b[4] = 6;
    b[5] = 4;
    put16(b + 6, 2);  // reply
    std::memcpy(b + 8, p.mac.data(), 6);
    put32(b + 14, target);
    std::memcpy(b + 18, a + 8, 10);  // the asker's MAC and address
    ports[port].queue(r, sizeof r);
    ++counters().arp_replies;
  }

  // Announces clients' addresses that fall in an inside subnet when their SA comes up, so that
  // neighbours' caches point at us (the ASA's "Gratuitous ARP sent for ...").
  void announce() {
    uint64_t g = sad.generation();
    if (g == generation) return;
    generation = g;
    auto hosts = sad.remote_hosts();
    std::set<uint32_t> now(hosts.begin(), hosts.end());
    for (uint32_t h : now) {
      if (announced.count(h)) continue;
      for (size_t i = 0; i < cfg.size(); ++i) {
        uint32_t m = mask_of(cfg[i].prefix);
        if (cfg[i].outside || (h & m) != (cfg[i].address & m)) continue;
        uint8_t r[kEth + 28] = {};
        std::memset(r, 0xff, 6);
        std::memcpy(r + 6, cfg[i].mac.data(), 6);
        put16(r + 12, kTypeArp);
        uint8_t* b = r + kEth;
        put16(b, 1);
        put16(b + 2, kTypeIpv4);
        b[4] = 6;
        b[5] = 4;
        put16(b + 6, 1);  // a request for itself: sender and target address are the client's
        std::memcpy(b + 8, cfg[i].mac.data(), 6);
        put32(b + 14, h);
        put32(b + 24, h);
        ports[i].queue(r, sizeof r);
        ++counters().arp_announced;
      }
    }
    announced = std::move(now);
  }
};

Worker::Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base, bool announces)
    : sad_(sad), cfg_(std::move(ports)), fanout_base_(fanout_base), announces_(announces) {}

Worker::~Worker() {
  stop();
}

rampart::expected<void, std::string> Worker::start() {
  impl_ = std::make_unique<Impl>(sad_, cfg_);
  for (size_t i = 0; i < cfg_.size(); ++i) {
    auto port =
        platform::PacketPort::open(cfg_[i].ifindex, static_cast<uint16_t>(fanout_base_ + i));
    if (!port) return rampart::unexpected(cfg_[i].name + ": " + port.error());
    impl_->ports.push_back(std::move(*port));
  }
  impl_->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  stop_ = false;
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "dp-worker");  // as top -H and the benchmarks see it
    Impl& m = *impl_;
    std::vector<pollfd> fds;
    for (const auto& p : m.ports) fds.push_back({p.fd(), POLLIN, 0});
    fds.push_back({m.wake, POLLIN, 0});
    if (m.hops.event_fd() >= 0) fds.push_back({m.hops.event_fd(), POLLIN, 0});
    while (!stop_) {
      int n = ::poll(fds.data(), fds.size(), m.hops.holding() ? 10 : 100);
      if (fds.back().fd == m.hops.event_fd() && (fds.back().revents & POLLIN)) m.hops.on_event();
      m.release_held();
      if (announces_) m.announce();
      if (n > 0)
        for (size_t i = 0; i < m.ports.size(); ++i) {
          m.ports[i].drain([&](uint8_t* f, size_t len, bool csum_pending) {
            if (cfg_[i].outside)
              m.outside(f, len);
            else
              m.inside(i, f, len, csum_pending);
          });
          m.flush();  // the batch leaves once per ring drained
        }
      m.flush();
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
  impl_.reset();
}

}  // namespace rampart::dataplane
