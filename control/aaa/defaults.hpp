// The ASA's defaults for aaa-server groups and hosts, and the effective values of a host.
#pragma once

#include <cstdint>

#include "control/config/model.hpp"

namespace rampart::aaa {

constexpr int kDefaultTimeoutSeconds = 10;        // "timeout"
constexpr int kDefaultRetryIntervalSeconds = 10;  // "retry-interval" (RADIUS)
constexpr int kDefaultMaxFailedAttempts = 3;      // "max-failed-attempts"
constexpr int kDefaultDeadtimeMinutes = 10;       // "reactivation-mode depletion deadtime"
constexpr int kDefaultInterimHours = 24;          // "interim-accounting-update periodic"
constexpr uint16_t kRadiusAuthPort = 1645;        // the ASA's, not RFC 2865's 1812
constexpr uint16_t kRadiusAcctPort = 1646;
constexpr uint16_t kTacacsPort = 49;

inline bool is_tacacs(const config::AaaServerGroup& g) {
  return g.protocol == "tacacs+";
}

inline uint16_t authentication_port(const config::AaaServerGroup& g,
                                    const config::AaaServerHost& h) {
  if (h.authentication_port) return *h.authentication_port;
  return is_tacacs(g) ? kTacacsPort : kRadiusAuthPort;
}

inline uint16_t accounting_port(const config::AaaServerGroup& g, const config::AaaServerHost& h) {
  if (is_tacacs(g)) return authentication_port(g, h);  // one port for all of TACACS+
  return h.accounting_port.value_or(kRadiusAcctPort);
}

}  // namespace rampart::aaa
