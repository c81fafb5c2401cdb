// The route to an address, hop by hop ("traceroute"): UDP probes (or ICMP echoes with
// use-icmp) sent with a rising TTL, each answered by a router's time-exceeded or the target's
// port-unreachable (echo reply), read from a raw ICMP socket bound to the interface's device.
// Blocking: callers run it as deferred work, never on the daemon's loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::platform {

struct TraceOptions {
  std::string device;   // bind to this device (SO_BINDTODEVICE); empty: the routing table decides
  uint32_t source = 0;  // host byte order; 0: the kernel picks
  uint32_t target = 0;  // host byte order
  int timeout_seconds = 3, probes = 3, min_ttl = 1, max_ttl = 30;
  uint16_t port = 33434;  // the first probe's destination port; each probe the next one
  bool use_icmp = false;
};

// What one ICMP message said about a probe.
enum class TraceAnswer {
  TimeExceeded,  // a router on the way (type 11)
  Reached,       // the target: port unreachable to a UDP probe, echo reply to an ICMP one
  Unreachable,   // any other destination unreachable (code says which)
};

struct TraceReply {
  TraceAnswer answer = TraceAnswer::TimeExceeded;
  uint8_t code = 0;  // the unreachable's code
};

// Identifies one probe in the replies: a UDP probe by its ports, an ICMP one by id and sequence.
struct TraceProbeKey {
  bool icmp = false;
  uint32_t target = 0;  // host byte order
  uint16_t src_port = 0, dst_port = 0;
  uint16_t id = 0, seq = 0;
};

// Parses a datagram read from a raw ICMP socket (IP header first) that came from `from` (host
// byte order); the reply when it answers the probe `key`, nullopt for anything else.
std::optional<TraceReply> parse_trace_reply(const uint8_t* buf, size_t n, uint32_t from,
                                            const TraceProbeKey& key);

// One probe's fate: no answer (answered false, printed '*'), or who answered and how fast.
struct TraceProbe {
  bool answered = false;
  uint32_t from = 0;  // host byte order
  uint32_t rtt_ms = 0;
  TraceReply reply;
};

struct TraceHop {
  int ttl = 0;
  std::vector<TraceProbe> probes;
};

// Probes TTL min..max until a hop reaches the target or answers with an unreachable.
rampart::expected<std::vector<TraceHop>, std::string> traceroute(const TraceOptions& o);

}  // namespace rampart::platform
