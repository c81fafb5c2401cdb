// Acquire's policies from the configuration alone: which lines of which static entries become
// targets, and how the dataplane's list is kept in step (a change gives it a new list and asks
// for nothing queued under the old one; else what traffic asked for, once each).
#include <catch2/catch.hpp>

#include "control/ike/acquire_policies.hpp"
#include "tests/unit/session_helpers.hpp"

namespace acquire_policies_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

const char* kSite =
    "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\nexit\n"
    "access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.128 255.255.255.192\n"
    "access-list L2L extended deny ip any any\n"
    "access-list L2L extended permit tcp host 192.0.2.5 host 198.51.100.130 eq 80\n"
    "access-list L2L extended permit udp host 192.0.2.5 host 198.51.100.130 range 1000 2000\n"
    "crypto ipsec ikev1 transform-set T esp-aes esp-sha-hmac\n"
    "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer 198.51.100.2\n"
    "crypto map MAP 10 set ikev1 transform-set T\n"
    "crypto dynamic-map DYN 5 set ikev1 transform-set T\n"
    "crypto map MAP 65000 ipsec-isakmp dynamic DYN\n";

}  // namespace

TEST_CASE("acquire targets: the permit lines of static entries on a bound map", "[ike][acquire]") {
  test::Console console;
  REQUIRE(console.run(kSite).find("ERROR") == std::string::npos);
  CHECK(acquire_targets(console.cfg()).empty());  // the map is on no interface yet
  REQUIRE(console.run("crypto map MAP interface outside\n").find("ERROR") == std::string::npos);
  auto t = acquire_targets(console.cfg());
  REQUIRE(t.size() == 3);  // the deny line and the dynamic entry give none
  CHECK(t[0].map == "MAP");
  CHECK(t[0].seq == 10);
  CHECK(t[0].local.address.str() == "192.0.2.0");
  CHECK(t[0].local.mask.value == 0xffffff00u);
  CHECK(t[0].remote.mask.value == 0xffffffc0u);
  CHECK(t[0].remote.protocol == 0);
  // An ID carries one port or all: "eq 80" asks for 80, a range for every port.
  CHECK(t[1].remote.protocol == 6);
  CHECK(t[1].remote.port == 80);
  CHECK(t[1].local.port == 0);
  CHECK(t[2].remote.protocol == 17);
  CHECK(t[2].remote.port == 0);
  // Without a peer the entry cannot start anything.
  REQUIRE(console.run("no crypto map MAP 10 set peer 198.51.100.2\n").find("ERROR") ==
          std::string::npos);
  CHECK(acquire_targets(console.cfg()).empty());
}

TEST_CASE("acquire policies follow the configuration; traffic asks once per target",
          "[ike][acquire]") {
  test::Console console;
  REQUIRE(console.run(std::string(kSite) + "crypto map MAP interface outside\n").find("ERROR") ==
          std::string::npos);
  dataplane::Sad sad;
  AcquirePolicies policies;
  CHECK(policies.sync(console.cfg(), sad).empty());  // the list goes to the dataplane
  CHECK_FALSE(sad.acquire(0xc000020a, 0xc6336405));  // not under any line
  CHECK(sad.acquire(0xc000020a, 0xc6336481));        // the first line's
  CHECK(sad.acquire(0xc000020b, 0xc6336482));        // the same line: asked once
  auto asked = policies.sync(console.cfg(), sad);
  REQUIRE(asked.size() == 1);
  CHECK(asked[0].remote.address.str() == "198.51.100.128");
  CHECK(policies.sync(console.cfg(), sad).empty());
  // The configuration changes with a packet queued: the new list replaces the old and what was
  // queued under the old one (its cookies mean nothing now) is not asked for.
  CHECK(sad.acquire(0xc000020a, 0xc6336481));
  REQUIRE(console
              .run("no access-list L2L extended permit tcp host 192.0.2.5 host "
                   "198.51.100.130 eq 80\n")
              .find("ERROR") == std::string::npos);
  CHECK(policies.sync(console.cfg(), sad).empty());
  CHECK(sad.acquire(0xc000020a, 0xc6336481));
  CHECK(policies.sync(console.cfg(), sad).size() == 1);
}

}  // namespace acquire_policies_test
