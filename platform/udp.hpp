// The IKE sockets: UDP 500 and 4500 on every address, with IP_PKTINFO so each reply leaves from
// the address the peer reached. On 4500 a kernel filter passes only IKE (the four-byte non-ESP
// marker, RFC 3948 2.2): ESP-in-UDP and NAT keepalives never reach the IKE socket; they are the
// dataplane's. The marker is removed on receipt and added on sending.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::platform {

struct UdpDatagram {
  uint32_t local_address = 0;  // host order
  uint16_t local_port = 0;
  uint32_t peer_address = 0;
  uint16_t peer_port = 0;
  std::vector<uint8_t> data;
};

class IkeSocket {
 public:
  // Binds 0.0.0.0:port; natt selects the RFC 3948 marker handling and filter.
  static rampart::expected<IkeSocket, std::string> open(uint16_t port, bool natt);
  IkeSocket(IkeSocket&& o) noexcept : fd_(o.fd_), port_(o.port_), natt_(o.natt_) { o.fd_ = -1; }
  IkeSocket& operator=(IkeSocket&& o) noexcept;
  ~IkeSocket();

  int fd() const { return fd_; }
  uint16_t port() const { return port_; }
  // Reads every waiting datagram (non-blocking).
  std::vector<UdpDatagram> receive();
  bool send(uint32_t local_address, uint32_t peer_address, uint16_t peer_port,
            const std::vector<uint8_t>& data);
  // As is, without the non-ESP marker (NAT-T keepalives).
  bool send_raw(uint32_t local_address, uint32_t peer_address, uint16_t peer_port,
                const std::vector<uint8_t>& data);

 private:
  IkeSocket(int fd, uint16_t port, bool natt) : fd_(fd), port_(port), natt_(natt) {}
  int fd_ = -1;
  uint16_t port_ = 0;
  bool natt_ = false;
};

}  // namespace rampart::platform
