// The quick modes in flight on an IKE SA (control/ike/sa.hpp QuickModes): which message each
// waits for (dispatch reads this), the limit, the timeout and the SPIs they hold.
#include <catch2/catch.hpp>

#include "control/ike/sa.hpp"

namespace quick_modes_test {

using namespace rampart::ike;

namespace {

std::shared_ptr<QuickModeExchange> exchange(bool initiator, uint64_t started, uint32_t spi = 0) {
  auto q = std::make_shared<QuickModeExchange>();
  q->initiator = initiator;
  q->started = started;
  q->sa.inbound.spi = spi;
  return q;
}

}  // namespace

TEST_CASE("quick modes: the next message by the exchange under its id", "[ike][dispatch]") {
  QuickModes qm;
  CHECK(qm.next(7) == QuickModes::Next::Qm1);  // nothing under 7: the peer starts one
  qm.add(7, exchange(false, 0));               // we answered its QM1
  qm.add(8, exchange(true, 0));                // we sent QM1
  CHECK(qm.next(7) == QuickModes::Next::Qm3);
  CHECK(qm.next(8) == QuickModes::Next::Qm2);
  auto taken = qm.take(7);
  REQUIRE(taken);
  CHECK_FALSE(taken->initiator);
  CHECK(qm.take(7) == nullptr);
  CHECK(qm.next(7) == QuickModes::Next::Qm1);
  qm.end(8);
  CHECK(qm.empty());
}

TEST_CASE("quick modes: a limit per IKE SA, a timeout, and the SPIs they hold", "[ike][dispatch]") {
  QuickModes qm;
  for (uint32_t id = 1; id < QuickModes::kMax; ++id) qm.add(id, exchange(false, id, 0x100 + id));
  CHECK_FALSE(qm.full());
  qm.add(QuickModes::kMax, exchange(true, 100));
  CHECK(qm.full());
  CHECK(qm.holds_spi(0x101));
  CHECK_FALSE(qm.holds_spi(0x100));
  // At 40 with a timeout of 30: those started at 10 or before go, each seen once.
  std::vector<uint64_t> gone;
  qm.expire(40, 30, [&](const QuickModeExchange& q) { gone.push_back(q.started); });
  CHECK(gone.size() == 10);
  CHECK(qm.size() == QuickModes::kMax - 10);
  CHECK_FALSE(qm.holds_spi(0x101));
  CHECK(qm.holds_spi(0x10b));
}
TEST_CASE("quick modes: a QM1 held for the transaction, the latest, with one deadline",
          "[ike][dispatch]") {
  QuickModes qm;
  CHECK_FALSE(qm.has_delayed());
  CHECK_FALSE(qm.delay_over(1000));
  CHECK(qm.delay(Bytes(100, 1), 105));
  CHECK(qm.delay(Bytes(100, 2), 109));  // a retransmission: kept, the first deadline stays
  CHECK_FALSE(qm.delay_over(104));
  CHECK(qm.delay_over(105));
  qm.delay_until(103);  // never earlier
  CHECK(qm.delay_over(105));
  qm.delay_until(110);  // XAUTH passed at 105: mode-config has until 110
  CHECK_FALSE(qm.delay_over(109));
  CHECK(qm.delay_over(110));
  CHECK(qm.take_delayed() == Bytes(100, 2));
  CHECK_FALSE(qm.has_delayed());
  CHECK_FALSE(qm.delay_over(200));
  // Bounded: one datagram per IKE SA, and not a large one.
  CHECK_FALSE(qm.delay(Bytes(QuickModes::kMaxDelayedBytes + 1, 3), 300));
  CHECK_FALSE(qm.has_delayed());
  CHECK(qm.delay(Bytes(QuickModes::kMaxDelayedBytes, 3), 300));
}

}  // namespace quick_modes_test
