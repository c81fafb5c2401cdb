#include "platform/log.hpp"

#include <syslog.h>

#include <cstdio>
#include <string>

namespace rampart::platform {

namespace {
bool g_stderr = false;
}

void log_open(bool to_stderr) {
  g_stderr = to_stderr;
  ::openlog("rampartd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log(Severity s, std::string_view line) {
  std::string l(line);
  ::syslog(static_cast<int>(s), "%s", l.c_str());
  if (g_stderr) std::fprintf(stderr, "rampartd: %s\n", l.c_str());
}

}  // namespace rampart::platform
