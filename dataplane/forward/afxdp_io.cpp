#include "dataplane/forward/afxdp_io.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "platform/log.hpp"

namespace rampart::dataplane {

namespace {

// A bind refused because the previous workers' socket still holds the queue (a port change
// starts the new workers first) succeeds once they stop; tried again every kRetry, for 10 s
// (tries_left_), after which the port stays on AF_PACKET for this worker.
constexpr auto kRetry = std::chrono::milliseconds(250);

// One SIOCETHTOOL request on the port (cmd: the ethtool struct, its cmd field set); false when
// the driver does not answer it.
bool ethtool(const std::string& name, void* cmd) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name.c_str(), IFNAMSIZ - 1);
  ifr.ifr_data = reinterpret_cast<char*>(cmd);
  int rc = ::ioctl(fd, SIOCETHTOOL, &ifr);
  ::close(fd);
  return rc == 0;
}

// The port's RX queues (ETHTOOL_GCHANNELS); 1 when the driver does not say.
uint32_t rx_queues(const std::string& name) {
  ethtool_channels ch{};
  ch.cmd = ETHTOOL_GCHANNELS;
  if (!ethtool(name, &ch)) return 1;
  return std::max<uint32_t>(1, ch.rx_count + ch.combined_count);
}

// The port's driver (ETHTOOL_GDRVINFO): "veth", "virtio_net", "ice"; empty when it does not say.
std::string driver_of(const std::string& name) {
  ethtool_drvinfo info{};
  info.cmd = ETHTOOL_GDRVINFO;
  if (!ethtool(name, &info)) return {};
  return std::string(info.driver, strnlen(info.driver, sizeof info.driver));
}

// Whether a frame the program redirects and a socket refuses (RX ring full, fill ring empty)
// is in the device's rx_dropped already. In native mode veth and virtio_net count a failed
// redirect there (veth measured here: tests/unit/xsk_port_test.cpp); generic mode frees the
// frame uncounted, and the NIC drivers with AF_XDP (ice, i40e, ixgbe, igc, mlx5) only trace it.
bool driver_counts_failed_redirects(const std::string& driver, bool native) {
  return native && (driver == "veth" || driver == "virtio_net");
}

}  // namespace

rampart::expected<std::unique_ptr<AfXdpIo>, std::string> AfXdpIo::open(
    const std::vector<PortConfig>& ports, uint16_t fanout_base, Share share, IoKind asked,
    xdp::SocketDrops* drops) {
  auto base = AfPacketIo::open(ports, fanout_base, drops);
  if (!base) return rampart::unexpected(base.error());
  std::unique_ptr<AfXdpIo> io(new AfXdpIo(std::move(*base)));
  io->share_ = share;
  io->asked_ = asked;
  io->drops_ = drops;
  std::vector<uint32_t> addresses;
  for (const auto& p : ports) addresses.push_back(p.address);
  for (size_t i = 0; i < ports.size(); ++i) io->setup_port(i, ports[i], addresses);
  return io;
}

// Runs on the thread that stops the worker, after its thread ended; the sockets close after
// this, once their last counts are in the table.
AfXdpIo::~AfXdpIo() {
  if (drops_)
    for (const Port& p : ports_)
      for (uint64_t token : p.drop_tokens) drops_->remove(token);
}

void AfXdpIo::setup_port(size_t i, const PortConfig& cfg, const std::vector<uint32_t>& addresses) {
  ports_.push_back(Port{.name = cfg.name});
  Port& p = ports_[i];
  // auto takes native XDP alone: generic mode would tax every frame of the port (for_port).
  auto program = xdp::SteerProgram::for_port(cfg.ifindex, cfg.name, asked_ == IoKind::AfXdp);
  if (!program) {
    // The first worker speaks for the port: one line per port and start, not one per worker.
    if (share_.index == 0) {
      platform::log(
          asked_ == IoKind::AfXdp ? platform::Severity::Error : platform::Severity::Notice,
          "dataplane: " + cfg.name + ": AF_XDP unavailable (" + program.error() +
              "), the port runs on AF_PACKET");
      report_port_io(cfg.name, program.error(), false);
    }
    return;
  }
  p.program = *program;
  p.in_rx_dropped = driver_counts_failed_redirects(driver_of(cfg.name), p.program->native());
  p.program->set_addresses(addresses);
  p.program->set_max_frame(xdp::XskPort::kMaxRxFrame);
  for (uint32_t q = 0, n = rx_queues(cfg.name); q < n; ++q)
    if (q % share_.count == share_.index) p.claimed.push_back(q);
  bind_missing(p);
  if (share_.index == 0 && p.sockets.empty()) {
    platform::log(platform::Severity::Notice, "dataplane: " + cfg.name +
                                                  ": no AF_XDP socket yet (" + p.why_not +
                                                  "); AF_PACKET carries the port meanwhile");
    report_port_io(cfg.name, "no AF_XDP socket yet: " + p.why_not, false);
  }
}

bool AfXdpIo::bind_missing(Port& p) {
  bool added = false;
  for (uint32_t q : p.claimed) {
    bool bound = std::any_of(p.sockets.begin(), p.sockets.end(),
                             [&](const auto& s) { return s->queue() == q; });
    if (bound) continue;
    auto sock = xdp::XskPort::open(p.name, q);
    if (!sock) {
      p.why_not = sock.error();
      continue;
    }
    if (auto ok = p.program->add_socket(q, (*sock)->fd()); !ok) {
      p.why_not = ok.error();
      continue;
    }
    if (share_.index == 0 && q == 0) {
      std::string how = std::string(p.program->native() ? "native" : "generic") + ", " +
                        ((*sock)->zero_copy() ? "zero-copy" : "copy mode");
      report_port_io(p.name, how, true);
      platform::log(platform::Severity::Info, "dataplane: " + p.name + ": AF_XDP (" + how + ")");
    }
    if (drops_) {
      xdp::SocketDrops::Source counts = [s = sock->get()] { return xdp::Drops::of(s->drops()); };
      p.drop_tokens.push_back(drops_->add(p.name, std::move(counts), p.in_rx_dropped));
    }
    p.sockets.push_back(std::move(*sock));
    added = true;
  }
  return added;
}

bool AfXdpIo::maintain() {
  if (tries_left_ <= 0) return false;
  auto now = std::chrono::steady_clock::now();
  if (now < next_try_) return false;
  next_try_ = now + kRetry;
  bool missing = false, added = false;
  for (Port& p : ports_) {
    if (!p.program || p.sockets.size() == p.claimed.size()) continue;
    missing = true;
    added = bind_missing(p) || added;
  }
  if (missing) --tries_left_;
  return added;
}

void AfXdpIo::transmit(size_t port, const uint8_t* frame, size_t len) {
  Port& p = ports_[port];
  if (!p.sockets.empty() && p.sockets.front()->queue(frame, len)) return;
  base_.transmit(port, frame, len);
}

size_t AfXdpIo::receive(size_t port, const FrameFn& f, const std::function<void()>& batch_done) {
  size_t n = base_.receive(port, f, batch_done);
  for (auto& s : ports_[port].sockets) n += s->drain(f, batch_done);
  return n;
}

PacketIo::Flushed AfXdpIo::flush() {
  Flushed total = base_.flush();
  for (Port& p : ports_)
    for (auto& s : p.sockets)
      if (s->queued() || s->in_flight()) total.sent += s->flush();
  return total;
}

void AfXdpIo::wire_fds(size_t port, std::vector<int>& out) const {
  out.push_back(base_.wire_fd(port));
  for (const auto& s : ports_[port].sockets) out.push_back(s->fd());
}

}  // namespace rampart::dataplane
