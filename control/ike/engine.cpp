// The engine's core: datagrams received and dispatched, duplicates answered again, held quick
// modes resumed, removal. Message protection is ike_wire.cpp; the exchanges are engine_*.cpp.
#include "control/ike/engine.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/aaa/password.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

namespace {

using timers::max_retransmits;
using timers::unverified;

bool zero(const Cookie& c) {
  return std::all_of(c.begin(), c.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace

std::string Endpoint::str() const {
  return fmt::format("{}:{}", address.str(), port);
}

std::string_view state_name(P1State s, bool aggressive) {
  switch (s) {
    case P1State::MmWaitMsg2:
      return "MM_WAIT_MSG2";
    case P1State::MmWaitMsg4:
      return "MM_WAIT_MSG4";
    case P1State::MmWaitMsg6:
      return "MM_WAIT_MSG6";
    case P1State::MmWaitMsg3:
      return "MM_WAIT_MSG3";
    case P1State::MmWaitMsg5:
      return "MM_WAIT_MSG5";
    case P1State::AmWaitMsg3:
      return "AM_WAIT_MSG3";
    case P1State::XauthWait:
    case P1State::ModeCfgWait:
      // The ASA shows the phase-1 state; XAUTH and mode-config run on an active SA.
      return aggressive ? "AM_ACTIVE" : "MM_ACTIVE";
    case P1State::MmActive:
      return "MM_ACTIVE";
    case P1State::AmActive:
      return "AM_ACTIVE";
    case P1State::Deleting:
      return aggressive ? "AM_TM_DELETE" : "MM_TM_DELETE";
  }
  return "UNKNOWN";
}

XauthResult authenticate_local(const config::Config& cfg, const std::string&,
                               const std::string& user, const std::string& password) {
  auto it = cfg.users.find(user);
  if (it == cfg.users.end()) return {false, "user not found"};
  const auto& u = it->second;
  if (!u.password) return {false, "no password"};
  if (u.attributes.service_type && *u.attributes.service_type == "nas-prompt")
    return {false, "service-type does not permit remote access"};
  if (!aaa::verify_password(*u.password, password, user)) return {false, "invalid password"};
  return {true, {}};
}

void Environment::authenticate(const config::Config& cfg, aaa::AuthRequest r, aaa::AuthDone done) {
  XauthResult x = authenticate_local(cfg, r.group, r.user, r.password.reveal());
  aaa::AuthResult out;
  out.outcome = x.accepted ? aaa::Outcome::Accepted : aaa::Outcome::Rejected;
  out.reason = std::move(x.reason);
  out.local = true;
  done(std::move(out));
}

Engine::Engine(const config::Config& cfg, Environment& env) : cfg_(cfg), env_(env) {}

Engine::~Engine() = default;

// ---- receiving ----------------------------------------------------------------------------

// The one boundary where a programming error in the engine is caught (STYLE 5): it is logged
// and counted, the SA the message was for is dropped (its state may be half-changed), and the
// daemon with every other tunnel goes on.
void Engine::receive(const Datagram& d) {
  try {
    receive_message(d);
    remove_peer_deleted();
  } catch (const std::exception& e) {
    ++stats_.internal_errors;
    ++stats_.in_drop;
    log_.event(nullptr, fmt::format("Internal error while processing a message: {}", e.what()),
               &d.peer);
    if (auto m = parse_message(d.data.data(), d.data.size()))
      if (IkeSa* sa = sas_.find(m->header.initiator_cookie, m->header.responder_cookie))
        remove(sa->index, EndReason::InternalError, false);
  }
}

void Engine::tick() {
  try {
    run_timers();
  } catch (const std::exception& e) {
    ++stats_.internal_errors;
    log_.event(nullptr, fmt::format("Internal error in the IKE timers: {}", e.what()));
  }
}

void Engine::dh_result(uint64_t index, DhOutcome outcome) {
  try {
    phase1_.dh_done(index, std::move(outcome));
  } catch (const std::exception& e) {
    ++stats_.internal_errors;
    log_.event(nullptr, fmt::format("Internal error after a DH computation: {}", e.what()));
    remove(index, EndReason::InternalError, false);
  }
}

void Engine::xauth_result(uint64_t index, uint64_t ticket, aaa::AuthResult r) {
  try {
    xauth_.answered(index, ticket, std::move(r));
  } catch (const std::exception& e) {
    ++stats_.internal_errors;
    log_.event(nullptr, fmt::format("Internal error after an AAA answer: {}", e.what()));
    remove(index, EndReason::InternalError, false);
  }
}

void Engine::receive_message(const Datagram& d) {
  ++stats_.in_packets;
  stats_.in_octets += d.data.size();
  if (refused_unparsed(d)) return;
  auto parsed = parse_message(d.data.data(), d.data.size());
  if (!parsed) {
    ++stats_.malformed;
    ++stats_.in_drop;
    log_.debug(nullptr,
               fmt::format("Received malformed IKE message, dropping: {}", parsed.error().text()),
               &d.peer);
    return;
  }
  const Message& m = *parsed;
  if ((m.header.version >> 4) != 1) {
    ++stats_.in_drop;  // IKEv2 (or worse) is not spoken here
    return;
  }
  if (zero(m.header.responder_cookie))
    receive_first(d, m);
  else
    receive_for_sa(d, m);
}

// A message without the responder's cookie starts a negotiation, or repeats one that did.
void Engine::receive_first(const Datagram& d, const Message& m) {
  if (m.header.message_id != 0 ||
      (m.header.exchange != Exchange::Aggressive && m.header.exchange != Exchange::MainMode)) {
    ++stats_.in_drop;
    return;
  }
  if (IkeSa* dup = sas_.find_half_open(m.header.initiator_cookie, d.peer)) {
    // A retransmitted first message: our answer was lost. Send it again.
    ++stats_.duplicates;
    // The answer again counts as the unverified peer's one resend.
    const Bytes& answer = dup->sent.last();
    if (!answer.empty() && dup->sent.resends() < max_retransmits(*dup)) {
      dup->sent.counted_resend();
      env_.send(dup->local, dup->peer, answer);
      ++stats_.out_packets;
    } else if (!answer.empty()) {
      ++stats_.unverified_resends_suppressed;
    }
    return;
  }
  // The interface and admission were checked on the header (refused_unparsed).
  log_.message(d.peer, false, 0, m.payloads, d.data.size());
  dispatch({d, m, nullptr, m.payloads, {}, 0, false});
}

void Engine::receive_for_sa(const Datagram& d, const Message& m) {
  IkeSa* sa = sas_.find(m.header.initiator_cookie, m.header.responder_cookie);
  if (!sa && m.header.exchange == Exchange::MainMode && m.header.message_id == 0) {
    // The answer to our MM1 names the responder's cookie for the first time.
    for (auto& [idx, s] : sas_.all())
      if (!s->responder && s->state == P1State::MmWaitMsg2 &&
          s->icookie == m.header.initiator_cookie && s->peer.address == d.peer.address) {
        s->rcookie = m.header.responder_cookie;
        sa = s.get();
      }
  }
  if (!sa) {
    ++stats_.no_sa_fails;
    ++stats_.in_drop;
    log_.debug(nullptr, "Received packet for an unknown or deleted IKE SA, dropping", &d.peer);
    return;
  }
  if (sa->p1 && sa->p1->dh_pending) {
    ++stats_.in_drop;  // nothing of this exchange can be handled before our DH is done
    return;
  }
  sa->bytes_rx += d.data.size();
  Bytes digest = hash(HashAlg::Sha1, d.data);
  if (sa->sent.repeats(digest)) {
    ++stats_.duplicates;
    const Bytes& answer = sa->sent.answer();
    if (!answer.empty() && (!unverified(*sa) || sa->sent.resends() < max_retransmits(*sa))) {
      if (unverified(*sa)) sa->sent.counted_resend();
      env_.send(sa->local, sa->peer, answer);
      ++stats_.out_packets;
    } else if (!answer.empty()) {
      ++stats_.unverified_resends_suppressed;
    }
    return;
  }
  handle_for_sa(*sa, d, m, digest, false);
}

void Engine::handle_for_sa(IkeSa& target, const Datagram& d, const Message& m, const Bytes& digest,
                           bool resumed) {
  IkeSa* sa = &target;
  const bool encrypted = m.header.flags & kFlagEncrypted;
  std::vector<Payload> payloads;
  Bytes body;
  if (encrypted) {
    switch (wire_.open(*sa, m, payloads, body)) {
      case IkeWire::Opened::Ok:
        break;
      case IkeWire::Opened::Unreadable:
        return;
      case IkeWire::Opened::WrongKey:
        log_.event(sa,
                   "ERROR, had problems decrypting packet, probably due to mismatched pre-shared "
                   "key.  Aborting");
        log_.syslog_sa(sa, nullptr, 713902,
                       "ERROR, had problems decrypting packet, probably due to mismatched "
                       "pre-shared key.  Aborting");
        remove(sa->index, EndReason::DecryptionFailure, false);
        return;
    }
  }
  const std::vector<Payload>& p = encrypted ? payloads : m.payloads;
  if (!resumed) log_.message(d.peer, false, m.header.message_id, p, d.data.size());

  wire_.begin(*sa, d, m);
  const uint64_t index = sa->index;
  dispatch({d, m, sa, p, std::move(body), m.header.message_id, encrypted, resumed});
  // Remember what we answered: a retransmission of it gets that answer again, and only that.
  // The SA may be gone by now, or under another index (a phase-1 rekey swaps them): found by
  // its index first, else by a walk that only such a message costs.
  Bytes answer = wire_.end();
  auto holds = [&](const auto& e) { return e.second.get() == sa; };
  auto alive = [&] {
    return sas_.get(index) == sa || std::any_of(sas_.all().begin(), sas_.all().end(), holds);
  };
  if (!alive()) return;
  if (!answer.empty()) {
    sa->sent.answered_with(digest, std::move(answer));
  }
  // This message may have ended the transaction a held QM1 waited for.
  if (sa->quick_modes.has_delayed() && !transaction_in_progress(*sa)) resume_quick_mode(*sa);
}

void Engine::resume_quick_mode(IkeSa& sa) {
  if (sa.state == P1State::Deleting) return;
  Bytes data = sa.quick_modes.take_delayed();
  auto m = parse_message(data.data(), data.size());
  if (!m) return;  // it parsed when it was held
  if (transaction_in_progress(sa))
    log_.debug(&sa, "Resume Quick Mode processing, Cert/Trans Exch/RM DSID timed out");
  else
    log_.debug(&sa, "Resume Quick Mode processing, Cert/Trans Exch/RM DSID completed");
  // As if it came now, from where the peer is now (it may have moved since).
  Datagram d{sa.local, sa.peer, sa.nameif, std::move(data)};
  const Bytes digest = hash(HashAlg::Sha1, d.data);
  handle_for_sa(sa, d, *m, digest, true);
}

bool Engine::refused_unparsed(const Datagram& d) {
  // RFC 2408 3.1: the cookies are the header's first 16 bytes. A first message (no responder
  // cookie) that is not a retransmission is refused here, from the header alone, when its
  // interface or its address may not start a negotiation: a flood is turned away before any
  // parsing, which is most of what a refused packet would cost.
  constexpr size_t kHeader = 28;
  if (d.data.size() < kHeader) return false;
  if (!std::all_of(d.data.begin() + 8, d.data.begin() + 16, [](uint8_t b) { return b == 0; }))
    return false;
  if (!cfg_.crypto.isakmp_enabled.contains(d.nameif)) {
    ++stats_.in_drop;  // an ASA does not answer IKE on an interface without "crypto ikev1 enable"
    return true;
  }
  Cookie icookie;
  std::copy(d.data.begin(), d.data.begin() + 8, icookie.begin());
  if (sas_.find_half_open(icookie, d.peer)) return false;  // a retransmission: answered below
  return !phase1_.admit(d);
}

// Before a QM1 is read: may this IKE SA start another IPsec SA at all?
bool Engine::quick_mode_1_allowed(const Received& in) {
  IkeSa& sa = *in.sa;
  if (!in.resumed && transaction_in_progress(sa)) {
    log_.decode(nullptr, fmt::format("IKE Responder starting QM: msg id = {:08x}", in.msgid),
                &sa.peer);
    log_.debug(&sa, "Delay Quick Mode processing, Cert/Trans Exch/RM DSID in progress");
    // Handled when the transaction is over (handle_for_sa) or at the deadline (run_timers).
    // One too large to hold is dropped: the client retransmits it.
    if (!sa.quick_modes.delay(in.d.data, env_.now() + timers::kDelayedQuickMode)) ++stats_.in_drop;
    return false;
  }
  if (!phase2_.admitted(sa)) return false;
  if (!sa.phase1_reported)
    phase1_.report_established(sa);  // a client that asked for no configuration
  if (!in.resumed)
    log_.decode(nullptr, fmt::format("IKE Responder starting QM: msg id = {:08x}", in.msgid),
                &sa.peer);
  return true;
}

// ---- removal ------------------------------------------------------------------------------

// The SAs a peer's IKE Delete ended, as the tick would remove them: the peer is not told.
void Engine::remove_peer_deleted() {
  for (uint64_t idx : informational_.take_peer_deleted()) {
    if (const IkeSa* sa = sas_.get(idx); sa && sa->state == P1State::Deleting)
      remove(idx, sa->delete_reason, false);
  }
}

void Engine::remove(uint64_t index, EndReason reason, bool notify_peer) {
  IkeSa* found = sas_.get(index);
  if (!found) return;
  IkeSa& sa = *found;
  client_config_.changed();
  journal_.touch(index);
  phase1_.settle(sa);
  phase1_rekey_failed(sa);
  // A replaced SA's session lives on in its successor: no disconnect, and what it still held
  // goes there.
  hand_over_leftovers(sa);
  if (notify_peer && sa.keys.skeyid_a.size() != 0) {
    // The IKE SA's delete alone: its IPsec SAs go with it at the peer. Deleting those first
    // makes clients such as vpnc start a new quick mode instead of disconnecting.
    informational_.send_ike_delete(sa);
    for (size_t i = sa.ipsec.size(); i-- > 0;)
      phase2_.delete_ipsec(sa, i, false, debug_words(reason));
  }
  if (sa.established && sa.remote_access && reason != EndReason::None && !sa.p1_rekey.replaced_by())
    log_.syslog_sa(
        &sa, nullptr, 113019,
        sa.natt != Vendor::Unknown && (sa.nat_peer || sa.nat_local) ? "IPsecOverNatT" : "IPsec",
        [&] {
          uint64_t s = env_.now() - sa.session_start;
          return fmt::format("{}h:{:02}m:{:02}s", s / 3600, s / 60 % 60, s % 60);
        }(),
        sa.bytes_tx, sa.bytes_rx, disconnect_words(reason));
  phase2_.forget(sa);  // what is left goes from the dataplane
  accounting_.stop(sa, reason);
  if (sa.established) log_.debug(&sa, fmt::format("IKE SA deleted: {}", debug_words(reason)));
  client_config_.release(sa);
  sas_.erase(index);
}

size_t Engine::clear(std::optional<config::Ipv4> peer) {
  std::vector<uint64_t> which;
  for (auto& [idx, sa] : sas_.all())
    if (!peer || sa->peer.address == *peer) which.push_back(idx);
  for (uint64_t idx : which) remove(idx, EndReason::AdministratorReset, true);
  return which.size();
}

size_t Engine::clear_ipsec(std::optional<config::Ipv4> peer) {
  size_t n = 0;
  for (auto& [idx, sa] : sas_.all()) {
    if (peer && sa->peer.address != *peer) continue;
    for (size_t i = sa->ipsec.size(); i-- > 0; ++n)
      phase2_.delete_ipsec(*sa, i, true, "Administrator Reset");
  }
  return n;
}

size_t Engine::logoff_index(uint64_t index) {
  if (!sas_.contains(index)) return 0;
  remove(index, EndReason::AdministratorReset, true);
  return 1;
}

size_t Engine::logoff_name(const std::string& user) {
  std::vector<uint64_t> which;
  for (auto& [idx, sa] : sas_.all())
    if (sa->username == user) which.push_back(idx);
  for (uint64_t idx : which) remove(idx, EndReason::AdministratorReset, true);
  return which.size();
}

}  // namespace rampart::ike
