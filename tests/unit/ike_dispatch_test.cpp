// Dispatch (control/ike/engine_dispatch.cpp): a message reaches a handler only in a state that
// expects it, and only once it passed its message rules; what happens to it is counted in one
// place. And the reasons a session ends (control/ike/end_reason.hpp) in the words that leave.
#include <catch2/catch.hpp>

#include "control/ike/end_reason.hpp"
#include "control/ike/engine.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_dispatch_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

TEST_CASE("dispatch: a message no state expects is dropped, counted, and not answered",
          "[ike][dispatch]") {
  Lab lab;
  lab.phase1();  // aggressive mode done, XAUTH's request out
  lab.env.sent.clear();
  const IkeStats before = lab.engine.stats();
  // A main-mode message, in the clear, on an aggressive-mode SA waiting for XAUTH.
  Message m;
  m.header.initiator_cookie = lab.peer.ci;
  m.header.responder_cookie = lab.peer.cr;
  m.header.exchange = Exchange::MainMode;
  m.payloads.push_back(OpaquePayload{PayloadType::VendorId, Bytes(16, 7)});
  lab.deliver(serialize_message(m));
  CHECK(lab.engine.stats().in_drop == before.in_drop + 1);
  CHECK(lab.engine.stats().malformed == before.malformed);  // no rules looked at
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.sas().size() == 1);
}

TEST_CASE("dispatch: the rules are checked before the handler, which never runs",
          "[ike][dispatch]") {
  Lab lab;
  lab.phase1();
  uint32_t msgid = 0;
  lab.peer.open(lab.env.take(), msgid);  // XAUTH's request
  AttributePayload reply;
  reply.type = 2;
  NotifyPayload extra;
  extra.protocol = 1;
  extra.type = 24578;
  const IkeStats before = lab.engine.stats();
  // A wrong HASH as well: the handler would count it, but it is never reached.
  lab.deliver(lab.peer.seal(Exchange::Transaction, msgid, {reply, extra}, {}, Bytes(20, 0)));
  CHECK(lab.engine.stats().malformed == before.malformed + 1);
  CHECK(lab.engine.stats().hash_fails == before.hash_fails);
  CHECK(lab.env.logged("Dropping malformed message: Transaction with unexpected"));
  CHECK(lab.env.sent.empty());
}

TEST_CASE("dispatch: a broken QM1 counts as malformed and as an invalid phase-2 exchange",
          "[ike][dispatch]") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.mode_config();
  lab.env.sent.clear();
  const IkeStats before = lab.engine.stats();
  lab.deliver(lab.peer.seal(Exchange::QuickMode, 0x5151,
                            {OpaquePayload{PayloadType::Nonce, Bytes(24, 1)}}));
  CHECK(lab.engine.stats().malformed == before.malformed + 1);
  CHECK(lab.engine.stats().in_p2_invalid == before.in_p2_invalid + 1);
  CHECK(lab.env.logged("Dropping malformed message: QM1 without SA payload"));
  CHECK(lab.env.sent.empty());
  // The IKE SA is unharmed: a proper QM1 gets its QM2.
  CHECK(lab.qm1(0x5152, {203, 0, 113, 10}).has_value());
}

TEST_CASE("end reasons: the ASA's words where they leave, and who is told", "[ike][dispatch]") {
  CHECK(debug_words(EndReason::DpdFailure) == "DPD failure");
  CHECK(disconnect_words(EndReason::DpdFailure) == "Lost Service");  // 113019
  CHECK(terminate_cause(EndReason::DpdFailure) == "Lost-Carrier");
  CHECK(terminate_cause(EndReason::UserRequested) == "User-Request");
  CHECK(terminate_cause(EndReason::MaxTimeExceeded) == "Session-Timeout");
  CHECK(terminate_cause(EndReason::InternalError) == "NAS-Error");
  CHECK(terminate_cause(EndReason::XauthTimedOut) == "NAS-Request");
  CHECK(debug_words(EndReason::None).empty());
  // The tick tells the peer, except when it deleted the SA itself or never finished phase 1.
  CHECK_FALSE(peer_told(EndReason::UserRequested));
  CHECK_FALSE(peer_told(EndReason::NegotiationTimedOut));
  CHECK(peer_told(EndReason::DpdFailure));
  CHECK(peer_told(EndReason::IdleTimeout));
}
}  // namespace ike_dispatch_test
