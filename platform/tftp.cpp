#include "platform/tftp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/fd.hpp"

namespace rampart::platform {

namespace {

enum Op : uint16_t { kRrq = 1, kData = 3, kAck = 4, kError = 5, kOack = 6 };
constexpr uint16_t kDefaultBlock = 512;
constexpr uint16_t kWantBlock = 1428;  // fits a 1500-byte path with IPv4 and UDP headers
constexpr int kTimeoutMs = 1000;
constexpr int kRetries = 6;

std::string ack(uint16_t block) {
  return {0, static_cast<char>(kAck), static_cast<char>(block >> 8),
          static_cast<char>(block & 0xff)};
}

uint16_t be16(const char* p) {
  return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) << 8 | static_cast<uint8_t>(p[1]));
}

}  // namespace

rampart::expected<uint64_t, std::string> tftp_get(const std::string& url, const ByteSink& sink) {
  constexpr std::string_view scheme = "tftp://";
  if (!url.starts_with(scheme)) return rampart::unexpected(std::string("Invalid URL"));
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size())
    return rampart::unexpected(std::string("No file name in URL"));
  std::string host = rest.substr(0, slash), path = rest.substr(slash + 1);
  uint16_t port = 69;
  if (auto colon = host.find(':'); colon != std::string::npos) {
    port = static_cast<uint16_t>(std::strtoul(host.c_str() + colon + 1, nullptr, 10));
    host.resize(colon);
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  if (::inet_pton(AF_INET, host.c_str(), &server.sin_addr) != 1 || port == 0)
    return rampart::unexpected("Invalid host " + host);

  Fd s{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return rampart::unexpected(std::string(std::strerror(errno)));
  std::string last;  // what to send again when the server goes quiet
  last += '\0';
  last += static_cast<char>(kRrq);
  last += path + '\0' + "octet" + '\0' + "blksize" + '\0' + std::to_string(kWantBlock) + '\0';
  sockaddr_in peer = server;  // becomes the server's transfer port after its first reply
  bool have_tid = false;
  uint16_t block_size = kDefaultBlock, expect = 1;
  uint64_t total = 0;
  auto send_last = [&] {
    ::sendto(s.fd, last.data(), last.size(), 0, reinterpret_cast<sockaddr*>(&peer), sizeof peer);
  };
  send_last();
  int quiet = 0;
  char buf[65536 + 4];
  for (;;) {
    pollfd p{s.fd, POLLIN, 0};
    int r = ::poll(&p, 1, kTimeoutMs);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      if (++quiet > kRetries) return rampart::unexpected(std::string("Timed out"));
      send_last();
      continue;
    }
    sockaddr_in from{};
    socklen_t flen = sizeof from;
    ssize_t n = ::recvfrom(s.fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    if (n < 4 || from.sin_addr.s_addr != server.sin_addr.s_addr) continue;
    if (have_tid && from.sin_port != peer.sin_port) {
      // Another transfer's packet (RFC 1350 section 4): tell it, carry on with ours.
      static const char unknown[] = "\0\5\0\5Unknown transfer ID";
      ::sendto(s.fd, unknown, sizeof unknown, 0, reinterpret_cast<sockaddr*>(&from), flen);
      continue;
    }
    quiet = 0;
    uint16_t op = be16(buf);
    if (op == kError) {
      std::string msg(buf + 4, strnlen(buf + 4, static_cast<size_t>(n - 4)));
      return rampart::unexpected(msg.empty() ? "TFTP error " + std::to_string(be16(buf + 2)) : msg);
    }
    if (!have_tid) {
      peer.sin_port = from.sin_port;
      have_tid = true;
    }
    if (op == kOack && expect == 1) {
      // Options accepted: the block size the server agreed to (never more than we asked).
      for (ssize_t i = 2; i < n;) {
        std::string key(buf + i, strnlen(buf + i, static_cast<size_t>(n - i)));
        i += static_cast<ssize_t>(key.size()) + 1;
        if (i >= n) break;
        std::string val(buf + i, strnlen(buf + i, static_cast<size_t>(n - i)));
        i += static_cast<ssize_t>(val.size()) + 1;
        if (strcasecmp(key.c_str(), "blksize") == 0) {
          unsigned long v = std::strtoul(val.c_str(), nullptr, 10);
          if (v >= 8 && v <= kWantBlock) block_size = static_cast<uint16_t>(v);
        }
      }
      last = ack(0);
      send_last();
      continue;
    }
    if (op != kData) continue;
    uint16_t block = be16(buf + 2);
    size_t len = static_cast<size_t>(n - 4);
    if (block != expect) {
      // A duplicate of the previous block: our ACK was lost; say it again.
      if (static_cast<uint16_t>(block + 1) == expect) send_last();
      continue;
    }
    if (len > block_size) return rampart::unexpected(std::string("Oversized data block"));
    if (auto w = sink(std::string_view(buf + 4, len)); !w) {
      static const char full[] = "\0\5\0\3Disk full or write failed";
      ::sendto(s.fd, full, sizeof full, 0, reinterpret_cast<sockaddr*>(&peer), sizeof peer);
      return rampart::unexpected(w.error());
    }
    total += len;
    last = ack(block);
    send_last();
    ++expect;  // wraps at 65535 as servers do
    if (len < block_size) return total;
  }
}

}  // namespace rampart::platform
