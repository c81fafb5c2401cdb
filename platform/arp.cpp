#include "platform/arp.hpp"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rampart::platform {

rampart::expected<void, std::string> send_gratuitous_arp(int ifindex,
                                                         const std::array<uint8_t, 6>& mac,
                                                         uint32_t address) {
  // Protocol 0: this socket only sends, it never gets a copy of the device's traffic.
  int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
  if (fd < 0) return rampart::unexpected(std::string("packet socket: ") + std::strerror(errno));
  uint8_t f[ETH_HLEN + 28] = {};
  std::memset(f, 0xff, 6);
  std::memcpy(f + 6, mac.data(), 6);
  f[12] = ETH_P_ARP >> 8;
  f[13] = ETH_P_ARP & 0xff;
  uint8_t* a = f + ETH_HLEN;
  a[1] = 1;              // hardware: Ethernet
  a[2] = ETH_P_IP >> 8;  // protocol: IPv4
  a[4] = 6;              // hardware address length
  a[5] = 4;              // protocol address length
  a[7] = 1;              // a request for itself: sender and target address are the same
  std::memcpy(a + 8, mac.data(), 6);
  uint32_t be = htonl(address);
  std::memcpy(a + 14, &be, 4);  // sender address; the target MAC stays zero
  std::memcpy(a + 24, &be, 4);
  sockaddr_ll to{};
  to.sll_family = AF_PACKET;
  to.sll_ifindex = ifindex;
  to.sll_halen = 6;
  std::memset(to.sll_addr, 0xff, 6);
  ssize_t n = ::sendto(fd, f, sizeof f, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(sizeof f))
    return rampart::unexpected(std::string("gratuitous ARP: ") + std::strerror(err));
  return {};
}

}  // namespace rampart::platform
