// The per-message payload rules: the seed's messages pass, each kind of violation is named.
#include <catch2/catch.hpp>

#include "control/ike/message_rules.hpp"

namespace message_rules_test {

using namespace rampart::ike;

namespace {

Payload opaque(PayloadType t) {
  return OpaquePayload{t, Bytes(4, 1)};
}

}  // namespace

TEST_CASE("the seed's aggressive-mode messages pass") {
  // Seed 000, AM1: HDR + SA + KE + NONCE + ID + six VENDOR payloads.
  std::vector<Payload> am1{SaPayload{}, opaque(PayloadType::KE), opaque(PayloadType::Nonce),
                           IdPayload{}};
  for (int i = 0; i < 6; ++i) am1.push_back(opaque(PayloadType::VendorId));
  CHECK_FALSE(check_message(MessageKind::AM1, false, am1));
  // AM2 as the ASA sends it: SA, KE, NONCE, ID, HASH, 4 VIDs, 2 NAT-D, 2 VIDs.
  std::vector<Payload> am2{SaPayload{}, opaque(PayloadType::KE), opaque(PayloadType::Nonce),
                           IdPayload{}, opaque(PayloadType::Hash)};
  for (int i = 0; i < 4; ++i) am2.push_back(opaque(PayloadType::VendorId));
  am2.push_back(opaque(PayloadType::NatDDraft));
  am2.push_back(opaque(PayloadType::NatDDraft));
  CHECK_FALSE(check_message(MessageKind::AM2, false, am2));
  // AM3: HASH, NOTIFY INITIAL-CONTACT, 2 NAT-D, 2 VIDs, encrypted.
  std::vector<Payload> am3{opaque(PayloadType::Hash),     NotifyPayload{1, 1, 24578, {}, {}},
                           opaque(PayloadType::NatD),     opaque(PayloadType::NatD),
                           opaque(PayloadType::VendorId), opaque(PayloadType::VendorId)};
  CHECK_FALSE(check_message(MessageKind::AM3, true, am3));
  CHECK_FALSE(check_message(MessageKind::AM3, false, am3));
  CHECK_FALSE(check_message(MessageKind::QM3, true, {opaque(PayloadType::Hash)}));
}

TEST_CASE("violations say what is wrong and which notify answers it") {
  auto v = check_message(MessageKind::AM1, false,
                         {SaPayload{}, opaque(PayloadType::Nonce), IdPayload{}});
  REQUIRE(v);
  CHECK(v->text == "AM1 without KE payload");
  CHECK(v->notify == kPayloadMalformed);
  v = check_message(MessageKind::MM1, false, {SaPayload{}, opaque(PayloadType::KE)});
  REQUIRE(v);
  CHECK(v->text == "MM1 with unexpected KE (4) payload");
  CHECK(v->notify == kInvalidPayloadType);
  v = check_message(MessageKind::MM1, false, {SaPayload{}, SaPayload{}});
  REQUIRE(v);
  CHECK(v->text == "MM1 with 2 SA payloads");
  v = check_message(MessageKind::MM5, false, {IdPayload{}, opaque(PayloadType::Hash)});
  REQUIRE(v);
  CHECK(v->text == "MM5 must be encrypted");
  v = check_message(MessageKind::QM1, true,
                    {SaPayload{}, opaque(PayloadType::Hash), opaque(PayloadType::Nonce)});
  REQUIRE(v);
  CHECK(v->text == "QM1 does not start with a HASH payload");
  v = check_message(MessageKind::Informational, true, {NotifyPayload{}});
  REQUIRE(v);
  CHECK(v->text == "Informational does not start with a HASH payload");
  CHECK_FALSE(check_message(MessageKind::Informational, false, {NotifyPayload{}}));
  CHECK(name_of(MessageKind::Transaction) == "Transaction");
}
}  // namespace message_rules_test
