#include "platform/packet_port.hpp"

#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rampart::platform {

rampart::expected<PacketPort, std::string> PacketPort::open(int ifindex, uint16_t fanout_group,
                                                            size_t ring_blocks, size_t block_size) {
  auto fail = [](std::string_view what) {
    return rampart::unexpected(fmt::format("{}: {}", what, std::strerror(errno)));
  };
  PacketPort p;
  p.ifindex_ = ifindex;
  p.fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (p.fd_ < 0) return fail("AF_PACKET socket");
  int v3 = TPACKET_V3;
  if (::setsockopt(p.fd_, SOL_PACKET, PACKET_VERSION, &v3, sizeof v3) != 0)
    return fail("PACKET_VERSION");
  tpacket_req3 req{};
  req.tp_block_size = static_cast<unsigned>(block_size);
  req.tp_block_nr = static_cast<unsigned>(ring_blocks);
  req.tp_frame_size = 2048;
  req.tp_frame_nr = static_cast<unsigned>(block_size / 2048 * ring_blocks);
  req.tp_retire_blk_tov = 1;  // ms: a partly filled block is handed to us soon
  if (::setsockopt(p.fd_, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
    return fail("PACKET_RX_RING");
  p.ring_size_ = block_size * ring_blocks;
  p.block_size_ = block_size;
  p.blocks_ = ring_blocks;
  void* m =
      ::mmap(nullptr, p.ring_size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, p.fd_, 0);
  if (m == MAP_FAILED)
    m = ::mmap(nullptr, p.ring_size_, PROT_READ | PROT_WRITE, MAP_SHARED, p.fd_, 0);
  if (m == MAP_FAILED) return fail("mmap ring");
  p.ring_ = static_cast<uint8_t*>(m);
  p.tx_ = std::make_unique<uint8_t[]>(kBatch * kSlot);
  int one = 1;
  ::setsockopt(p.fd_, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  // Our own transmissions are not received back.
  ::setsockopt(p.fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = ifindex;
  if (::bind(p.fd_, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) return fail("bind");
  // The dataplane forwards frames one by one: the NIC must not merge them into super-frames
  // (GRO/LRO) that no wire could carry once encrypted.
  ifreq ifr{};
  if (::if_indextoname(static_cast<unsigned>(ifindex), ifr.ifr_name)) {
    ethtool_value gro{ETHTOOL_SGRO, 0};
    ifr.ifr_data = reinterpret_cast<char*>(&gro);
    ::ioctl(p.fd_, SIOCETHTOOL, &ifr);
  }
  if (fanout_group) {
    // DEFRAG: the kernel reassembles IPv4 fragments before handing them over, so that ESP
    // that the path fragmented arrives whole (and every fragment of a datagram at one worker).
    int arg = fanout_group | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
    if (::setsockopt(p.fd_, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) != 0)
      return fail("PACKET_FANOUT");
  }
  return p;
}

rampart::expected<void, std::string> PacketPort::set_filter(std::span<const sock_filter> program) {
  sock_fprog prog{static_cast<unsigned short>(program.size()),
                  const_cast<sock_filter*>(program.data())};
  if (::setsockopt(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0)
    return rampart::unexpected(fmt::format("SO_ATTACH_FILTER: {}", std::strerror(errno)));
  return {};
}

uint64_t PacketPort::take_drops(int fd) {
  tpacket_stats_v3 st{};
  socklen_t len = sizeof st;
  if (::getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0) return 0;
  return st.tp_drops;
}

PacketPort::PacketPort(PacketPort&& o) noexcept {
  *this = std::move(o);
}

PacketPort& PacketPort::operator=(PacketPort&& o) noexcept {
  if (this != &o) {
    this->~PacketPort();
    fd_ = o.fd_;
    ifindex_ = o.ifindex_;
    ring_ = o.ring_;
    ring_size_ = o.ring_size_;
    block_size_ = o.block_size_;
    blocks_ = o.blocks_;
    next_block_ = o.next_block_;
    tx_ = std::move(o.tx_);
    std::copy(o.tx_len_, o.tx_len_ + kBatch, tx_len_);
    queued_ = o.queued_;
    pending_ = o.pending_;
    o.queued_ = 0;
    o.fd_ = -1;
    o.ring_ = nullptr;
  }
  return *this;
}

PacketPort::~PacketPort() {
  if (ring_) ::munmap(ring_, ring_size_);
  if (fd_ >= 0) ::close(fd_);
  ring_ = nullptr;
  fd_ = -1;
}

size_t PacketPort::drain(const std::function<void(uint8_t*, size_t, bool)>& f,
                         const std::function<void()>& block_done) {
  size_t frames = 0;
  for (size_t seen = 0; seen < blocks_; ++seen) {
    auto* bd = reinterpret_cast<tpacket_block_desc*>(ring_ + next_block_ * block_size_);
    if (!(__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER)) break;
    uint32_t n = bd->hdr.bh1.num_pkts;
    auto* h = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<uint8_t*>(bd) +
                                              bd->hdr.bh1.offset_to_first_pkt);
    for (uint32_t i = 0; i < n; ++i) {
      f(reinterpret_cast<uint8_t*>(h) + h->tp_mac, h->tp_snaplen,
        (h->tp_status & TP_STATUS_CSUMNOTREADY) != 0);
      ++frames;
      h = reinterpret_cast<tpacket3_hdr*>(reinterpret_cast<uint8_t*>(h) + h->tp_next_offset);
    }
    if (block_done) block_done();
    // Every frame of the block is done: only now does it go back to the kernel.
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    next_block_ = (next_block_ + 1) % blocks_;
  }
  return frames;
}

void PacketPort::queue(const uint8_t* frame, size_t len) {
  if (len > kSlot) {  // jumbo frames: rare enough to leave on their own
    bool ok = ::send(fd_, frame, len, MSG_DONTWAIT) == static_cast<ssize_t>(len);
    ++(ok ? pending_.sent : pending_.failed);
    return;
  }
  if (queued_ == kBatch) {
    Sent s = flush();
    pending_.sent += s.sent;
    pending_.failed += s.failed;
  }
  std::memcpy(tx_.get() + queued_ * kSlot, frame, len);
  tx_len_[queued_++] = len;
}

PacketPort::Sent PacketPort::flush() {
  Sent r = pending_;
  pending_ = {};
  size_t done = 0;
  mmsghdr msgs[kBatch];
  iovec iov[kBatch];
  while (done < queued_) {
    size_t n = queued_ - done;
    for (size_t i = 0; i < n; ++i) {
      iov[i] = {tx_.get() + (done + i) * kSlot, tx_len_[done + i]};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int k = ::sendmmsg(fd_, msgs, static_cast<unsigned>(n), MSG_DONTWAIT);
    if (k <= 0) {
      // The device queue is full (or down): what is left of the batch is lost, as a NIC
      // would drop it; counted, never retried forever.
      r.failed += n;
      break;
    }
    r.sent += static_cast<size_t>(k);
    done += static_cast<size_t>(k);
  }
  queued_ = 0;
  return r;
}

}  // namespace rampart::platform
