// show snmp-server statistics from snmpd's own SNMPv2-MIB snmp group: a v2c GetRequest on
// snmpd's unix query socket (in its 0700 run directory) with a community made at random when
// rampartd starts, never shown nor logged. snmpd's counters start over with each snmpd; those
// of the snmpd before are kept here, so the command counts since rampartd started, as the ASA
// counts since boot. Queries come from deferred work while the loop starts and stops snmpd:
// the state is under a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "cli/system.hpp"
#include "control/snmp/statistics.hpp"

namespace rampart::firmware {

class SnmpCounters : public cli::SnmpStatsClient {
 public:
  explicit SnmpCounters(std::string query_socket);
  // The community snmpd.conf gives rampartd's queries.
  const std::string& community() const { return community_; }
  // A new snmpd is up (its counters start at zero) or about to stop (its counters are asked
  // one last time and kept); died(): it is gone, its last counters seen are kept.
  void started();
  void stopping();
  void died();
  // Never an error: while snmpd does not answer, its counters as it last gave them.
  rampart::expected<snmp::Statistics, std::string> query() override;
  V3Refusals v3_refusals() const override { return {v3_other_user_, v3_malformed_}; }
  void refused_v3(bool malformed) { ++(malformed ? v3_malformed_ : v3_other_user_); }

  static constexpr int kTimeoutMs = 1000;

 private:
  rampart::expected<snmp::Statistics, std::string> ask_locked();

  const std::string socket_;
  const std::string community_;
  std::mutex mu_;
  bool running_ = false;
  uint64_t asked_ = 0;  // our queries this snmpd answered
  int32_t request_id_ = 0;
  snmp::Statistics before_;  // the snmpds before this one
  snmp::Statistics last_;    // this snmpd's, at the last answer
  // Counted on the event loop, read by any session's command.
  std::atomic<uint64_t> v3_other_user_ = 0, v3_malformed_ = 0;
};

}  // namespace rampart::firmware
