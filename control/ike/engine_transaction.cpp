// Phase 1.5 (transaction exchanges): each message to its place (XAUTH's replies to xauth_,
// xauth.hpp; mode-config requests to client_config_, client_config.hpp), and what the session
// makes of them: the ACK of our XAUTH status authorizes the SA, a client with its address is
// complete (PHASE 1 COMPLETED, accounting).
#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

// Seed 000: an ASA answering a client's mode-config request prints PHASE 1 COMPLETED (and
// sends its lifetime notify) after the reply; one that pushes, or has nothing to configure,
// completes phase 1 at once. A client that pulls nothing completes with its first quick mode.
void Engine::report_phase1_unless_pulling(IkeSa& sa) {
  if (!sa.remote_access || pushes_config(cfg_, sa)) phase1_.report_established(sa);
}

// ---- the transaction exchange ---------------------------------------------------------------

void Engine::xauth_through(IkeSa& sa) {
  sa.authorized = true;
  // A QM1 held meanwhile waits for mode-config's address from now on, not from its arrival.
  sa.quick_modes.delay_until(env_.now() + timers::kDelayedQuickMode);
  journal_.touch(sa.index);
  sa.state = sa.aggressive ? P1State::AmActive : P1State::MmActive;
  if (continue_session(sa)) {
    // The client's phase-1 rekey: it has its address and asks for no configuration (vpnc
    // waits for our lifetime notify instead, and gives up without it), so phase 1 completes now.
    phase1_.report_established(sa);
  } else {
    report_phase1_unless_pulling(sa);
  }
  if (!client_config_.push(sa)) sa.state = P1State::Deleting;
}

Outcome Engine::transaction(const Received& in) {
  IkeSa& sa = *in.sa;
  log_.debug(&sa, "processing hash payload");
  if (!wire_.verify_hash(sa, in.msgid, in.body, in.body.size(), {}))
    return Outcome::dropped("Hash verification failed on a transaction message, dropping",
                            &IkeStats::hash_fails);
  sa.last_heard = env_.now();
  transaction_attributes(sa, in.msgid, *first_payload<AttributePayload>(in.payloads));
  return Outcome::done();
}

void Engine::transaction_attributes(IkeSa& sa, uint32_t msgid, const AttributePayload& a) {
  log_.debug(&sa, "process_attr(): Enter!");
  if (a.type == cfg_type::kReply && sa.transaction.asking_server()) {
    // The client sent its reply again while the server is being asked: one question is enough,
    // and the status goes out (and is retransmitted) once the answer is in.
    ++stats_.duplicates;
    log_.debug(&sa, "XAUTH reply repeated while the AAA server is asked, dropping");
  } else if (a.type == cfg_type::kReply && sa.transaction.is_reply(msgid) &&
             sa.state == P1State::XauthWait) {
    sa.sent.answered();
    sa.exchange_ivs.erase(msgid);
    log_.debug(&sa, "Processing MODE_CFG Reply attributes.");
    xauth_.reply(sa, a);
  } else if (a.type == cfg_type::kAck && sa.transaction.is_ack(msgid)) {
    transaction_ack(sa, msgid);
  } else if (a.type == cfg_type::kRequest) {
    mode_config_request(sa, msgid, a);
  } else {
    log_.debug(&sa, fmt::format("Unexpected transaction message (type {}), dropping", a.type));
  }
}

void Engine::transaction_ack(IkeSa& sa, uint32_t msgid) {
  sa.sent.answered();
  sa.exchange_ivs.erase(msgid);
  log_.debug(&sa, "Processing cfg ACK attributes");
  switch (sa.transaction.acked()) {
    case Transaction::Set::XauthFail:
      sa.state = P1State::Deleting;
      break;
    case Transaction::Set::XauthOk:
      xauth_through(sa);
      break;
    case Transaction::Set::ModeCfg:
      accounting_start(sa);
      break;  // the pushed address is taken
    case Transaction::Set::None:
      break;  // a repeated ACK
  }
}

void Engine::mode_config_request(IkeSa& sa, uint32_t msgid, const AttributePayload& a) {
  if (sa.transaction.pending_set() == Transaction::Set::XauthOk) {
    // The client's ACK of our XAUTH status was lost, but it has moved on to mode-config: its
    // authenticated request shows it saw the status. Take it as the ACK (else we would resend
    // the status while the client waits for its reply, until the session times out).
    log_.debug(&sa, "Mode-config request before the XAUTH status ACK: taking it as the ACK");
    sa.sent.answered();
    sa.exchange_ivs.erase(sa.transaction.set_msgid());
    sa.transaction.acked();
    xauth_through(sa);
  }
  if (!sa.authorized || !sa.remote_access) {
    // Addresses go to authenticated remote-access users only: never before XAUTH is through,
    // never to a LAN-to-LAN peer.
    ++stats_.in_drop;
    log_.event(&sa, sa.remote_access ? "Mode-config request before XAUTH completed, dropping"
                                     : "Mode-config request from a LAN-to-LAN peer, dropping");
    return;
  }
  if (!client_config_.answer(sa, msgid, a)) {
    sa.state = P1State::Deleting;
    return;
  }
  phase1_.report_established(sa);
  accounting_start(sa);
}

}  // namespace rampart::ike
