// The admission bounds sized from what the DH workers compute (issue 15): the global rate
// follows the measured capacity with headroom and never falls below its floor, and the
// per-address allowances follow it. Pure bookkeeping, so plain calls with a made-up clock.
#include <catch2/catch.hpp>

#include "control/ike/admission.hpp"

namespace admission_test {

using rampart::ike::Admission;
using rampart::ike::Refusal;

namespace {

// Opens negotiations from distinct addresses within second `now` until one is refused;
// returns how many got in.
uint32_t admitted_from_new_addresses(Admission& a, uint64_t now, uint32_t first_address) {
  uint32_t n = 0;
  while (a.check(first_address + n, now, 1'000'000) == Refusal::None)
    a.opened(first_address + n++, now);
  return n;
}

}  // namespace

TEST_CASE("an unmeasured capacity keeps the floor rates", "[admission]") {
  Admission a;
  CHECK(a.per_second() == Admission::kMinPerSecond);
  a.set_capacity(0);
  CHECK(a.per_second() == Admission::kMinPerSecond);
  CHECK(a.per_peer_per_second() == Admission::kMinPerPeerPerSecond);
  CHECK(admitted_from_new_addresses(a, 7, 0x0a000000) == Admission::kMinPerSecond);
  // A slow measurement (cores busy elsewhere) cannot push the rate under the floor either.
  a.set_capacity(40);
  CHECK(a.per_second() == Admission::kMinPerSecond);
}

TEST_CASE("the global rate follows the workers' capacity with headroom", "[admission]") {
  Admission a;
  a.set_capacity(4000);
  CHECK(a.per_second() == 5000);
  CHECK(a.per_second_busy_peers() == 3750);
  CHECK(admitted_from_new_addresses(a, 9, 0x0a000000) == 5000);
  // The next second has a new allowance; the one after a lower capacity a lower one.
  a.set_capacity(1000);
  CHECK(admitted_from_new_addresses(a, 10, 0x0b000000) == 1250);
  CHECK(a.check(0x0c000000, 10, 1'000'000) == Refusal::GlobalRate);
}

TEST_CASE("one address takes a share of the rate, never less than the floor", "[admission]") {
  Admission a;
  a.set_capacity(25'600);  // rate 32,000/s: a share of 1,000/s
  CHECK(a.per_peer_per_second() == 1000);
  const uint32_t host = 0xc6336415;
  uint32_t started = 0;
  // Each negotiation settles at once (a host looping first messages and bogus thirds).
  while (a.check(host, 3, 1'000'000) == Refusal::None) {
    a.opened(host, 3);
    a.settled(host);
    ++started;
  }
  CHECK(started == 1000);
  CHECK(a.check(host, 3, 1'000'000) == Refusal::PeerRate);
  CHECK(a.check(host + 1, 3, 1'000'000) == Refusal::None);  // anyone else still gets in
  a.set_capacity(0);
  CHECK(a.per_peer_per_second() == Admission::kMinPerPeerPerSecond);
}

TEST_CASE("half-open limits do not grow with the capacity", "[admission]") {
  Admission a;
  a.set_capacity(1'000'000);
  const uint32_t host = 0xc6336416;
  for (uint32_t i = 0; i < Admission::kPerPeerHalfOpen; ++i) {
    REQUIRE(a.check(host, 1, 1'000'000) == Refusal::None);
    a.opened(host, 1);
  }
  CHECK(a.check(host, 1, 1'000'000) == Refusal::PeerLimit);
  CHECK(a.check(host + 1, 1, Admission::kPerPeerHalfOpen) == Refusal::GlobalLimit);
  CHECK(a.half_open() == Admission::kPerPeerHalfOpen);
}
}  // namespace admission_test
