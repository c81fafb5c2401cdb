// What the kernel routes into a VPN device goes to the queue its IPv4 destination chooses:
// the program itself (run by the kernel on crafted frames), and a real multi-queue TUN device in
// a namespace of its own, where eight connections to one host all arrive on one queue (by the
// kernel's flow hash alone, all eight on one of two queues happens one time in 128).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>
#include <vector>

#include "platform/tun.hpp"
#include "platform/tun_steering.hpp"
#include "tests/unit/in_namespace.hpp"

namespace tun_steering_test {

using namespace rampart;

namespace {

// An Ethernet frame with an IPv4 header to dst (host order) and 8 bytes after it.
std::vector<uint8_t> frame_to(uint32_t dst) {
  std::vector<uint8_t> f(14 + 28);
  f[12] = 0x08;  // IPv4
  f[14] = 0x45;
  for (int i = 0; i < 4; ++i) f[14 + 16 + i] = static_cast<uint8_t>(dst >> (24 - 8 * i));
  return f;
}

// The queue (0 or 1) each datagram to dst arrives on, one per source port.
std::multiset<int> queues_of(platform::TunQueue (&q)[2], uint32_t dst, int flows) {
  for (int i = 0; i < flows; ++i) {
    int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(9);
    to.sin_addr.s_addr = htonl(dst);
    (void)::sendto(s, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    ::close(s);
  }
  std::multiset<int> seen;
  uint8_t buf[2048];
  for (int round = 0; round < 50 && static_cast<int>(seen.size()) < flows; ++round) {
    for (int k = 0; k < 2; ++k)
      while (q[k].read(buf, sizeof buf) > 0)
        if ((uint32_t{buf[16]} << 24 | uint32_t{buf[17]} << 16 | uint32_t{buf[18]} << 8 |
             buf[19]) == dst)
          seen.insert(k);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return seen;
}

}  // namespace

TEST_CASE("the steering program answers an IPv4 packet's destination", "[tun_steering]") {
  auto f = frame_to(0xc6336407);  // 198.51.100.7
  auto r = platform::steering_choice(f.data(), f.size());
  REQUIRE(r);
  CHECK(*r == 0xc6336407u);
  f = frame_to(0xcb007102);
  CHECK(*platform::steering_choice(f.data(), f.size()) == 0xcb007102u);
}

TEST_CASE("a VPN device's queues are chosen by destination, not by flow", "[tun_steering]") {
  std::string why = test::in_namespace([] {
    platform::TunQueue q[2] = {*platform::TunQueue::open("rsteer0"),
                               *platform::TunQueue::open("rsteer0")};
    REQUIRE(platform::prepare_tun_device("rsteer0"));
    REQUIRE(std::system("ip addr add 192.0.2.1/24 dev rsteer0 && "
                        "ip route add 203.0.113.0/24 dev rsteer0") == 0);
    // 203.0.113.2 and .3: even and odd, queue 0 and queue 1 (the kernel takes the
    // destination modulo the two queues).
    auto two = queues_of(q, 0xcb007102, 8), three = queues_of(q, 0xcb007103, 8);
    CHECK(two == std::multiset<int>{0, 0, 0, 0, 0, 0, 0, 0});
    CHECK(three == std::multiset<int>{1, 1, 1, 1, 1, 1, 1, 1});
  });
  if (!why.empty()) FAIL(why);
}
}  // namespace tun_steering_test
