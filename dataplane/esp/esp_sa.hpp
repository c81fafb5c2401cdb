// One direction of an ESP security association (RFC 4303) in tunnel mode, with its OpenSSL EVP
// contexts prepared once, so that a packet costs only its own cryptography: CBC ciphers with an
// HMAC (RFC 2451, 3602, 2404, 4868), NULL encryption (RFC 2410) and AES-GCM (RFC 4106).
// Buffers are the caller's; nothing is allocated per packet.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/esp/replay_window.hpp"
#include "platform/expected.hpp"

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
};

// Why a packet was not taken; each has its counter ("show asp drop" style).
enum class EspDrop {
  None,
  Runt,        // shorter than header + IV + ICV, or not a whole number of blocks
  Replay,      // seen before (anti-replay window)
  TooOld,      // left of the window
  AuthFailed,  // ICV mismatch
  BadPadding,  // pad length beyond the payload, or pad bytes not 1, 2, 3, ...
  BufferTooSmall,
  SeqExhausted,  // the 32-bit sequence number would wrap: the SA must be replaced
};
std::string_view drop_name(EspDrop d);

struct EspCounters {
  uint64_t packets = 0, bytes = 0;  // authenticated (decap) or sent (encap); inner bytes
  uint64_t drops[8] = {};           // by EspDrop
  uint32_t last_failed_seq = 0;     // the latest packet that failed its ICV (syslog 402120)
};

class EspSa {
 public:
  static rampart::expected<std::unique_ptr<EspSa>, std::string> create(uint32_t spi,
                                                                       const EspKeys& keys,
                                                                       size_t replay_window = 64);
  ~EspSa();
  EspSa(const EspSa&) = delete;
  EspSa& operator=(const EspSa&) = delete;

  uint32_t spi() const { return spi_; }
  size_t iv_size() const { return iv_size_; }
  size_t icv_size() const { return icv_size_; }
  // Bytes ESP adds around an inner packet of this size (header, IV, padding, trailer, ICV).
  size_t overhead(size_t inner) const;

  // Encapsulates an inner IPv4 packet (next header 4) into out: SPI, sequence number, IV,
  // ciphertext, ICV. Returns the ESP length, or 0 with *drop set. iv, when given, is used instead
  // of a fresh one (test vectors only).
  size_t encap(const uint8_t* inner, size_t len, uint8_t* out, size_t cap, EspDrop* drop = nullptr,
               const uint8_t* iv = nullptr);

  // Decapsulates an ESP packet (from the SPI on) in place. On success returns the inner
  // packet's length and sets *inner to where it starts inside esp, and *next_header.
  size_t decap(uint8_t* esp, size_t len, uint8_t** inner, uint8_t* next_header, EspDrop* drop);

  const EspCounters& counters() const { return counters_; }
  void clear_counters() { counters_ = {}; }
  uint64_t (&drops_mut())[8] { return counters_.drops; }
  const ReplayWindow& replay() const { return replay_; }
  uint32_t last_sequence() const { return seq_out_; }
  // Only for tests and vectors: the next outbound sequence number will be seq.
  void set_next_sequence(uint32_t seq) { seq_out_ = seq - 1; }

 private:
  struct Evp;
  EspSa() = default;
  bool aead() const { return cipher_ == EspCipher::AesGcm128 || cipher_ == EspCipher::AesGcm256; }
  size_t block() const;
  void fresh_iv(uint8_t* iv);
  size_t fail(EspDrop d, EspDrop* out);
  size_t auth_failed(uint32_t seq, EspDrop* out);  // an ICV mismatch, remembering its number

  uint32_t spi_ = 0;
  EspCipher cipher_ = EspCipher::Null;
  EspAuth auth_ = EspAuth::None;
  size_t iv_size_ = 0, icv_size_ = 0;
  uint8_t salt_[4] = {};
  uint32_t seq_out_ = 0;
  uint64_t iv_counter_ = 0;
  ReplayWindow replay_;
  EspCounters counters_;
  std::unique_ptr<Evp> evp_;
};

}  // namespace rampart::dataplane
