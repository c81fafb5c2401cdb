// Fuzzes ESP decapsulation: arbitrary bytes into decap for each transform (they must be
// dropped with a reason, never read out of bounds), and a round trip property: whatever inner
// packet is encapsulated comes back unchanged, and a one-bit change is never accepted. Bit 3 of
// the first byte picks the crypto backend (OpenSSL or intel-ipsec-mb); in a round trip the
// receiver is keyed on the other one, so that the two are also held to each other.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "dataplane/esp/esp_sa.hpp"

using namespace rampart::dataplane;

namespace {

rampart::dataplane::crypto::Backend& backend(bool mb) {
  namespace crypto = rampart::dataplane::crypto;
  if (!mb) return crypto::openssl();
  crypto::Backend* b = crypto::ipsec_mb();
  if (!b) std::abort();  // a fuzz run on a CPU without AES-NI would test only one side
  return *b;
}

std::unique_ptr<EspSa> make(int which, bool mb) {
  static const EspKeys kKeys[] = {
      {EspCipher::AesCbc128, EspAuth::HmacSha1, std::vector<uint8_t>(16, 1),
       std::vector<uint8_t>(20, 2)},
      {EspCipher::TripleDes, EspAuth::HmacMd5, std::vector<uint8_t>(24, 3),
       std::vector<uint8_t>(16, 4)},
      {EspCipher::AesGcm256, EspAuth::None, std::vector<uint8_t>(36, 5), {}},
      {EspCipher::Null, EspAuth::HmacSha256, {}, std::vector<uint8_t>(32, 6)},
  };
  auto sa = EspSa::create(0x1234, kKeys[which % 4], 64, &backend(mb));
  if (!sa) std::abort();
  return std::move(*sa);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  int which = data[0] & 3;
  bool round_trip = data[0] & 4;
  bool mb = data[0] & 8;
  std::vector<uint8_t> in(data + 1, data + size);
  auto rx = make(which, mb);
  uint8_t* inner = nullptr;
  uint8_t nh = 0;
  EspDrop drop;
  if (!round_trip) {
    size_t n = rx->decap(in.data(), in.size(), &inner, &nh, &drop);
    if (n && (inner < in.data() || inner + n > in.data() + in.size())) std::abort();
    return 0;
  }
  auto tx = make(which, !mb);
  std::vector<uint8_t> buf(in.size() + 128);
  size_t n = tx->encap(in.data(), in.size(), buf.data(), buf.size(), &drop);
  if (!n) std::abort();
  // A single flipped bit after the SPI is refused; the packet itself is then accepted, whole.
  std::vector<uint8_t> copy(buf.begin(), buf.begin() + static_cast<long>(n));
  size_t at = 4 + (in.empty() ? 0 : in[0]) % (n - 4);
  copy[at] ^= static_cast<uint8_t>(1u << (in.size() % 8));
  if (rx->decap(copy.data(), copy.size(), &inner, &nh, &drop) != 0) std::abort();
  size_t m = rx->decap(buf.data(), n, &inner, &nh, &drop);
  if (m != in.size() || nh != 4 || (m && std::memcmp(inner, in.data(), m) != 0)) std::abort();
  return 0;
}
