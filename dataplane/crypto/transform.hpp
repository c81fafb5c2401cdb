// The ESP transforms the dataplane carries (RFC 2405/2451 DES and 3DES, RFC 3602 AES-CBC,
// RFC 4106 AES-GCM, RFC 2410 NULL; HMAC-MD5-96, HMAC-SHA1-96 and the RFC 4868 SHA-2 HMACs)
// and their sizes, shared by the ESP framing and every crypto backend.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <openssl/crypto.h>

namespace rampart::dataplane {

enum class EspCipher {
  Null,
  Des,
  TripleDes,
  AesCbc128,
  AesCbc192,
  AesCbc256,
  AesGcm128,
  AesGcm256
};
enum class EspAuth { None, HmacMd5, HmacSha1, HmacSha256, HmacSha384, HmacSha512 };

struct EspKeys {
  EspCipher cipher = EspCipher::AesCbc128;
  EspAuth auth = EspAuth::HmacSha1;
  std::vector<uint8_t> encryption;  // AES-GCM: the key followed by the 4-byte salt
  std::vector<uint8_t> integrity;
  // Once the contexts are keyed, a copy only waits to leak: zeroed (not a store the compiler
  // may drop) and emptied.
  void wipe() {
    for (auto* k : {&encryption, &integrity}) {
      if (!k->empty()) OPENSSL_cleanse(k->data(), k->size());
      k->clear();
    }
  }
};

constexpr bool is_aead(EspCipher c) {
  return c == EspCipher::AesGcm128 || c == EspCipher::AesGcm256;
}

// Bytes of the cipher key proper (without the GCM salt).
constexpr size_t key_bytes(EspCipher c) {
  switch (c) {
    case EspCipher::Des:
      return 8;
    case EspCipher::TripleDes:
    case EspCipher::AesCbc192:
      return 24;
    case EspCipher::AesCbc128:
    case EspCipher::AesGcm128:
      return 16;
    case EspCipher::AesCbc256:
    case EspCipher::AesGcm256:
      return 32;
    case EspCipher::Null:
      break;
  }
  return 0;
}

// The IV on the wire: a cipher block for CBC, 8 bytes for GCM (RFC 4106 3.1), none for NULL.
constexpr size_t iv_bytes(EspCipher c) {
  switch (c) {
    case EspCipher::Des:
    case EspCipher::TripleDes:
    case EspCipher::AesGcm128:
    case EspCipher::AesGcm256:
      return 8;
    case EspCipher::AesCbc128:
    case EspCipher::AesCbc192:
    case EspCipher::AesCbc256:
      return 16;
    case EspCipher::Null:
      break;
  }
  return 0;
}

// What the payload is padded to: the cipher block, or 4 bytes (RFC 4303 2.4) for the others.
constexpr size_t pad_block(EspCipher c) {
  switch (c) {
    case EspCipher::Des:
    case EspCipher::TripleDes:
      return 8;
    case EspCipher::AesCbc128:
    case EspCipher::AesCbc192:
    case EspCipher::AesCbc256:
      return 16;
    default:
      return 4;
  }
}

// Truncated ICV lengths: RFC 2403/2404 (96 bits), RFC 4868 (half the digest), RFC 4106 (16).
constexpr size_t icv_bytes(EspCipher c, EspAuth a) {
  if (is_aead(c)) return 16;
  switch (a) {
    case EspAuth::HmacMd5:
    case EspAuth::HmacSha1:
      return 12;
    case EspAuth::HmacSha256:
      return 16;
    case EspAuth::HmacSha384:
      return 24;
    case EspAuth::HmacSha512:
      return 32;
    case EspAuth::None:
      break;
  }
  return 0;
}

constexpr size_t kEspHeader = 8;  // RFC 4303 2: SPI + sequence number
constexpr size_t kMaxIcv = 32;

}  // namespace rampart::dataplane
