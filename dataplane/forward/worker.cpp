#include "dataplane/forward/worker.hpp"

#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "dataplane/forward/afpacket_io.hpp"
#include "dataplane/forward/afxdp_io.hpp"
#include "dataplane/forward/decap.hpp"
#include "dataplane/forward/egress.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/next_hop.hpp"
#include "dataplane/forward/outbound.hpp"

namespace rampart::dataplane {

using namespace ipv4;

namespace {
// Packets read from one TUN queue before the rings get their turn again.
constexpr int kTunBurst = 64;
}  // namespace

// The I/O and the logic units of one worker, wired together: frames from the rings go to
// decap, packets from the TUN queues to outbound, whose ESP leaves through egress.
struct Worker::Impl {
  Impl(Sad& sad, const std::vector<PortConfig>& cfg, std::unique_ptr<PacketIo> io_layer)
      : sad(sad),
        counters(sad.counters().attach()),
        owned_io(std::move(io_layer)),
        io(*owned_io),
        hops(cfg, NeighbourSource::kernel()),
        egress(cfg, hops, io, *counters),
        decap(sad, cfg, io, *counters),
        outbound(sad, cfg, egress, io, *counters),
        from_tun(kEth + Encapsulator::kMaxPacket) {}
  ~Impl() { sad.counters().detach(counters); }

  Sad& sad;
  std::shared_ptr<WorkerCounters> counters;  // this worker's own; the readers sum them
  std::unique_ptr<PacketIo> owned_io;
  PacketIo& io;
  NextHops hops;
  Egress egress;
  Decapsulator decap;
  Outbound outbound;
  std::vector<uint8_t> from_tun;  // one packet read from a TUN queue
  int wake = -1;

  void flush() {
    auto r = io.flush();
    if (r.sent) counters->add(Count::Transmitted, r.sent);
    if (r.failed) counters->add(Count::TxFailed, r.failed);
  }

  // One batch for the crypto backend: what the queue holds, up to kTunBurst packets.
  void drain_tun(size_t port) {
    for (int n = 0; n < kTunBurst; ++n) {
      uint8_t* ip = from_tun.data() + kEth;
      ssize_t got = io.from_kernel(port, ip, from_tun.size() - kEth);
      if (got <= 0) break;  // EAGAIN: the queue is empty
      outbound.queue(port, ip, static_cast<size_t>(got));
    }
    outbound.complete();
  }

  // The TUN queues first (their revents are read by port index), then the wake-up and
  // neighbour events, then every descriptor of the ports' wires.
  std::vector<pollfd> poll_set(size_t n_ports) const {
    std::vector<pollfd> fds;
    for (size_t i = 0; i < n_ports; ++i) fds.push_back({io.kernel_fd(i), POLLIN, 0});
    fds.push_back({wake, POLLIN, 0});
    fds.push_back({hops.event_fd(), POLLIN, 0});  // a negative fd is ignored by poll
    std::vector<int> wire;
    for (size_t i = 0; i < n_ports; ++i) io.wire_fds(i, wire);
    for (int fd : wire) fds.push_back({fd, POLLIN, 0});
    return fds;
  }

  void run(const std::atomic<bool>& stop, size_t n_ports);
};

void Worker::Impl::run(const std::atomic<bool>& stop, size_t n_ports) {
  std::vector<pollfd> fds = poll_set(n_ports);
  const size_t events = n_ports + 1;
  while (!stop) {
    int n = ::poll(fds.data(), fds.size(), hops.holding() ? 10 : 100);
    if (fds[events].fd >= 0 && (fds[events].revents & POLLIN)) hops.on_event();
    egress.release_held();
    if (n > 0)
      for (size_t i = 0; i < n_ports; ++i) {
        // Each ring block (or socket batch) is one batch for the crypto backend (or several
        // of Sad::kMaxBatch).
        io.receive(
            i, [&](uint8_t* f, size_t len) { decap.queue(i, f, len); }, [&] { decap.complete(); });
        if (fds[i].revents & POLLIN) drain_tun(i);
        flush();  // the batch leaves once per ring and queue drained
      }
    flush();
    if (io.maintain()) fds = poll_set(n_ports);
  }
}

Worker::Worker(Sad& sad, std::vector<PortConfig> ports, uint16_t fanout_base, WorkerIo io)
    : sad_(sad), cfg_(std::move(ports)), fanout_base_(fanout_base), io_(io) {}

Worker::~Worker() {
  stop();
}

rampart::expected<void, std::string> Worker::start() {
  std::unique_ptr<PacketIo> layer;
  if (io_.kind == IoKind::AfPacket) {
    auto io = AfPacketIo::open(cfg_, fanout_base_, io_.drops);
    if (!io) return rampart::unexpected(io.error());
    layer = std::make_unique<AfPacketIo>(std::move(*io));
  } else {
    auto io = AfXdpIo::open(cfg_, fanout_base_, {io_.index, io_.count}, io_.kind, io_.drops);
    if (!io) return rampart::unexpected(io.error());
    layer = std::move(*io);
  }
  impl_ = std::make_unique<Impl>(sad_, cfg_, std::move(layer));
  impl_->wake = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  stop_ = false;
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "dp-worker");  // as top -H and the benchmarks see it
    impl_->run(stop_, cfg_.size());
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
