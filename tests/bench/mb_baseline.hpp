// The limit the multi-buffer backend is held to: intel-ipsec-mb's own job loop doing the ESP
// crypto of a batch (AES-128-CBC + HMAC-SHA1-96 over header + IV + ciphertext, or AES-128-GCM
// with the 8-byte AAD), keyed once, with nothing of ours around it: get a job, fill it, submit,
// collect what completes, flush. Used by esp_bench beside OpenSSL's EVP figure.
#pragma once

#include <intel-ipsec-mb.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace rampart::bench {

struct MbBaseline {
  IMB_MGR* m = nullptr;
  bool gcm;
  alignas(64) gcm_key_data gkey;
  alignas(16) uint32_t enc[60], dec[60];
  alignas(16) uint8_t ipad[64], opad[64];
  uint8_t tags[256][16];

  explicit MbBaseline(bool is_gcm) : gcm(is_gcm) {
    m = alloc_mb_mgr(0);
    init_mb_mgr_auto(m, nullptr);
    uint8_t key[16];
    std::memset(key, 7, sizeof key);
    if (gcm) {
      IMB_AES128_GCM_PRE(m, key, &gkey);
      return;
    }
    IMB_AES_KEYEXP_128(m, key, enc, dec);
    uint8_t block[64];
    for (int outer = 0; outer < 2; ++outer) {
      std::memset(block, outer ? 0x5c : 0x36, sizeof block);
      for (int i = 0; i < 20; ++i) block[i] ^= 9;  // the 20-byte HMAC key of the bench
      IMB_SHA1_ONE_BLOCK(m, block, outer ? opad : ipad);
    }
  }
  ~MbBaseline() { free_mb_mgr(m); }

  // Encrypts (or decrypts) n packets laid out as ESP (8-byte header, IV, payload of padded
  // bytes) and computes their tags; all complete before it returns.
  void run(std::vector<uint8_t*>& pkts, size_t padded, bool encrypt) {
    uint8_t nonce[12] = {};
    size_t iv = gcm ? 8 : 16;
    for (size_t i = 0; i < pkts.size(); ++i) {
      IMB_JOB* j = IMB_GET_NEXT_JOB(m);
      j->cipher_direction = encrypt ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
      j->chain_order = encrypt ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
      j->src = pkts[i];
      j->dst = pkts[i] + 8 + iv;
      j->cipher_start_src_offset_in_bytes = 8 + iv;
      j->msg_len_to_cipher_in_bytes = padded;
      j->auth_tag_output = tags[i % 256];
      j->key_len_in_bytes = 16;
      if (gcm) {
        j->cipher_mode = IMB_CIPHER_GCM;
        j->hash_alg = IMB_AUTH_AES_GMAC;
        j->enc_keys = j->dec_keys = &gkey;
        j->iv = nonce;
        j->iv_len_in_bytes = 12;
        j->hash_start_src_offset_in_bytes = 8 + iv;
        j->msg_len_to_hash_in_bytes = padded;
        j->u.GCM.aad = pkts[i];
        j->u.GCM.aad_len_in_bytes = 8;
        j->auth_tag_output_len_in_bytes = 16;
      } else {
        j->cipher_mode = IMB_CIPHER_CBC;
        j->hash_alg = IMB_AUTH_HMAC_SHA_1;
        j->enc_keys = enc;
        j->dec_keys = dec;
        j->iv = pkts[i] + 8;
        j->iv_len_in_bytes = 16;
        j->hash_start_src_offset_in_bytes = 0;
        j->msg_len_to_hash_in_bytes = 8 + iv + padded;
        j->u.HMAC._hashed_auth_key_xor_ipad = ipad;
        j->u.HMAC._hashed_auth_key_xor_opad = opad;
        j->auth_tag_output_len_in_bytes = 12;
      }
      for (IMB_JOB* d = IMB_SUBMIT_JOB(m); d; d = IMB_GET_COMPLETED_JOB(m)) {
      }
    }
    while (IMB_FLUSH_JOB(m)) {
    }
  }
};

}  // namespace rampart::bench
