// What an IKE SA last sent and answered (control/ike/retransmission.hpp): a request is due
// again until answered, a one-way message in between does not replace it, and the peer's
// message is known again by its digest and gets the same answer.
#include <catch2/catch.hpp>

#include "control/ike/retransmission.hpp"

namespace retransmission_test {

using rampart::ike::Bytes;
using rampart::ike::Retransmission;

TEST_CASE("retransmission: a request is due again until answered", "[ike][retransmission]") {
  Retransmission r;
  CHECK_FALSE(r.due(1000));
  r.request(Bytes{1}, 102);
  CHECK(r.awaiting());
  CHECK_FALSE(r.due(101));
  CHECK(r.due(102));
  r.resent(106);
  CHECK(r.resends() == 1);
  CHECK_FALSE(r.due(105));
  CHECK(r.due(106));
  r.answered();
  CHECK_FALSE(r.due(1000));
  CHECK(r.last() == Bytes{1});  // kept: what a repeated request gets
  // A new request starts its count again; a reply awaits nothing.
  r.request(Bytes{2}, 200);
  CHECK(r.resends() == 0);
  r.reply(Bytes{3});
  CHECK_FALSE(r.awaiting());
  CHECK(r.last() == Bytes{3});
  r.request(Bytes{4}, 300);
  r.forget();  // a quick mode given up
  CHECK_FALSE(r.due(300));
  CHECK(r.last().empty());
}

TEST_CASE("retransmission: a one-way message leaves the request in flight alone",
          "[ike][retransmission]") {
  Retransmission r;
  r.request(Bytes{1}, 102);
  Retransmission::Kept kept = r.keep();
  r.reply(Bytes{9});  // an R-U-THERE-ACK, a Delete
  r.restore(std::move(kept));
  CHECK(r.awaiting());
  CHECK(r.last() == Bytes{1});
  CHECK(r.due(102));
}

TEST_CASE("retransmission: the peer's message again gets the same answer",
          "[ike][retransmission]") {
  Retransmission r;
  CHECK_FALSE(r.repeats(Bytes{7}));
  r.answered_with(Bytes{7}, Bytes{8});
  CHECK(r.repeats(Bytes{7}));
  CHECK_FALSE(r.repeats(Bytes{6}));
  CHECK(r.answer() == Bytes{8});
  r.request(Bytes{5}, 100);  // what we send next does not change the answer
  CHECK(r.answer() == Bytes{8});
}

}  // namespace retransmission_test
