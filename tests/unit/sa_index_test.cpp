// SaIndex: the engine's secondary indexes of its SAs (by peer address, by user).
#include <catch2/catch.hpp>

#include <string>

#include "control/ike/sa_index.hpp"

namespace sa_index_test {

using rampart::ike::SaIndex;

TEST_CASE("SaIndex finds a key's SAs in index order and counts them", "[sa_index]") {
  SaIndex<std::string> by_user;
  for (uint64_t i : {7, 3, 5}) by_user.add("cisco", i);
  by_user.add("other", 4);
  CHECK(by_user.find("cisco") == std::vector<uint64_t>{3, 5, 7});
  CHECK(by_user.count("cisco") == 3);
  CHECK(by_user.count("nobody") == 0);
  by_user.remove("cisco", 5);
  by_user.remove("cisco", 99);  // not there: nothing happens
  CHECK(by_user.find("cisco") == std::vector<uint64_t>{3, 7});
  CHECK(by_user.count("cisco") == 2);
  by_user.remove("other", 4);
  CHECK(by_user.count("other") == 0);
  CHECK(by_user.size() == 2);

  SaIndex<uint32_t> by_peer;
  by_peer.add(0xc6336402, 1);
  by_peer.move(0xc6336402, 0xcb007105, 1);  // NAT-T: the peer came from another address
  CHECK(by_peer.find(0xc6336402).empty());
  CHECK(by_peer.find(0xcb007105) == std::vector<uint64_t>{1});
  by_peer.move(0xcb007105, 0xcb007105, 1);
  CHECK(by_peer.count(0xcb007105) == 1);
}
}  // namespace sa_index_test
