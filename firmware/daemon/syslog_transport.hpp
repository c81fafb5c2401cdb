// The syslog hosts' sockets ("logging host IF ADDR [udp/514|tcp/1470]"): UDP fire-and-forget,
// TCP with a bounded queue and reconnects with backoff. Every call is non-blocking, so a syslog
// server that is slow, gone or unreachable never stalls the event loop that logs: messages that
// cannot wait are counted as lost. The logger calls this under its lock.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "control/logging/logger.hpp"

namespace rampart::firmware {

class SyslogTransport : public logging::Transport {
 public:
  using Clock = uint64_t (*)();  // monotonic milliseconds
  explicit SyslogTransport(Clock now = nullptr);
  ~SyslogTransport() override;
  void configure(const std::vector<config::LoggingHost>& hosts) override;
  void send(size_t host, std::string line) override;
  void poll() override;
  std::vector<logging::HostStatus> status() const override;

  // A TCP host keeps at most this many messages while its server is away; older ones are
  // dropped (and counted lost) to make room, so a dead server costs bounded memory.
  static constexpr size_t kMaxQueued = 1000;
  static constexpr uint64_t kMaxBackoffMs = 8000;

 private:
  struct Host {
    config::LoggingHost cfg;
    int fd = -1;
    bool connecting = false, connected = false;
    bool down = false;              // failed since it last connected (HostStatus::down)
    std::deque<std::string> queue;  // TCP: whole lines, LF-terminated
    size_t sent_of_front = 0;       // bytes of queue.front() already written
    uint64_t next_attempt = 0, backoff = 0;
    logging::HostStatus st;
  };
  void open_udp(Host& h);
  void start_connect(Host& h);
  void check_connect(Host& h);
  void check_closed(Host& h);
  void drain(Host& h);
  void fail(Host& h);
  static void close_fd(Host& h);
  Clock now_;
  std::vector<Host> hosts_;
};

}  // namespace rampart::firmware
