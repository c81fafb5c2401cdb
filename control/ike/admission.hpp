// Who may start a phase-1 negotiation with us, and how fast. IKEv1 has no stateless cookie
// exchange (the ASA's IKEv2 cookie challenge has no IKEv1 twin), so a responder that answers
// every first message keeps state and spends a DH for anyone, spoofed or not. These limits
// bound both: per peer address (a spoofer's range, a looping host) and for the whole box
// (crypto ikev1 limit max-in-negotiation-sa, and a rate). Pure bookkeeping: no clock, no
// sockets; the engine asks before it creates an SA and reports when one settles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace rampart::ike {

enum class Refusal {
  None,
  PeerLimit,    // this address already has kPerPeerHalfOpen negotiations open
  PeerRate,     // this address started per_peer_per_second() negotiations this second
  GlobalRate,   // the box started per_second() negotiations this second
  GlobalLimit,  // max-in-negotiation-sa half-open SAs exist
  CryptoBusy,   // the DH workers' queue is full
};
std::string_view refusal_name(Refusal r);

class Admission {
 public:
  // Our own limits (not the ASA's: it has only the global one).
  // Clients behind one NAT rarely start more than a few negotiations at the same moment;
  // strongSwan's block_threshold is 5 for the same reason.
  static constexpr uint32_t kPerPeerHalfOpen = 5;
  // The global rate: answers to unverified peers per second for the box. It bounds the DH work
  // and what spoofed sources can make us send to third parties (each answer is also resent
  // once). A constant would either cap a real head-end far below what it computes or let a
  // small one queue more than it can ever finish, so it follows the DH workers' measured
  // capacity (set_capacity), kHeadroomPercent of it: a burst beyond what the workers finish
  // in a second waits in their bounded queue (a full queue refuses as CryptoBusy), and what
  // no worker could ever finish is refused here, before any state exists. Never below
  // kMinPerSecond, which any box computes (about 200 group-14 DH a second on one slow core),
  // so that a capacity not yet measured, or a measurement taken while the cores were busy,
  // cannot shut the door; in-process tests, whose DH is computed in line, stay at it.
  static constexpr uint32_t kMinPerSecond = 200;
  static constexpr uint32_t kHeadroomPercent = 125;
  // Of the rate, an address that already has a negotiation open may take only 3/4: the rest
  // is kept for addresses with none, so that a real client still gets in while spoofed
  // sources fill their per-peer allowance (a spoofer's range is finite; a client is one more).
  static constexpr uint32_t kBusyPeersPercent = 75;
  // A host looping first messages costs a DH each: one address may start at most 1/kPeerShare
  // of the rate (so no single unspoofed host can take the box), and never fewer than
  // kMinPerPeerPerSecond, more than any client restarting needs. A share rather than a
  // constant: thousands of clients behind one carrier NAT log in at the same morning minute.
  static constexpr uint32_t kPeerShare = 32;
  static constexpr uint32_t kMinPerPeerPerSecond = 10;

  // The DH computations per second the workers complete (0: not measured); sets the rates.
  void set_capacity(uint32_t dh_per_second);
  uint32_t per_second() const { return per_second_; }
  uint32_t per_second_busy_peers() const;
  uint32_t per_peer_per_second() const;

  // May a negotiation from this peer address start now? Records nothing.
  Refusal check(uint32_t peer, uint64_t now, size_t global_limit);
  // A negotiation from peer started (an SA now exists and counts as half-open).
  void opened(uint32_t peer, uint64_t now);
  // A half-open negotiation from peer ended: authenticated, failed or expired.
  void settled(uint32_t peer);
  size_t half_open() const { return total_; }
  uint32_t half_open_of(uint32_t peer) const;
  // Network-triggered logs at most once a second: the number of refusals left unlogged since
  // the last log line when one is due now, nullopt when this one stays silent.
  std::optional<uint64_t> log_due(uint64_t now);

 private:
  void roll(uint64_t now);
  std::unordered_map<uint32_t, uint32_t> open_;  // half-open SAs by peer address
  size_t total_ = 0;
  uint64_t second_ = 0;
  uint32_t started_this_second_ = 0;
  std::unordered_map<uint32_t, uint32_t> started_by_peer_;  // this second; at most per_second_
  uint32_t per_second_ = kMinPerSecond;
  bool logged_once_ = false;
  uint64_t log_second_ = 0;
  uint64_t unlogged_ = 0;
};

}  // namespace rampart::ike
