// Why an IKE SA, and the session it carries, ends. The engine passes this value around and
// compares it; the words are the ASA's, rendered from the one table in end_reason.cpp where a
// line is logged or a record sent (the debug line, 113019's "Reason:", RADIUS accounting).
#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::ike {

enum class EndReason : uint8_t {
  None,   // a negotiation that failed before there was a session to end
  Error,  // an SA marked for deletion without a reason
  AdministratorReset,
  UserRequested,  // the peer deleted the IKE SA
  IdleTimeout,
  MaxTimeExceeded,
  DpdFailure,
  PortPreempted,
  PeerReconnected,  // INITIAL-CONTACT from the same peer
  InternalError,
  NegotiationTimedOut,
  XauthTimedOut,
  RetransmissionLimit,
  P1LifetimeExpired,
  Phase1Rekeyed,
  DhFailure,
  DecryptionFailure,
};

// The engine's debug line ("IKE SA deleted: <words>"), also given to the IPsec SAs that go
// with the IKE SA.
std::string_view debug_words(EndReason r);
// 113019's "Reason: <words>".
std::string_view disconnect_words(EndReason r);
// RFC 2866 5.10 Acct-Terminate-Cause.
std::string_view terminate_cause(EndReason r);
// Whether an SA that the tick ends for this reason tells its peer with a Delete: not when the
// peer deleted it, nor when the negotiation never finished.
bool peer_told(EndReason r);

}  // namespace rampart::ike
