// Diffie-Hellman groups: both sides agree, public values have the KE length, and values
// outside the group are refused (they would force a known or degenerate shared secret).
#include <catch2/catch.hpp>

#include "control/ike/crypto/dh.hpp"

namespace dh_test {

using namespace rampart::ike;

TEST_CASE("every supported group agrees and has the right lengths") {
  const std::pair<int, size_t> groups[] = {{1, 96},   {2, 128}, {5, 192}, {14, 256}, {15, 384},
                                           {16, 512}, {19, 64}, {20, 96}, {21, 132}};
  for (auto [group, len] : groups) {
    INFO("group " << group);
    REQUIRE(dh_group_supported(group));
    CHECK(dh_public_length(group) == len);
    auto a = DhKey::generate(group);
    auto b = DhKey::generate(group);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->public_value().size() == len);
    CHECK(a->public_value() != b->public_value());
    auto sa = a->shared_secret(b->public_value());
    auto sb = b->shared_secret(a->public_value());
    REQUIRE(sa);
    REQUIRE(sb);
    CHECK(sa->bytes() == sb->bytes());
    CHECK(sa->size() == (group >= 19 ? len / 2 : len));
  }
  CHECK_FALSE(dh_group_supported(3));
  CHECK_FALSE(DhKey::generate(24));
}

TEST_CASE("peer values outside the group are refused") {
  auto k = DhKey::generate(2);
  REQUIRE(k);
  Bytes zero(128, 0), one(128, 0), big(128, 0xff);
  one.back() = 1;
  CHECK_FALSE(k->shared_secret(zero));
  CHECK_FALSE(k->shared_secret(one));
  CHECK_FALSE(k->shared_secret(big));  // >= p
  CHECK_FALSE(k->shared_secret(Bytes(127, 7)));
  auto ec = DhKey::generate(19);
  REQUIRE(ec);
  Bytes off_curve(64, 0);
  off_curve[31] = 1;
  off_curve[63] = 1;
  CHECK_FALSE(ec->shared_secret(off_curve));
  CHECK_FALSE(ec->shared_secret(Bytes(65, 1)));
}
}  // namespace dh_test
