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
