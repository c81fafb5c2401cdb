#include "dataplane/forward/worker.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "dataplane/forward/encap.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/next_hop.hpp"
#include "platform/packet_port.hpp"
#include "platform/tun.hpp"

namespace rampart::dataplane {

using namespace ipv4;

namespace {
// Packets read from one TUN queue before the rings get their turn again.
constexpr int kTunBurst = 64;
}  // namespace

struct Worker::Impl {
  Impl(Sad& sad, const std::vector<PortConfig>& cfg)
      : sad(sad), cfg(cfg), hops(cfg), from_tun(kEth + Encapsulator::kMaxPacket) {}

  Sad& sad;
  const std::vector<PortConfig>& cfg;
  std::vector<platform::PacketPort> ports;
  std::vector<platform::TunQueue> tuns;  // port i's device, this worker's queue
  NextHops hops;
  int wake = -1;
  // Builds the ESP packets (and fragments, and ICMP errors) with room for Ethernet in front.
  Encapsulator enc{sad.counters(),
                   [this](uint32_t dst, uint8_t* ip, size_t len) { transmit(dst, ip, len); }};
  std::vector<uint8_t> from_tun;  // one packet read from a TUN queue

  DataplaneCounters& counters() { return sad.counters(); }

  // Sends an ESP packet (IPv4, kEth bytes of room before it) toward dst.
  void transmit(uint32_t dst, uint8_t* ip, size_t len) {
    auto hop = hops.route(dst);
    if (!hop) {
      ++counters().no_route;
      return;
    }
    // The encapsulation keeps to the port's MTU; a route to the peer through a port of smaller
    // MTU than the crypto map's would make a frame the NIC drops unseen: counted here.
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

  // Hands a cleartext packet to the kernel through port i's TUN device. Non-blocking: a queue
  // that takes nothing more is a counted drop, never a stalled worker.
  void to_kernel(size_t i, const uint8_t* ip, size_t len) {
    if (tuns[i].write(ip, len) == static_cast<ssize_t>(len))
      ++counters().transmitted;
    else
      ++counters().tx_failed;
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

  // ---- ESP in, cleartext to the kernel -----------------------------------------------------

  void inbound(size_t port, uint8_t* f, size_t len) {
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
      // whose addresses do not belong is "#pkts invalid identity (rcv)". Checked here, before
      // the kernel sees it: the firewall then knows the source is the peer's to claim.
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
    // As it arrived: the kernel decrements the TTL when it forwards (and answers an expired
    // one with time-exceeded through this same device and tunnel).
    to_kernel(port, inner, std::min<size_t>(get16(inner + 2), inner_len));
  }

  // ---- cleartext from the kernel, ESP out -----------------------------------------------------

  void drain_tun(size_t port) {
    for (int n = 0; n < kTunBurst; ++n) {
      uint8_t* ip = from_tun.data() + kEth;
      ssize_t got = tuns[port].read(ip, from_tun.size() - kEth);
      if (got <= 0) return;  // EAGAIN: the queue is empty
      outbound(port, ip, static_cast<size_t>(got));
    }
  }

  void outbound(size_t port, uint8_t* ip, size_t len) {
    if (len < 20 || (ip[0] >> 4) != 4) return;  // the kernel's IPv6 for the device: not ours
    size_t total = get16(ip + 2);
    size_t ihl = (ip[0] & 0x0f) * 4u;
    if (ihl < 20 || total > len || total < ihl) return;
    uint32_t src = get32(ip + 12), dst = get32(ip + 16);
    size_t icmp_len = 0;
    bool found = sad.with_outbound(src, dst, [&](Sad::Entry& e) {
      // An ICMP error for the sender (fragmentation needed) comes from this port's address.
      icmp_len = enc.encapsulate(e, cfg[port], cfg[port].address, ip, total);
    });
    if (!found) {
      // Routed into the tunnel with no SA: traffic a crypto map protects waits for its tunnel
      // (the first packet brings it up); anything else here has lost its SA (a route not yet
      // withdrawn). Either way it goes nowhere in clear.
      if (sad.acquire(src, dst))
        ++counters().tunnel_pending;
      else
        ++counters().no_sa;
      return;
    }
    ++counters().frames;
    // Sent once the SA is released. Back into the kernel, which routes it to the sender.
    if (icmp_len) to_kernel(port, enc.icmp(), icmp_len);
  }
};

Worker::Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base)
    : sad_(sad), cfg_(std::move(ports)), fanout_base_(fanout_base) {}

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
    auto tun = platform::TunQueue::open(vpn_device_of(cfg_[i].name));
    if (!tun) return rampart::unexpected(tun.error());
    impl_->tuns.push_back(std::move(*tun));
  }
  impl_->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  stop_ = false;
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "dp-worker");  // as top -H and the benchmarks see it
    Impl& m = *impl_;
    size_t n_ports = m.ports.size();
    std::vector<pollfd> fds;
    for (const auto& p : m.ports) fds.push_back({p.fd(), POLLIN, 0});
    for (const auto& t : m.tuns) fds.push_back({t.fd(), POLLIN, 0});
    fds.push_back({m.wake, POLLIN, 0});
    if (m.hops.event_fd() >= 0) fds.push_back({m.hops.event_fd(), POLLIN, 0});
    while (!stop_) {
      int n = ::poll(fds.data(), fds.size(), m.hops.holding() ? 10 : 100);
      if (fds.back().fd == m.hops.event_fd() && (fds.back().revents & POLLIN)) m.hops.on_event();
      m.release_held();
      if (n > 0)
        for (size_t i = 0; i < n_ports; ++i) {
          m.ports[i].drain([&](uint8_t* f, size_t len, bool) { m.inbound(i, f, len); });
          if (fds[n_ports + i].revents & POLLIN) m.drain_tun(i);
          m.flush();  // the batch leaves once per ring and queue drained
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
