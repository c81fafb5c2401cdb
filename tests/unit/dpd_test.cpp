// Dead peer detection's decisions (control/ike/dpd.hpp), apart from the engine: probes only to a
// quiet peer, any outstanding probe answered counts, anything heard counts, and dead after the
// probes run out.
#include <catch2/catch.hpp>

#include "control/ike/dpd.hpp"

namespace dpd_test {

using rampart::ike::Dpd;
using Step = Dpd::Step;

TEST_CASE("dpd: a quiet peer is probed, again each retry, then dead", "[ike][dpd]") {
  Dpd dpd;
  const Dpd::Times t{10, 2, 5};
  CHECK(dpd.due(109, 100, t) == Step::Nothing);  // heard 9 s ago
  REQUIRE(dpd.due(110, 100, t) == Step::Probe);
  CHECK(dpd.probe(110) == 1);
  CHECK(dpd.due(111, 100, t) == Step::Nothing);  // within the retry interval
  uint64_t now = 112;
  for (uint32_t n = 2; n <= 6; ++n, now += 2) {
    REQUIRE(dpd.due(now, 100, t) == Step::Probe);
    CHECK(dpd.probe(now) == n);
  }
  CHECK(dpd.outstanding() == 6);
  CHECK(dpd.due(now, 100, t) == Step::Dead);
}

TEST_CASE("dpd: an answer to any outstanding probe, or anything heard, shows the peer alive",
          "[ike][dpd]") {
  Dpd dpd;
  const Dpd::Times t{10, 2, 5};
  dpd.probe(110);
  dpd.probe(112);
  CHECK_FALSE(dpd.acked(3));  // never sent
  CHECK_FALSE(dpd.acked(0));
  CHECK(dpd.acked(1));  // the first one's late answer
  CHECK(dpd.outstanding() == 0);
  CHECK_FALSE(dpd.acked(2));  // nothing outstanding any more
  // A new round: the sequence numbers go on.
  CHECK(dpd.due(122, 112, t) == Step::Probe);
  CHECK(dpd.probe(122) == 3);
  // The peer's own message at 123 (its rekey, its R-U-THERE): alive, no probe due.
  CHECK(dpd.due(124, 123, t) == Step::Nothing);
  CHECK(dpd.outstanding() == 0);
  // Of three unanswered, the middle one's answer is enough.
  Dpd three;
  for (int i = 0; i < 3; ++i) three.probe(0);
  CHECK(three.acked(2));
  CHECK(three.outstanding() == 0);
}

}  // namespace dpd_test
