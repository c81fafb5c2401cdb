#include <catch2/catch.hpp>

#include "control/ike/address_pools.hpp"

namespace address_pools_test {

using namespace rampart;

namespace {

config::Config two_pools() {
  config::Config cfg;
  cfg.pools["A"] = {"A", config::Ipv4{0xc6130001}, config::Ipv4{0xc6130004}, std::nullopt};
  cfg.pools["B"] = {"B", config::Ipv4{0xc6130101}, config::Ipv4{0xc6130102}, std::nullopt};
  return cfg;
}

uint32_t take(ike::AddressPools& p, const config::Config& cfg) {
  auto a = p.allocate(cfg, {"A", "B"});
  return a ? a->value : 0;
}

}  // namespace

// The search starts at a mark below which all is taken (10,000 clients made a walk of the
// used addresses per set-up): the order handed out must stay the lowest free first.
TEST_CASE("pool addresses: lowest free first, across releases, claims and pools", "[pools]") {
  auto cfg = two_pools();
  ike::AddressPools p;
  CHECK(take(p, cfg) == 0xc6130001);
  CHECK(p.claim(config::Ipv4{0xc6130003}));  // a user's fixed address inside the range
  CHECK(take(p, cfg) == 0xc6130002);
  CHECK(take(p, cfg) == 0xc6130004);  // .3 is claimed
  CHECK(take(p, cfg) == 0xc6130101);  // A is full: the next pool named
  p.release(config::Ipv4{0xc6130002});
  p.release(config::Ipv4{0xc6130001});
  CHECK(take(p, cfg) == 0xc6130001);  // below the mark again: found
  CHECK(take(p, cfg) == 0xc6130002);
  CHECK(take(p, cfg) == 0xc6130102);
  CHECK(take(p, cfg) == 0);  // both full
  p.release(config::Ipv4{0xc6130004});
  CHECK(take(p, cfg) == 0xc6130004);
  // The range edited: its addresses are searched afresh.
  cfg.pools["A"].last = config::Ipv4{0xc6130006};
  CHECK(take(p, cfg) == 0xc6130005);
}
}  // namespace address_pools_test
