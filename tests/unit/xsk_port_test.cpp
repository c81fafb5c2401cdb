// XskPort's rings against the kernel, in-process: a veth pair in a network namespace of the
// test thread's own, our XDP program on one end with an AF_XDP socket on its queue, an
// AF_PACKET socket on the other end. More frames go each way than the UMEM has frames for its
// half, so the receive path must hand every frame back through the fill ring and the send path
// must take every frame back from the completion ring; each frame arrives whole and in order.
// A socket nobody drains counts what it could not take, as show interface adds it (the
// kernel's XDP_STATISTICS through SocketDrops), and veth counts it in rx_dropped as well.
// Needs root (a namespace, CAP_BPF); elsewhere it says so and checks nothing.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

#include "dataplane/forward/ipv4.hpp"
#include "dataplane/xdp/socket_drops.hpp"
#include "dataplane/xdp/steer_program.hpp"
#include "dataplane/xdp/xsk_port.hpp"
#include "platform/netlink.hpp"
#include "tests/unit/veth_lab.hpp"

namespace xsk_port_test {

using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;
using namespace rampart::test::veth_lab;

namespace {

constexpr uint32_t kRounds = 100, kPerRound = 50;  // 5,000 frames: more than either half

// What the lab thread saw; checked on the test's own thread (Catch2 asserts from one thread).
struct Seen {
  std::string skip, error;
  uint32_t got = 0, sent = 0, seen = 0;
  bool in_order = true, whole = true, big_refused = false;
  size_t in_flight = 0;
};

void receive_rounds(xdp::XskPort& x, int peer, Seen& s) {
  for (uint32_t r = 0; r < kRounds && s.error.empty(); ++r) {
    for (uint32_t i = 0; i < kPerRound; ++i) {
      auto f = esp_frame(r * kPerRound + i);
      if (::send(peer, f.data(), f.size(), 0) != static_cast<ssize_t>(f.size()))
        s.error = "send at the peer: " + std::string(std::strerror(errno));
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (s.got < (r + 1) * kPerRound && std::chrono::steady_clock::now() < deadline) {
      pollfd p{x.fd(), POLLIN, 0};
      ::poll(&p, 1, 50);
      x.drain(
          [&](uint8_t* f, size_t len) {
            auto want = esp_frame(s.got);
            s.in_order = s.in_order && len == want.size() && std::memcmp(f, want.data(), len) == 0;
            ++s.got;
          },
          [] {});
    }
  }
}

// The box's frame n to the peer: the peer's frame with the MACs swapped.
std::vector<uint8_t> box_frame(uint32_t n) {
  auto f = esp_frame(n);
  std::swap_ranges(f.begin(), f.begin() + 6, f.begin() + 6);
  return f;
}

void send_rounds(xdp::XskPort& x, int peer, Seen& s) {
  std::vector<uint8_t> buf(4096);
  for (uint32_t r = 0; r < kRounds; ++r) {
    for (uint32_t i = 0; i < kPerRound; ++i) {
      auto f = box_frame(s.sent);
      if (x.queue(f.data(), f.size())) ++s.sent;
    }
    x.flush();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (s.seen < s.sent && std::chrono::steady_clock::now() < deadline) {
      pollfd p{peer, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) {
        x.flush();  // anything the kernel left on the TX ring
        continue;
      }
      sockaddr_ll from{};
      socklen_t from_len = sizeof from;
      ssize_t n = ::recvfrom(peer, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from),
                             &from_len);
      // Only what arrived from the box, and only ESP (nothing else is ours to count).
      if (n < static_cast<ssize_t>(kEth + 20) || from.sll_pkttype == PACKET_OUTGOING ||
          get16(buf.data() + 12) != kTypeIpv4 || buf[kEth + 9] != kProtoEsp)
        continue;
      auto want = box_frame(s.seen);
      s.whole = s.whole && n == static_cast<ssize_t>(want.size()) &&
                std::memcmp(buf.data(), want.data(), want.size()) == 0;
      ++s.seen;
    }
  }
  x.flush();
  s.in_flight = x.in_flight();
  std::vector<uint8_t> big(xdp::XskPort::kFrameSize + 1);
  s.big_refused = !x.queue(big.data(), big.size());
}

}  // namespace

TEST_CASE("XskPort receives and sends more frames than its UMEM holds, whole and in order",
          "[xdp]") {
  Seen s;
  std::string why = in_lab([&] {
    auto prog = xdp::SteerProgram::for_port(static_cast<int>(::if_nametoindex("xbox")), "xbox");
    if (!prog) {
      s.skip = "XDP program not attached (" + prog.error() + ")";
      return;
    }
    (*prog)->set_addresses({kBox});
    (*prog)->set_max_frame(xdp::XskPort::kMaxRxFrame);
    auto sock = xdp::XskPort::open("xbox", 0);
    if (!sock) {
      s.error = sock.error();
      return;
    }
    if (auto ok = (*prog)->add_socket(0, (*sock)->fd()); !ok) {
      s.error = ok.error();
      return;
    }
    int peer = peer_socket();
    if (peer < 0) {
      s.error = "no socket at the peer";
      return;
    }
    receive_rounds(**sock, peer, s);
    send_rounds(**sock, peer, s);
    ::close(peer);
  });
  if (!why.empty() || !s.skip.empty()) {
    WARN((why.empty() ? s.skip : why) << ": not checked here");
    return;
  }
  REQUIRE(s.error == "");
  CHECK(s.got == kRounds * kPerRound);  // 5,000 through 4,096 receive frames
  CHECK(s.in_order);
  CHECK(s.sent == kRounds * kPerRound);  // 5,000 through 4,096 send frames
  CHECK(s.seen == s.sent);
  CHECK(s.whole);
  CHECK(s.in_flight == 0);
  CHECK(s.big_refused);  // longer than a UMEM frame: the caller sends it by AF_PACKET
}

namespace {

// The kernel's rx_dropped for the box's end (netlink in the lab's namespace: /sys shows the
// namespace it was mounted in, not this thread's).
uint64_t box_rx_dropped() {
  auto nl = rampart::platform::Netlink::open();
  if (!nl) return 0;
  auto links = nl->links();
  if (!links) return 0;
  for (const auto& l : *links)
    if (l.name == "xbox") return l.stats.rx_dropped;
  return 0;
}

struct Flooded {
  std::string skip, error;
  bool native = false;
  uint64_t steered = 0, rx_dropped = 0;  // the program's redirects; the kernel's count's rise
  xdp::XskPort::Drops drops;             // the socket's
  xdp::Drops table, closed;              // the table's, open and after removal
};

}  // namespace

TEST_CASE("An AF_XDP socket nobody drains counts each frame it could not take, once", "[xdp]") {
  constexpr uint32_t kFlood = 5000;  // the RX ring holds XskPort::kRxFrames (4,096)
  Flooded r;
  std::string why = in_lab([&] {
    auto prog = xdp::SteerProgram::for_port(static_cast<int>(::if_nametoindex("xbox")), "xbox");
    if (!prog) {
      r.skip = "XDP program not attached (" + prog.error() + ")";
      return;
    }
    r.native = (*prog)->native();
    (*prog)->set_addresses({kBox});
    (*prog)->set_max_frame(xdp::XskPort::kMaxRxFrame);
    auto sock = xdp::XskPort::open("xbox", 0);
    if (!sock) {
      r.error = sock.error();
      return;
    }
    if (auto ok = (*prog)->add_socket(0, (*sock)->fd()); !ok) {
      r.error = ok.error();
      return;
    }
    xdp::SocketDrops table;
    uint64_t token = table.add(
        "xbox", [s = sock->get()] { return xdp::Drops::of(s->drops()); }, true);
    int peer = peer_socket();
    if (peer < 0) {
      r.error = "no socket at the peer";
      return;
    }
    uint64_t before = box_rx_dropped();
    for (uint32_t i = 0; i < kFlood; ++i) {
      auto f = esp_frame(i);
      if (::send(peer, f.data(), f.size(), 0) != static_cast<ssize_t>(f.size())) {
        r.error = "send at the peer: " + std::string(std::strerror(errno));
        break;
      }
    }
    // veth runs its receive path on the sender's CPU right after each send; wait for it anyway.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    do {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      r.steered = (*prog)->counts().steered;
      r.drops = (*sock)->drops();
    } while (r.drops.ring_full + r.drops.fill_empty + r.drops.other + xdp::XskPort::kRxFrames <
                 r.steered &&
             std::chrono::steady_clock::now() < deadline);
    r.rx_dropped = box_rx_dropped() - before;
    r.table = table.read("xbox").drops;
    table.remove(token);
    r.closed = table.read("xbox").drops;
    ::close(peer);
  });
  if (!why.empty() || !r.skip.empty()) {
    WARN((why.empty() ? r.skip : why) << ": not checked here");
    return;
  }
  REQUIRE(r.error == "");
  INFO("steered " << r.steered << ", ring full " << r.drops.ring_full << ", fill ring empty "
                  << r.drops.fill_empty << ", other " << r.drops.other << ", rx_dropped +"
                  << r.rx_dropped);
  REQUIRE(r.steered > xdp::XskPort::kRxFrames);  // the flood reached the socket past its ring
  uint64_t beyond = r.steered - xdp::XskPort::kRxFrames;
  // Every frame past what the RX ring holds is counted once, as a fill ring with no frame:
  // the kernel takes a frame from the fill ring before it looks for room on the RX ring, and
  // the RX ring has a slot for every receive frame, so a stalled worker empties the fill ring
  // first ("no buffer" in show interface, not "overrun").
  CHECK(r.drops.fill_empty == beyond);
  CHECK(r.drops.ring_full == 0);
  CHECK(r.drops.other == 0);
  // The table reads the open socket live, and keeps its counts once it is removed.
  CHECK(r.table.fill_empty == beyond);
  CHECK(r.closed.fill_empty == beyond);
  // veth in native mode counts a failed redirect in the device's rx_dropped too: why
  // SocketDrops::Reading says so, and show interface takes them out of "no buffer".
  if (r.native) CHECK(r.rx_dropped == beyond);
}
}  // namespace xsk_port_test
