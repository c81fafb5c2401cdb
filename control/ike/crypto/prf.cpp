#include "control/ike/crypto/prf.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <string>

namespace rampart::ike {

namespace {

// The table's OpenSSL name of each hash, looked up once (the PRF runs many times per exchange).
const EVP_MD* md_of(HashAlg h) {
  static const auto mds = [] {
    std::array<const EVP_MD*, config::kIkeHashCount> t{};
    for (const auto& r : config::ike_hashes())
      t[static_cast<size_t>(r.id)] = EVP_get_digestbyname(std::string(r.openssl).c_str());
    return t;
  }();
  return mds[static_cast<size_t>(h)];
}

Bytes cat(std::initializer_list<const Bytes*> parts) {
  Bytes out;
  for (const Bytes* p : parts) out.insert(out.end(), p->begin(), p->end());
  return out;
}

}  // namespace

SecretBytes::~SecretBytes() {
  if (!b_.empty()) OPENSSL_cleanse(b_.data(), b_.size());
}

size_t digest_size(HashAlg h) {
  return config::row(h).digest_bytes;
}

Bytes prf(HashAlg h, const Bytes& key, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  HMAC(md_of(h), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
       &len);
  out.resize(len);
  return out;
}

Bytes hash(HashAlg h, const Bytes& data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md_of(h), nullptr);
  out.resize(len);
  return out;
}

Phase1Keys derive_phase1_psk(const Phase1Inputs& in) {
  // Computed on locals; the caller installs them only after HASH_I/HASH_R verify.
  Phase1Keys k;
  // SKEYID = prf(pre-shared-key, Ni_b | Nr_b)
  k.skeyid = SecretBytes(prf(in.hash, in.psk, cat({&in.ni, &in.nr})));
  const Bytes& skeyid = k.skeyid.bytes();
  const Bytes b0{0}, b1{1}, b2{2};
  // SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
  k.skeyid_d = SecretBytes(prf(in.hash, skeyid, cat({&in.gxy, &in.cky_i, &in.cky_r, &b0})));
  // SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
  k.skeyid_a = SecretBytes(
      prf(in.hash, skeyid, cat({&k.skeyid_d.bytes(), &in.gxy, &in.cky_i, &in.cky_r, &b1})));
  // SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
  k.skeyid_e = SecretBytes(
      prf(in.hash, skeyid, cat({&k.skeyid_a.bytes(), &in.gxy, &in.cky_i, &in.cky_r, &b2})));
  // Appendix B: when SKEYID_e is shorter than the key, Ka = K1 | K2 | ..., K1 = prf(SKEYID_e,
  // 0), Kn = prf(SKEYID_e, Kn-1); the key is the first bytes.
  Bytes ka = k.skeyid_e.bytes();
  if (ka.size() < in.key_length) {
    ka.clear();
    Bytes prev{0};
    while (ka.size() < in.key_length) {
      prev = prf(in.hash, k.skeyid_e.bytes(), prev);
      ka.insert(ka.end(), prev.begin(), prev.end());
    }
  }
  ka.resize(in.key_length);
  k.encryption_key = SecretBytes(std::move(ka));
  // Appendix B: IV = hash(g^xi | g^xr), truncated to the cipher's block size.
  k.iv = hash(in.hash, cat({&in.gxi, &in.gxr}));
  k.iv.resize(in.block_size);
  return k;
}

Bytes hash_i(HashAlg h, const SecretBytes& skeyid, const Bytes& gxi, const Bytes& gxr,
             const Bytes& cky_i, const Bytes& cky_r, const Bytes& sai_b, const Bytes& idii_b) {
  return prf(h, skeyid.bytes(), cat({&gxi, &gxr, &cky_i, &cky_r, &sai_b, &idii_b}));
}

Bytes hash_r(HashAlg h, const SecretBytes& skeyid, const Bytes& gxi, const Bytes& gxr,
             const Bytes& cky_i, const Bytes& cky_r, const Bytes& sai_b, const Bytes& idir_b) {
  return prf(h, skeyid.bytes(), cat({&gxr, &gxi, &cky_r, &cky_i, &sai_b, &idir_b}));
}

bool equal_ct(const Bytes& a, const Bytes& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace rampart::ike
