// The handoff between the dataplane and the kernel's forwarding: a multi-queue TUN device per
// interface that has a crypto map ("eth0-vpn" for eth0). Decrypted packets are written into it,
// so that the kernel routes, filters and NATs them as arriving on that device; what the kernel
// routes into it (to a VPN client, to a LAN-to-LAN network) is read back and encrypted. Each
// packet worker has a queue of its own (IFF_MULTI_QUEUE): the kernel spreads what it routes
// into the device over the queues by flow, and a worker never waits on another.
#pragma once

#include <sys/types.h>
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/expected.hpp"

namespace rampart::platform {

class TunQueue {
 public:
  // Attaches a queue to the device, creating it when it does not exist (IFF_TUN, IFF_NO_PI,
  // IFF_MULTI_QUEUE; the descriptor is non-blocking). The device lives while a queue is open.
  static rampart::expected<TunQueue, std::string> open(const std::string& device);
  TunQueue(TunQueue&& o) noexcept;
  TunQueue& operator=(TunQueue&& o) noexcept;
  ~TunQueue();

  int fd() const { return fd_; }
  // One IPv4 packet each; -1 with errno EAGAIN when there is nothing (read) or no room (write).
  ssize_t read(uint8_t* buf, size_t len) const;
  ssize_t write(const uint8_t* ip, size_t len) const;

 private:
  TunQueue() = default;
  int fd_ = -1;
};

// Makes the device fit the handoff once a queue exists: up, an MTU as large as IPv4 allows (the
// encapsulation, not the device, decides what fits the outside: fragments or refuses with ICMP
// as crypto ipsec df-bit and fragmentation say), and its IPv4 settings: no rp_filter (the
// dataplane checked each source against its SA) and accept_local (the ICMP errors the
// encapsulation makes come from the box's own address). An error text on failure.
rampart::expected<void, std::string> prepare_tun_device(const std::string& device);

// net.ipv4.conf.DEVICE.KEY (or net.ipv4.KEY with an empty device); an error text on failure.
rampart::expected<void, std::string> set_ipv4_sysctl(const std::string& device,
                                                     const std::string& key,
                                                     const std::string& value);

// net.ipv4.neigh.DEVICE.KEY (ARP settings of a device); an error text on failure.
rampart::expected<void, std::string> set_ipv4_neigh_sysctl(const std::string& device,
                                                           const std::string& key,
                                                           const std::string& value);

}  // namespace rampart::platform
