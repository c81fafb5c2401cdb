// Vendor IDs: the values clients put on the wire (as published in RFC 3947 / RFC 3706 and as
// vpnc and the Cisco clients send them) are recognised, and ours are what peers expect.
#include <catch2/catch.hpp>

#include "control/ike/vendor_ids.hpp"
#include "tests/unit/hex.hpp"

namespace vendor_ids_test {

using namespace rampart::ike;

namespace {

using rampart::test::hex;

}  // namespace

TEST_CASE("published vendor ID values are recognised") {
  CHECK(classify_vendor_id(hex("09002689dfd6b712")) == Vendor::Xauth);
  CHECK(classify_vendor_id(hex("12f5f28c457168a9702d9fe274cc0100")) == Vendor::CiscoUnity);
  CHECK(classify_vendor_id(hex("12f5f28c457168a9702d9fe274cc02d4")) == Vendor::CiscoUnity);
  CHECK(classify_vendor_id(hex("afcad71368a1f1c96b8696fc77570100")) == Vendor::Dpd);
  CHECK(classify_vendor_id(hex("4a131c81070358455c5728f20e95452f")) == Vendor::NatTRfc);
  CHECK(classify_vendor_id(hex("cd60464335df21f87cfdb2fc68b6a448")) == Vendor::NatT02);
  CHECK(classify_vendor_id(hex("90cb80913ebb696e086381b5ec427b1f")) == Vendor::NatT02n);
  CHECK(classify_vendor_id(hex("7d9419a65310ca6f2c179d9215529d56")) == Vendor::NatT03);
  CHECK(classify_vendor_id(hex("4048b7d56ebce88525e7de7f00d6c2d380000000")) ==
        Vendor::Fragmentation);
  CHECK(classify_vendor_id(hex("1f07f70eaa6514d3b0fa96542a500305")) == Vendor::CiscoVpn3000);
  CHECK(classify_vendor_id(hex("126e1f577291153b20485f7f155b4bc8")) == Vendor::Unknown);
  CHECK(classify_vendor_id(hex("0900")) == Vendor::Unknown);  // too short to name anything
}

TEST_CASE("what we send, and what the ASA logs") {
  CHECK(vendor_id(Vendor::CiscoUnity) == hex("12f5f28c457168a9702d9fe274cc0100"));
  CHECK(vendor_id(Vendor::Fragmentation).size() == 20);
  CHECK(vendor_id(Vendor::Xauth) == hex("09002689dfd6b712"));
  CHECK(received_text(Vendor::Dpd) == "Received DPD VID");
  CHECK(received_text(Vendor::NatT02) == "Received NAT-Traversal ver 02 VID");
  CHECK(received_text(Vendor::Unknown) == "Received unknown vendor ID");
}
}  // namespace vendor_ids_test
