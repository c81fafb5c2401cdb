// The transaction exchanges of one IKE SA (phase 1.5: XAUTH, draft-ietf-ipsec-isakmp-xauth-06,
// and mode-config, draft-dukes-ike-mode-cfg): the request or SET of ours that waits for its
// answer, and the user's authentication between the client's reply and the AAA server's answer.
// XAUTH (xauth.hpp) and the engine's transaction handlers (engine_transaction.cpp) drive it; its
// state changes only through these calls, so that a message id is never matched twice and the
// kept password never outlives its use.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "control/aaa/aaa.hpp"

namespace rampart::ike {

class Transaction {
 public:
  // What a SET of ours carries, and so what its ACK moves the SA on to.
  enum class Set : uint8_t { None, XauthOk, XauthFail, ModeCfg };
  // A wrong password may be typed again, as the ASA allows: this many tries in all.
  static constexpr int kMaxAttempts = 3;

  // ---- our XAUTH request: a new exchange each time (the first, again after a wrong password,
  // or asking for a new one)
  void request_sent(uint32_t msgid, uint16_t identifier, bool new_password) {
    request_msgid_ = msgid;
    identifier_ = identifier;
    new_password_asked_ = new_password;
  }
  bool is_reply(uint32_t msgid) const { return request_msgid_ != 0 && msgid == request_msgid_; }
  uint16_t identifier() const { return identifier_; }
  // The client's reply is consumed: a copy of it arriving later matches nothing. Returns
  // whether it answered the request for a new password.
  bool reply_taken() {
    request_msgid_ = 0;
    return std::exchange(new_password_asked_, false);
  }

  // ---- the AAA server is asked about user in group (changing: the password change)
  void asking(uint64_t ticket, std::string user, std::string group, bool changing) {
    ticket_ = ticket;
    user_ = std::move(user);
    group_ = std::move(group);
    changing_ = changing;
  }
  bool asking_server() const { return ticket_ != 0; }
  // Whether an answer under ticket is the one awaited (not one for an earlier question).
  bool awaits(uint64_t ticket) const { return ticket_ != 0 && ticket == ticket_; }
  // The answer is in; returns whether it was to a password change.
  bool answered() {
    ticket_ = 0;
    return std::exchange(changing_, false);
  }
  const std::string& user() const { return user_; }
  const std::string& group() const { return group_; }
  // A refusal: returns whether the user may try again.
  bool refused() { return ++attempts_ < kMaxAttempts; }

  // ---- password-management: the password of the outstanding request, kept in case the server
  // says it expired (then it goes with the change), wiped as soon as it is not needed.
  void keep_password(const aaa::Password& p) {
    old_password_.wipe();
    old_password_ = p;
  }
  bool holds_password() const { return !old_password_.empty(); }
  aaa::Password take_password() {
    aaa::Password p = old_password_;
    old_password_.wipe();
    return p;
  }
  void drop_password() { old_password_.wipe(); }

  // ---- our SET (XAUTH status or a pushed configuration), until the client ACKs it
  void set_sent(uint32_t msgid, Set kind) {
    set_msgid_ = msgid;
    set_ = kind;
  }
  bool is_ack(uint32_t msgid) const { return set_msgid_ != 0 && msgid == set_msgid_; }
  Set pending_set() const { return set_; }
  uint32_t set_msgid() const { return set_msgid_; }
  // The ACK is in (or stood for): the SET it answered, now done.
  Set acked() { return std::exchange(set_, Set::None); }

 private:
  uint32_t request_msgid_ = 0;
  uint16_t identifier_ = 0;
  bool new_password_asked_ = false;
  uint64_t ticket_ = 0;  // the AAA request outstanding (0: none)
  std::string user_, group_;
  bool changing_ = false;
  int attempts_ = 0;
  aaa::Password old_password_;
  uint32_t set_msgid_ = 0;
  Set set_ = Set::None;
};

}  // namespace rampart::ike
