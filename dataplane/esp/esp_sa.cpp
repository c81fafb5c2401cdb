#include "dataplane/esp/esp_sa.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include <cstring>

namespace rampart::dataplane {

namespace {

constexpr size_t kHeader = 8;  // SPI + sequence number
constexpr uint8_t kIpv4 = 4;   // next header of a tunnel-mode inner IPv4 packet

void put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

uint32_t get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

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

// Truncated ICV lengths: RFC 2403/2404 (96 bits), RFC 4868 (half the digest).
size_t icv_of(EspAuth a) {
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

// DES lives in OpenSSL 3's legacy provider; loaded once, beside the default one.
void load_providers() {
  static bool once = [] {
    OSSL_PROVIDER_load(nullptr, "legacy");
    OSSL_PROVIDER_load(nullptr, "default");
    return true;
  }();
  (void)once;
}

}  // namespace

std::string_view drop_name(EspDrop d) {
  switch (d) {
    case EspDrop::None:
      return "none";
    case EspDrop::Runt:
      return "esp-runt";
    case EspDrop::Replay:
      return "esp-replay";
    case EspDrop::TooOld:
      return "esp-replay-window";
    case EspDrop::AuthFailed:
      return "esp-auth-failed";
    case EspDrop::BadPadding:
      return "esp-bad-padding";
    case EspDrop::BufferTooSmall:
      return "esp-buffer";
    case EspDrop::SeqExhausted:
      return "esp-seq-exhausted";
  }
  return "unknown";
}

struct EspSa::Evp {
  EVP_CIPHER* cipher = nullptr;
  EVP_CIPHER_CTX* enc = nullptr;  // keyed once; each packet only sets its IV
  EVP_CIPHER_CTX* dec = nullptr;
  EVP_CIPHER* iv_cipher = nullptr;
  EVP_CIPHER_CTX* iv_gen = nullptr;  // CBC IVs: a per-SA secret permutation of a counter
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* hmac = nullptr;  // keyed once; re-initialised per packet with the same key
  ~Evp() {
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
    EVP_CIPHER_free(cipher);
    EVP_CIPHER_CTX_free(iv_gen);
    EVP_CIPHER_free(iv_cipher);
    EVP_MAC_CTX_free(hmac);
    EVP_MAC_free(mac);
  }
};

EspSa::~EspSa() = default;

rampart::expected<std::unique_ptr<EspSa>, std::string> EspSa::create(uint32_t spi,
                                                                     const EspKeys& keys,
                                                                     size_t replay_window) {
  load_providers();
  std::unique_ptr<EspSa> sa(new EspSa);
  sa->spi_ = spi;
  sa->cipher_ = keys.cipher;
  sa->auth_ = sa->aead() ? EspAuth::None : keys.auth;
  sa->replay_ = ReplayWindow(replay_window);
  sa->evp_ = std::make_unique<Evp>();
  Evp& e = *sa->evp_;
  std::vector<uint8_t> key = keys.encryption;
  if (sa->aead()) {
    if (key.size() < 4) return rampart::unexpected(std::string("AES-GCM key without salt"));
    std::memcpy(sa->salt_, key.data() + key.size() - 4, 4);
    key.resize(key.size() - 4);
    sa->iv_size_ = 8;
    sa->icv_size_ = 16;
  } else {
    sa->icv_size_ = icv_of(sa->auth_);
  }
  if (const char* name = cipher_name(keys.cipher)) {
    e.cipher = EVP_CIPHER_fetch(nullptr, name, nullptr);
    if (!e.cipher) return rampart::unexpected(std::string("cipher unavailable: ") + name);
    if (static_cast<size_t>(EVP_CIPHER_get_key_length(e.cipher)) != key.size())
      return rampart::unexpected(std::string("wrong key length for ") + name);
    if (!sa->aead()) sa->iv_size_ = static_cast<size_t>(EVP_CIPHER_get_iv_length(e.cipher));
    e.enc = EVP_CIPHER_CTX_new();
    e.dec = EVP_CIPHER_CTX_new();
    if (!EVP_EncryptInit_ex2(e.enc, e.cipher, key.data(), nullptr, nullptr) ||
        !EVP_DecryptInit_ex2(e.dec, e.cipher, key.data(), nullptr, nullptr))
      return rampart::unexpected(std::string("cannot key ") + name);
    EVP_CIPHER_CTX_set_padding(e.enc, 0);
    EVP_CIPHER_CTX_set_padding(e.dec, 0);
    if (!sa->aead()) {
      // Unpredictable CBC IVs without a DRBG call per packet: encrypt a counter under a
      // random key of the SA's own (the approach of RFC 3602 section 3's guidance).
      uint8_t ivkey[16];
      if (RAND_bytes(ivkey, sizeof ivkey) != 1) return rampart::unexpected(std::string("RNG"));
      e.iv_cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
      e.iv_gen = EVP_CIPHER_CTX_new();
      bool ok = e.iv_cipher && EVP_EncryptInit_ex2(e.iv_gen, e.iv_cipher, ivkey, nullptr, nullptr);
      OPENSSL_cleanse(ivkey, sizeof ivkey);
      if (!ok) return rampart::unexpected(std::string("cannot key the IV generator"));
      EVP_CIPHER_CTX_set_padding(e.iv_gen, 0);
    }
  }
  if (const char* d = digest_name(sa->auth_)) {
    e.mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    e.hmac = e.mac ? EVP_MAC_CTX_new(e.mac) : nullptr;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(d), 0),
        OSSL_PARAM_construct_end()};
    if (!e.hmac || !EVP_MAC_init(e.hmac, keys.integrity.data(), keys.integrity.size(), params))
      return rampart::unexpected(std::string("cannot key HMAC-") + d);
  }
  OPENSSL_cleanse(key.data(), key.size());
  return sa;
}

size_t EspSa::block() const {
  switch (cipher_) {
    case EspCipher::Des:
    case EspCipher::TripleDes:
      return 8;
    case EspCipher::AesCbc128:
    case EspCipher::AesCbc192:
    case EspCipher::AesCbc256:
      return 16;
    default:
      return 4;  // RFC 4303 2.4: the trailer still ends on a 4-byte boundary
  }
}

size_t EspSa::overhead(size_t inner) const {
  size_t b = block();
  size_t padded = (inner + 2 + b - 1) / b * b;
  return kHeader + iv_size_ + padded - inner + icv_size_;
}

size_t EspSa::fail(EspDrop d, EspDrop* out) {
  ++counters_.drops[static_cast<size_t>(d)];
  if (out) *out = d;
  return 0;
}

size_t EspSa::auth_failed(uint32_t seq, EspDrop* out) {
  counters_.last_failed_seq = seq;
  return fail(EspDrop::AuthFailed, out);
}

void EspSa::fresh_iv(uint8_t* iv) {
  if (aead()) {
    // RFC 4106 3.1: the IV must never repeat under a key; the packet counter does that.
    uint64_t c = ++iv_counter_;
    for (int i = 7; i >= 0; --i, c >>= 8) iv[i] = static_cast<uint8_t>(c);
    return;
  }
  uint8_t in[16] = {}, out[32];
  uint64_t c = ++iv_counter_;
  for (int i = 15; i >= 8; --i, c >>= 8) in[i] = static_cast<uint8_t>(c);
  int n = 0;
  EVP_EncryptUpdate(evp_->iv_gen, out, &n, in, 16);
  std::memcpy(iv, out, iv_size_);
}

size_t EspSa::encap(const uint8_t* inner, size_t len, uint8_t* out, size_t cap, EspDrop* drop,
                    const uint8_t* iv) {
  if (seq_out_ == 0xffffffffu) return fail(EspDrop::SeqExhausted, drop);
  size_t b = block();
  size_t padded = (len + 2 + b - 1) / b * b;
  size_t total = kHeader + iv_size_ + padded + icv_size_;
  if (total > cap) return fail(EspDrop::BufferTooSmall, drop);
  uint32_t seq = ++seq_out_;
  put32(out, spi_);
  put32(out + 4, seq);
  uint8_t* ivp = out + kHeader;
  if (iv_size_) {
    if (iv)
      std::memcpy(ivp, iv, iv_size_);
    else
      fresh_iv(ivp);
  }
  uint8_t* payload = ivp + iv_size_;
  std::memmove(payload, inner, len);
  size_t pad = padded - len - 2;
  for (size_t i = 0; i < pad; ++i) payload[len + i] = static_cast<uint8_t>(i + 1);
  payload[len + pad] = static_cast<uint8_t>(pad);
  payload[len + pad + 1] = kIpv4;
  int n = 0;
  Evp& e = *evp_;
  if (aead()) {
    uint8_t nonce[12];
    std::memcpy(nonce, salt_, 4);
    std::memcpy(nonce + 4, ivp, 8);
    if (!EVP_EncryptInit_ex2(e.enc, nullptr, nullptr, nonce, nullptr) ||
        !EVP_EncryptUpdate(e.enc, nullptr, &n, out, kHeader) ||  // AAD: SPI | sequence number
        !EVP_EncryptUpdate(e.enc, payload, &n, payload, static_cast<int>(padded)) ||
        !EVP_EncryptFinal_ex(e.enc, payload + padded, &n) ||
        !EVP_CIPHER_CTX_ctrl(e.enc, EVP_CTRL_AEAD_GET_TAG, 16, payload + padded))
      return fail(EspDrop::BufferTooSmall, drop);
  } else {
    if (e.enc && (!EVP_EncryptInit_ex2(e.enc, nullptr, nullptr, ivp, nullptr) ||
                  !EVP_EncryptUpdate(e.enc, payload, &n, payload, static_cast<int>(padded))))
      return fail(EspDrop::BufferTooSmall, drop);
    if (e.hmac) {
      uint8_t mac[64];
      size_t mlen = 0;
      EVP_MAC_init(e.hmac, nullptr, 0, nullptr);
      EVP_MAC_update(e.hmac, out, kHeader + iv_size_ + padded);
      EVP_MAC_final(e.hmac, mac, &mlen, sizeof mac);
      std::memcpy(payload + padded, mac, icv_size_);
    }
  }
  ++counters_.packets;
  counters_.bytes += len;
  if (drop) *drop = EspDrop::None;
  return total;
}

size_t EspSa::decap(uint8_t* esp, size_t len, uint8_t** inner, uint8_t* next_header,
                    EspDrop* drop) {
  size_t b = block();
  if (len < kHeader + iv_size_ + icv_size_ + b) return fail(EspDrop::Runt, drop);
  size_t ct_len = len - kHeader - iv_size_ - icv_size_;
  if (ct_len % b != 0) return fail(EspDrop::Runt, drop);
  uint32_t seq = get32(esp + 4);
  switch (replay_.check(seq)) {
    case ReplayWindow::Verdict::Ok:
      break;
    case ReplayWindow::Verdict::TooOld:
      return fail(EspDrop::TooOld, drop);
    case ReplayWindow::Verdict::Replayed:
    case ReplayWindow::Verdict::Zero:
      return fail(EspDrop::Replay, drop);
  }
  uint8_t* ivp = esp + kHeader;
  uint8_t* payload = ivp + iv_size_;
  uint8_t* icv = payload + ct_len;
  Evp& e = *evp_;
  int n = 0;
  if (aead()) {
    uint8_t nonce[12];
    std::memcpy(nonce, salt_, 4);
    std::memcpy(nonce + 4, ivp, 8);
    if (!EVP_DecryptInit_ex2(e.dec, nullptr, nullptr, nonce, nullptr) ||
        !EVP_DecryptUpdate(e.dec, nullptr, &n, esp, kHeader) ||
        !EVP_DecryptUpdate(e.dec, payload, &n, payload, static_cast<int>(ct_len)) ||
        !EVP_CIPHER_CTX_ctrl(e.dec, EVP_CTRL_AEAD_SET_TAG, 16, icv) ||
        EVP_DecryptFinal_ex(e.dec, payload + ct_len, &n) <= 0)
      return auth_failed(seq, drop);
  } else {
    // Encrypt-then-MAC: the ICV is checked before anything is decrypted.
    if (e.hmac) {
      uint8_t mac[64];
      size_t mlen = 0;
      EVP_MAC_init(e.hmac, nullptr, 0, nullptr);
      EVP_MAC_update(e.hmac, esp, kHeader + iv_size_ + ct_len);
      EVP_MAC_final(e.hmac, mac, &mlen, sizeof mac);
      if (CRYPTO_memcmp(mac, icv, icv_size_) != 0) return auth_failed(seq, drop);
    }
    if (e.dec && (!EVP_DecryptInit_ex2(e.dec, nullptr, nullptr, ivp, nullptr) ||
                  !EVP_DecryptUpdate(e.dec, payload, &n, payload, static_cast<int>(ct_len))))
      return auth_failed(seq, drop);
  }
  uint8_t pad = payload[ct_len - 2];
  if (static_cast<size_t>(pad) + 2 > ct_len) return fail(EspDrop::BadPadding, drop);
  for (size_t i = 0; i < pad; ++i)
    if (payload[ct_len - 2 - pad + i] != i + 1) return fail(EspDrop::BadPadding, drop);
  // Authentic: only now does the packet count, for the window and for the lifetime.
  replay_.update(seq);
  size_t inner_len = ct_len - 2 - pad;
  *next_header = payload[ct_len - 1];
  *inner = payload;
  ++counters_.packets;
  counters_.bytes += inner_len;
  if (drop) *drop = EspDrop::None;
  return inner_len;
}

}  // namespace rampart::dataplane
