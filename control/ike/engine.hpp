// The IKEv1 engine: every exchange of every peer, driven by datagrams and a clock. It has no
// sockets and no clock of its own: the firmware feeds it what arrives on UDP 500/4500 and a tick
// each second, and gives it an Environment to send, log and draw random bytes through, so that
// whole negotiations run in-process in tests, deterministic, between two engines or against
// recorded packets. It owns the IKE SAs and the timers, dispatches each message to the object
// that owns its exchange (phase 1: phase1.hpp; informational: informational.hpp; XAUTH:
// xauth.hpp; mode-config: client_config.hpp; quick mode and the IPsec SAs: phase2.hpp), and
// runs the session: what a completed phase 1 begins, authorization, limits (session_gate.hpp),
// accounting, phase-1 rekeys.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/config/model.hpp"
#include "control/ike/acquire_policies.hpp"
#include "control/ike/address_pools.hpp"
#include "control/ike/client_config.hpp"
#include "control/ike/debug_subject.hpp"
#include "control/ike/end_reason.hpp"
#include "control/ike/environment.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/informational.hpp"
#include "control/ike/message_rules.hpp"
#include "control/ike/outcome.hpp"
#include "control/ike/phase1.hpp"
#include "control/ike/phase2.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_config.hpp"
#include "control/ike/sa_table.hpp"
#include "control/ike/session_accounting.hpp"
#include "control/ike/session_gate.hpp"
#include "control/ike/session_journal.hpp"
#include "control/ike/xauth.hpp"
#include "dataplane/sad/sad.hpp"

namespace rampart::ike {

// The local user database's answer to XAUTH.
struct XauthResult {
  bool accepted = false;
  std::string reason;  // for the log when refused
};
XauthResult authenticate_local(const config::Config& cfg, const std::string& group,
                               const std::string& user, const std::string& password);

class Engine {
 public:
  Engine(const config::Config& cfg, Environment& env);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Where negotiated IPsec SAs go (and are removed from); none in unit tests of IKE alone.
  void set_sad(dataplane::Sad* sad) {
    phase2_.dataplane().attach(sad);
    accounting_.set_sad(sad);
  }
  dataplane::Sad* sad() const { return phase2_.dataplane().sad(); }

  void receive(const Datagram& d);
  // Timers: retransmission, half-open expiry, DPD, lifetimes. Call about once a second.
  void tick();

  // The SA database, by session index.
  const SaTable::Map& sas() const { return sas_.all(); }
  // Changes when a remote-access client's address may have come or gone (assigned, released,
  // handed to the SA of a phase-1 rekey, an SA removed), so that what follows the clients
  // (the firewall's VPN client set) need not walk every SA after every datagram.
  uint64_t clients_generation() const { return client_config_.generation(); }
  // Changes when an IPsec SA is added or removed (rekeys included), so that what lists the
  // tunnels (SNMP's tunnel traps) need not walk every SA each second while none changed.
  uint64_t ipsec_generation() const { return phase2_.generation(); }
  // Which SAs' sessions changed (session_journal.hpp), for the VPN routes and the firewall.
  const SessionJournal& sessions_journal() const { return journal_; }
  const IkeStats& stats() const { return stats_; }
  const AddressPools& pools() const { return client_config_.pools(); }

  // Starts a LAN-to-LAN negotiation for a static crypto map entry: main mode with the key of
  // the tunnel-group named by the entry's peer, then quick mode for the given proxies. The
  // dataplane's acquire (traffic that the entry's ACL matches) calls this. Returns the session
  // index, or nullopt with the reason logged.
  std::optional<uint64_t> initiate(const std::string& map, uint32_t seq, const Selector& local,
                                   const Selector& remote);

  // clear crypto isakmp sa [peer]: deletes (with a Delete notification) and returns how many.
  size_t clear(std::optional<config::Ipv4> peer = std::nullopt);
  // clear crypto ipsec sa [peer]: deletes the IPsec SAs (telling the peers), keeps IKE.
  size_t clear_ipsec(std::optional<config::Ipv4> peer = std::nullopt);
  // vpn-sessiondb logoff ...: by index, by username, or all (nullopt/empty).
  size_t logoff_index(uint64_t index);
  size_t logoff_name(const std::string& user);

  uint64_t now() const { return env_.now(); }

 private:
  // engine_dispatch.cpp: the table of (exchange, state, message kind) -> handler and the one
  // place that checks a message against its rules, counts, logs and acts on the outcome.
  struct Route;
  static const Route* route_for(const IkeSa* sa, Exchange ex, uint32_t msgid, bool encrypted);
  void dispatch(const Received& in);
  bool rules_hold(const Received& in, const Route& r);
  void act_on(const Received& in, const Outcome& o);
  // Before phase2_ handles a QM1: the IKE SA authorized and its transaction over (else the QM1
  // is held), under its limits.
  bool quick_mode_1_allowed(const Received& in);
  // engine.cpp: a datagram parsed, then handed on as a first message or one for its SA.
  void receive_message(const Datagram& d);
  void receive_first(const Datagram& d, const Message& m);
  void receive_for_sa(const Datagram& d, const Message& m);
  // The message for target, no duplicate (digest: its SHA-1, kept with our answer); resumed: a
  // held QM1 (its arrival was logged then).
  void handle_for_sa(IkeSa& target, const Datagram& d, const Message& m, const Bytes& digest,
                     bool resumed);
  // The QM1 that sa held while its transaction was under way (QuickModes::delay), handled now.
  void resume_quick_mode(IkeSa& sa);
  // engine_timers.cpp: the tick, one named step per timer (constants in timers.hpp); a step
  // that ends the SA returns why.
  void run_timers();
  std::optional<EndReason> sa_timers(IkeSa& sa, uint64_t now);
  std::optional<EndReason> negotiation_timer(const IkeSa& sa, uint64_t now);
  std::optional<EndReason> retransmit_timer(IkeSa& sa, uint64_t now);
  std::optional<EndReason> phase1_lifetime_timer(IkeSa& sa, uint64_t now);
  void nat_keepalive_timer(IkeSa& sa, uint64_t now);
  bool delayed_quick_mode_timer(const IkeSa& sa, uint64_t now);  // true: resume it after the walk
  std::optional<EndReason> dpd_timer(IkeSa& sa, uint64_t now);
  // The SAs a peer's IKE Delete ended during the message just handled, removed now rather than
  // at the next tick, so that a departing user's address returns to the pool at once (a burst
  // of short sessions could otherwise drain it within a second).
  void remove_peer_deleted();
  void remove(uint64_t index, EndReason reason, bool notify_peer);

  // engine.cpp: the DH result and the AAA answer arrive from the daemon's event loop, not from
  // receive() or tick(): the same catch for them (to phase1_ and xauth_).
  void dh_result(uint64_t index, DhOutcome outcome);
  void xauth_result(uint64_t index, uint64_t ticket, aaa::AuthResult r);
  // A first message refused (counted) from its header alone, before it is parsed.
  bool refused_unparsed(const Datagram& d);
  // engine_phase1_rekey.cpp
  // fresh carries old's session (and its index) from now on; old goes a little later, quietly.
  void take_over(IkeSa& fresh, IkeSa& old);
  // fresh, now authorized, continues a session if it has a predecessor (taking it over, or,
  // losing a rekey collision, replaced at once itself): true then. Otherwise its own rekey is
  // scheduled.
  bool continue_session(IkeSa& fresh);
  // When we replace sa ourselves: LAN-to-LAN only, at 95 % of its lifetime less jitter.
  void schedule_phase1_rekey(IkeSa& sa);
  // Per tick: a replaced SA's end (its reason, when due), our rekey's start.
  std::optional<EndReason> phase1_rekey_timers(IkeSa& sa, uint64_t now);
  void start_phase1_rekey(IkeSa& old);
  // A replaced SA's IPsec SAs (a quick mode that finished on it late) go to its successor.
  void hand_over_leftovers(IkeSa& sa);
  // sa, our replacement of another SA, failed before it was up: tried again later.
  void phase1_rekey_failed(const IkeSa& sa);
  // engine_acquire.cpp: the negotiation that traffic under a static entry's policy asks for.
  void acquire(const AcquireTarget& t);
  // engine_session.cpp: the session a completed phase 1 begins (a responder's: XAUTH, or
  // without it the session limits and mode-config; ours, LAN-to-LAN: the limits and quick mode).
  void session_begins(IkeSa& sa);
  // XAUTH's last word (session_gate_): the user's limits and the box's; the user's sessions it
  // preempts are logged off. False when refused (logged).
  bool admit_user(IkeSa& sa, const std::string& user);
  // The session's accounting (accounting_) starts once the client has its address.
  void accounting_start(IkeSa& sa);
  // engine_transaction.cpp
  // After XAUTH (or phase 1 without it): PHASE 1 COMPLETED now, or with the mode-config reply.
  void report_phase1_unless_pulling(IkeSa& sa);
  // The user passed XAUTH and the client has the status: the SA is authorized and active.
  void xauth_through(IkeSa& sa);
  Outcome transaction(const Received& in);
  void transaction_attributes(IkeSa& sa, uint32_t msgid, const AttributePayload& a);
  // Our SET's ACK: what the SET said (XAUTH status, pushed configuration) takes effect.
  void transaction_ack(IkeSa& sa, uint32_t msgid);
  // The client's mode-config request: answered (client_config_) for an authorized client.
  void mode_config_request(IkeSa& sa, uint32_t msgid, const AttributePayload& a);

  const config::Config& cfg_;
  Environment& env_;
  IkeLog log_{env_};  // debug and syslog lines (ike_log.hpp)
  SessionAccounting accounting_{cfg_, env_};
  SaTable sas_;
  AcquirePolicies acquire_;
  IkeStats stats_;
  SessionJournal journal_;
  IkeWire wire_{env_, stats_, log_, sas_, journal_};  // messages on the wire (ike_wire.hpp)
  // Notifications, deletes and DPD both ways (informational.hpp).
  Informational informational_{env_,
                               stats_,
                               log_,
                               sas_,
                               wire_,
                               [this](IkeSa& sa, size_t which, std::string_view why, bool drain) {
                                 phase2_.delete_ipsec(sa, which, false, why, drain);
                               }};
  // The client's address and configuration over mode-config (client_config.hpp).
  ClientConfig client_config_{cfg_, log_, wire_, journal_};
  // XAUTH from our request to the status (xauth.hpp); the session's limits are the engine's.
  Xauth xauth_{cfg_,
               env_,
               stats_,
               log_,
               sas_,
               wire_,
               [this](IkeSa& sa, const std::string& user) { return admit_user(sa, user); },
               [this](uint64_t index, uint64_t ticket, aaa::AuthResult r) {
                 xauth_result(index, ticket, std::move(r));
               }};
  // The IPsec SAs: quick mode both ways, install, rekeys, deletes (phase2.hpp).
  Phase2 phase2_{cfg_, env_, stats_, log_, sas_, journal_, wire_, informational_, accounting_};
  // Who may hold a session, and for how long (session_gate.hpp).
  SessionGate session_gate_{cfg_, stats_, log_, sas_, phase2_.dataplane()};
  // Phase 1, both roles, with the admission of new negotiations (phase1.hpp).
  Phase1 phase1_{cfg_,
                 env_,
                 stats_,
                 log_,
                 sas_,
                 wire_,
                 informational_,
                 {[this](uint64_t index, EndReason why, bool tell) { remove(index, why, tell); },
                  [this](IkeSa& sa) { session_begins(sa); },
                  [this](uint64_t index, DhOutcome o) { dh_result(index, std::move(o)); }}};
};

}  // namespace rampart::ike
