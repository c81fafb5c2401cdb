#include "firmware/daemon/syslog_transport.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

namespace rampart::firmware {

namespace {

uint64_t monotonic_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

sockaddr_in address_of(const config::LoggingHost& h) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(h.port);
  a.sin_addr.s_addr = htonl(h.address.value);
  return a;
}

}  // namespace

SyslogTransport::SyslogTransport(Clock now) : now_(now ? now : monotonic_ms) {}

SyslogTransport::~SyslogTransport() {
  for (auto& h : hosts_) close_fd(h);
}

void SyslogTransport::close_fd(Host& h) {
  if (h.fd >= 0) ::close(h.fd);
  h.fd = -1;
  h.connecting = h.connected = false;
  h.sent_of_front = 0;  // a partly written line is sent again whole on the next connection
}

void SyslogTransport::configure(const std::vector<config::LoggingHost>& hosts) {
  // Hosts that stay keep their socket, queue and counters; the others are closed.
  std::vector<bool> kept(hosts_.size(), false);
  std::vector<Host> next;
  for (const auto& c : hosts) {
    Host h;
    for (size_t k = 0; k < hosts_.size(); ++k) {
      if (kept[k] || !(hosts_[k].cfg == c)) continue;
      h = std::move(hosts_[k]);
      hosts_[k].fd = -1;
      kept[k] = true;
      break;
    }
    h.cfg = c;
    next.push_back(std::move(h));
  }
  for (auto& old : hosts_) close_fd(old);
  hosts_ = std::move(next);
  for (auto& h : hosts_)
    if (!h.cfg.tcp && h.fd < 0) open_udp(h);
  poll();
}

void SyslogTransport::open_udp(Host& h) {
  h.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (h.fd < 0) return;
  sockaddr_in a = address_of(h.cfg);
  // Connected, so that an ICMP port unreachable from the host shows as an error on a later send
  // (counted as lost) rather than nowhere.
  if (::connect(h.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close_fd(h);
  h.connected = h.fd >= 0;
}

void SyslogTransport::start_connect(Host& h) {
  h.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (h.fd < 0) return fail(h);
  sockaddr_in a = address_of(h.cfg);
  int r = ::connect(h.fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (r == 0) {
    h.connected = true;
    h.down = false;
    h.backoff = 0;
  } else if (errno == EINPROGRESS) {
    h.connecting = true;
  } else {
    fail(h);
  }
}

void SyslogTransport::check_connect(Host& h) {
  pollfd p{h.fd, POLLOUT, 0};
  if (::poll(&p, 1, 0) <= 0) return;  // still in progress
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(h.fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return fail(h);
  h.connecting = false;
  h.connected = true;
  h.down = false;
  h.backoff = 0;
}

void SyslogTransport::check_closed(Host& h) {
  // A server that went away closed its end: notice it before writing into a dead connection
  // (the kernel would accept those bytes and they would be lost without a trace).
  char b[256];
  for (;;) {
    ssize_t n = ::recv(h.fd, b, sizeof b, MSG_DONTWAIT);
    if (n > 0) continue;  // a syslog server says nothing; ignore whatever it sends
    if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) fail(h);
    return;
  }
}

void SyslogTransport::fail(Host& h) {
  close_fd(h);
  h.down = h.cfg.tcp;
  // Backoff from 500 ms doubling to kMaxBackoffMs: a dead server costs a connect attempt every
  // few seconds, not a busy loop.
  h.backoff = h.backoff ? std::min(h.backoff * 2, kMaxBackoffMs) : 500;
  h.next_attempt = now_() + h.backoff;
}

void SyslogTransport::drain(Host& h) {
  while (h.connected && !h.queue.empty()) {
    const std::string& line = h.queue.front();
    ssize_t n = ::send(h.fd, line.data() + h.sent_of_front, line.size() - h.sent_of_front,
                       MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      return fail(h);
    }
    h.sent_of_front += static_cast<size_t>(n);
    if (h.sent_of_front < line.size()) return;
    h.queue.pop_front();
    h.sent_of_front = 0;
    ++h.st.sent;
  }
}

void SyslogTransport::send(size_t i, std::string line) {
  if (i >= hosts_.size()) return;
  Host& h = hosts_[i];
  if (!h.cfg.tcp) {
    if (h.fd < 0) open_udp(h);
    if (h.fd >= 0 && ::send(h.fd, line.data(), line.size(), MSG_DONTWAIT | MSG_NOSIGNAL) ==
                         static_cast<ssize_t>(line.size()))
      ++h.st.sent;
    else
      ++h.st.lost;
    return;
  }
  // TCP: LF-delimited lines (rsyslog's imtcp and the ASA's own framing).
  if (h.queue.size() >= kMaxQueued) {
    if (h.sent_of_front == 0) {
      h.queue.pop_front();
      ++h.st.lost;
    }
  }
  h.queue.push_back(std::move(line) + "\n");
  poll();
}

void SyslogTransport::poll() {
  for (auto& h : hosts_) {
    if (!h.cfg.tcp) continue;
    if (h.fd >= 0 && h.connecting) check_connect(h);
    if (h.fd >= 0 && h.connected) check_closed(h);
    if (h.fd < 0 && now_() >= h.next_attempt) start_connect(h);
    if (h.fd >= 0 && h.connecting) check_connect(h);
    drain(h);
  }
}

std::vector<logging::HostStatus> SyslogTransport::status() const {
  std::vector<logging::HostStatus> out;
  for (const auto& h : hosts_) {
    logging::HostStatus s = h.st;
    s.connected = h.connected;
    s.queued = h.queue.size();
    s.down = h.down;
    out.push_back(s);
  }
  return out;
}

}  // namespace rampart::firmware
