#include "dataplane/xdp/xsk_port.hpp"

#include <sys/mman.h>
#include <sys/socket.h>
#include <xdp/xsk.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "dataplane/xdp/bpf_error.hpp"

namespace rampart::dataplane::xdp {

namespace {

// Each ring holds every frame that can be on it: the fill and RX rings the receiving half,
// the TX and completion rings the sending half.
constexpr uint32_t kRingSize = 4096;
static_assert(kRingSize >= XskPort::kRxFrames &&
              kRingSize >= XskPort::kFrames - XskPort::kRxFrames);

}  // namespace

rampart::expected<std::unique_ptr<XskPort>, std::string> XskPort::open(const std::string& name,
                                                                       uint32_t queue) {
  std::unique_ptr<XskPort> p(new XskPort);
  p->queue_ = queue;
  p->fill_ = std::make_unique<xsk_ring_prod>();
  p->tx_ = std::make_unique<xsk_ring_prod>();
  p->comp_ = std::make_unique<xsk_ring_cons>();
  p->rx_ = std::make_unique<xsk_ring_cons>();
  size_t bytes = size_t{kFrames} * kFrameSize;
  void* area = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (area == MAP_FAILED) return rampart::unexpected("UMEM: " + bpf_error(errno));
  p->area_ = static_cast<uint8_t*>(area);
  const xsk_umem_config ucfg{.fill_size = kRingSize,
                             .comp_size = kRingSize,
                             .frame_size = kFrameSize,
                             .frame_headroom = 0,
                             .flags = 0};
  // Zero-copy first; a driver without it refuses the bind and the socket copies instead. A
  // refused bind may leave the UMEM half-registered, so each attempt makes its own.
  int err = 0;
  for (uint16_t mode : {uint16_t{XDP_ZEROCOPY}, uint16_t{XDP_COPY}}) {
    err = xsk_umem__create(&p->umem_, p->area_, bytes, p->fill_.get(), p->comp_.get(), &ucfg);
    if (err) return rampart::unexpected("UMEM: " + bpf_error(err));
    xsk_socket_config scfg{};
    scfg.rx_size = kRingSize;
    scfg.tx_size = kRingSize;
    scfg.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;  // the program is ours
    scfg.bind_flags = static_cast<uint16_t>(mode | XDP_USE_NEED_WAKEUP);
    err = xsk_socket__create(&p->xsk_, name.c_str(), queue, p->umem_, p->rx_.get(), p->tx_.get(),
                             &scfg);
    if (!err) {
      p->zero_copy_ = mode == XDP_ZEROCOPY;
      break;
    }
    p->xsk_ = nullptr;
    xsk_umem__delete(p->umem_);
    p->umem_ = nullptr;
  }
  if (err) return rampart::unexpected("AF_XDP bind: " + bpf_error(err));
  // The receiving half goes to the kernel through the fill ring; the sending half is free.
  uint32_t idx = 0;
  if (xsk_ring_prod__reserve(p->fill_.get(), kRxFrames, &idx) != kRxFrames)
    return rampart::unexpected("AF_XDP fill ring too small");
  for (uint32_t i = 0; i < kRxFrames; ++i)
    *xsk_ring_prod__fill_addr(p->fill_.get(), idx + i) = uint64_t{i} * kFrameSize;
  xsk_ring_prod__submit(p->fill_.get(), kRxFrames);
  for (uint32_t i = kRxFrames; i < kFrames; ++i) p->free_.push_back(uint64_t{i} * kFrameSize);
  p->refill_.reserve(kRxFrames);  // no allocation on the packet path
  return p;
}

XskPort::~XskPort() {
  if (xsk_) xsk_socket__delete(xsk_);
  if (umem_) xsk_umem__delete(umem_);
  if (area_) ::munmap(area_, size_t{kFrames} * kFrameSize);
}

int XskPort::fd() const {
  return xsk_socket__fd(xsk_);
}

// The fill ring has room for the whole receiving half, but the kernel publishes how far it
// has read it only after its RX batch (it takes addresses before it says so), so a batch may
// not fit at once: what does not waits in refill_ for the next call. Dropping it instead would
// lose the frames for good, and the socket would starve (fill ring empty) a few at a time.
void XskPort::refill() {
  auto n = static_cast<uint32_t>(refill_.size());
  if (!n) return;
  n = std::min(n, xsk_prod_nb_free(fill_.get(), n));
  uint32_t idx = 0;
  if (!n || xsk_ring_prod__reserve(fill_.get(), n, &idx) != n) return;
  for (uint32_t i = 0; i < n; ++i)
    *xsk_ring_prod__fill_addr(fill_.get(), idx + i) = refill_[refill_.size() - n + i];
  xsk_ring_prod__submit(fill_.get(), n);
  refill_.resize(refill_.size() - n);
}

size_t XskPort::drain(const std::function<void(uint8_t*, size_t)>& f,
                      const std::function<void()>& batch_done) {
  refill();  // what the last call could not give back
  size_t total = 0;
  // At most the receiving half per call, so that the TUN queues get their turn under load.
  while (total < kRxFrames) {
    uint32_t idx = 0;
    uint32_t n = xsk_ring_cons__peek(rx_.get(), kBatch, &idx);
    if (!n) break;
    for (uint32_t i = 0; i < n; ++i) {
      const xdp_desc* d = xsk_ring_cons__rx_desc(rx_.get(), idx + i);
      f(static_cast<uint8_t*>(xsk_umem__get_data(area_, d->addr)), d->len);
    }
    batch_done();
    for (uint32_t i = 0; i < n; ++i)
      refill_.push_back(xsk_umem__extract_addr(xsk_ring_cons__rx_desc(rx_.get(), idx + i)->addr));
    xsk_ring_cons__release(rx_.get(), n);
    refill();
    total += n;
  }
  if (total && xsk_ring_prod__needs_wakeup(fill_.get()))
    ::recvfrom(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, nullptr);
  return total;
}

bool XskPort::queue(const uint8_t* frame, size_t len) {
  if (len > kFrameSize) return false;
  if (free_.empty()) reclaim();
  if (free_.empty()) return false;
  uint32_t idx = 0;
  if (xsk_ring_prod__reserve(tx_.get(), 1, &idx) != 1) return false;
  uint64_t addr = free_.back();
  free_.pop_back();
  std::memcpy(xsk_umem__get_data(area_, addr), frame, len);
  xdp_desc* d = xsk_ring_prod__tx_desc(tx_.get(), idx);
  d->addr = addr;
  d->len = static_cast<uint32_t>(len);
  d->options = 0;
  ++queued_;
  return true;
}

size_t XskPort::flush() {
  size_t n = queued_;
  if (n) xsk_ring_prod__submit(tx_.get(), static_cast<uint32_t>(n));
  queued_ = 0;
  // In copy mode each sendto() sends a bounded batch (32 frames in the kernel) and says EAGAIN
  // while more wait; a few more calls empty the ring. What stays goes with the next flush.
  for (int kick = 0; kick < 8 && xsk_ring_prod__needs_wakeup(tx_.get()); ++kick)
    if (::sendto(fd(), nullptr, 0, MSG_DONTWAIT, nullptr, 0) >= 0 || errno != EAGAIN) break;
  reclaim();
  return n;
}

XskPort::Drops XskPort::drops() const {
  xdp_statistics st{};
  socklen_t len = sizeof st;
  if (::getsockopt(fd(), SOL_XDP, XDP_STATISTICS, &st, &len) != 0) return {};
  // rx_dropped counts the fill-ring misses too.
  uint64_t other =
      st.rx_dropped > st.rx_fill_ring_empty_descs ? st.rx_dropped - st.rx_fill_ring_empty_descs : 0;
  return {st.rx_ring_full, st.rx_fill_ring_empty_descs, other + st.rx_invalid_descs};
}

void XskPort::reclaim() {
  uint32_t idx = 0;
  uint32_t n = xsk_ring_cons__peek(comp_.get(), kFrames, &idx);
  for (uint32_t i = 0; i < n; ++i) free_.push_back(*xsk_ring_cons__comp_addr(comp_.get(), idx + i));
  if (n) xsk_ring_cons__release(comp_.get(), n);
}

}  // namespace rampart::dataplane::xdp
