#include "dataplane/crypto/backend.hpp"

#include <cstdlib>

#include "dataplane/crypto/ipsec_mb_backend.hpp"
#include "dataplane/crypto/openssl_backend.hpp"

namespace rampart::dataplane::crypto {

std::string_view backend_name(BackendKind k) {
  return k == BackendKind::OpenSsl ? "openssl" : "ipsec-mb";
}

SaCipher::SaCipher(BackendKind k, EspCipher c, EspAuth a) : kind_(k), cipher_(c), auth_(a) {}
SaCipher::~SaCipher() = default;

void SaCipher::mark_hot(bool encrypt, const void* p, size_t len) {
  if (len == 0) return;
  auto at = reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(first_line(this));
  for (uintptr_t line = at / 64; line <= (at + len - 1) / 64 && line < 64; ++line)
    hot_[encrypt] |= uint64_t{1} << line;
}

namespace {

struct Registry {
  std::unique_ptr<Backend> openssl;
  std::unique_ptr<Backend> ipsec_mb;
  Backend* active = nullptr;
  std::string reason;
};

// Decided once, at the first SA or the first question (the daemon asks at start): the CPU and
// the library do not change while the process runs, and a backend that changed under live SAs
// would leave them keyed for the other one.
Registry& registry() {
  static Registry r = [] {
    Registry g;
    g.openssl = make_openssl();
    std::string why_not;
    g.ipsec_mb = make_ipsec_mb(&why_not);
    const char* env = std::getenv("RAMPART_CRYPTO");
    std::string_view want = env ? env : "";
    // Measured (esp_bench, dataplane_bench): the multi-buffer manager beats EVP on a batch,
    // and the packet workers submit whole RX batches and TUN bursts; one job alone it does not
    // win (a whole multi-lane pass), but that is now the exception (large packets, fragments).
    if (want == "openssl" || !g.ipsec_mb) {
      g.active = g.openssl.get();
      g.reason = g.ipsec_mb ? "RAMPART_CRYPTO=openssl" : "intel-ipsec-mb unavailable: " + why_not;
    } else {
      g.active = g.ipsec_mb.get();
      g.reason =
          want == "ipsec-mb" ? "RAMPART_CRYPTO=ipsec-mb" : "CPU and library support detected";
    }
    if (!want.empty() && want != "openssl" && want != "ipsec-mb")
      g.reason += " (RAMPART_CRYPTO=" + std::string(want) + " not understood)";
    return g;
  }();
  return r;
}

}  // namespace

Backend& openssl() {
  return *registry().openssl;
}
Backend* ipsec_mb() {
  return registry().ipsec_mb.get();
}
Backend& active() {
  return *registry().active;
}
std::string_view selection_reason() {
  return registry().reason;
}

void run(std::span<Op> ops) {
  Registry& r = registry();
  if (r.ipsec_mb) r.ipsec_mb->run(ops);
  r.openssl->run(ops);
}

}  // namespace rampart::dataplane::crypto
