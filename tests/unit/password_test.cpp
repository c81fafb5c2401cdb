// Password storage: the PIX vectors of seed 004, PBKDF2 round trip, malformed hashes refused.
#include <catch2/catch.hpp>

#include "control/aaa/password.hpp"

namespace password_test {

using namespace rampart;

TEST_CASE("legacy PIX hashes from seed 004 verify") {
  // "passwd 2KFQnbNIdI.2KYOU encrypted" is the PIX default login password "cisco";
  // "enable password 8Ry2YjIyt7RRXU24 encrypted" is the empty enable password.
  auto cisco = aaa::parse_stored("2KFQnbNIdI.2KYOU", "encrypted");
  REQUIRE(cisco);
  CHECK(aaa::verify_password(*cisco, "cisco"));
  CHECK_FALSE(aaa::verify_password(*cisco, "Cisco"));
  auto empty = aaa::parse_stored("8Ry2YjIyt7RRXU24", "encrypted");
  REQUIRE(empty);
  CHECK(aaa::verify_password(*empty, ""));
  CHECK_FALSE(aaa::verify_password(*empty, "x"));
}

TEST_CASE("new passwords are PBKDF2-SHA512, salted, and verify") {
  auto a = aaa::hash_password("s3cret");
  auto b = aaa::hash_password("s3cret");
  CHECK(a.kind == "pbkdf2");
  CHECK(a.hash.starts_with("$sha512$5000$"));
  CHECK(a.hash != b.hash);  // random salt
  CHECK(aaa::verify_password(a, "s3cret"));
  CHECK_FALSE(aaa::verify_password(a, "s3cret "));
  auto parsed = aaa::parse_stored(a.hash, "pbkdf2");
  REQUIRE(parsed);
  CHECK(aaa::verify_password(*parsed, "s3cret"));
}

TEST_CASE("malformed stored hashes are refused") {
  CHECK_FALSE(aaa::parse_stored("short", "encrypted"));
  CHECK_FALSE(aaa::parse_stored("2KFQnbNIdI.2KYO!", "encrypted"));
  CHECK_FALSE(aaa::parse_stored("$sha512$5000$AAAA$AAAA", "pbkdf2"));
  CHECK_FALSE(aaa::parse_stored("$md5$5000$AAAA$AAAA", "pbkdf2"));
  CHECK_FALSE(aaa::parse_stored("2KFQnbNIdI.2KYOU", "sha1"));
}
}  // namespace password_test
