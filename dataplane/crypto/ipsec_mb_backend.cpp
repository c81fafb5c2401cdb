// The intel-ipsec-mb backend: every op of a batch becomes a job of the library's multi-buffer
// job manager, which interleaves up to its lane count of packets per SIMD pass; the batch is
// flushed before run() returns. Keys are expanded once per SA: AES round keys, DES key
// schedules, GHASH tables, and the HMAC inner and outer pads hashed one block each (the
// library continues from those states, RFC 2104's precomputation).
#include "dataplane/crypto/ipsec_mb_backend.hpp"

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fmt/format.h>
#include <algorithm>
#include <cstring>

#include "dataplane/crypto/stats.hpp"

namespace rampart::dataplane::crypto {

namespace {

struct MgrDeleter {
  void operator()(IMB_MGR* m) const { free_mb_mgr(m); }
};
using Mgr = std::unique_ptr<IMB_MGR, MgrDeleter>;

// One job manager per thread: the library's managers are not shared between threads, and each
// packet worker runs its batches on its own.
IMB_MGR* thread_mgr() {
  thread_local Mgr mgr = [] {
    Mgr m(alloc_mb_mgr(0));
    if (m) init_mb_mgr_auto(m.get(), nullptr);
    return m;
  }();
  return mgr.get();
}

// The keyed state of one SA direction. Alignment as the library requires: 16 bytes for AES
// round keys and HMAC states, 64 for the GCM key data.
struct MbSa final : SaCipher {
  MbSa(EspCipher c, EspAuth a) : SaCipher(BackendKind::IpsecMb, c, a) {
    transform_added(BackendKind::IpsecMb);
  }
  ~MbSa() override {
    OPENSSL_cleanse(&s, sizeof s);
    transform_removed(BackendKind::IpsecMb);
  }
  // What a job reads besides the keys, in this object's first line with the base's fields.
  IMB_CIPHER_MODE mode = IMB_CIPHER_NULL;
  IMB_HASH_ALG hash = IMB_AUTH_NULL;
  uint64_t key_len = 0;
  uint8_t salt[4] = {};
  // One transform's key material: a union, since an SA uses one cipher (about 1.2 KB per SA
  // direction instead of 2 KB; it counts at 10,000 tunnels).
  struct Secrets {
    union {
      alignas(64) gcm_key_data gcm;
      struct {
        alignas(16) uint32_t enc_keys[60];  // up to 15 AES round keys
        alignas(16) uint32_t dec_keys[60];
      } aes;
      uint64_t des[3][16];  // IMB_DES_KEY_SCHED_SIZE each
    };
    alignas(16) uint8_t ipad[64];  // the largest hash state: SHA-512's 8 words
    alignas(16) uint8_t opad[64];
  } s = {};
  const void* des3[3] = {s.des[0], s.des[1], s.des[2]};
  void mark_keys(size_t ghash_bytes);
};

// Marks what each direction's jobs read (SaCipher::hot_lines): the round keys of this key
// length only, for CBC the encryption or the decryption schedule, the GHASH powers the
// library's code path multiplies with, and the HMAC states.
void MbSa::mark_keys(size_t ghash_bytes) {
  size_t schedule = 16 * (key_len / 4 + 7);  // AES: Nr + 1 round keys, Nr = key words + 6
  switch (mode) {
    case IMB_CIPHER_DES:
      mark_hot(s.des[0], sizeof s.des[0]);
      break;
    case IMB_CIPHER_DES3:
      mark_hot(s.des, sizeof s.des);
      mark_hot(des3, sizeof des3);
      break;
    case IMB_CIPHER_GCM:
      mark_hot(s.gcm.expanded_keys, schedule);
      mark_hot(&s.gcm.ghash_keys, std::min(ghash_bytes, sizeof s.gcm.ghash_keys));
      break;
    case IMB_CIPHER_CBC:
      mark_hot(true, s.aes.enc_keys, schedule);
      mark_hot(false, s.aes.dec_keys, schedule);
      break;
    default:
      break;
  }
  if (hash != IMB_AUTH_NULL && mode != IMB_CIPHER_GCM) {
    mark_hot(s.ipad, sizeof s.ipad);
    mark_hot(s.opad, sizeof s.opad);
  }
}

// The bytes of gcm_key_data's GHASH powers that the library's GCM code reads, by the code
// path init_mb_mgr_auto chose (intel-ipsec-mb 1.3's layouts): SSE and AVX keep 8 powers and
// their Karatsuba halves, AVX2 and AVX-512 8 powers, AVX-512 with VAES 48.
size_t ghash_bytes(const IMB_MGR* m) {
  if (m->used_arch == IMB_ARCH_AVX512 && (m->features & IMB_FEATURE_VAES)) return 16 * 48;
  if (m->used_arch == IMB_ARCH_AVX2 || m->used_arch == IMB_ARCH_AVX512) return 16 * 8;
  return 16 * 16;
}

IMB_HASH_ALG hash_of(EspAuth a) {
  switch (a) {
    case EspAuth::HmacMd5:
      return IMB_AUTH_MD5;
    case EspAuth::HmacSha1:
      return IMB_AUTH_HMAC_SHA_1;
    case EspAuth::HmacSha256:
      return IMB_AUTH_HMAC_SHA_256;
    case EspAuth::HmacSha384:
      return IMB_AUTH_HMAC_SHA_384;
    case EspAuth::HmacSha512:
      return IMB_AUTH_HMAC_SHA_512;
    case EspAuth::None:
      break;
  }
  return IMB_AUTH_NULL;
}

// HMAC (RFC 2104): K padded to the hash's block, XORed with 0x36 (inner) or 0x5c (outer), one
// compression each. A key longer than the block is hashed first.
bool hmac_pads(IMB_MGR* m, EspAuth a, std::span<const uint8_t> key, MbSa& sa) {
  const char* digest = a == EspAuth::HmacMd5      ? "MD5"
                       : a == EspAuth::HmacSha1   ? "SHA1"
                       : a == EspAuth::HmacSha256 ? "SHA256"
                       : a == EspAuth::HmacSha384 ? "SHA384"
                                                  : "SHA512";
  size_t block = (a == EspAuth::HmacSha384 || a == EspAuth::HmacSha512) ? 128 : 64;
  alignas(16) uint8_t k[128] = {}, pad[128];
  size_t klen = key.size();
  if (klen > block) {
    unsigned n = 0;
    if (!EVP_Digest(key.data(), key.size(), k, &n, EVP_get_digestbyname(digest), nullptr))
      return false;
    klen = n;
  } else {
    std::memcpy(k, key.data(), klen);
  }
  for (int outer = 0; outer < 2; ++outer) {
    uint8_t x = outer ? 0x5c : 0x36;
    for (size_t i = 0; i < block; ++i) pad[i] = k[i] ^ x;
    uint8_t* state = outer ? sa.s.opad : sa.s.ipad;
    switch (a) {
      case EspAuth::HmacMd5:
        IMB_MD5_ONE_BLOCK(m, pad, state);
        break;
      case EspAuth::HmacSha1:
        IMB_SHA1_ONE_BLOCK(m, pad, state);
        break;
      case EspAuth::HmacSha256:
        IMB_SHA256_ONE_BLOCK(m, pad, state);
        break;
      case EspAuth::HmacSha384:
        IMB_SHA384_ONE_BLOCK(m, pad, state);
        break;
      case EspAuth::HmacSha512:
        IMB_SHA512_ONE_BLOCK(m, pad, state);
        break;
      case EspAuth::None:
        break;
    }
  }
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  return true;
}

void key_cipher(IMB_MGR* m, EspCipher c, const uint8_t* key, MbSa& sa) {
  switch (c) {
    case EspCipher::Des:
      des_key_schedule(sa.s.des[0], key);
      sa.mode = IMB_CIPHER_DES;
      break;
    case EspCipher::TripleDes:
      for (int i = 0; i < 3; ++i) des_key_schedule(sa.s.des[i], key + 8 * i);
      sa.mode = IMB_CIPHER_DES3;
      break;
    case EspCipher::AesCbc128:
      IMB_AES_KEYEXP_128(m, key, sa.s.aes.enc_keys, sa.s.aes.dec_keys);
      sa.mode = IMB_CIPHER_CBC;
      break;
    case EspCipher::AesCbc192:
      IMB_AES_KEYEXP_192(m, key, sa.s.aes.enc_keys, sa.s.aes.dec_keys);
      sa.mode = IMB_CIPHER_CBC;
      break;
    case EspCipher::AesCbc256:
      IMB_AES_KEYEXP_256(m, key, sa.s.aes.enc_keys, sa.s.aes.dec_keys);
      sa.mode = IMB_CIPHER_CBC;
      break;
    case EspCipher::AesGcm128:
      IMB_AES128_GCM_PRE(m, key, &sa.s.gcm);
      sa.mode = IMB_CIPHER_GCM;
      sa.hash = IMB_AUTH_AES_GMAC;
      break;
    case EspCipher::AesGcm256:
      IMB_AES256_GCM_PRE(m, key, &sa.s.gcm);
      sa.mode = IMB_CIPHER_GCM;
      sa.hash = IMB_AUTH_AES_GMAC;
      break;
    case EspCipher::Null:
      sa.mode = IMB_CIPHER_NULL;
      break;
  }
  sa.key_len = key_bytes(c);
}

const void* enc_keys(const MbSa& sa) {
  switch (sa.mode) {
    case IMB_CIPHER_DES:
      return sa.s.des[0];
    case IMB_CIPHER_DES3:
      return sa.des3;
    case IMB_CIPHER_GCM:
      return &sa.s.gcm;
    default:
      return sa.s.aes.enc_keys;
  }
}

const void* dec_keys(const MbSa& sa) {
  return sa.mode == IMB_CIPHER_CBC ? static_cast<const void*>(sa.s.aes.dec_keys) : enc_keys(sa);
}

// Describes op as a job. Encrypt: cipher then hash (ESP is encrypt-then-MAC, the ICV covers
// header, IV and ciphertext). Decrypt: hash then cipher, so that the ICV is computed over the
// ciphertext as received; it is compared when the job completes.
void fill(IMB_JOB* job, Op& op) {
  const MbSa& sa = static_cast<const MbSa&>(*op.sa);
  size_t iv = sa.iv_size(), icv = sa.icv_size();
  job->cipher_mode = sa.mode;
  job->cipher_direction = op.encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
  job->chain_order = op.encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
  job->enc_keys = enc_keys(sa);
  job->dec_keys = dec_keys(sa);
  job->key_len_in_bytes = sa.key_len;
  job->src = op.esp;
  job->dst = op.payload();
  job->cipher_start_src_offset_in_bytes = kEspHeader + iv;
  job->msg_len_to_cipher_in_bytes = op.payload_len;
  job->hash_alg = sa.hash;
  job->auth_tag_output = op.encrypt ? op.icv() : op.tag;
  job->auth_tag_output_len_in_bytes = icv;
  job->user_data = &op;
  if (sa.mode == IMB_CIPHER_GCM) {
    // RFC 4106: nonce = salt | IV; AAD = SPI | sequence number; the tag covers the payload.
    std::memcpy(op.nonce, sa.salt, 4);
    std::memcpy(op.nonce + 4, op.iv(), 8);
    job->iv = op.nonce;
    job->iv_len_in_bytes = 12;
    job->hash_start_src_offset_in_bytes = kEspHeader + iv;
    job->msg_len_to_hash_in_bytes = op.payload_len;
    job->u.GCM.aad = op.esp;
    job->u.GCM.aad_len_in_bytes = kEspHeader;
    return;
  }
  job->iv = op.iv();
  job->iv_len_in_bytes = iv;
  job->hash_start_src_offset_in_bytes = 0;
  job->msg_len_to_hash_in_bytes = op.hashed_len();
  if (sa.hash != IMB_AUTH_NULL) {
    job->u.HMAC._hashed_auth_key_xor_ipad = sa.s.ipad;
    job->u.HMAC._hashed_auth_key_xor_opad = sa.s.opad;
  }
}

void complete(const IMB_JOB* job) {
  Op& op = *static_cast<Op*>(job->user_data);
  if (job->status != IMB_STATUS_COMPLETED) {
    op.status = OpStatus::Error;
    return;
  }
  size_t icv = op.sa->icv_size();
  bool good = op.encrypt || icv == 0 || CRYPTO_memcmp(op.tag, op.icv(), icv) == 0;
  op.status = good ? OpStatus::Ok : OpStatus::AuthFailed;
}

class IpsecMbBackend final : public Backend {
 public:
  explicit IpsecMbBackend(std::string desc) : desc_(std::move(desc)) {}
  BackendKind kind() const override { return BackendKind::IpsecMb; }
  std::string description() const override { return desc_; }
  bool supports(EspCipher, EspAuth) const override { return true; }

  rampart::expected<std::unique_ptr<SaCipher>, std::string> key(
      EspCipher c, EspAuth a, std::span<const uint8_t> key, std::span<const uint8_t> salt,
      std::span<const uint8_t> integrity) override {
    IMB_MGR* m = thread_mgr();
    if (!m) return rampart::unexpected(std::string("intel-ipsec-mb: no job manager"));
    if (key.size() != key_bytes(c))
      return rampart::unexpected(fmt::format("wrong key length {} for the cipher", key.size()));
    auto sa = std::make_unique<MbSa>(c, is_aead(c) ? EspAuth::None : a);
    key_cipher(m, c, key.data(), *sa);
    if (is_aead(c)) {
      if (salt.size() != 4) return rampart::unexpected(std::string("AES-GCM key without salt"));
      std::memcpy(sa->salt, salt.data(), 4);
    } else {
      sa->hash = hash_of(a);
      if (a != EspAuth::None && !hmac_pads(m, a, integrity, *sa))
        return rampart::unexpected(std::string("cannot key the HMAC"));
    }
    sa->mark_keys(ghash_bytes(m));
    return std::unique_ptr<SaCipher>(std::move(sa));
  }

  void run(std::span<Op> ops) override {
    // The thread's manager is fetched (allocated, the first time) only once an op is ours: a
    // worker whose SAs are all OpenSSL's never allocates one.
    IMB_MGR* m = nullptr;
    size_t mine = 0;
    for (Op& op : ops) {
      if (op.status != OpStatus::Pending || !op.sa || op.sa->kind() != BackendKind::IpsecMb)
        continue;
      if (mine++ == 0) m = thread_mgr();
      if (!m) {
        op.status = OpStatus::Error;
        continue;
      }
      fill(IMB_GET_NEXT_JOB(m), op);
      // The manager hands back jobs as lanes complete, oldest first; the rest at the flush.
      for (IMB_JOB* done = IMB_SUBMIT_JOB(m); done; done = IMB_GET_COMPLETED_JOB(m)) complete(done);
    }
    if (!mine) return;
    if (m)
      while (IMB_JOB* done = IMB_FLUSH_JOB(m)) complete(done);
    account(BackendKind::IpsecMb, ops);
  }

 private:
  std::string desc_;
};

std::string arch_name(uint64_t f) {
  std::string s = (f & IMB_FEATURE_AVX512F) ? "AVX-512"
                  : (f & IMB_FEATURE_AVX2)  ? "AVX2"
                  : (f & IMB_FEATURE_AVX)   ? "AVX"
                                            : "SSE";
  std::string extra;
  if (f & IMB_FEATURE_VAES) extra += "VAES";
  if (f & IMB_FEATURE_SHANI) extra += extra.empty() ? "SHA-NI" : ", SHA-NI";
  return extra.empty() ? s : s + " (" + extra + ")";
}

}  // namespace

std::unique_ptr<Backend> make_ipsec_mb(std::string* why_not) {
  uint64_t f = imb_get_feature_flags();
  if (!(f & IMB_FEATURE_AESNI)) {
    // The library would run AES in software emulation, far behind OpenSSL.
    if (why_not) *why_not = "no AES-NI on this CPU";
    return nullptr;
  }
  if (!thread_mgr()) {
    if (why_not) *why_not = "intel-ipsec-mb cannot allocate a job manager";
    return nullptr;
  }
  return std::make_unique<IpsecMbBackend>(
      fmt::format("intel-ipsec-mb {}, {}", imb_get_version_str(), arch_name(f)));
}

}  // namespace rampart::dataplane::crypto
