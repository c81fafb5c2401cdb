#include "control/ike/crypto/cipher.hpp"

#include <openssl/evp.h>
#include <openssl/provider.h>

#include <array>
#include <memory>
#include <string>

namespace rampart::ike {

namespace {

// Single DES lives in OpenSSL 3's legacy provider (the PIX seed's "encryption des"); loading
// it also needs the default provider loaded explicitly, or the default one is no longer used.
// The handles are kept and unloaded at exit, so that nothing OpenSSL allocated for them is
// left behind (LeakSanitizer reports it otherwise).
struct Providers {
  OSSL_PROVIDER* default_ = OSSL_PROVIDER_load(nullptr, "default");
  OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
  ~Providers() {
    if (legacy) OSSL_PROVIDER_unload(legacy);
    if (default_) OSSL_PROVIDER_unload(default_);
  }
};

void load_providers() {
  static Providers providers;
}

// The table's OpenSSL name of each cipher, fetched once, after the providers are loaded, and
// freed at exit before them. Fetched, not looked up by name: a cipher from
// EVP_get_cipherbyname is fetched again by every EVP_CipherInit_ex (a search of the providers'
// method store under its lock), 3 to 4 % of the event loop's time per set-up.
struct Fetched {
  std::array<EVP_CIPHER*, config::kIkeEncryptionCount> t{};
  Fetched() {
    for (const auto& r : config::ike_encryptions())
      t[static_cast<size_t>(r.id)] =
          EVP_CIPHER_fetch(nullptr, std::string(r.openssl).c_str(), nullptr);
  }
  ~Fetched() {
    for (EVP_CIPHER* c : t) EVP_CIPHER_free(c);
  }
};

const EVP_CIPHER* evp(CipherAlg c) {
  load_providers();
  static const Fetched ciphers;
  return ciphers.t[static_cast<size_t>(c)];
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

rampart::expected<Bytes, std::string> run(CipherAlg c, const SecretBytes& key, const Bytes& iv,
                                          const Bytes& in, bool enc) {
  const EVP_CIPHER* cipher = evp(c);
  if (!cipher) return rampart::unexpected(std::string("cipher not available"));
  if (key.size() != key_length(c) || iv.size() != block_size(c) || in.size() % block_size(c))
    return rampart::unexpected(std::string("bad key, IV or data length"));
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.bytes().data(), iv.data(), enc ? 1 : 0) !=
      1)
    return rampart::unexpected(std::string("cipher init failed"));
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);  // IKE pads itself
  Bytes out(in.size() + block_size(c));
  int n = 0, tail = 0;
  if (EVP_CipherUpdate(ctx.get(), out.data(), &n, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out.data() + n, &tail) != 1)
    return rampart::unexpected(std::string("cipher failed"));
  out.resize(static_cast<size_t>(n + tail));
  return out;
}

}  // namespace

size_t key_length(CipherAlg c) {
  return config::row(c).key_bytes;
}

size_t block_size(CipherAlg c) {
  return config::row(c).block_bytes;
}

rampart::expected<Bytes, std::string> encrypt(CipherAlg c, const SecretBytes& key, const Bytes& iv,
                                              const Bytes& plaintext) {
  // Zero bytes, the last one giving how many pad bytes precede it; always at least one byte.
  size_t bs = block_size(c);
  size_t pad = bs - plaintext.size() % bs;
  Bytes padded = plaintext;
  padded.resize(plaintext.size() + pad, 0);
  padded.back() = static_cast<uint8_t>(pad - 1);
  return run(c, key, iv, padded, true);
}

rampart::expected<Bytes, std::string> decrypt(CipherAlg c, const SecretBytes& key, const Bytes& iv,
                                              const Bytes& ciphertext) {
  return run(c, key, iv, ciphertext, false);
}

Bytes last_block(CipherAlg c, const Bytes& ciphertext) {
  size_t bs = block_size(c);
  if (ciphertext.size() < bs) return {};
  return Bytes(ciphertext.end() - static_cast<long>(bs), ciphertext.end());
}

Bytes exchange_iv(HashAlg h, CipherAlg c, const Bytes& phase1_iv, uint32_t message_id) {
  Bytes data = phase1_iv;
  for (int s = 24; s >= 0; s -= 8) data.push_back(static_cast<uint8_t>(message_id >> s));
  Bytes iv = hash(h, data);
  iv.resize(block_size(c));
  return iv;
}

}  // namespace rampart::ike
