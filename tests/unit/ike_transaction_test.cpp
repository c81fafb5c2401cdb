// The exchanges' own state: the transaction exchanges (control/ike/transaction.hpp), where each
// message id matches once, id 0 never, an answer only under its ticket, and the kept password
// goes when used; phase 1's (Phase1Exchange), gone once phase 1 completes.
#include <catch2/catch.hpp>

#include "control/ike/transaction.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_transaction_test {

using namespace rampart;
using rampart::ike::Bytes;
using rampart::ike::Transaction;

TEST_CASE("transaction: nothing matches before anything was sent, id 0 never",
          "[ike][transaction]") {
  Transaction t;
  CHECK_FALSE(t.is_reply(0));
  CHECK_FALSE(t.is_ack(0));
  CHECK_FALSE(t.asking_server());
  CHECK_FALSE(t.awaits(0));
  CHECK(t.pending_set() == Transaction::Set::None);
}

TEST_CASE("transaction: the XAUTH reply is taken once", "[ike][transaction]") {
  Transaction t;
  t.request_sent(0x1234, 7, false);
  CHECK(t.identifier() == 7);
  CHECK(t.is_reply(0x1234));
  CHECK_FALSE(t.is_reply(0x1235));
  CHECK_FALSE(t.reply_taken());  // not the request for a new password
  CHECK_FALSE(t.is_reply(0x1234));
  // The request for a new password says so once, with its reply.
  t.request_sent(0x99, 8, true);
  CHECK(t.reply_taken());
  CHECK_FALSE(t.reply_taken());
}

TEST_CASE("transaction: an AAA answer counts only under the ticket awaited", "[ike][transaction]") {
  Transaction t;
  t.asking(5, "alice", "RAD", false);
  CHECK(t.asking_server());
  CHECK(t.awaits(5));
  CHECK_FALSE(t.awaits(4));  // an earlier question's answer
  CHECK(t.user() == "alice");
  CHECK(t.group() == "RAD");
  CHECK_FALSE(t.answered());
  CHECK_FALSE(t.awaits(5));
  // The change of an expired password is told apart from the login, once.
  t.asking(6, "alice", "RAD", true);
  CHECK(t.answered());
  t.asking(7, "alice", "RAD", false);
  CHECK_FALSE(t.answered());
}

TEST_CASE("transaction: three tries of a password, then no more", "[ike][transaction]") {
  Transaction t;
  CHECK(t.refused());
  CHECK(t.refused());
  CHECK_FALSE(t.refused());
  CHECK_FALSE(t.refused());
}

TEST_CASE("transaction: the kept password is handed over once and wiped", "[ike][transaction]") {
  Transaction t;
  CHECK_FALSE(t.holds_password());
  t.keep_password(aaa::Password("old-secret"));
  CHECK(t.holds_password());
  aaa::Password p = t.take_password();
  CHECK(p.reveal() == "old-secret");
  CHECK_FALSE(t.holds_password());
  CHECK(t.take_password().empty());
  t.keep_password(aaa::Password("again"));
  t.drop_password();
  CHECK_FALSE(t.holds_password());
}

TEST_CASE("transaction: a SET's ACK moves on once; a repeated ACK finds nothing pending",
          "[ike][transaction]") {
  Transaction t;
  t.set_sent(0x77, Transaction::Set::XauthOk);
  CHECK(t.is_ack(0x77));
  CHECK_FALSE(t.is_ack(0x78));
  CHECK(t.pending_set() == Transaction::Set::XauthOk);
  CHECK(t.acked() == Transaction::Set::XauthOk);
  CHECK(t.is_ack(0x77));                       // the same ACK again is still recognised as ours...
  CHECK(t.acked() == Transaction::Set::None);  // ...and does nothing more
  t.set_sent(0x78, Transaction::Set::ModeCfg);
  CHECK_FALSE(t.is_ack(0x77));
  CHECK(t.acked() == Transaction::Set::ModeCfg);
}

TEST_CASE("phase 1's key exchange material is destroyed when phase 1 completes",
          "[ike][transaction]") {
  test::Lab lab;
  lab.deliver(lab.peer.am1("EZ"));
  Bytes am2 = lab.env.take();
  REQUIRE(lab.only_sa().p1);  // the DH, nonces and public values while phase 1 runs
  CHECK_FALSE(lab.only_sa().p1->gxr.empty());
  lab.deliver(lab.peer.am3(am2));
  CHECK(lab.only_sa().established);
  CHECK_FALSE(lab.only_sa().p1);
  // What follows phase 1 runs without it: XAUTH's request is out.
  CHECK(lab.only_sa().state == ike::P1State::XauthWait);
}
}  // namespace ike_transaction_test
