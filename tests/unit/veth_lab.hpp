// A cable in a network namespace of the test thread's own, for tests of the packet workers'
// sockets against the kernel: the veth pair xbox (the box's end, 198.51.100.1) and xpeer, a
// raw socket at the peer's end, and ESP frames from the peer to the box.
#pragma once

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dataplane/forward/ipv4.hpp"
#include "tests/unit/in_namespace.hpp"

namespace rampart::test::veth_lab {

using namespace rampart::dataplane::ipv4;

constexpr uint32_t kBox = 0xc6336401;  // 198.51.100.1, the box's end
constexpr uint8_t kBoxMac[6] = {2, 0, 0x5e, 0, 0x53, 1}, kPeerMac[6] = {2, 0, 0x5e, 0, 0x53, 2};

// An ESP frame from the peer to the box whose SPI field carries n.
inline std::vector<uint8_t> esp_frame(uint32_t n) {
  std::vector<uint8_t> f(kEth + 20 + 48, 0);
  std::memcpy(f.data(), kBoxMac, 6);
  std::memcpy(f.data() + 6, kPeerMac, 6);
  put16(f.data() + 12, kTypeIpv4);
  write_header(f.data() + kEth, {0, 64, kProtoEsp, 20 + 48, 1, 0, 0xc6336402, kBox});
  put32(f.data() + kEth + 20, 0x10000 + n);
  return f;
}

// A raw socket on the peer end of the cable.
inline int peer_socket() {
  int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_ALL);
  ll.sll_ifindex = static_cast<int>(::if_nametoindex("xpeer"));
  if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Runs f in a namespace of its own holding the veth pair xbox/xpeer. Returns why not when that
// cannot be made (not root).
inline std::string in_lab(const std::function<void()>& f) {
  std::string why;
  std::string no_namespace = rampart::test::in_namespace([&] {
    // ip runs in a child of this thread, in its namespace.
    // No IPv6: its router solicitations and MLD reports would cross the cable too.
    if (std::system("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "
                    "net.ipv6.conf.default.disable_ipv6=1 && "
                    "ip link add xbox address 02:00:5e:00:53:01 type veth peer name xpeer "
                    "address 02:00:5e:00:53:02 && ip link set xbox up && ip link set xpeer up") !=
        0) {
      why = "ip link add: failed";
      return;
    }
    f();
  });
  return no_namespace.empty() ? why : no_namespace;
}

}  // namespace rampart::test::veth_lab
