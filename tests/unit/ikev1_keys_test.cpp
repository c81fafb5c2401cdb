// RFC 2409 phase-1 key derivation against vectors computed by the openssl command-line tool
// (tests/vectors/ikev1_psk_sha1.txt, made by make_ikev1_psk_sha1.sh).
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <sstream>

#include "control/ike/crypto/prf.hpp"

namespace ikev1_keys_test {

using namespace rampart::ike;

namespace {

std::map<std::string, Bytes> load_vectors(const std::string& name) {
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) + "/tests/vectors/" + name);
  std::map<std::string, Bytes> v;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find(" = ");
    std::string hex = line.substr(eq + 3);
    Bytes b;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
      b.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    v[line.substr(0, eq)] = b;
  }
  return v;
}

}  // namespace

TEST_CASE("phase-1 PSK keying values match an independent implementation") {
  auto v = load_vectors("ikev1_psk_sha1.txt");
  REQUIRE(v.size() == 19);
  Phase1Inputs in{HashAlg::Sha1, v["psk"],   v["ni"],    v["nr"], v["gxy"], v["gxi"],
                  v["gxr"],      v["cky_i"], v["cky_r"], 32,      16};
  Phase1Keys k = derive_phase1_psk(in);
  CHECK(k.skeyid.bytes() == v["skeyid"]);
  CHECK(k.skeyid_d.bytes() == v["skeyid_d"]);
  CHECK(k.skeyid_a.bytes() == v["skeyid_a"]);
  CHECK(k.skeyid_e.bytes() == v["skeyid_e"]);
  CHECK(k.encryption_key.bytes() == v["ka"]);  // 32 bytes from a 20-byte SKEYID_e: expanded
  CHECK(k.iv == v["iv"]);
  Bytes hi = hash_i(HashAlg::Sha1, k.skeyid, v["gxi"], v["gxr"], v["cky_i"], v["cky_r"], v["sai_b"],
                    v["idii_b"]);
  Bytes hr = hash_r(HashAlg::Sha1, k.skeyid, v["gxi"], v["gxr"], v["cky_i"], v["cky_r"], v["sai_b"],
                    v["idir_b"]);
  CHECK(equal_ct(hi, v["hash_i"]));
  CHECK(equal_ct(hr, v["hash_r"]));
  // A different key must not verify.
  in.psk.back() ^= 1;
  Phase1Keys wrong = derive_phase1_psk(in);
  CHECK_FALSE(equal_ct(hash_i(HashAlg::Sha1, wrong.skeyid, v["gxi"], v["gxr"], v["cky_i"],
                              v["cky_r"], v["sai_b"], v["idii_b"]),
                       v["hash_i"]));
}

TEST_CASE("the PRF is HMAC of each hash, whatever the thread asked for before", "[crypto]") {
  // RFC 2202/4231's first key and message (the key 20 bytes for every hash); values from the
  // openssl command-line tool. Hashes alternate on one thread, each call re-keying the
  // thread's context of that hash, and a key longer than the block is hashed first.
  auto hex = [](std::string_view h) {
    Bytes b;
    for (size_t i = 0; i + 1 < h.size(); i += 2)
      b.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    return b;
  };
  const Bytes key(20, 0x0b);
  const std::string msg = "Hi There";
  const Bytes data(msg.begin(), msg.end());
  const std::pair<HashAlg, std::string_view> expected[] = {
      {HashAlg::Md5, "5ccec34ea9656392457fa1ac27f08fbc"},
      {HashAlg::Sha1, "b617318655057264e28bc0b6fb378c8ef146be00"},
      {HashAlg::Sha256, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {HashAlg::Sha384,
       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2"
       "fa9cb6"},
      {HashAlg::Sha512,
       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eae"
       "a3f4e4be9d914eeb61f1702e696c203a126854"}};
  for (int round = 0; round < 2; ++round)
    for (const auto& [h, mac] : expected) {
      CHECK(prf(h, key, data) == hex(mac));
      CHECK(prf(h, Bytes(20, 0x0c), data) != hex(mac));  // the next call's key is its own
    }
  const std::string big = "Test Using Larger Than Block-Size Key - Hash Key First";
  CHECK(prf(HashAlg::Sha256, Bytes(131, 0xaa), Bytes(big.begin(), big.end())) ==
        hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
  // An empty key is HMAC's all-zero pad, not "keep the last key".
  const std::string what = "what";
  CHECK(prf(HashAlg::Sha1, Bytes{}, Bytes(what.begin(), what.end())) ==
        hex("88519177b0d500fb0aca44a232b724bafd0bd638"));
}

TEST_CASE("a key no longer than SKEYID_e is its prefix") {
  auto v = load_vectors("ikev1_psk_sha1.txt");
  Phase1Inputs in{HashAlg::Sha1, v["psk"],   v["ni"],    v["nr"], v["gxy"], v["gxi"],
                  v["gxr"],      v["cky_i"], v["cky_r"], 16,      16};
  Phase1Keys k = derive_phase1_psk(in);
  CHECK(k.encryption_key.bytes() == Bytes(v["skeyid_e"].begin(), v["skeyid_e"].begin() + 16));
  CHECK(digest_size(HashAlg::Md5) == 16);
  CHECK(digest_size(HashAlg::Sha512) == 64);
}

TEST_CASE("phase-1 keys match what vpnc computed in a real negotiation") {
  // tests/vectors/ikev1_vpnc_am_psk_sha1_aes128.txt: recorded from vpnc --debug 99.
  auto v = load_vectors("ikev1_vpnc_am_psk_sha1_aes128.txt");
  REQUIRE(v.size() == 14);
  Phase1Inputs in{HashAlg::Sha1, v["psk"],   v["ni"],    v["nr"], v["gxy"], v["gxi"],
                  v["gxr"],      v["cky_i"], v["cky_r"], 16,      16};
  Phase1Keys k = derive_phase1_psk(in);
  CHECK(k.skeyid.bytes() == v["skeyid"]);
  CHECK(k.skeyid_d.bytes() == v["skeyid_d"]);
  CHECK(k.skeyid_a.bytes() == v["skeyid_a"]);
  CHECK(k.skeyid_e.bytes() == v["skeyid_e"]);
  CHECK(k.encryption_key.bytes() == v["enc_key"]);
  CHECK(k.iv == v["iv"]);
}
}  // namespace ikev1_keys_test
