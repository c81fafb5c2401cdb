// PacketIo on AF_PACKET: one TPACKET_V3 ring per port (shared with the other workers through a
// fanout group, the kernel reassembling fragments before it spreads them) that takes only the
// dataplane's frames (ring_filter.hpp), batched sends that bypass the qdisc, and this worker's
// queue of each port's TUN device.
#pragma once

#include <string>
#include <vector>

#include "dataplane/forward/packet_io.hpp"
#include "dataplane/forward/port_config.hpp"
#include "dataplane/xdp/socket_drops.hpp"
#include "platform/expected.hpp"
#include "platform/packet_port.hpp"
#include "platform/tun.hpp"

namespace rampart::dataplane {

// A ring's entry for SocketDrops: the frames the ring of socket fd had no room for, summed
// across reads (the kernel starts again from 0 each time it is asked).
xdp::SocketDrops::Source ring_drops_source(int fd);

class AfPacketIo final : public PacketIo {
 public:
  // Opens the rings (fanout group fanout_base + port index) and the TUN queues, creating the
  // devices when they do not exist yet. Each ring is registered in drops (when given) while it
  // is open: what it had no room for shows in show interface.
  static rampart::expected<AfPacketIo, std::string> open(const std::vector<PortConfig>& ports,
                                                         uint16_t fanout_base,
                                                         xdp::SocketDrops* drops = nullptr);
  AfPacketIo(AfPacketIo&&) = default;  // the moved-from one has no tokens left to remove
  AfPacketIo& operator=(AfPacketIo&&) = delete;
  ~AfPacketIo() override;

  void transmit(size_t port, const uint8_t* frame, size_t len) override {
    ports_[port].queue(frame, len);
  }
  bool to_kernel(size_t port, const uint8_t* ip, size_t len) override {
    return tuns_[port].write(ip, len) == static_cast<ssize_t>(len);
  }
  size_t receive(size_t port, const FrameFn& f, const std::function<void()>& batch_done) override;
  ssize_t from_kernel(size_t port, uint8_t* buf, size_t cap) override {
    return tuns_[port].read(buf, cap);
  }
  Flushed flush() override;
  int wire_fd(size_t port) const override { return ports_[port].fd(); }
  int kernel_fd(size_t port) const override { return tuns_[port].fd(); }

 private:
  AfPacketIo() = default;
  std::vector<platform::PacketPort> ports_;
  std::vector<platform::TunQueue> tuns_;  // port i's device, this worker's queue
  xdp::SocketDrops* drops_ = nullptr;
  std::vector<uint64_t> drop_tokens_;  // the rings' entries in drops_
};

}  // namespace rampart::dataplane
