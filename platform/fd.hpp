// A file descriptor that is closed when its holder goes: the sockets of the one-shot probes
// (ping, traceroute, a TFTP transfer), which return on any of many errors.
#pragma once

#include <unistd.h>

namespace rampart::platform {

struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace rampart::platform
