// The decisions behind a session's limits, over the configuration and the SA table and nothing
// else: the limits that hold for a user's session (the group-policy's, under what an AAA server
// said), which of the user's sessions a new login logs off, whether the box is full, and when a
// session's time is up, and which session a new IKE SA continues. SessionGate (session_gate.hpp)
// logs, counts and acts on them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/end_reason.hpp"
#include "control/ike/sa_table.hpp"
#include "control/ike/session_policy.hpp"

namespace rampart::ike {

// sa's session limits: the configuration's, under the server's answer (its group-policy,
// Session-Timeout, Idle-Timeout, simultaneous logins). Times in seconds; nullopt: none.
struct SessionLimitsOf {
  SessionLimits config;
  std::optional<uint64_t> idle_seconds, session_seconds;
};
SessionLimitsOf limits_of(const config::Config& cfg, const IkeSa& sa, const std::string& user);

// Whether s carries a session a new IKE SA may continue: up, authorized, not going.
bool continuable(const IkeSa& s);
// The SA whose session sa continues (a phase-1 rekey): the one we set out to replace (or
// whichever took its session over meanwhile), else one of the same peer and tunnel-group (and
// port and user for a client), continuable; none when sa said INITIAL-CONTACT.
IkeSa* predecessor(SaTable& sas, const IkeSa& sa);

// The user's sessions to log off so that sa's login stays within limit logins (limit > 0): the
// one idle the longest first, of equally idle ones the oldest. continued, the session sa
// carries on (a phase-1 rekey), is not another login.
std::vector<uint64_t> logins_to_preempt(const SaTable& sas, const IkeSa& sa, const IkeSa* continued,
                                        const std::string& user, int limit);

// Whether at least limit sessions other than except's (none: all) are up.
bool sessions_reach(const SaTable& sas, const IkeSa* except, uint32_t limit);

// Why the session must end at now under its limits (session time, idle time), if it must.
std::optional<EndReason> limit_reached(const SessionLimitsOf& l, const IkeSa& sa, uint64_t now);

}  // namespace rampart::ike
