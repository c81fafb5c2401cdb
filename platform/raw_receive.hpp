// What ping and traceroute share: reading a raw ICMP socket until a deadline (each datagram that
// arrives in time is handed over; the caller decides whether it is its answer), the header
// sizes they parse by, and their echo identifiers.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace rampart::platform {

// What ping and traceroute parse by: an IPv4 header without options, an ICMP header.
constexpr size_t kIpHeader = 20, kIcmpHeader = 8;

// The echo identifier of each ping or traceroute run: one counter for both, so that concurrent
// runs never share one and take each other's replies.
inline std::atomic<uint16_t> next_echo_id{static_cast<uint16_t>(::getpid())};

// The next datagram on fd before deadline: its length (> 0) with from filled, or 0 when the
// deadline passed first.
inline size_t receive_before(int fd, uint8_t* buf, size_t len, sockaddr_in& from,
                             std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  for (;;) {
    auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) return 0;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    socklen_t fl = sizeof from;
    ssize_t n = ::recvfrom(fd, buf, len, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    if (n > 0) return static_cast<size_t>(n);
  }
}

}  // namespace rampart::platform
