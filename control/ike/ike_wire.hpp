// The IKE SAs' messages as they cross the wire: phase 1's and the other exchanges' encryption
// and IV chains, the HASH that leads a phase-2 style message, what a message being handled was
// answered with (its retransmission gets that again), and the peer's endpoint, which moves
// (NAT-T, RFC 3947 4) only once a message has proven the key: a forged or replayed packet can
// neither desynchronise an exchange nor redirect a session.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "control/ike/environment.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"
#include "control/ike/session_journal.hpp"

namespace rampart::ike {

class IkeWire {
 public:
  IkeWire(Environment& env, IkeStats& stats, IkeLog& log, SaTable& sas, SessionJournal& journal)
      : env_(env), stats_(stats), log_(log), sas_(sas), journal_(journal) {}

  // ---- a message received for an SA
  enum class Opened {
    Ok,
    Unreadable,  // not to be decrypted at all, or garbage after it (counted)
    WrongKey,    // garbage on phase 1's chain before phase 1 is authenticated (counted)
  };
  // Decrypts m for sa into its payloads and body (the chain without padding: what a HASH
  // covers). Its IV chain moves on only at commit().
  Opened open(IkeSa& sa, const Message& m, std::vector<Payload>& payloads, Bytes& body);
  // Handling of a message for sa, arrived on d, begins: until end(), commit() accepts what it
  // changes, and the first datagram sent to sa is its answer.
  void begin(IkeSa& sa, const Datagram& d, const Message& m);
  // The answer sent while handling it (empty: none); the message is no longer being handled.
  Bytes end();
  // Accepts what the message being handled changed: its IV chain and the peer's endpoint.
  // Called once the message is authenticated (its HASH verified).
  void commit(IkeSa& sa);
  // Checks the HASH that leads a decrypted phase-2 style message (commit()s it when good).
  bool verify_hash(IkeSa& sa, uint32_t msgid, const Bytes& body, size_t consumed,
                   const Bytes& extra);

  // ---- sending to an SA's peer
  // A datagram, remembered for retransmission when a reply is awaited (and as the answer to a
  // retransmitted request when not).
  void transmit(IkeSa& sa, Bytes datagram, bool await_reply);
  // A phase-1 message, encrypted with the phase-1 IV chain when encrypt is set.
  void send_phase1(IkeSa& sa, Exchange ex, std::vector<Payload> payloads, bool encrypt,
                   bool await_reply);
  // A message of a phase-2 style exchange (quick mode, transaction, informational): HASH first,
  // computed over M-ID | extra | the payloads that follow it, then encrypted with the
  // exchange's IV chain.
  void send_protected(IkeSa& sa, Exchange ex, uint32_t msgid, std::vector<Payload> rest,
                      const Bytes& extra, bool await_reply);
  // The same with the HASH already computed (quick mode's third message hashes differently).
  void send_hashed(IkeSa& sa, Exchange ex, uint32_t msgid, Bytes hash_value,
                   std::vector<Payload> rest, bool await_reply);
  // Before keys exist a failure can only be told in the clear (NO_PROPOSAL_CHOSEN, ...).
  void send_notify_unencrypted(const Datagram& d, const Header& h, uint16_t type);

  uint32_t random_msgid();  // never 0 (phase 1's)
  Bytes random_bytes(size_t n);

 private:
  Environment& env_;
  IkeStats& stats_;
  IkeLog& log_;
  SaTable& sas_;
  SessionJournal& journal_;
  // The message being handled, until a handler authenticates it.
  struct Inbound {
    uint32_t msgid = 0;
    bool encrypted = false;
    bool phase1_chain = false;  // main or aggressive mode: the IV chain of phase 1
    Bytes next_iv;
    Endpoint peer, local;
    // The SA it is for, and the first message sent to that SA while handling it.
    const IkeSa* sa = nullptr;
    Bytes answer;
  } inbound_;
};

// Main and aggressive mode go on the phase-1 CBC chain; every other exchange has an IV of its
// own (RFC 2409 appendix B), whatever its message id.
bool on_phase1_chain(const Header& h);

}  // namespace rampart::ike
