// The ESP crypto backend: what turns a framed ESP packet into ciphertext and ICV, or checks and
// decrypts one. Two implementations sit behind it, OpenSSL EVP (one packet per call) and
// intel-ipsec-mb (a multi-buffer job manager that keeps many packets in flight); the ESP
// framing (header, IV, padding, sequence numbers, replay) stays in dataplane/esp and is the
// same for both. A caller describes a batch of packets as Ops and runs them; every op has
// completed when run() returns, so the caller may transmit right after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "dataplane/crypto/transform.hpp"
#include "platform/expected.hpp"

namespace rampart::dataplane::crypto {

enum class BackendKind { OpenSsl, IpsecMb };
std::string_view backend_name(BackendKind k);  // "openssl", "ipsec-mb" (as RAMPART_CRYPTO)

// The keys of one SA direction, prepared once for one backend (schedules, HMAC pads, GHASH
// tables). Only the backend that made it reads it.
class SaCipher {
 public:
  explicit SaCipher(BackendKind k, EspCipher c, EspAuth a);
  virtual ~SaCipher();
  SaCipher(const SaCipher&) = delete;
  SaCipher& operator=(const SaCipher&) = delete;
  BackendKind kind() const { return kind_; }
  EspCipher cipher() const { return cipher_; }
  EspAuth auth() const { return auth_; }
  size_t iv_size() const { return iv_bytes(cipher_); }
  size_t icv_size() const { return icv_bytes(cipher_, auth_); }
  // The cache lines of this object that a packet's cryptography reads in one direction (bit i:
  // the i-th line from the one this object starts in, see first_line), for bringing a
  // batch's SAs in before the run. Only those: at 10,000 SAs every line comes from memory, and a
  // direction reads a third of the whole (one key schedule of two, no unused round keys or
  // GHASH powers).
  uint64_t hot_lines(bool encrypt) const { return hot_[encrypt]; }
  static const char* first_line(const SaCipher* c) {
    return reinterpret_cast<const char*>(reinterpret_cast<uintptr_t>(c) & ~uintptr_t{63});
  }

 protected:
  // Marks [p, p + len), which lies inside this object, as read when encrypting or decrypting.
  void mark_hot(bool encrypt, const void* p, size_t len);
  void mark_hot(const void* p, size_t len) {
    mark_hot(false, p, len);
    mark_hot(true, p, len);
  }

 private:
  BackendKind kind_;
  EspCipher cipher_;
  EspAuth auth_;
  uint64_t hot_[2] = {1, 1};  // the first line (this object's own fields) always
};

enum class OpStatus : uint8_t {
  Pending,     // to be run
  Skipped,     // the framing refused it already; run() leaves it alone
  Ok,          // encrypted and ICV written, or ICV verified and decrypted
  AuthFailed,  // decrypt: the ICV (or the GCM tag) does not match
  Error,       // the library refused the job (counted; the packet is dropped)
};

// One packet's cryptography over one contiguous ESP packet: SPI | sequence number | IV |
// payload (padded) | ICV. Encrypt: the payload is plaintext, the IV is set; run() encrypts it in
// place and writes the ICV. Decrypt: the whole packet is as received; run() checks the ICV and
// decrypts the payload in place (the payload is only meaningful when the status is Ok).
struct Op {
  SaCipher* sa = nullptr;
  bool encrypt = true;
  uint8_t* esp = nullptr;
  size_t payload_len = 0;  // a whole number of the cipher's blocks
  size_t caller_len = 0;   // the caller's own (ESP: the inner packet's length), untouched here
  OpStatus status = OpStatus::Pending;
  uint8_t nonce[12] = {};     // backend scratch: the GCM nonce (salt | IV)
  uint8_t tag[kMaxIcv] = {};  // backend scratch: the ICV computed on decrypt
  uint8_t* iv() const { return esp + kEspHeader; }
  uint8_t* payload() const { return iv() + sa->iv_size(); }
  uint8_t* icv() const { return payload() + payload_len; }
  size_t hashed_len() const { return kEspHeader + sa->iv_size() + payload_len; }
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;
  // "intel-ipsec-mb 1.3.0, AVX-512 (VAES, SHA-NI)": for show version and the statistics.
  virtual std::string description() const = 0;
  // Whether this backend carries the transform; the ESP SA falls back to OpenSSL otherwise.
  virtual bool supports(EspCipher c, EspAuth a) const = 0;
  // key is the cipher key (without the GCM salt), salt the GCM salt (4 bytes) or empty.
  virtual rampart::expected<std::unique_ptr<SaCipher>, std::string> key(
      EspCipher c, EspAuth a, std::span<const uint8_t> key, std::span<const uint8_t> salt,
      std::span<const uint8_t> integrity) = 0;
  // Runs the ops that are Pending and whose SA this backend keyed; the others are left as
  // they are. Thread-safe: each thread has its own state (the job manager is per thread).
  virtual void run(std::span<Op> ops) = 0;
};

// The backends of this process. openssl() always exists; ipsec_mb() is null when the library
// cannot run here (no AES-NI: it would emulate AES, slower than OpenSSL).
Backend& openssl();
Backend* ipsec_mb();

// The backend chosen at start: intel-ipsec-mb when the library can run here (the packet
// workers submit whole RX batches, where it pays off; a single job costs a whole multi-lane
// pass), OpenSSL otherwise or when RAMPART_CRYPTO=openssl.
Backend& active();
// Why active() is what it is: "CPU and library support detected", "RAMPART_CRYPTO=openssl", ...
std::string_view selection_reason();

// Runs every Pending op of the batch on the backend that keyed its SA.
void run(std::span<Op> ops);

}  // namespace rampart::dataplane::crypto
