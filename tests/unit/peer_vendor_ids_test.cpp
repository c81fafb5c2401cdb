// Phase 1's vendor IDs on an SA: what the peer's say (and which NAT-T variant is agreed), and
// what we send in answer, each named in a debug line.
#include <catch2/catch.hpp>

#include <algorithm>

#include "control/ike/peer_vendor_ids.hpp"
#include "control/ike/vendor_ids.hpp"

namespace peer_vendor_ids_test {

using namespace rampart::ike;

namespace {

Payload vid(Vendor v) {
  return OpaquePayload{PayloadType::VendorId, vendor_id(v)};
}

std::vector<std::string> texts(const std::vector<DebugLine>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) out.push_back(l.text);
  return out;
}

}  // namespace

TEST_CASE("peer vendor IDs: capabilities and the newest NAT-T variant", "[ike][vid]") {
  const std::vector<Payload> first = {vid(Vendor::NatT02),
                                      vid(Vendor::Xauth),
                                      vid(Vendor::NatTRfc),
                                      vid(Vendor::Dpd),
                                      OpaquePayload{PayloadType::Nonce, Bytes(16, 1)},
                                      vid(Vendor::NatT03)};
  IkeSa sa;
  auto lines = read_vendor_ids(sa, first, true);
  CHECK(sa.natt == Vendor::NatTRfc);
  CHECK(sa.peer_xauth);
  CHECK(sa.peer_dpd);
  CHECK_FALSE(sa.peer_unity);
  CHECK(lines.size() == 10);  // "processing VID payload" and the VID's name, for each of five
  CHECK(lines[0].text == "processing VID payload");
  CHECK(lines[1].text == received_text(Vendor::NatT02));
  CHECK(std::all_of(lines.begin(), lines.end(), [](const DebugLine& l) { return l.level == 5; }));

  IkeSa off;
  read_vendor_ids(off, first, false);  // crypto isakmp nat-traversal off: none agreed
  CHECK(off.natt == Vendor::Unknown);
  CHECK(off.peer_dpd);

  // Later VIDs are only named.
  CHECK(read_later_vendor_ids({vid(Vendor::CiscoUnity)}).size() == 2);
}

TEST_CASE("our vendor IDs: in the ASA's order, each named", "[ike][vid]") {
  IkeSa sa;
  sa.peer_unity = sa.peer_xauth = true;
  sa.natt = Vendor::NatT03;
  std::vector<Payload> out;
  auto lines = add_our_vendor_ids(sa, out, true);
  CHECK(texts(lines) ==
        std::vector<std::string>{
            "constructing Cisco Unity VID payload", "constructing xauth V6 VID payload",
            "constructing dpd vid payload", "constructing NAT-Traversal VID ver 03 payload",
            "constructing VID payload", "Send Altiga/Cisco VPN3000/Cisco ASA GW VID"});
  REQUIRE(out.size() == 5);
  CHECK(std::get<OpaquePayload>(out[3]).data == vendor_id(Vendor::NatT03));
  CHECK(std::get<OpaquePayload>(out[4]).data == vendor_id(Vendor::CiscoVpn3000));

  IkeSa plain;  // a peer that sent none of them: DPD alone
  out.clear();
  CHECK(texts(add_our_vendor_ids(plain, out, false)) ==
        std::vector<std::string>{"constructing dpd vid payload"});
  CHECK(out.size() == 1);
}

}  // namespace peer_vendor_ids_test
