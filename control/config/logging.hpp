// The "logging ..." section of the configuration: where syslog messages go (buffer, console,
// monitor sessions, syslog hosts), at which level, in which format, and the per-message level
// overrides, custom lists and rate limits. Pure data; control/logging/ applies it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/config/types.hpp"

namespace rampart::config {

// A destination's filter: a severity level (0 emergencies ... 7 debugging) or a custom list.
struct LoggingFilter {
  int level = -1;    // -1: no level given
  std::string list;  // "logging buffered MYLIST"
  bool on() const { return level >= 0 || !list.empty(); }
  bool operator==(const LoggingFilter&) const = default;
};

// "logging host IF ADDR [udp/PORT|tcp/PORT] [format emblem]"
struct LoggingHost {
  std::string nameif;
  Ipv4 address;
  bool tcp = false;
  uint16_t port = 514;  // the ASA's defaults: udp/514, tcp/1470
  bool emblem = false;
  bool operator==(const LoggingHost&) const = default;
};

// "logging list NAME level L [class C]" | "logging list NAME message N[-M]"
struct LoggingListEntry {
  int level = -1;      // level form
  std::string klass;   // with "class C"
  uint32_t first = 0;  // message form: first..last
  uint32_t last = 0;
  bool operator==(const LoggingListEntry&) const = default;
};

// "logging rate-limit N SECONDS [level L | message ID]"
struct LoggingRateLimit {
  uint32_t messages = 0;
  uint32_t seconds = 0;
  int level = -1;        // per level, or
  uint32_t message = 0;  // per message id (0: the level form)
  bool operator==(const LoggingRateLimit&) const = default;
};

struct Logging {
  bool enable = false;
  bool timestamp = false;
  bool permit_hostdown = false;
  int facility = 20;            // local4, the ASA's default
  uint32_t buffer_size = 4096;  // bytes, the ASA's default
  LoggingFilter buffered, console, monitor, trap;
  enum class DeviceId { None, Hostname, Ipaddress, String } device_id = DeviceId::None;
  std::string device_id_value;  // the nameif for Ipaddress, the text for String
  std::vector<LoggingHost> hosts;
  std::map<uint32_t, int> message_levels;  // "logging message N level L"
  std::set<uint32_t> disabled;             // "no logging message N"
  std::map<std::string, std::vector<LoggingListEntry>> lists;
  std::vector<LoggingRateLimit> rate_limits;
  bool operator==(const Logging&) const = default;
};

}  // namespace rampart::config
