// IKEv1 pseudo-random function and phase-1 key derivation for pre-shared keys (RFC 2409 5,
// appendix B). Key material lives in SecretBytes, which wipes itself; nothing here logs.
#pragma once

#include <string_view>

#include "control/config/algorithms.hpp"
#include "control/ike/codec/bytes.hpp"

namespace rampart::ike {

// Bytes that are wiped when they go away (OPENSSL_cleanse), for every derived key.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(Bytes b) : b_(std::move(b)) {}
  SecretBytes(const SecretBytes&) = default;
  SecretBytes& operator=(const SecretBytes&) = default;
  SecretBytes(SecretBytes&&) noexcept = default;
  SecretBytes& operator=(SecretBytes&&) noexcept = default;
  ~SecretBytes();
  const Bytes& bytes() const { return b_; }
  size_t size() const { return b_.size(); }

 private:
  Bytes b_;
};

// The hash of an IKE SA's PRF: the configuration's enum, its numbers and sizes in the table.
using HashAlg = config::IkeHash;
size_t digest_size(HashAlg h);

// prf(key, data) = HMAC-<hash>(key, data)
Bytes prf(HashAlg h, const Bytes& key, const Bytes& data);
Bytes hash(HashAlg h, const Bytes& data);

// RFC 2409 5: the four keying values of an IKE SA authenticated with a pre-shared key.
struct Phase1Keys {
  SecretBytes skeyid, skeyid_d, skeyid_a, skeyid_e;
  SecretBytes encryption_key;  // Ka, expanded from SKEYID_e to the cipher's key length
  Bytes iv;                    // the first phase-1 IV: hash(g^xi | g^xr), cipher block size
};

struct Phase1Inputs {
  HashAlg hash = HashAlg::Sha1;
  Bytes psk;
  Bytes ni, nr;            // nonce bodies
  Bytes gxy;               // the Diffie-Hellman shared secret
  Bytes gxi, gxr;          // the public values (KE bodies)
  Bytes cky_i, cky_r;      // 8-byte cookies
  size_t key_length = 16;  // the cipher's key length in bytes
  size_t block_size = 16;  // the cipher's block size (IV length)
};

Phase1Keys derive_phase1_psk(const Phase1Inputs& in);

// RFC 2409 5: HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b) and HASH_R
// the same with the publics and cookies swapped and IDir_b.
Bytes hash_i(HashAlg h, const SecretBytes& skeyid, const Bytes& gxi, const Bytes& gxr,
             const Bytes& cky_i, const Bytes& cky_r, const Bytes& sai_b, const Bytes& idii_b);
Bytes hash_r(HashAlg h, const SecretBytes& skeyid, const Bytes& gxi, const Bytes& gxr,
             const Bytes& cky_i, const Bytes& cky_r, const Bytes& sai_b, const Bytes& idir_b);

// Constant-time comparison for received hashes.
bool equal_ct(const Bytes& a, const Bytes& b);

}  // namespace rampart::ike
