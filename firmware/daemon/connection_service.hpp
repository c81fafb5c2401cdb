// The firewall's connection table for the CLI (firewall::ConnectionTable over conntrack) and
// its syslog messages: connections built and torn down (302013-302021), dynamic translations
// (305011/305012) from conntrack events, and the packets the ruleset logs to nflog group 1
// (106001/106006/106014/106023/106100).
//
// The events are read on a thread of their own, not in rampartd's epoll loop: under a flood
// the kernel produces tens of thousands of events a second and each becomes a formatted
// syslog line; on the loop that work would delay IKE and the CLI, and a slow loop would make
// the event socket overflow sooner. The thread shares with the loop only a snapshot of the
// policy's interfaces, routes, timeouts and ACE hashes (swapped under a mutex when the policy
// changes), the ids of connections the CLI cleared, and counters. A full socket (ENOBUFS) is
// never waited out: the thread counts the overflow, resynchronises from a dump, and counts the
// events that the dump shows it missed ("show conn" says so).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "control/config/model.hpp"
#include "control/firewall/fw_messages.hpp"
#include "control/firewall/runtime.hpp"
#include "control/logging/logger.hpp"
#include "platform/conntrack.hpp"
#include "platform/nflog.hpp"

namespace rampart::firmware {

// What the messages need of the policy, small enough to copy when it changes.
struct LogView {
  firewall::Policy base;  // interfaces, routes, NAT rules and timeouts only
  // ACE "acl/line" -> {hash, log level}, for 106100.
  std::map<std::string, std::pair<uint32_t, int>> aces;
  bool same_as(const LogView& o) const;
};
LogView log_view_of(const firewall::Policy& p);

class ConnectionService : public firewall::ConnectionTable {
 public:
  // event_buffer: the event socket's receive buffer in bytes (rampartd --conntrack-buffer).
  static constexpr int kDefaultEventBuffer = 8 << 20;
  explicit ConnectionService(int event_buffer = kDefaultEventBuffer);
  // Messages go through the logging subsystem once this is set (before start()); without it,
  // to the daemon's log alone.
  void set_logger(logging::Logger* l) { logger_.store(l); }
  ~ConnectionService() override;
  // Turns on conntrack accounting and starts the reader thread. Returns what does not work
  // (each a warning for the log); the table still answers when events cannot be had.
  std::vector<std::string> start();
  // Called from the loop (about once a second): the policy in force.
  void set_view(LogView v);

  std::vector<firewall::Connection> connections() const override;
  size_t clear(const firewall::ConnectionFilter& filter) override;
  firewall::ConnectionStats stats() const override;

 private:
  std::atomic<logging::Logger*> logger_{nullptr};
  void run();
  void on_event(platform::ConntrackEvents::Type t, const platform::ConntrackEntry& e);
  void on_log(const platform::LoggedPacket& p);
  void resync();
  void flush_ace_logs(bool all);
  std::shared_ptr<const LogView> view() const;
  void emit(const firewall::FwMessage& m);

  mutable std::mutex mu_;  // guards view_, cleared_
  std::shared_ptr<const LogView> view_;
  std::set<uint32_t> cleared_;  // conntrack ids the CLI removed, for "Xlate Clear"

  std::thread thread_;
  int stop_fd_ = -1;
  platform::ConntrackEvents events_;
  platform::NflogReader nflog_;
  bool events_ok_ = false, nflog_ok_ = false;
  int event_buffer_;

  // Reader thread only.
  std::unordered_map<uint32_t, platform::ConntrackEntry> live_;
  // The ASA numbers connections in order; conntrack's ids are hashes. Ours, by conntrack id.
  std::unordered_map<uint32_t, uint32_t> number_;
  uint32_t next_number_ = 1;
  struct AceFlow {
    uint64_t hits = 0;
    int64_t since = 0;  // when its interval began
    firewall::LoggedFlow flow;
    std::string acl;
    int line = 0;
  };
  std::map<std::string, AceFlow> ace_flows_;
  int64_t deny_second_ = 0;
  uint32_t deny_in_second_ = 0;

  std::atomic<uint64_t> most_used_{0}, overflows_{0}, events_lost_{0}, log_lost_{0},
      log_suppressed_{0}, log_flows_{0}, log_malformed_{0};
  mutable std::mutex helper_mu_;
  std::map<std::string, uint64_t> helper_packets_;  // of ended connections, per helper
};

// conntrack's view of one entry as the CLI's Connection (idle time from the timeout left: the
// kernel resets the timer to the state's full value on each packet).
firewall::Connection connection_of(const platform::ConntrackEntry& e,
                                   const firewall::Policy& timeouts, int64_t now_ns);

}  // namespace rampart::firmware
