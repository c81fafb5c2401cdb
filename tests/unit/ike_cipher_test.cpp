// Phase-1 encryption against the openssl command-line tool (tests/vectors/ike_cbc.txt), IKE
// padding, and IV chaining.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "control/ike/crypto/cipher.hpp"

namespace ike_cipher_test {

using namespace rampart::ike;

namespace {

Bytes unhex(const std::string& h) {
  Bytes b;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    b.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return b;
}

CipherAlg alg_of(const std::string& name) {
  if (name == "aes-128-cbc") return CipherAlg::Aes128;
  if (name == "aes-192-cbc") return CipherAlg::Aes192;
  if (name == "aes-256-cbc") return CipherAlg::Aes256;
  if (name == "des-ede3-cbc") return CipherAlg::TripleDes;
  return CipherAlg::Des;
}

}  // namespace

TEST_CASE("CBC matches an independent implementation for every cipher") {
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) + "/tests/vectors/ike_cbc.txt");
  Bytes plaintext;
  int checked = 0;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    std::string name, key, iv, ct;
    in >> name >> key;
    if (name == "plaintext") {
      plaintext = unhex(key);
      continue;
    }
    in >> iv >> ct;
    INFO(name);
    CipherAlg c = alg_of(name);
    SecretBytes k(unhex(key));
    auto dec = decrypt(c, k, unhex(iv), unhex(ct));
    REQUIRE(dec);
    CHECK(*dec == plaintext);
    // Our padding of the first 31 bytes is exactly that plaintext: same ciphertext.
    auto enc = encrypt(c, k, unhex(iv), Bytes(plaintext.begin(), plaintext.end() - 1));
    REQUIRE(enc);
    CHECK(*enc == unhex(ct));
    CHECK(last_block(c, *enc).size() == block_size(c));
    ++checked;
  }
  CHECK(checked == 5);
}

TEST_CASE("IKE padding and bad lengths") {
  SecretBytes key(Bytes(16, 1));
  Bytes iv(16, 2);
  auto one = encrypt(CipherAlg::Aes128, key, iv, Bytes(16, 3));  // a full block still pads
  REQUIRE(one);
  CHECK(one->size() == 32);
  auto back = decrypt(CipherAlg::Aes128, key, iv, *one);
  REQUIRE(back);
  CHECK(back->back() == 15);  // 16 pad bytes: 15 zeros counted in the last one
  CHECK_FALSE(decrypt(CipherAlg::Aes128, key, iv, Bytes(17, 0)));
  CHECK_FALSE(encrypt(CipherAlg::Aes128, SecretBytes(Bytes(15, 1)), iv, Bytes(3, 0)));
  Bytes qm_iv = exchange_iv(HashAlg::Sha1, CipherAlg::Aes128, iv, 0x0e83792e);
  CHECK(qm_iv.size() == 16);
  CHECK(qm_iv != exchange_iv(HashAlg::Sha1, CipherAlg::Aes128, iv, 0x0e83792f));
}
}  // namespace ike_cipher_test
