// The state of the aaa-server groups as the ASA keeps it: which server of a group a request goes
// to next, which servers are FAILED and when they come back, and the counters "show aaa-server"
// prints. Pure: no threads, no sockets; the clock is injected so that tests run on simulated
// time. AaaService holds one under its mutex.
//
// The ASA's rules, as implemented here:
// - Servers are tried in configured order; a request goes to the first ACTIVE one.
// - "max-failed-attempts N" (default 3): a server that fails N times in a row (no answer, or
//   could not send) is marked FAILED (syslog 113022) and the next one is tried. Any valid
//   answer (accept, reject, challenge) resets the run.
// - "reactivation-mode depletion [deadtime M]" (default, M = 10 minutes): FAILED servers stay
//   out while any server of the group is ACTIVE; once all have failed, all come back M minutes
//   after the last one failed (syslog 113023 each).
// - "reactivation-mode timed": a FAILED server comes back 30 seconds after it failed.
// - When no server is ACTIVE, the group has no server: the caller answers NoServer, or asks
//   LOCAL when the group was named with "LOCAL" as fallback.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/config/model.hpp"

namespace rampart::aaa {

// "reactivation-mode timed": how long a FAILED server stays out (the ASA's fixed 30 s).
constexpr int64_t kTimedReactivationMs = 30'000;
// The local database's entry in "show aaa-server".
constexpr std::string_view kLocalGroup = "LOCAL";

// What the group logic asks the log to say (severity, message id, text without the prefix).
struct AaaEvent {
  int severity = 6;
  int id = 0;
  std::string text;
  bool operator==(const AaaEvent&) const = default;
};

struct Clock {
  std::function<int64_t()> steady_ms;  // monotonic milliseconds: deadtimes, round trips
  std::function<int64_t()> wall;       // seconds since the epoch: "Last transaction at"
};

// One server chosen for one attempt of a request.
struct Candidate {
  std::string protocol;  // "radius" | "tacacs+"
  ServerTarget target;   // address, port (authentication or accounting), key, timeouts
};

enum class RequestKind { Authentication, Authorization, Accounting };

class ServerGroups {
 public:
  explicit ServerGroups(Clock clock);

  // Takes a new configuration: groups and servers that stay keep their state and counters;
  // new ones start ACTIVE with zero counters; removed ones go.
  // The source address of each server is its interface's ("aaa-server G (inside) host A").
  void reconcile(const config::Config& cfg);

  bool has_group(const std::string& group) const { return groups_.contains(group); }
  // The group's protocol ("radius", "tacacs+", "local"); empty when there is no such group.
  std::string protocol(const std::string& group) const;

  // The server the next attempt of a request goes to: the first ACTIVE server of the group
  // (reactivating FAILED ones whose time has come) that this request has not given up on.
  // tries counts, per server, the attempts this request has made; a server is given up on
  // after max-failed-attempts tries. only: "test aaa-server ... host A" (one try, even when
  // FAILED). nullopt: no server left.
  std::optional<Candidate> next(const std::string& group, RequestKind kind,
                                const std::map<uint32_t, int>& tries,
                                std::optional<config::Ipv4> only, std::vector<AaaEvent>& events);

  // "accounting-mode simultaneous": every ACTIVE server of the group, in order (empty when the
  // group is in single mode, has none, or does not exist).
  std::vector<Candidate> simultaneous(const std::string& group, std::vector<AaaEvent>& events);

  // An attempt starts (counts the request, one more pending) and ends with the server's answer.
  void begin(const std::string& group, config::Ipv4 server, RequestKind kind);
  void finish(const std::string& group, config::Ipv4 server, RequestKind kind,
              const ServerAnswer& answer, std::vector<AaaEvent>& events);
  // The local database answered (LOCAL's counters).
  void local_answer(RequestKind kind, bool accepted);

  // One entry per server in configured order, LOCAL first, as "show aaa-server" lists them.
  std::vector<ServerStatus> status() const;
  // "clear aaa-server statistics [GROUP]": counters to zero, states kept.
  void clear_statistics(const std::string& group = {});

  // The configured timeout of a server, for "test aaa-server" ("(timeout: N seconds)").
  std::optional<int> timeout_seconds(const std::string& group, config::Ipv4 server) const;
  // The first server of the group, for "test aaa-server" without "host".
  std::optional<config::Ipv4> first_server(const std::string& group) const;

 private:
  struct Host {
    config::AaaServerHost cfg;
    ServerStatus st;
    int consecutive_failures = 0;
    int64_t failed_at_ms = 0;
    std::optional<config::Ipv4> source;
  };
  struct Group {
    config::AaaServerGroup cfg;  // hosts are in hosts below
    std::vector<Host> hosts;
  };
  Host* find(const std::string& group, config::Ipv4 server);
  void mark_failed(Group& g, Host& h, std::vector<AaaEvent>& events);
  void reactivate(Group& g, std::vector<AaaEvent>& events);
  static ServerStatus fresh_status(const config::AaaServerGroup& g, const config::AaaServerHost& h);
  Candidate candidate(const Group& g, const Host& h, RequestKind kind) const;

  Clock clock_;
  std::map<std::string, Group> groups_;
  ServerStatus local_;
};

// "RADIUS", "TACACS+": the protocol as the ASA's syslog messages name it.
std::string protocol_label(const std::string& protocol);

}  // namespace rampart::aaa
