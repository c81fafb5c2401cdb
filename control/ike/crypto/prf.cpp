#include "control/ike/crypto/prf.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

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

// One HMAC context per hash and thread, keyed afresh by each call. OpenSSL 3's one-shot HMAC()
// fetches the MAC and its digest by name, allocates a context and frees it on every call: about
// half of the PRF's cost, and a PRF runs some twenty times per set-up on the event loop. Each
// call leaves its context keyed with the empty key, so that no key's padded states outlive
// the call (the PSK's, or SKEYID_d's after its SA is gone, from which KEYMAT follows).
class HmacContexts {
 public:
  HmacContexts() : mac_(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {}
  ~HmacContexts() {
    for (EVP_MAC_CTX* c : ctx_) EVP_MAC_CTX_free(c);
    EVP_MAC_free(mac_);
  }
  HmacContexts(const HmacContexts&) = delete;
  HmacContexts& operator=(const HmacContexts&) = delete;

  // The thread's context for h, its digest set (nullptr when OpenSSL has none).
  EVP_MAC_CTX* of(HashAlg h) {
    EVP_MAC_CTX*& c = ctx_[static_cast<size_t>(h)];
    if (c || !mac_) return c;
    c = EVP_MAC_CTX_new(mac_);
    std::string digest(config::row(h).openssl);
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_end()};
    if (c && !EVP_MAC_CTX_set_params(c, params)) {
      EVP_MAC_CTX_free(c);
      c = nullptr;
    }
    return c;
  }

 private:
  EVP_MAC* mac_;
  std::array<EVP_MAC_CTX*, config::kIkeHashCount> ctx_{};
};

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
  thread_local HmacContexts contexts;
  Bytes out(EVP_MAX_MD_SIZE);
  size_t len = 0;
  EVP_MAC_CTX* c = contexts.of(h);
  // An empty key is a valid HMAC key; OpenSSL takes a null pointer with length 0 as "keep the
  // last key", so an empty one is given as a pointer to nothing.
  static const unsigned char kNoKey = 0;
  const unsigned char* k = key.empty() ? &kNoKey : key.data();
  if (!c || !EVP_MAC_init(c, k, key.size(), nullptr) ||
      !EVP_MAC_update(c, data.data(), data.size()) ||
      !EVP_MAC_final(c, out.data(), &len, out.size()))
    len = 0;  // as HMAC() failing: an empty result, which no peer's hash matches
  if (c) (void)EVP_MAC_init(c, &kNoKey, 0, nullptr);  // forget the key (above)
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
