#include "dataplane/forward/afpacket_io.hpp"

#include "dataplane/forward/ring_filter.hpp"

namespace rampart::dataplane {

xdp::SocketDrops::Source ring_drops_source(int fd) {
  // SocketDrops calls it under its lock, one call at a time: a plain running total will do.
  return [fd, total = uint64_t{0}]() mutable {
    total += platform::PacketPort::take_drops(fd);
    return xdp::Drops{.packet_ring = total};
  };
}

rampart::expected<AfPacketIo, std::string> AfPacketIo::open(const std::vector<PortConfig>& ports,
                                                            uint16_t fanout_base,
                                                            xdp::SocketDrops* drops) {
  AfPacketIo io;
  io.drops_ = drops;
  for (size_t i = 0; i < ports.size(); ++i) {
    auto port =
        platform::PacketPort::open(ports[i].ifindex, static_cast<uint16_t>(fanout_base + i));
    if (!port) return rampart::unexpected(ports[i].name + ": " + port.error());
    if (auto ok = port->set_filter(ring_filter()); !ok)
      return rampart::unexpected(ports[i].name + ": " + ok.error());
    if (drops) io.drop_tokens_.push_back(drops->add(ports[i].name, ring_drops_source(port->fd())));
    io.ports_.push_back(std::move(*port));
    auto tun = platform::TunQueue::open(vpn_device_of(ports[i].name));
    if (!tun) return rampart::unexpected(tun.error());
    io.tuns_.push_back(std::move(*tun));
  }
  return io;
}

// Before the rings close: their last counts stay in the table.
AfPacketIo::~AfPacketIo() {
  if (drops_)
    for (uint64_t token : drop_tokens_) drops_->remove(token);
}

size_t AfPacketIo::receive(size_t port, const FrameFn& f, const std::function<void()>& batch_done) {
  return ports_[port].drain([&](uint8_t* frame, size_t len, bool) { f(frame, len); }, batch_done);
}

PacketIo::Flushed AfPacketIo::flush() {
  Flushed total;
  for (auto& p : ports_) {
    if (!p.queued()) continue;
    auto r = p.flush();
    total.sent += r.sent;
    total.failed += r.failed;
  }
  return total;
}

}  // namespace rampart::dataplane
