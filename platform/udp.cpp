#include "platform/udp.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "platform/address_interface.hpp"

namespace rampart::platform {

namespace {

constexpr size_t kMarker = 4;  // RFC 3948 non-ESP marker: four zero bytes

// Accept a datagram on 4500 only when the four bytes after the UDP header are zero (IKE).
// Shorter datagrams (NAT keepalives) fail the load and are dropped too.
bool attach_ike_filter(int fd) {
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(udphdr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  return ::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) == 0;
}

}  // namespace

rampart::expected<IkeSocket, std::string> IkeSocket::open(uint16_t port, bool natt) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return rampart::unexpected(fmt::format("socket: {}", std::strerror(errno)));
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  ::setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
  if (natt && !attach_ike_filter(fd)) {
    std::string err = fmt::format("SO_ATTACH_FILTER: {}", std::strerror(errno));
    ::close(fd);
    return rampart::unexpected(err);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::string err = fmt::format("bind UDP {}: {}", port, std::strerror(errno));
    ::close(fd);
    return rampart::unexpected(err);
  }
  return IkeSocket(fd, port, natt);
}

IkeSocket& IkeSocket::operator=(IkeSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    port_ = o.port_;
    natt_ = o.natt_;
    o.fd_ = -1;
  }
  return *this;
}

IkeSocket::~IkeSocket() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<UdpDatagram> IkeSocket::receive() {
  std::vector<UdpDatagram> out;
  for (int n = 0; n < 64; ++n) {
    uint8_t buf[65536];
    sockaddr_in from{};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t len = ::recvmsg(fd_, &msg, 0);
    if (len < 0) break;
    UdpDatagram d;
    d.local_port = port_;
    d.peer_address = ntohl(from.sin_addr.s_addr);
    d.peer_port = ntohs(from.sin_port);
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        d.local_address = ntohl(pi.ipi_addr.s_addr);
      }
    size_t skip = natt_ ? kMarker : 0;
    if (static_cast<size_t>(len) < skip) continue;
    d.data.assign(buf + skip, buf + len);
    out.push_back(std::move(d));
  }
  return out;
}

bool IkeSocket::send(uint32_t local_address, uint32_t peer_address, uint16_t peer_port,
                     const std::vector<uint8_t>& data) {
  if (!natt_) return send_raw(local_address, peer_address, peer_port, data);
  std::vector<uint8_t> framed(kMarker, 0);
  framed.insert(framed.end(), data.begin(), data.end());
  return send_raw(local_address, peer_address, peer_port, framed);
}

bool IkeSocket::send_raw(uint32_t local_address, uint32_t peer_address, uint16_t peer_port,
                         const std::vector<uint8_t>& data) {
  const std::vector<uint8_t>* what = &data;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(peer_address);
  to.sin_port = htons(peer_port);
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
  iovec iov{const_cast<uint8_t*>(what->data()), what->size()};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = sizeof to;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = IPPROTO_IP;
  c->cmsg_type = IP_PKTINFO;
  c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
  in_pktinfo pi{};
  pi.ipi_spec_dst.s_addr = htonl(local_address);  // the source address of the reply
  // Out of the interface that holds that address: the kernel then skips routes by other
  // devices, so a tunnel's route toward the peer (a LAN-to-LAN peer whose own address is in
  // its protected network) cannot take the IKE packets into the tunnel device.
  pi.ipi_ifindex = interface_of_address(local_address);
  std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
  return ::sendmsg(fd_, &msg, 0) == static_cast<ssize_t>(what->size());
}

}  // namespace rampart::platform
