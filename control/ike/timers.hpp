// Every timer of the IKE engine by name, with its constant, in one place (as WireGuard's
// timers.c): what expires when. The engine's tick (engine_timers.cpp) runs them for every SA in
// the order of this file; the engine keeps no other clock arithmetic of its own.
#pragma once

#include <cstdint>

#include "control/ike/sa.hpp"

namespace rampart::ike::timers {

// Retransmission of the last request we sent: at 2, 6 and 14 s; given up at 30 s.
inline constexpr uint64_t kFirstRetransmit = 2;  // seconds, doubled each time
inline constexpr int kMaxRetransmits = 3;
// A responder whose peer has not proven the key yet (before AM3/MM5 verified) may be talking
// to a spoofed address: one resend (at 2 s; abandoned at 6 s) is all a third party gets.
inline constexpr int kMaxUnverifiedRetransmits = 1;

inline bool unverified(const IkeSa& sa) {
  return sa.responder && !sa.established;
}
inline int max_retransmits(const IkeSa& sa) {
  return unverified(sa) ? kMaxUnverifiedRetransmits : kMaxRetransmits;
}
inline uint64_t next_retransmit(uint64_t now, int retransmits) {
  return now + (kFirstRetransmit << retransmits);
}

// Half-open: a phase 1 not established, or a quick mode not finished, by then is dropped.
inline constexpr uint64_t kHalfOpen = 30;
// XAUTH: the user has this long to answer.
inline constexpr uint64_t kXauth = 120;

// A QM1 held while XAUTH or mode-config is under way (QuickModes::delay): once the user is
// through, the client's mode-config request follows at once; if none has come (no address)
// this long after, the QM1 is handled anyway and refused for speaking for no address.
inline constexpr uint64_t kDelayedQuickMode = 5;

// Phase-2 soft lifetime: we rekey at 90 % of the SA's lifetime less up to 5 % of jitter (so
// that the two ends, or many tunnels set up together, do not all rekey in the same second),
// and at 90 % of its volume.
inline uint64_t ipsec_soft_expiry(uint64_t established, uint64_t life, uint16_t random) {
  return established + life - life / 10 - random % (life / 20 + 1);
}
inline uint64_t ipsec_soft_volume(uint64_t kilobytes) {
  return kilobytes * 1024 / 10 * 9;
}
// Phase-1 soft lifetime (LAN-to-LAN: we start the new main mode): 95 % less up to 2.5 %.
inline uint64_t phase1_soft_expiry(uint64_t established, uint64_t life, uint16_t random) {
  return established + life - life / 20 - random % (life / 40 + 1);
}
// A rekey of either phase that went unanswered is tried again this much later.
inline constexpr uint64_t kRekeyRetry = 10;
// A replaced IKE SA stays this long: the peer may still have messages in flight on it, and
// strongSwan, as responder, moves its CHILD_SAs to the new IKE SA in a job of its own and
// deletes the old one after 10 s; deleting it before would take the CHILD_SAs.
inline constexpr uint64_t kReplacedGrace = 15;
// An IPsec SA that the peer deleted, or that its rekey replaced, still decrypts this long (it
// sends nothing): what the peer sent on it just before its Delete or its switch can still be
// queued in a packet worker behind them (at 10,000 tunnels rekeying, such packets were lost:
// tests/bench/tunnel_scale.sh --rekey-run).
inline constexpr uint64_t kDrainSeconds = 2;

// DPD (RFC 3706): an R-U-THERE once the peer was quiet for the threshold (isakmp keepalive
// threshold; the ASA's defaults), again every retry seconds, dead after this many unanswered.
inline constexpr int kDpdThresholdRemoteAccess = 300;
inline constexpr int kDpdThresholdLanToLan = 10;
inline constexpr int kDpdRetry = 2;
inline constexpr int kDpdMaxOutstanding = 5;  // Dpd::Times (dpd.hpp)

// 402120: an inbound SA that failed its ICV this many times without one good packet is keyed
// differently from the peer; told at most once in this many seconds over all SAs.
inline constexpr uint64_t kVerifyAlarmPackets = 16;
inline constexpr uint64_t kVerifySyslogGap = 5;

}  // namespace rampart::ike::timers
