#include "control/ike/end_reason.hpp"

#include <array>

namespace rampart::ike {

namespace {

struct Words {
  EndReason reason;
  std::string_view debug;       // ours
  std::string_view disconnect;  // 113019, the ASA's
  std::string_view radius;      // RFC 2866 5.10
  bool peer_told;
};

// In enum order (checked below). NAS-Request is what the ASA sends for a cause it has no closer
// value for.
constexpr std::array<Words, 17> kWords{{
    {EndReason::None, "", "", "NAS-Request", true},
    {EndReason::Error, "Error", "Error", "NAS-Request", true},
    {EndReason::AdministratorReset, "Administrator Reset", "Administrator Reset", "Admin-Reset",
     true},
    {EndReason::UserRequested, "User Requested", "User Requested", "User-Request", false},
    {EndReason::IdleTimeout, "Idle Timeout", "Idle Timeout", "Idle-Timeout", true},
    {EndReason::MaxTimeExceeded, "Max time exceeded", "Max time exceeded", "Session-Timeout", true},
    {EndReason::DpdFailure, "DPD failure", "Lost Service", "Lost-Carrier", true},
    {EndReason::PortPreempted, "Port Preempted", "Port Preempted", "Port-Preempted", true},
    {EndReason::PeerReconnected, "Peer Reconnected (INITIAL-CONTACT)",
     "Peer Reconnected (INITIAL-CONTACT)", "Lost-Carrier", true},
    {EndReason::InternalError, "Internal Error", "Internal Error", "NAS-Error", true},
    {EndReason::NegotiationTimedOut, "negotiation timed out", "negotiation timed out",
     "NAS-Request", false},
    {EndReason::XauthTimedOut, "XAUTH timed out", "XAUTH timed out", "NAS-Request", true},
    {EndReason::RetransmissionLimit, "retransmission limit", "retransmission limit", "NAS-Request",
     true},
    {EndReason::P1LifetimeExpired, "P1 lifetime expired", "P1 lifetime expired", "NAS-Request",
     true},
    {EndReason::Phase1Rekeyed, "Phase 1 rekeyed", "Phase 1 rekeyed", "NAS-Request", true},
    {EndReason::DhFailure, "DH failure", "DH failure", "NAS-Request", true},
    {EndReason::DecryptionFailure, "decryption failure", "decryption failure", "NAS-Request", true},
}};

constexpr bool in_enum_order() {
  for (size_t i = 0; i < kWords.size(); ++i)
    if (static_cast<size_t>(kWords[i].reason) != i) return false;
  return true;
}
static_assert(in_enum_order());

const Words& words(EndReason r) {
  return kWords[static_cast<size_t>(r)];
}

}  // namespace

std::string_view debug_words(EndReason r) {
  return words(r).debug;
}
std::string_view disconnect_words(EndReason r) {
  return words(r).disconnect;
}
std::string_view terminate_cause(EndReason r) {
  return words(r).radius;
}
bool peer_told(EndReason r) {
  return words(r).peer_told;
}

}  // namespace rampart::ike
