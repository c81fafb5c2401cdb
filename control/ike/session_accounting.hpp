// Accounting of remote-access sessions for the tunnel-group's accounting-server-group, as the ASA
// sends it: Start once the client holds its address, Interim every "interim-accounting-update
// periodic H" hours, Stop when the session ends, with what all of its IPsec SAs carried (the
// ones rekeyed away too) and why it ended. The Acct-Session-Id is the session's: quick-mode
// rekeys keep it, and an IKE SA that takes over a client's session (a phase-1 rekey: same
// client, same user, same tunnel-group) shares it, so that the Stop goes with the last of them.
// The engine decides when (and finds the SA a session continues from through its indexes);
// this object keeps the records and the numbering, and asks nobody else's state.
#pragma once

#include <cstdint>

#include "control/aaa/aaa.hpp"
#include "control/config/model.hpp"
#include "control/ike/end_reason.hpp"
#include "control/ike/sa.hpp"
#include "dataplane/sad/sad.hpp"

namespace rampart::ike {

class Environment;

class SessionAccounting {
 public:
  // What an IPsec SA carried, as the dataplane counts it.
  struct Traffic {
    uint64_t in_octets = 0, in_packets = 0, out_octets = 0, out_packets = 0;
  };

  SessionAccounting(const config::Config& cfg, Environment& env);
  void set_sad(const dataplane::Sad* sad) { sad_ = sad; }

  // sa's session starts being accounted to group: on from continuing's session when there is
  // one (the same client's, carried by another IKE SA), else a new one with its Start.
  void start(IkeSa& sa, const std::string& group, const IkeSa* continuing);
  // An Interim when the group's interim-accounting-update period has passed.
  void interim(IkeSa& sa, uint64_t now);
  // sa no longer carries its session: the Stop, with why, when no other SA carries it on.
  void stop(IkeSa& sa, EndReason reason);
  // Keeps what ips carried in sa's session's totals before it leaves the dataplane; returns
  // that (nothing when the session is not accounted).
  Traffic retire(IkeSa& sa, const IpsecSa& ips);
  static void credit(AccountingSession& s, const Traffic& t);

 private:
  aaa::AccountingRecord record(const IkeSa& sa, aaa::AccountingRecord::Kind kind) const;

  const config::Config& cfg_;
  Environment& env_;
  const dataplane::Sad* sad_ = nullptr;
  // Acct-Session-Ids in order from a random start: unique among 2^32 sessions, with no walk
  // of the sessions alive to prove it.
  uint32_t next_id_ = 0;
  bool numbered_ = false;
};

}  // namespace rampart::ike
