#include "dataplane/forward/afpacket_io.hpp"

namespace rampart::dataplane {

rampart::expected<AfPacketIo, std::string> AfPacketIo::open(const std::vector<PortConfig>& ports,
                                                            uint16_t fanout_base) {
  AfPacketIo io;
  for (size_t i = 0; i < ports.size(); ++i) {
    auto port =
        platform::PacketPort::open(ports[i].ifindex, static_cast<uint16_t>(fanout_base + i));
    if (!port) return rampart::unexpected(ports[i].name + ": " + port.error());
    io.ports_.push_back(std::move(*port));
    auto tun = platform::TunQueue::open(vpn_device_of(ports[i].name));
    if (!tun) return rampart::unexpected(tun.error());
    io.tuns_.push_back(std::move(*tun));
  }
  return io;
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
