// The OpenSSL backend: what esp_sa.cpp did before the backends, moved behind the interface.
// EVP contexts are keyed once per SA; a packet only sets its IV (or nonce) and runs. CBC with
// HMAC checks the ICV before it decrypts anything (encrypt-then-MAC).
#include "dataplane/crypto/openssl_backend.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/provider.h>

#include <cstring>

#include "dataplane/crypto/stats.hpp"

namespace rampart::dataplane::crypto {

namespace {

const char* cipher_name(EspCipher c) {
  switch (c) {
    case EspCipher::Des:
      return "DES-CBC";
    case EspCipher::TripleDes:
      return "DES-EDE3-CBC";
    case EspCipher::AesCbc128:
      return "AES-128-CBC";
    case EspCipher::AesCbc192:
      return "AES-192-CBC";
    case EspCipher::AesCbc256:
      return "AES-256-CBC";
    case EspCipher::AesGcm128:
      return "AES-128-GCM";
    case EspCipher::AesGcm256:
      return "AES-256-GCM";
    case EspCipher::Null:
      break;
  }
  return nullptr;
}

const char* digest_name(EspAuth a) {
  switch (a) {
    case EspAuth::HmacMd5:
      return "MD5";
    case EspAuth::HmacSha1:
      return "SHA1";
    case EspAuth::HmacSha256:
      return "SHA2-256";
    case EspAuth::HmacSha384:
      return "SHA2-384";
    case EspAuth::HmacSha512:
      return "SHA2-512";
    case EspAuth::None:
      break;
  }
  return nullptr;
}

// DES lives in OpenSSL 3's legacy provider: loaded once, beside the default one, and unloaded
// at exit. OpenSSL registered its own exit cleanup inside the first load, so this runs before
// it; ciphers fetched meanwhile hold their own reference to the provider.
struct Providers {
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  OSSL_PROVIDER* base = OSSL_PROVIDER_load(nullptr, "default");
  ~Providers() {
    if (legacy) OSSL_PROVIDER_unload(legacy);
    if (base) OSSL_PROVIDER_unload(base);
  }
};

void load_providers() {
  static Providers loaded;
}

struct EvpSa final : SaCipher {
  EvpSa(EspCipher c, EspAuth a) : SaCipher(BackendKind::OpenSsl, c, a) {
    mark_hot(this, sizeof(EvpSa));  // only the pointers: OpenSSL's contexts live elsewhere
    transform_added(BackendKind::OpenSsl);
  }
  ~EvpSa() override {
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    EVP_CIPHER_free(evp_cipher);
    EVP_MAC_CTX_free(hmac);
    EVP_MAC_free(mac);
    OPENSSL_cleanse(salt, sizeof salt);
    transform_removed(BackendKind::OpenSsl);
  }
  EVP_CIPHER* evp_cipher = nullptr;
  EVP_CIPHER_CTX* enc = nullptr;  // keyed once; each packet only sets its IV
  EVP_CIPHER_CTX* dec = nullptr;
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* hmac = nullptr;  // keyed once; re-initialised per packet with the same key
  uint8_t salt[4] = {};
};

bool hmac_over(EvpSa& sa, const uint8_t* data, size_t len, uint8_t* out, size_t icv) {
  uint8_t mac[64];
  size_t mlen = 0;
  if (!EVP_MAC_init(sa.hmac, nullptr, 0, nullptr) || !EVP_MAC_update(sa.hmac, data, len) ||
      !EVP_MAC_final(sa.hmac, mac, &mlen, sizeof mac))
    return false;
  std::memcpy(out, mac, icv);
  return true;
}

OpStatus gcm(EvpSa& sa, Op& op) {
  std::memcpy(op.nonce, sa.salt, 4);
  std::memcpy(op.nonce + 4, op.iv(), 8);
  EVP_CIPHER_CTX* ctx = op.encrypt ? sa.enc : sa.dec;
  int n = 0, len = static_cast<int>(op.payload_len);
  uint8_t* p = op.payload();
  if (op.encrypt) {
    bool ok = EVP_EncryptInit_ex2(ctx, nullptr, nullptr, op.nonce, nullptr) &&
              EVP_EncryptUpdate(ctx, nullptr, &n, op.esp, kEspHeader) &&  // AAD: SPI | seq
              EVP_EncryptUpdate(ctx, p, &n, p, len) && EVP_EncryptFinal_ex(ctx, p + len, &n) &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, op.icv());
    return ok ? OpStatus::Ok : OpStatus::Error;
  }
  bool ok = EVP_DecryptInit_ex2(ctx, nullptr, nullptr, op.nonce, nullptr) &&
            EVP_DecryptUpdate(ctx, nullptr, &n, op.esp, kEspHeader) &&
            EVP_DecryptUpdate(ctx, p, &n, p, len) &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, 16, op.icv());
  if (!ok) return OpStatus::Error;
  return EVP_DecryptFinal_ex(ctx, p + len, &n) > 0 ? OpStatus::Ok : OpStatus::AuthFailed;
}

OpStatus cbc(EvpSa& sa, Op& op) {
  int n = 0, len = static_cast<int>(op.payload_len);
  uint8_t* p = op.payload();
  size_t icv = sa.icv_size();
  if (op.encrypt) {
    if (sa.enc && (!EVP_EncryptInit_ex2(sa.enc, nullptr, nullptr, op.iv(), nullptr) ||
                   !EVP_EncryptUpdate(sa.enc, p, &n, p, len)))
      return OpStatus::Error;
    if (sa.hmac && !hmac_over(sa, op.esp, op.hashed_len(), op.icv(), icv)) return OpStatus::Error;
    return OpStatus::Ok;
  }
  // Encrypt-then-MAC: the ICV is checked before anything is decrypted.
  if (sa.hmac) {
    if (!hmac_over(sa, op.esp, op.hashed_len(), op.tag, icv)) return OpStatus::Error;
    if (CRYPTO_memcmp(op.tag, op.icv(), icv) != 0) return OpStatus::AuthFailed;
  }
  if (sa.dec && (!EVP_DecryptInit_ex2(sa.dec, nullptr, nullptr, op.iv(), nullptr) ||
                 !EVP_DecryptUpdate(sa.dec, p, &n, p, len)))
    return OpStatus::Error;
  return OpStatus::Ok;
}

class OpenSslBackend final : public Backend {
 public:
  BackendKind kind() const override { return BackendKind::OpenSsl; }
  std::string description() const override {
    return std::string("OpenSSL ") + OpenSSL_version(OPENSSL_VERSION_STRING) + " EVP";
  }
  bool supports(EspCipher, EspAuth) const override { return true; }

  rampart::expected<std::unique_ptr<SaCipher>, std::string> key(
      EspCipher c, EspAuth a, std::span<const uint8_t> key, std::span<const uint8_t> salt,
      std::span<const uint8_t> integrity) override {
    load_providers();
    auto sa = std::make_unique<EvpSa>(c, is_aead(c) ? EspAuth::None : a);
    if (is_aead(c)) {
      if (salt.size() != 4) return rampart::unexpected(std::string("AES-GCM key without salt"));
      std::memcpy(sa->salt, salt.data(), 4);
    }
    if (const char* name = cipher_name(c)) {
      sa->evp_cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
      if (!sa->evp_cipher) return rampart::unexpected(std::string("cipher unavailable: ") + name);
      if (static_cast<size_t>(EVP_CIPHER_get_key_length(sa->evp_cipher)) != key.size())
        return rampart::unexpected(std::string("wrong key length for ") + name);
      sa->enc = EVP_CIPHER_CTX_new();
      sa->dec = EVP_CIPHER_CTX_new();
      if (!sa->enc || !sa->dec ||
          !EVP_EncryptInit_ex2(sa->enc, sa->evp_cipher, key.data(), nullptr, nullptr) ||
          !EVP_DecryptInit_ex2(sa->dec, sa->evp_cipher, key.data(), nullptr, nullptr))
        return rampart::unexpected(std::string("cannot key ") + name);
      EVP_CIPHER_CTX_set_padding(sa->enc, 0);
      EVP_CIPHER_CTX_set_padding(sa->dec, 0);
    }
    if (const char* d = digest_name(sa->auth())) {
      sa->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
      sa->hmac = sa->mac ? EVP_MAC_CTX_new(sa->mac) : nullptr;
      OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(d), 0),
          OSSL_PARAM_construct_end()};
      if (!sa->hmac || !EVP_MAC_init(sa->hmac, integrity.data(), integrity.size(), params))
        return rampart::unexpected(std::string("cannot key HMAC-") + d);
    }
    return std::unique_ptr<SaCipher>(std::move(sa));
  }

  void run(std::span<Op> ops) override {
    size_t mine = 0;
    for (Op& op : ops) {
      if (op.status != OpStatus::Pending || !op.sa || op.sa->kind() != BackendKind::OpenSsl)
        continue;
      ++mine;
      // The contexts are the SA's own: one SA direction is used by one thread at a time.
      auto& sa = static_cast<EvpSa&>(*op.sa);
      op.status = is_aead(sa.cipher()) ? gcm(sa, op) : cbc(sa, op);
    }
    if (mine) account(BackendKind::OpenSsl, ops);
  }
};

}  // namespace

std::unique_ptr<Backend> make_openssl() {
  return std::make_unique<OpenSslBackend>();
}

}  // namespace rampart::dataplane::crypto
