// What one IKE SA last sent and last answered (RFC 2408 5.1's retransmission, as the ASA does
// it): our request is sent again until its answer comes (when, timers.hpp says), and the
// peer's message we answered is answered the same way when it comes again, never handled twice.
#pragma once

#include <cstdint>
#include <utility>

#include "control/ike/codec/message.hpp"

namespace rampart::ike {

class Retransmission {
 public:
  // ---- what we send
  // A request: sent again from resend_at until its answer comes.
  void request(Bytes datagram, uint64_t resend_at) {
    last_ = std::move(datagram);
    awaiting_ = true;
    resends_ = 0;
    resend_at_ = resend_at;
  }
  // A reply, or a message that awaits none: kept, nothing awaited.
  void reply(Bytes datagram) {
    last_ = std::move(datagram);
    awaiting_ = false;
  }
  // The answer came, or the exchange it was for ended: nothing is sent again.
  void answered() { awaiting_ = false; }
  // As answered(), and what was sent is forgotten too (a quick mode given up).
  void forget() {
    awaiting_ = false;
    last_.clear();
  }
  bool awaiting() const { return awaiting_; }
  const Bytes& last() const { return last_; }
  // Whether the request is due again now.
  bool due(uint64_t now) const { return awaiting_ && now >= resend_at_; }
  // Resends so far: of the request, or of an answer to a peer not yet verified.
  int resends() const { return resends_; }
  // Sent again now; the next time is resend_at.
  void resent(uint64_t resend_at) {
    ++resends_;
    resend_at_ = resend_at;
  }
  void counted_resend() { ++resends_; }  // an answer sent again to an unverified peer

  // A one-way message (an informational) goes without disturbing the request in flight.
  struct Kept {
    Bytes last;
    bool awaiting;
  };
  Kept keep() const { return {last_, awaiting_}; }
  void restore(Kept k) {
    last_ = std::move(k.last);
    awaiting_ = k.awaiting;
  }

  // ---- what we answered: the peer's message (its digest) and our answer to it
  void answered_with(Bytes digest, Bytes answer) {
    answered_digest_ = std::move(digest);
    answer_ = std::move(answer);
  }
  bool repeats(const Bytes& digest) const { return digest == answered_digest_; }
  const Bytes& answer() const { return answer_; }

 private:
  Bytes last_;
  bool awaiting_ = false;
  int resends_ = 0;
  uint64_t resend_at_ = 0;
  Bytes answered_digest_;
  Bytes answer_;  // not necessarily last_: a request may have followed it
};

}  // namespace rampart::ike
