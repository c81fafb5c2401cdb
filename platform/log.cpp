#include "platform/log.hpp"

#include <paths.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>

namespace rampart::platform {

namespace {

bool g_stderr = false;

// glibc's syslog() tries to connect again on every call while nothing listens on /dev/log (a
// test's namespaces, a box before its log daemon is up): a socket, a failed connect and a
// close per line, which under IKE load (several %ASA lines per set-up) was 15 % of the event
// loop. Whether the socket exists is looked at once a second instead; while it does not, a
// line could only be lost there, so it is not offered.
bool syslog_listening() {
  static std::atomic<int64_t> checked_at{-1};
  static std::atomic<bool> there{false};
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  if (checked_at.exchange(ts.tv_sec, std::memory_order_relaxed) != ts.tv_sec)
    there.store(::access(_PATH_LOG, F_OK) == 0, std::memory_order_relaxed);
  return there.load(std::memory_order_relaxed);
}

}  // namespace

void log_open(bool to_stderr) {
  g_stderr = to_stderr;
  ::openlog("rampartd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log(Severity s, std::string_view line) {
  std::string l(line);
  if (syslog_listening()) ::syslog(static_cast<int>(s), "%s", l.c_str());
  if (g_stderr) std::fprintf(stderr, "rampartd: %s\n", l.c_str());
}

}  // namespace rampart::platform
