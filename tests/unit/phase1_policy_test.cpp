// Phase-1 proposal matching on the seeds' offers: the Cisco/vpnc client's transform list
// against seed 000's policy, and the VPN Client 1.1's DES/MD5/group 1 against seed 004's two.
#include <catch2/catch.hpp>

#include "control/ike/phase1_policy.hpp"

namespace phase1_policy_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

Transform offer(uint8_t n, uint16_t enc, uint16_t keylen, uint16_t hash, uint16_t auth,
                uint16_t group) {
  Transform t{n, 1, {}};
  t.attributes.push_back(Attribute::tv(p1attr::kEncryption, enc));
  if (keylen) t.attributes.push_back(Attribute::tv(p1attr::kKeyLength, keylen));
  t.attributes.push_back(Attribute::tv(p1attr::kHash, hash));
  t.attributes.push_back(Attribute::tv(p1attr::kAuth, auth));
  t.attributes.push_back(Attribute::tv(p1attr::kGroup, group));
  t.attributes.push_back(Attribute::tv(p1attr::kLifeType, p1attr::kLifeSeconds));
  // 0x0020c49b = 2147483 s, as the Cisco VPN Client offers (seed 004).
  t.attributes.push_back(Attribute::tlv(p1attr::kLifeDuration, {0x00, 0x20, 0xc4, 0x9b}));
  return t;
}

// A vpnc-like aggressive-mode offer: AES-256, AES-128, 3DES, DES x SHA, MD5, XAUTH PSK, group 2.
SaPayload client_offer(uint16_t group) {
  Proposal p{1, 1, {}, {}};
  uint8_t n = 1;
  for (auto [enc, len] : {std::pair<uint16_t, uint16_t>{7, 256}, {7, 128}, {5, 0}, {1, 0}})
    for (uint16_t hash : {2, 1}) p.transforms.push_back(offer(n++, enc, len, hash, 65001, group));
  return SaPayload{1, 1, {p}};
}

// A pre-shared-key policy from the ASA's words, read through the algorithm table.
config::IsakmpPolicy policy(uint32_t prio, std::string_view enc, std::string_view hash, int group) {
  return config::IsakmpPolicy{prio,
                              config::IkeAuthentication::PreShare,
                              config::parse_ike_encryption(enc, config::Dialect::Asa).value(),
                              config::parse_ike_hash(hash, config::Dialect::Asa).value(),
                              group,
                              86400};
}

}  // namespace

TEST_CASE("seed 000: the client's AES-128/SHA transform matches policy 10") {
  std::map<uint32_t, config::IsakmpPolicy> policies{{10, policy(10, "aes", "sha", 2)}};
  Phase1Match m = match_phase1(client_offer(2), policies);
  REQUIRE(m.choice);
  CHECK(m.choice->transform == 3);
  CHECK(m.choice->cipher == CipherAlg::Aes128);
  CHECK(m.choice->hash == HashAlg::Sha1);
  CHECK(m.choice->auth_method == p1attr::kAuthXauthInitPsk);
  CHECK(m.choice->lifetime_seconds == 86400);  // ours is shorter than the offered 2147483
  CHECK(m.choice->responder_lifetime);
  CHECK(m.log.back().text ==
        "IKE SA Proposal # 1, Transform # 3 acceptable Matches global IKE entry # 1");
}

TEST_CASE("seed 000's failure: a group 5 policy rejects every group 2 transform") {
  std::map<uint32_t, config::IsakmpPolicy> policies{{10, policy(10, "aes", "sha", 5)}};
  Phase1Match m = match_phase1(client_offer(2), policies);
  CHECK_FALSE(m.choice);
  size_t group_lines = 0;
  for (const auto& l : m.log)
    if (l.text ==
        "Phase 1 failure: Mismatched attribute types for class Group Description: "
        "Rcv'd: Group 2  Cfg'd: Group 5")
      ++group_lines;
  CHECK(group_lines == 1);  // only the AES-128/SHA transform gets as far as the group
  CHECK(m.log.back().text == "All SA proposals found unacceptable");
}

TEST_CASE("seed 004: the 1.1 client's DES/MD5/group 1 matches the second policy") {
  std::map<uint32_t, config::IsakmpPolicy> policies{{10, policy(10, "des", "md5", 2)},
                                                    {20, policy(20, "des", "md5", 1)}};
  Proposal p{1, 1, {}, {offer(1, 1, 0, 1, p1attr::kAuthPsk, 1)}};
  Phase1Match m = match_phase1(SaPayload{1, 1, {p}}, policies);
  REQUIRE(m.choice);
  CHECK(m.choice->policy_priority == 20);
  CHECK(m.choice->cipher == CipherAlg::Des);
  CHECK(m.choice->group == 1);
  REQUIRE(m.log.size() == 2);
  CHECK(m.log[0].text ==
        "Phase 1 failure: Mismatched attribute types for class Group Description: "
        "Rcv'd: Group 1  Cfg'd: Group 2");
  CHECK(m.log[1].text ==
        "IKE SA Proposal # 1, Transform # 1 acceptable Matches global IKE entry # 2");
}

TEST_CASE("no policies, wrong auth, malformed attributes") {
  CHECK_FALSE(match_phase1(client_offer(2), {}).choice);
  std::map<uint32_t, config::IsakmpPolicy> rsa{{1, policy(1, "aes", "sha", 2)}};
  rsa.at(1).authentication = config::IkeAuthentication::RsaSig;
  CHECK_FALSE(match_phase1(client_offer(2), rsa).choice);
  Transform bad = offer(1, 7, 128, 2, 1, 2);
  bad.attributes.back() = Attribute::tlv(p1attr::kLifeDuration, Bytes(9, 1));
  Proposal p{1, 1, {}, {bad}};
  std::map<uint32_t, config::IsakmpPolicy> ok{{1, policy(1, "aes", "sha", 2)}};
  Phase1Match m = match_phase1(SaPayload{1, 1, {p}}, ok);
  CHECK_FALSE(m.choice);
  CHECK(m.log.front().text.starts_with("Phase 1 failure: malformed attribute"));
}
}  // namespace phase1_policy_test
