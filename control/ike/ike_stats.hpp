// The IKE engine's global counters, as "show crypto isakmp stats" and SNMP read them.
#pragma once

#include <cstdint>

namespace rampart::ike {

// "show crypto isakmp stats" counters (the ASA's global IKEv1 statistics).
struct IkeStats {
  uint64_t in_octets = 0, out_octets = 0;
  uint64_t in_packets = 0, out_packets = 0, in_drop = 0, out_drop = 0;
  uint64_t in_notifies = 0, out_notifies = 0;
  uint64_t in_p2_exchanges = 0, out_p2_exchanges = 0;
  uint64_t in_p2_invalid = 0, in_p2_rejects = 0;
  uint64_t in_p2_sa_delete = 0, out_p2_sa_delete = 0;
  uint64_t initiator_tunnels = 0, initiator_fails = 0, responder_fails = 0;
  uint64_t system_capacity_fails = 0, auth_fails = 0, decrypt_fails = 0, hash_fails = 0;
  uint64_t no_sa_fails = 0;
  uint64_t malformed = 0, retransmits = 0, duplicates = 0;
  // Programming errors caught at the engine's boundary (a message or a tick that threw): the
  // SA it concerned is dropped, the daemon goes on.
  uint64_t internal_errors = 0;
  uint64_t cumulative_sessions = 0, peak_sessions = 0;
  // New negotiations refused before any state or crypto, by reason (Refusal); the global
  // limit is counted in system_capacity_fails as on the ASA.
  uint64_t refused_peer_limit = 0, refused_peer_rate = 0, refused_rate = 0, refused_busy = 0;
  uint64_t refused_oversize = 0;  // SA payloads beyond SaLimits
  // Sessions refused at vpn-sessiondb max-session-limit (also in system_capacity_fails); the
  // SNMP service's session-threshold-exceeded trap watches it.
  uint64_t refused_session_limit = 0;
  uint64_t unverified_resends_suppressed = 0;  // resends an unverified peer did not get
  uint64_t sas_failing_verification = 0;       // IPsec SAs whose every packet failed its ICV
};

}  // namespace rampart::ike
