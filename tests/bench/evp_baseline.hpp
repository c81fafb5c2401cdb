// The limit an ESP benchmark is held to: the bare OpenSSL EVP work one ESP packet needs (the
// cipher over the padded payload and the HMAC over header + IV + ciphertext, or AES-GCM with its
// AAD and tag), with contexts prepared once, and nothing else. Shared by esp_bench (in-process)
// and dataplane_bench (end to end over AF_PACKET).
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "dataplane/esp/esp_sa.hpp"

namespace rampart::bench {

using dataplane::EspAuth;
using dataplane::EspCipher;

struct Case {
  const char* name;
  EspCipher cipher;
  EspAuth auth;
  const char* evp_cipher;
  size_t key, block, iv, icv;
  bool gcm;
};

inline const Case kCases[] = {
    {"AES-128-CBC+SHA1", EspCipher::AesCbc128, EspAuth::HmacSha1, "AES-128-CBC", 16, 16, 16, 12,
     false},
    {"AES-256-CBC+SHA1", EspCipher::AesCbc256, EspAuth::HmacSha1, "AES-256-CBC", 32, 16, 16, 12,
     false},
    {"3DES+SHA1", EspCipher::TripleDes, EspAuth::HmacSha1, "DES-EDE3-CBC", 24, 8, 8, 12, false},
    {"AES-128-GCM", EspCipher::AesGcm128, EspAuth::None, "AES-128-GCM", 16, 4, 8, 16, true},
};

// The bare work ESP needs for one packet of len inner bytes: set the IV, encrypt the padded
// payload, and MAC header + IV + ciphertext (or GCM with the 8-byte AAD and the tag).
struct Baseline {
  EVP_CIPHER* c = nullptr;
  EVP_CIPHER_CTX* ctx = nullptr;
  EVP_CIPHER_CTX* dctx = nullptr;
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* hmac = nullptr;
  const Case& k;
  explicit Baseline(const Case& kc) : k(kc) {
    std::vector<uint8_t> key(k.key, 7), mkey(20, 9);
    c = EVP_CIPHER_fetch(nullptr, k.evp_cipher, nullptr);
    ctx = EVP_CIPHER_CTX_new();
    EVP_EncryptInit_ex2(ctx, c, key.data(), nullptr, nullptr);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    dctx = EVP_CIPHER_CTX_new();
    EVP_DecryptInit_ex2(dctx, c, key.data(), nullptr, nullptr);
    EVP_CIPHER_CTX_set_padding(dctx, 0);
    if (!k.gcm) {
      mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      hmac = EVP_MAC_CTX_new(mac);
      OSSL_PARAM p[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA1"), 0),
          OSSL_PARAM_construct_end()};
      EVP_MAC_init(hmac, mkey.data(), mkey.size(), p);
    }
  }
  ~Baseline() {
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_CTX_free(dctx);
    EVP_CIPHER_free(c);
    EVP_MAC_CTX_free(hmac);
    EVP_MAC_free(mac);
  }
  void run(uint8_t* buf, size_t inner) {
    size_t padded = (inner + 2 + k.block - 1) / k.block * k.block;
    uint8_t iv[16] = {1, 2, 3};
    int n = 0;
    if (k.gcm) {
      uint8_t nonce[12] = {};
      EVP_EncryptInit_ex2(ctx, nullptr, nullptr, nonce, nullptr);
      EVP_EncryptUpdate(ctx, nullptr, &n, buf, 8);
      EVP_EncryptUpdate(ctx, buf + 16, &n, buf + 16, static_cast<int>(padded));
      EVP_EncryptFinal_ex(ctx, buf + 16 + padded, &n);
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, buf + 16 + padded);
    } else {
      EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv, nullptr);
      EVP_EncryptUpdate(ctx, buf + 8 + k.iv, &n, buf + 8 + k.iv, static_cast<int>(padded));
      uint8_t m[64];
      size_t ml = 0;
      EVP_MAC_init(hmac, nullptr, 0, nullptr);
      EVP_MAC_update(hmac, buf, 8 + k.iv + padded);
      EVP_MAC_final(hmac, m, &ml, sizeof m);
    }
  }
};

// The receiving side's bare work: MAC over header + IV + ciphertext, then decrypt (GCM:
// decrypt and check the tag).
inline void Baseline_decrypt(Baseline& b, uint8_t* buf, size_t inner) {
  const Case& k = b.k;
  size_t padded = (inner + 2 + k.block - 1) / k.block * k.block;
  uint8_t iv[16] = {1, 2, 3};
  int n = 0;
  if (k.gcm) {
    uint8_t nonce[12] = {};
    EVP_DecryptInit_ex2(b.dctx, nullptr, nullptr, nonce, nullptr);
    EVP_DecryptUpdate(b.dctx, nullptr, &n, buf, 8);
    EVP_DecryptUpdate(b.dctx, buf + 16, &n, buf + 16, static_cast<int>(padded));
    EVP_CIPHER_CTX_ctrl(b.dctx, EVP_CTRL_AEAD_SET_TAG, 16, buf + 16 + padded);
    EVP_DecryptFinal_ex(b.dctx, buf + 16 + padded, &n);
  } else {
    uint8_t m[64];
    size_t ml = 0;
    EVP_MAC_init(b.hmac, nullptr, 0, nullptr);
    EVP_MAC_update(b.hmac, buf, 8 + k.iv + padded);
    EVP_MAC_final(b.hmac, m, &ml, sizeof m);
    EVP_DecryptInit_ex2(b.dctx, nullptr, nullptr, iv, nullptr);
    EVP_DecryptUpdate(b.dctx, buf + 8 + k.iv, &n, buf + 8 + k.iv, static_cast<int>(padded));
  }
}

}  // namespace rampart::bench
