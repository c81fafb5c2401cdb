// Who sends the mode-config after XAUTH: the engine pushes it (CFG_SET) where the crypto map
// says "client configuration address initiate", except to a Unity client that asks by itself
// when the map also says "respond" (seed 004's PIX lines), whose request is answered instead.
#include <catch2/catch.hpp>

#include "tests/unit/ike_lab.hpp"

namespace ike_mode_config_push_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

// The lab's client (a Unity one) through XAUTH as the local user, with the PIX lines given.
void through_xauth(Lab& lab, const std::string& pix_lines) {
  REQUIRE(lab.console.run(pix_lines).find("ERROR") == std::string::npos);
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
}

}  // namespace

TEST_CASE("address initiate alone pushes the pool address after XAUTH", "[ike][modecfg]") {
  Lab lab;
  through_xauth(lab, "crypto map MAP client configuration address initiate\n");
  REQUIRE(lab.env.sent.size() == 1);
  uint32_t msgid = 0;
  auto set = lab.peer.open(lab.env.take(), msgid);
  const auto& a = std::get<AttributePayload>(set.at(1));
  CHECK(a.type == 3);  // CFG_SET
  CHECK(a.attributes.at(0).data == Bytes{203, 0, 113, 10});
}

TEST_CASE("initiate with respond answers a Unity client's own request, no push crosses it",
          "[ike][modecfg]") {
  Lab lab;
  through_xauth(lab,
                "crypto map MAP client configuration address initiate\n"
                "crypto map MAP client configuration address respond\n");
  CHECK(lab.env.sent.empty());
  AttributePayload reply = lab.mode_config();
  CHECK(reply.type == 2);  // CFG_REPLY
  CHECK(reply.attributes.at(0).data == Bytes{203, 0, 113, 10});
  CHECK(lab.env.sent.empty());
}
}  // namespace ike_mode_config_push_test
