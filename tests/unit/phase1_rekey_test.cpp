// One IKE SA's part in phase-1 rekeys (control/ike/phase1_rekey.hpp), apart from the engine: our
// replacement starts once when due and not again while under way, a failure reschedules or
// ends it, and a replaced SA lingers for its grace and then goes.
#include <catch2/catch.hpp>

#include "control/ike/phase1_rekey.hpp"

namespace phase1_rekey_test {

using rampart::ike::Phase1Rekey;

TEST_CASE("phase-1 rekey: ours starts when due, once, and a failure retries or ends it",
          "[ike][p1rekey]") {
  Phase1Rekey r;
  CHECK_FALSE(r.due(1'000'000));  // never scheduled: a client rekeys its own
  r.schedule(100);
  CHECK_FALSE(r.due(99));
  REQUIRE(r.due(100));
  r.started();
  CHECK(r.under_way());
  CHECK_FALSE(r.due(200));  // not started twice while the first one runs
  r.schedule(230);          // it failed: tried again later
  CHECK_FALSE(r.under_way());
  CHECK_FALSE(r.due(229));
  CHECK(r.due(230));
  r.started();
  r.gave_up();  // nothing to offer: the SA runs to its end
  CHECK_FALSE(r.under_way());
  CHECK_FALSE(r.due(1'000'000));
}

TEST_CASE("phase-1 rekey: a replaced SA lingers its grace, then goes", "[ike][p1rekey]") {
  Phase1Rekey r;
  r.schedule(100);
  r.started();
  CHECK(r.replaced_by() == 0);
  CHECK_FALSE(r.linger_over(1'000'000, 10));  // not replaced: never
  r.replaced(7, 120);
  CHECK(r.replaced_by() == 7);
  CHECK_FALSE(r.under_way());  // our attempt ended with the replacement
  CHECK_FALSE(r.linger_over(129, 10));
  CHECK(r.linger_over(130, 10));
}

TEST_CASE("phase-1 rekey: the SA we started names the one it replaces", "[ike][p1rekey]") {
  Phase1Rekey fresh;
  CHECK(fresh.replaces() == 0);
  fresh.replacing(42);
  CHECK(fresh.replaces() == 42);
  CHECK(fresh.replaced_by() == 0);  // replacing another is not being replaced
  CHECK_FALSE(fresh.due(1'000'000));
}

}  // namespace phase1_rekey_test
