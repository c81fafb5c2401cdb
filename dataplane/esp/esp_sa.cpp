#include "dataplane/esp/esp_sa.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>

namespace rampart::dataplane {

namespace {

constexpr size_t kHeader = kEspHeader;
constexpr uint8_t kIpv4 = 4;  // next header of a tunnel-mode inner IPv4 packet

void put32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

uint32_t get32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
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

// Unpredictable CBC IVs without a DRBG call per packet: a counter encrypted under a random key
// (the approach of RFC 3602 section 3's guidance). One generator per thread, not per SA: its
// key schedule stays in the cache however many SAs a worker serves (a per-SA one was three
// dependent cache misses per packet at 10,000 SAs, and a kilobyte per SA direction). The
// counter never repeats under a thread's key, so the IVs are distinct and look random to
// anyone without the key, across all SAs alike.
namespace {

struct IvSource {
  EVP_CIPHER* cipher = nullptr;
  EVP_CIPHER_CTX* ctx = nullptr;
  uint64_t counter = 0;
  bool ok = false;
  IvSource() {
    uint8_t key[16];
    cipher = EVP_CIPHER_fetch(nullptr, "AES-128-ECB", nullptr);
    ctx = EVP_CIPHER_CTX_new();
    ok = RAND_bytes(key, sizeof key) == 1 && cipher && ctx &&
         EVP_EncryptInit_ex2(ctx, cipher, key, nullptr, nullptr);
    OPENSSL_cleanse(key, sizeof key);
    if (ok) EVP_CIPHER_CTX_set_padding(ctx, 0);
  }
  ~IvSource() {
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
  }
  IvSource(const IvSource&) = delete;
  IvSource& operator=(const IvSource&) = delete;
  // 16 bytes of IV; should the generator not have come up, straight from the DRBG, and should
  // that fail too, the counter itself (unique, if predictable: never stack bytes on the wire).
  void next(uint8_t* out) {
    uint8_t in[16] = {};
    uint64_t c = ++counter;
    for (int i = 15; i >= 8; --i, c >>= 8) in[i] = static_cast<uint8_t>(c);
    int n = 0;
    if (ok && EVP_EncryptUpdate(ctx, out, &n, in, 16) == 1 && n == 16) return;
    if (RAND_bytes(out, 16) != 1) std::memcpy(out, in, 16);
  }
};

IvSource& iv_source() {
  thread_local IvSource s;
  return s;
}

}  // namespace

EspSa::~EspSa() = default;

rampart::expected<std::unique_ptr<EspSa>, std::string> EspSa::create(uint32_t spi,
                                                                     const EspKeys& keys,
                                                                     size_t replay_window,
                                                                     crypto::Backend* backend) {
  std::unique_ptr<EspSa> sa(new EspSa);
  sa->spi_ = spi;
  sa->cipher_kind_ = keys.cipher;
  EspAuth auth = sa->aead() ? EspAuth::None : keys.auth;
  sa->replay_ = ReplayWindow(replay_window);
  sa->iv_size_ = iv_bytes(keys.cipher);
  sa->icv_size_ = icv_bytes(keys.cipher, auth);
  std::span<const uint8_t> key(keys.encryption), salt;
  if (sa->aead()) {
    if (key.size() < 4) return rampart::unexpected(std::string("AES-GCM key without salt"));
    salt = key.last(4);
    key = key.first(key.size() - 4);
  }
  crypto::Backend* b = backend ? backend : &crypto::active();
  if (!b->supports(keys.cipher, auth)) b = &crypto::openssl();
  auto keyed = b->key(keys.cipher, auth, key, salt, keys.integrity);
  if (!keyed) return rampart::unexpected(keyed.error());
  sa->cipher_ = std::move(*keyed);
  for (bool encrypt : {false, true}) sa->key_lines_[encrypt] = sa->cipher_->hot_lines(encrypt);
  return sa;
}

size_t EspSa::overhead(size_t inner) const {
  size_t b = pad_block(cipher_kind_);
  size_t padded = (inner + 2 + b - 1) / b * b;
  return kHeader + iv_size_ + padded - inner + icv_size_;
}

size_t EspSa::fail(EspDrop d, EspDrop* out) {
  ++counters_.drops[static_cast<size_t>(d)];
  if (out) *out = d;
  return 0;
}

bool EspSa::refuse(EspDrop d, EspDrop* out) {
  fail(d, out);
  return false;
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
  uint8_t out[16];
  iv_source().next(out);
  std::memcpy(iv, out, iv_size_);
}

bool EspSa::encap_prepare(const uint8_t* inner, size_t len, uint8_t* out, size_t cap,
                          crypto::Op* op, EspDrop* drop, const uint8_t* iv) {
  op->status = crypto::OpStatus::Skipped;
  if (seq_out_ == 0xffffffffu) return refuse(EspDrop::SeqExhausted, drop);
  size_t b = pad_block(cipher_kind_);
  size_t padded = (len + 2 + b - 1) / b * b;
  size_t total = kHeader + iv_size_ + padded + icv_size_;
  if (total > cap) return refuse(EspDrop::BufferTooSmall, drop);
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
  if (len) std::memmove(payload, inner, len);  // an empty inner packet may have no buffer
  size_t pad = padded - len - 2;
  for (size_t i = 0; i < pad; ++i) payload[len + i] = static_cast<uint8_t>(i + 1);
  payload[len + pad] = static_cast<uint8_t>(pad);
  payload[len + pad + 1] = kIpv4;
  *op = crypto::Op{
      .sa = cipher_.get(), .encrypt = true, .esp = out, .payload_len = padded, .caller_len = len};
  return true;
}

size_t EspSa::encap_finish(const crypto::Op& op, EspDrop* drop) {
  if (op.status == crypto::OpStatus::Skipped) return 0;  // counted by encap_prepare
  if (op.status != crypto::OpStatus::Ok) return fail(EspDrop::BufferTooSmall, drop);
  // The trailer is ciphertext by now: the inner length comes from prepare.
  ++counters_.packets;
  counters_.bytes += op.caller_len;
  if (drop) *drop = EspDrop::None;
  return op.hashed_len() + icv_size_;
}

size_t EspSa::encap(const uint8_t* inner, size_t len, uint8_t* out, size_t cap, EspDrop* drop,
                    const uint8_t* iv) {
  crypto::Op op;
  if (!encap_prepare(inner, len, out, cap, &op, drop, iv)) return 0;
  crypto::run({&op, 1});
  return encap_finish(op, drop);
}

bool EspSa::decap_prepare(uint8_t* esp, size_t len, crypto::Op* op, EspDrop* drop) {
  op->status = crypto::OpStatus::Skipped;
  size_t b = pad_block(cipher_kind_);
  if (len < kHeader + iv_size_ + icv_size_ + b) return refuse(EspDrop::Runt, drop);
  size_t ct_len = len - kHeader - iv_size_ - icv_size_;
  if (ct_len % b != 0) return refuse(EspDrop::Runt, drop);
  switch (replay_.check(get32(esp + 4))) {
    case ReplayWindow::Verdict::Ok:
      break;
    case ReplayWindow::Verdict::TooOld:
      return refuse(EspDrop::TooOld, drop);
    case ReplayWindow::Verdict::Replayed:
    case ReplayWindow::Verdict::Zero:
      return refuse(EspDrop::Replay, drop);
  }
  *op = crypto::Op{.sa = cipher_.get(), .encrypt = false, .esp = esp, .payload_len = ct_len};
  return true;
}

size_t EspSa::decap_finish(const crypto::Op& op, uint8_t** inner, uint8_t* next_header,
                           EspDrop* drop) {
  if (op.status == crypto::OpStatus::Skipped) return 0;  // counted by decap_prepare
  uint32_t seq = get32(op.esp + 4);
  if (op.status != crypto::OpStatus::Ok) return auth_failed(seq, drop);
  uint8_t* payload = op.payload();
  size_t ct_len = op.payload_len;
  uint8_t pad = payload[ct_len - 2];
  if (static_cast<size_t>(pad) + 2 > ct_len) return fail(EspDrop::BadPadding, drop);
  for (size_t i = 0; i < pad; ++i)
    if (payload[ct_len - 2 - pad + i] != i + 1) return fail(EspDrop::BadPadding, drop);
  // Once more: an earlier packet of the same batch may have carried this number.
  if (replay_.check(seq) != ReplayWindow::Verdict::Ok) return fail(EspDrop::Replay, drop);
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

size_t EspSa::decap(uint8_t* esp, size_t len, uint8_t** inner, uint8_t* next_header,
                    EspDrop* drop) {
  crypto::Op op;
  if (!decap_prepare(esp, len, &op, drop)) return 0;
  crypto::run({&op, 1});
  return decap_finish(op, inner, next_header, drop);
}

}  // namespace rampart::dataplane
