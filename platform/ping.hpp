// ICMP echo from the box itself ("ping [IF] ADDR"): a raw ICMP socket bound to the interface's
// device, one echo at a time, each waited for up to the timeout. Blocking: callers run it as
// deferred work, never on the daemon's loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::platform {

struct PingOptions {
  std::string device;   // bind to this device (SO_BINDTODEVICE); empty: the routing table decides
  uint32_t target = 0;  // host byte order
  int repeat = 5;
  int size = 100;  // the whole IP datagram, as the ASA counts it ("100-byte ICMP Echos")
  int timeout_seconds = 2;
};

// One echo's fate: '!' a reply (rtt_ms), '?' no reply within the timeout, 'U' unreachable.
struct PingProbe {
  char result = '?';
  uint32_t rtt_ms = 0;
};

rampart::expected<std::vector<PingProbe>, std::string> ping(const PingOptions& o);

}  // namespace rampart::platform
