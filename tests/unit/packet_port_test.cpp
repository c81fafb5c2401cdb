// The packet workers' AF_PACKET rings against the kernel, in-process (a veth pair in a network
// namespace of the test thread's own): the ring's filter (ring_filter.hpp) lets in only what
// the dataplane takes, and a ring nobody drains counts every frame it had no room for, as show
// interface adds it (PACKET_STATISTICS through SocketDrops). Needs root (a namespace); elsewhere
// it says so and checks nothing. [packet_port]
#include <catch2/catch.hpp>

#include <poll.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/forward/afpacket_io.hpp"
#include "dataplane/forward/ring_filter.hpp"
#include "dataplane/xdp/socket_drops.hpp"
#include "platform/packet_port.hpp"
#include "tests/unit/veth_lab.hpp"

namespace packet_port_test {

using namespace rampart;
using namespace rampart::dataplane::ipv4;
using namespace rampart::test::veth_lab;

namespace {

// A UDP datagram from the peer to the box: to port dport, its payload starting with first.
std::vector<uint8_t> udp_frame(uint16_t dport, uint32_t first, size_t payload = 40) {
  std::vector<uint8_t> f = esp_frame(0);
  f.resize(kEth + 20 + 8 + payload);
  uint8_t* ip = f.data() + kEth;
  write_header(ip,
               {0, 64, kProtoUdp, static_cast<uint16_t>(20 + 8 + payload), 1, 0, 0xc6336402, kBox});
  put16(ip + 20, dport);
  put16(ip + 22, dport);
  put16(ip + 24, static_cast<uint16_t>(8 + payload));
  put16(ip + 26, 0);
  if (payload >= 4) put32(ip + 28, first);
  return f;
}

std::vector<uint8_t> tcp_frame() {
  std::vector<uint8_t> f = esp_frame(0);
  write_header(f.data() + kEth, {0, 64, kProtoTcp, 20 + 48, 1, 0, 0xc6336402, kBox});
  return f;
}

std::vector<uint8_t> arp_frame() {
  std::vector<uint8_t> f = esp_frame(0);
  put16(f.data() + 12, kTypeArp);
  return f;
}

struct Received {
  std::string skip, error;
  std::vector<std::string> filtered;  // what the ring with the filter took, described
  size_t unfiltered = 0;              // what a ring without it took
};

std::string describe(const uint8_t* f, size_t len) {
  if (len < kEth + 20 || get16(f + 12) != kTypeIpv4) return "not IPv4";
  const uint8_t* ip = f + kEth;
  if (ip[9] == kProtoEsp) return "ESP " + std::to_string(get32(ip + 20));
  if (ip[9] == kProtoUdp) return "UDP " + std::to_string(get16(ip + 22));
  return "protocol " + std::to_string(ip[9]);
}

// Drains port until want frames came or a second passed, then a little longer for any extra.
void take(platform::PacketPort& port, size_t want, const std::function<void(uint8_t*, size_t)>& f) {
  size_t got = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{port.fd(), POLLIN, 0};
    ::poll(&p, 1, got >= want ? 100 : 20);
    size_t n = port.drain([&](uint8_t* frame, size_t len, bool) { f(frame, len); });
    got += n;
    if (got >= want && n == 0) break;
  }
}

}  // namespace

TEST_CASE("The rings take only ESP and ESP in UDP, not IKE or anything else", "[packet_port]") {
  Received r;
  std::string why = in_lab([&] {
    int ifindex = static_cast<int>(::if_nametoindex("xbox"));
    auto with = platform::PacketPort::open(ifindex, 0x5a00);  // a fanout group, as the workers'
    auto without = platform::PacketPort::open(ifindex);
    if (!with || !without) {
      r.error = !with ? with.error() : without.error();
      return;
    }
    if (auto ok = with->set_filter(dataplane::ring_filter()); !ok) {
      r.error = ok.error();
      return;
    }
    int peer = peer_socket();
    if (peer < 0) {
      r.error = "no socket at the peer";
      return;
    }
    std::vector<std::vector<uint8_t>> frames = {
        esp_frame(7),                     // ESP: the dataplane's
        udp_frame(kNattPort, 0x1234),     // ESP in UDP (RFC 3948): the dataplane's
        udp_frame(kNattPort, 0),          // IKE on 4500 (its zero marker): the kernel's
        udp_frame(500, 0x1234),           // IKE on 500
        udp_frame(kNattPort, 0x1234, 2),  // too short to tell: the kernel's (Decapsulator agrees)
        tcp_frame(),                      // transit or management traffic
        arp_frame(),
    };
    for (const auto& f : frames)
      if (::send(peer, f.data(), f.size(), 0) != static_cast<ssize_t>(f.size()))
        r.error = "send at the peer: " + std::string(std::strerror(errno));
    take(*with, 2, [&](uint8_t* f, size_t len) { r.filtered.push_back(describe(f, len)); });
    take(*without, frames.size(), [&](uint8_t*, size_t) { ++r.unfiltered; });
    ::close(peer);
  });
  if (!why.empty()) {
    WARN(why << ": not checked here");
    return;
  }
  REQUIRE(r.error == "");
  CHECK(r.unfiltered == 7);  // every frame reached the device's sockets
  CHECK(r.filtered == std::vector<std::string>{"ESP " + std::to_string(0x10007), "UDP 4500"});
}

TEST_CASE("A ring nobody drains counts every frame it had no room for", "[packet_port]") {
  constexpr uint32_t kFlood = 1000;  // two blocks of 4 KB hold a few dozen of them
  struct {
    std::string skip, error;
    uint64_t in_ring = 0, dropped = 0, again = 0, table = 0, closed = 0;
  } r;
  std::string why = in_lab([&] {
    auto port = platform::PacketPort::open(static_cast<int>(::if_nametoindex("xbox")), 0, 2, 4096);
    if (!port) {
      r.error = port.error();
      return;
    }
    (void)port->set_filter(dataplane::ring_filter());
    dataplane::xdp::SocketDrops table;
    uint64_t token = table.add("xbox", dataplane::ring_drops_source(port->fd()));
    int peer = peer_socket();
    if (peer < 0) {
      r.error = "no socket at the peer";
      return;
    }
    for (uint32_t i = 0; i < kFlood; ++i) {
      auto f = esp_frame(i);
      if (::send(peer, f.data(), f.size(), 0) != static_cast<ssize_t>(f.size())) {
        r.error = "send at the peer: " + std::string(std::strerror(errno));
        break;
      }
    }
    ::close(peer);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // veth's receive path
    // The table reads first (and so resets the kernel's count), then the ring is drained.
    r.table = table.read("xbox").drops.packet_ring;
    r.again = table.read("xbox").drops.packet_ring;  // the sum, not the count since the last read
    r.dropped = platform::PacketPort::take_drops(port->fd());  // 0: the table took them
    take(*port, 1, [&](uint8_t*, size_t) { ++r.in_ring; });
    table.remove(token);
    r.closed = table.read("xbox").drops.packet_ring;
  });
  if (!why.empty()) {
    WARN(why << ": not checked here");
    return;
  }
  REQUIRE(r.error == "");
  INFO("in the ring " << r.in_ring << ", counted " << r.table);
  CHECK(r.in_ring > 0);
  CHECK(r.table > 0);
  CHECK(r.in_ring + r.table == kFlood);  // each frame either in the ring or counted, once
  CHECK(r.again == r.table);
  CHECK(r.dropped == 0);
  CHECK(r.closed == r.table);  // a removed ring's counts stay in the device's
}
}  // namespace packet_port_test
