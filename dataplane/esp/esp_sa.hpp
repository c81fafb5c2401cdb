// One direction of an ESP security association (RFC 4303) in tunnel mode: the framing (SPI,
// sequence number, IV, padding, trailer, anti-replay, counters) over a crypto backend keyed
// once (dataplane/crypto: OpenSSL or intel-ipsec-mb), so that a packet costs only its own
// cryptography: CBC ciphers with an HMAC (RFC 2451, 3602, 2404, 4868), NULL encryption
// (RFC 2410) and AES-GCM (RFC 4106). Buffers are the caller's; nothing is allocated per packet.
// A packet goes through in one call (encap, decap), or in three steps so that a whole batch
// shares one backend run: *_prepare for each packet, crypto::run over the ops, *_finish.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/crypto/backend.hpp"
#include "dataplane/crypto/transform.hpp"
#include "dataplane/esp/replay_window.hpp"
#include "dataplane/touch_line.hpp"
#include "platform/expected.hpp"

namespace rampart::dataplane {

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

class alignas(64) EspSa {
 public:
  // backend: null for the one chosen at start (crypto::active()); a transform it does not
  // carry falls back to OpenSSL.
  static rampart::expected<std::unique_ptr<EspSa>, std::string> create(
      uint32_t spi, const EspKeys& keys, size_t replay_window = 64,
      crypto::Backend* backend = nullptr);
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

  // The same in steps, for a batch. encap_prepare frames the packet into out and describes its
  // crypto in *op (false, with *drop set, when it cannot be sent); after crypto::run,
  // encap_finish returns the ESP length, or 0 with *drop set.
  bool encap_prepare(const uint8_t* inner, size_t len, uint8_t* out, size_t cap, crypto::Op* op,
                     EspDrop* drop, const uint8_t* iv = nullptr);
  size_t encap_finish(const crypto::Op& op, EspDrop* drop);
  // decap_prepare checks the length and the replay window (false, with *drop set, when the
  // packet goes no further); decap_finish checks the ICV's verdict, the padding and the window
  // again (a batch may carry the same number twice), and only then advances the window.
  bool decap_prepare(uint8_t* esp, size_t len, crypto::Op* op, EspDrop* drop);
  size_t decap_finish(const crypto::Op& op, uint8_t** inner, uint8_t* next_header, EspDrop* drop);

  crypto::BackendKind backend() const { return cipher_->kind(); }
  const EspCounters& counters() const { return counters_; }
  void clear_counters() { counters_ = {}; }
  uint64_t (&drops_mut())[8] { return counters_.drops; }
  const ReplayWindow& replay() const { return replay_; }
  uint32_t last_sequence() const { return seq_out_; }
  // Brings in what a packet in this direction reads of the SA's state, then (once that has
  // arrived: a later call) its keys. A batch over many SAs calls the first for all, then the
  // second for all, so that the misses of different SAs overlap instead of following each
  // other. Out: the first two lines (framing, sequence, counters); in: the replay window too.
  void warm_state(bool inbound) const {
    const char* p = reinterpret_cast<const char*>(this);
    for (const char* end = p + state_bytes(inbound); p < end; p += 64) touch_line(p);
  }
  void warm_keys(bool inbound) const {
    const char* object = reinterpret_cast<const char*>(cipher_.get());
    const char* k = crypto::SaCipher::first_line(cipher_.get());
    for (uint64_t lines = key_lines_[!inbound]; lines; lines &= lines - 1)
      touch_line(std::max(k + 64 * __builtin_ctzll(lines), object));  // line 0 may start before it
  }
  // How many lines the two bring in: what a packet in this direction reads of the SA's state
  // and keys (the benchmarks' memory floor over many SAs).
  size_t warmed_lines(bool inbound) const {
    return (state_bytes(inbound) + 63) / 64 +
           static_cast<size_t>(__builtin_popcountll(key_lines_[!inbound]));
  }
  // Only for tests and vectors: the next outbound sequence number will be seq.
  void set_next_sequence(uint32_t seq) { seq_out_ = seq - 1; }

 private:
  EspSa() = default;
  bool aead() const { return is_aead(cipher_kind_); }
  size_t state_bytes(bool inbound) const {
    return inbound ? sizeof(EspSa)
                   : static_cast<size_t>(reinterpret_cast<const char*>(&counters_.bytes + 1) -
                                         reinterpret_cast<const char*>(this));
  }
  void fresh_iv(uint8_t* iv);
  size_t fail(EspDrop d, EspDrop* out);
  bool refuse(EspDrop d, EspDrop* out);            // fail, for the steps that answer yes or no
  size_t auth_failed(uint32_t seq, EspDrop* out);  // an ICV mismatch, remembering its number

  // What every packet reads first, in the first cache line (warm_state).
  uint32_t spi_ = 0;
  EspCipher cipher_kind_ = EspCipher::Null;
  size_t iv_size_ = 0, icv_size_ = 0;
  uint32_t seq_out_ = 0;
  uint64_t iv_counter_ = 0;
  std::unique_ptr<crypto::SaCipher> cipher_;
  uint64_t key_lines_[2] = {};  // cipher_->hot_lines(decrypt, encrypt), kept here so that
                                // warm_keys need not wait for the cipher object itself
  EspCounters counters_;
  ReplayWindow replay_;
};

}  // namespace rampart::dataplane
