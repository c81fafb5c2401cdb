// The ASA's TCP syslog rule: while a "logging host IF ADDR 6/PORT" server cannot be reached,
// new connections through the box are denied, unless "logging permit-hostdown" is set.
// HostdownWatch follows the transport's host states from tick to tick and says, once per
// transition, what to log (414003 when a host goes down, 414004 when it comes back) and whether
// new connections are denied now. Pure: no sockets, no firewall, so it is tested alone.
#pragma once

#include <string>
#include <vector>

#include "control/config/logging.hpp"
#include "control/logging/logger.hpp"

namespace rampart::logging {

struct HostdownEvent {
  uint32_t id = 0;  // 414003 or 414004
  std::string text;
};

class HostdownWatch {
 public:
  // status: the transport's, one per cfg.hosts entry (shorter if the transport lags a change).
  // Returns the messages of the transitions since the last call.
  std::vector<HostdownEvent> update(const config::Logging& cfg,
                                    const std::vector<HostStatus>& status);
  // Whether new connections through the box are denied now: a TCP host is down and
  // "logging permit-hostdown" is not set.
  bool deny_new() const { return deny_new_; }

 private:
  std::vector<config::LoggingHost> down_;  // the TCP hosts down at the last update
  bool deny_new_ = false;
};

}  // namespace rampart::logging
