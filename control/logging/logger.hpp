// The logging subsystem: every syslog message passes through Logger::emit, which applies the
// configuration ("logging enable", per-message levels and "no logging message", rate limits)
// and hands the message to each destination whose filter takes it: the buffer ("show logging"),
// monitor sessions ("terminal monitor"), the console, and the syslog hosts (through a
// Transport, rampartd's sockets). Thread-safe: the IKE loop, the connection reader and the AAA
// workers all log. Nothing here blocks: a Transport must not either.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/logging.hpp"
#include "control/config/model.hpp"
#include "control/logging/messages.hpp"

namespace rampart::config {
struct Config;
}

namespace rampart::logging {

// What a syslog host's connection is doing, for "show logging".
struct HostStatus {
  bool connected = false;  // TCP: the connection is up; UDP: always true
  uint64_t sent = 0;       // messages handed to the kernel
  uint64_t lost = 0;       // messages dropped (queue full, socket error)
  uint64_t queued = 0;     // TCP: waiting for the connection
  // TCP: a connection attempt failed or the connection dropped, and none succeeded since
  // (what the ASA's 414003 reports). A first attempt still in progress is not down.
  bool down = false;
};

// The remote half: one socket per "logging host", owned by rampartd. Called with the logger's
// lock held, so it must return at once.
class Transport {
 public:
  virtual ~Transport() = default;
  virtual void configure(const std::vector<config::LoggingHost>& hosts) = 0;
  virtual void send(size_t host, std::string line) = 0;
  // Reconnects and drains queues; the daemon's tick and every send call it.
  virtual void poll() = 0;
  virtual std::vector<HostStatus> status() const = 0;
};

// One message after the configuration applied: its id, level and text.
struct Message {
  uint32_t id = 0;
  int level = 6;
  std::string text;
};

// The counters "show logging" prints.
struct LoggingStats {
  uint64_t buffer_logged = 0, trap_logged = 0, console_logged = 0, monitor_logged = 0;
  uint64_t rate_limited = 0, disabled = 0;
};

class Logger {
 public:
  using Clock = std::function<int64_t()>;  // wall clock, seconds since the epoch
  explicit Logger(Clock now);

  // Applies the configuration (and the hostname and interface addresses device-id uses).
  // Cheap when nothing changed: call it after every command.
  void configure(const config::Config& cfg);
  void set_transport(std::unique_ptr<Transport> t);
  // Lines for monitor sessions and the console (called with the lock held; must not log).
  void set_monitor(std::function<void(const std::string& line)> f);
  void set_console(std::function<void(const std::string& line)> f);
  // The daemon's own log: every message, whatever the logging configuration says, as
  // "%ASA-<level>-<id>: text" (rampartd's syslog and stderr, where tests and operators of the
  // host look).
  void set_daemon_log(std::function<void(int level, const std::string& line)> f);

  // Logs message id with its already formatted text. Returns whether it went anywhere. level:
  // a level the message carries itself (106100 takes the ACE's "log LEVEL"); an override by
  // "logging message N level L" still wins.
  bool emit(uint32_t id, std::string text, std::optional<int> level = std::nullopt);

  void poll();  // the transport's reconnects, from the daemon's tick
  void clear_buffer();
  std::vector<std::string> buffer() const;
  LoggingStats stats() const;
  std::vector<HostStatus> host_status() const;
  const config::Logging& settings() const { return cfg_; }
  // The level message id is logged at after "logging message N level L".
  int level_of(uint32_t id) const;

  // "%ASA-6-302013: text", with the timestamp and device-id prefix the buffer and console use.
  std::string local_line(const Message& m) const;
  // What a syslog host receives (RFC 3164 style, as the ASA sends): "<PRI>" then the local
  // line, or the EMBLEM form for hosts with "format emblem".
  std::string wire_line(const Message& m, const config::LoggingHost& h) const;

  std::string timestamp(int64_t t) const;  // "Dec 05 2026 13:05:01", local time

 private:
  bool takes(const config::LoggingFilter& f, const Message& m) const;
  bool rate_limited(const Message& m);
  void buffer_add(std::string line);

  Clock now_;
  mutable std::mutex mu_;
  config::Logging cfg_;
  std::string device_id_;  // resolved: hostname, an address, or the string
  config::ClockSettings clock_;
  std::unique_ptr<Transport> transport_;
  std::function<void(const std::string&)> monitor_;
  std::function<void(const std::string&)> console_;
  std::function<void(int, const std::string&)> daemon_log_;
  std::deque<std::string> buffer_;
  size_t buffer_bytes_ = 0;
  LoggingStats stats_;
  mutable uint64_t emblem_seq_ = 0;  // EMBLEM numbers the lines it sends
  // Rate limits: per configured limit, the window's start and its count.
  struct Window {
    int64_t start = 0;
    uint32_t count = 0;
  };
  std::vector<Window> windows_;
};

// The entry point call sites use: message id's text formatted from the table with args.
template <class... A>
bool syslog(Logger& log, uint32_t id, const A&... args) {
  return log.emit(id, text(id, args...));
}

// "password", "key" and the like: the word after them in a command line is a secret, replaced
// by ***** before the line reaches a log (111008/111009/111010).
std::string mask_secrets(std::string_view command);

}  // namespace rampart::logging
