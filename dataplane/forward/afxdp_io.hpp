// PacketIo on AF_XDP: an AF_XDP socket with its own UMEM on each of this worker's share of a
// port's RX queues, fed by our XDP program (dataplane/xdp/steer.bpf.c), which steers only the
// ESP and ESP-in-UDP addressed to the box there and passes everything else to the kernel.
// Under the sockets the AF_PACKET rings and the TUN queues of AfPacketIo stay open: they take
// what the program passes that is still ours (fragments, which the kernel reassembles before
// the rings' fanout; frames too large for a UMEM frame; a queue with no socket yet) and they
// send what a socket cannot (a frame larger than a UMEM frame, a full TX ring, a worker with
// no queue of its own on that port). So a port where XDP is refused, or a socket that is
// lost, degrades to AF_PACKET and never drops what AF_PACKET alone would have carried.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/forward/afpacket_io.hpp"
#include "dataplane/forward/io_choice.hpp"
#include "dataplane/xdp/socket_drops.hpp"
#include "dataplane/xdp/steer_program.hpp"
#include "dataplane/xdp/xsk_port.hpp"

namespace rampart::dataplane {

class AfXdpIo final : public PacketIo {
 public:
  // This worker's share of each port's RX queues: queue q is worker (q mod count)'s.
  struct Share {
    size_t index = 0, count = 1;
  };
  // Opens the AF_PACKET layer (as AfPacketIo::open), then the program and the sockets, port by
  // port; a port where either fails runs on the AF_PACKET layer alone (logged once). Each
  // socket is registered in drops (when given) while it is open, for show interface.
  static rampart::expected<std::unique_ptr<AfXdpIo>, std::string> open(
      const std::vector<PortConfig>& ports, uint16_t fanout_base, Share share, IoKind asked,
      xdp::SocketDrops* drops = nullptr);
  ~AfXdpIo() override;

  void transmit(size_t port, const uint8_t* frame, size_t len) override;
  bool to_kernel(size_t port, const uint8_t* ip, size_t len) override {
    return base_.to_kernel(port, ip, len);
  }
  size_t receive(size_t port, const FrameFn& f, const std::function<void()>& batch_done) override;
  ssize_t from_kernel(size_t port, uint8_t* buf, size_t cap) override {
    return base_.from_kernel(port, buf, cap);
  }
  Flushed flush() override;
  int wire_fd(size_t port) const override { return base_.wire_fd(port); }
  void wire_fds(size_t port, std::vector<int>& out) const override;
  int kernel_fd(size_t port) const override { return base_.kernel_fd(port); }
  bool maintain() override;

 private:
  struct Port {
    std::string name;
    std::shared_ptr<xdp::SteerProgram> program;  // null: AF_PACKET alone
    std::vector<uint32_t> claimed;               // this worker's queues
    std::vector<std::unique_ptr<xdp::XskPort>> sockets;
    std::vector<uint64_t> drop_tokens;  // the sockets' entries in drops_
    bool in_rx_dropped = false;         // the driver counts failed redirects (SocketDrops)
    std::string why_not;                // the last bind's failure, for the log
  };
  explicit AfXdpIo(AfPacketIo&& base) : base_(std::move(base)) {}
  void setup_port(size_t i, const PortConfig& cfg, const std::vector<uint32_t>& addresses);
  bool bind_missing(Port& p);  // true when a socket was added

  AfPacketIo base_;
  std::vector<Port> ports_;
  Share share_;
  IoKind asked_ = IoKind::Auto;
  xdp::SocketDrops* drops_ = nullptr;
  std::chrono::steady_clock::time_point next_try_{};
  int tries_left_ = 40;  // 10 s of retries
};

}  // namespace rampart::dataplane
