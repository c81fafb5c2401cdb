// Dispatch: which handler a message goes to, by a table of (exchange, the state its SA is in,
// message kind). The message's rules (message_rules.hpp) are checked here, once, before any
// handler sees it, and what the handler made of it (its Outcome) is counted, logged and acted on
// here too: handlers neither re-check payloads nor remove their own failed SA.
#include <fmt/format.h>

#include "control/ike/engine.hpp"

namespace rampart::ike {

namespace {

// When a route applies: the state of the SA the message is for (null: a first message), the
// message id and whether it came encrypted.
using When = bool (*)(const IkeSa* sa, uint32_t msgid, bool encrypted);

constexpr bool first_message(const IkeSa* sa, uint32_t, bool) {
  return sa == nullptr;
}

// A phase-1 message the SA waits for in state S, encrypted or not as Crypt says.
enum class Crypt : uint8_t { Plain, Encrypted, Either };
template <P1State S, Crypt C>
constexpr bool phase1_in(const IkeSa* sa, uint32_t msgid, bool encrypted) {
  if (!sa || sa->state != S) return false;
  if (C == Crypt::Either) return msgid == 0;  // aggressive mode's third: either way
  return encrypted == (C == Crypt::Encrypted);
}

// A phase-2 style exchange needs the keys of phase 1 and its own message id.
bool protected_exchange(const IkeSa* sa, uint32_t msgid, bool encrypted) {
  return sa && encrypted && sa->established && msgid != 0;
}

// Quick mode's message by what the exchange under its message id waits for (QuickModes).
template <QuickModes::Next Q>
bool quick_mode_at(const IkeSa* sa, uint32_t msgid, bool encrypted) {
  return protected_exchange(sa, msgid, encrypted) && sa->quick_modes.next(msgid) == Q;
}

bool keyed(const IkeSa* sa, uint32_t, bool encrypted) {
  return sa && encrypted && sa->keys.skeyid_a.size() != 0;
}

constexpr bool otherwise(const IkeSa* sa, uint32_t, bool) {
  return sa != nullptr;
}

}  // namespace

struct Engine::Route {
  Exchange exchange;
  When when;
  // The rules the message is checked against before the handler runs; none for the messages
  // whose handler checks its HASH first and answers a broken one in its own words.
  std::optional<MessageKind> rules;
  Outcome::Counter also_count;  // besides "malformed", when the rules are broken
  // Before the rules: false, the message goes no further (am-disable in phase1_responder.cpp;
  // quick-mode admission and the held QM1 in engine.cpp).
  bool (*before)(Engine&, const Received&);
  Outcome (*handler)(Engine&, const Received&);
};

const Engine::Route* Engine::route_for(const IkeSa* sa, Exchange ex, uint32_t msgid,
                                       bool encrypted) {
  using E = Exchange;
  using K = MessageKind;
  using S = P1State;
  // A handler of the engine's own, or of the exchange object that owns the exchange.
  using R = const Received&;
  static constexpr Route kRoutes[] = {
      // Phase 1 as responder (phase1_responder.cpp).
      {E::MainMode, first_message, K::MM1, &IkeStats::in_drop, nullptr,
       [](Engine& e, R in) { return e.phase1_.main_1(in); }},
      {E::MainMode, phase1_in<S::MmWaitMsg3, Crypt::Plain>, K::MM3, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase1_.main_3(in); }},
      {E::MainMode, phase1_in<S::MmWaitMsg5, Crypt::Encrypted>, K::MM5, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase1_.main_5(in); }},
      {E::Aggressive, first_message, K::AM1, &IkeStats::in_drop,
       [](Engine& e, R in) { return e.phase1_.aggressive_allowed(in); },
       [](Engine& e, R in) { return e.phase1_.aggressive_1(in); }},
      {E::Aggressive, phase1_in<S::AmWaitMsg3, Crypt::Either>, K::AM3, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase1_.aggressive_3(in); }},
      // Phase 1 as initiator (phase1_initiator.cpp).
      {E::MainMode, phase1_in<S::MmWaitMsg2, Crypt::Plain>, K::MM2, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase1_.main_2(in); }},
      {E::MainMode, phase1_in<S::MmWaitMsg4, Crypt::Plain>, K::MM4, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase1_.main_4(in); }},
      {E::MainMode, phase1_in<S::MmWaitMsg6, Crypt::Encrypted>, K::MM6, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase1_.main_6(in); }},
      // XAUTH and mode-config (engine_transaction.cpp, to xauth_ and client_config_).
      {E::Transaction, protected_exchange, K::Transaction, nullptr, nullptr,
       [](Engine& e, R in) { return e.transaction(in); }},
      // Quick mode (phase2.hpp) once the engine lets a QM1 through (the held QM1, engine.cpp);
      // QM3 carries its HASH(3) alone, checked there.
      {E::QuickMode, quick_mode_at<QuickModes::Next::Qm1>, K::QM1, &IkeStats::in_p2_invalid,
       [](Engine& e, R in) { return e.quick_mode_1_allowed(in); },
       [](Engine& e, R in) { return e.phase2_.quick_mode_1(in); }},
      {E::QuickMode, quick_mode_at<QuickModes::Next::Qm2>, K::QM2, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase2_.quick_mode_2(in); }},
      {E::QuickMode, quick_mode_at<QuickModes::Next::Qm3>, std::nullopt, nullptr, nullptr,
       [](Engine& e, R in) { return e.phase2_.quick_mode_3(in); }},
      // Informational (informational.hpp): acted on only when protected by phase 1.
      {E::Informational, keyed, std::nullopt, nullptr, nullptr,
       [](Engine& e, R in) {
         return e.informational_.received(*in.sa, in.msgid, in.payloads, in.body);
       }},
      {E::Informational, otherwise, std::nullopt, nullptr, nullptr,
       [](Engine&, R in) { return Informational::unprotected(in.payloads); }},
  };

  for (const Route& r : kRoutes)
    if (r.exchange == ex && r.when(sa, msgid, encrypted)) return &r;
  return nullptr;
}

void Engine::dispatch(const Received& in) {
  const Route* r = route_for(in.sa, in.m.header.exchange, in.msgid, in.encrypted);
  if (!r) {
    ++stats_.in_drop;  // not expected in this state
    return;
  }
  if (r->before && !r->before(*this, in)) return;
  if (!rules_hold(in, *r)) return;
  act_on(in, r->handler(*this, in));
}

bool Engine::rules_hold(const Received& in, const Route& r) {
  if (!r.rules) return true;
  auto bad = check_message(*r.rules, in.encrypted, in.payloads);
  if (!bad) return true;
  ++stats_.malformed;
  if (r.also_count) ++(stats_.*r.also_count);
  std::string line = fmt::format("Dropping malformed message: {}", bad->text);
  if (in.sa) {
    log_.event(in.sa, line);
    return false;
  }
  // A first message: anyone can send these, and nothing is kept for them.
  for (const auto& p : in.payloads)
    if (const auto* sa = std::get_if<SaPayload>(&p); sa && check_sa_limits(*sa)) {
      ++stats_.refused_oversize;
      break;
    }
  if (phase1_.log_due())  // one line a second at most
    log_.event(nullptr, line, &in.d.peer);
  return false;
}

void Engine::act_on(const Received& in, const Outcome& o) {
  for (Outcome::Counter c : o.counters)
    if (c) ++(stats_.*c);
  switch (o.kind) {
    case Outcome::Kind::Done:
      break;
    case Outcome::Kind::Dropped:
      log_.event(in.sa, o.why, &in.d.peer);
      break;
    case Outcome::Kind::Failed:
      remove(o.sa_index, o.reason, false);
      break;
  }
}

}  // namespace rampart::ike
