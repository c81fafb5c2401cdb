// The two ESP crypto backends (OpenSSL EVP and intel-ipsec-mb) against each other: for every
// transform, random keys, sizes and IVs, the same packet encrypts to the same bytes, each
// decrypts what the other made, and each refuses what the other would refuse. Then the batch
// path (prepare, one run over mixed SAs and backends, finish) against the one-packet path.
#include <catch2/catch.hpp>

#include <random>

#include "dataplane/crypto/backend.hpp"
#include "dataplane/crypto/stats.hpp"
#include "dataplane/esp/esp_sa.hpp"

namespace crypto_backend_test {

using namespace rampart::dataplane;
namespace crypto = rampart::dataplane::crypto;

namespace {

using Bytes = std::vector<uint8_t>;

size_t integrity_bytes(EspAuth a) {
  switch (a) {
    case EspAuth::HmacMd5:
      return 16;
    case EspAuth::HmacSha1:
      return 20;
    case EspAuth::HmacSha256:
      return 32;
    case EspAuth::HmacSha384:
      return 48;
    case EspAuth::HmacSha512:
      return 64;
    case EspAuth::None:
      break;
  }
  return 0;
}

// Every transform the dataplane carries: each CBC cipher with each HMAC or none, NULL with
// each HMAC (RFC 4303 3.2: never neither), AES-GCM alone.
std::vector<std::pair<EspCipher, EspAuth>> transforms() {
  std::vector<std::pair<EspCipher, EspAuth>> out;
  const EspAuth auths[] = {EspAuth::None,       EspAuth::HmacMd5,    EspAuth::HmacSha1,
                           EspAuth::HmacSha256, EspAuth::HmacSha384, EspAuth::HmacSha512};
  for (EspCipher c : {EspCipher::Des, EspCipher::TripleDes, EspCipher::AesCbc128,
                      EspCipher::AesCbc192, EspCipher::AesCbc256})
    for (EspAuth a : auths) out.emplace_back(c, a);
  for (EspAuth a : auths)
    if (a != EspAuth::None) out.emplace_back(EspCipher::Null, a);
  out.emplace_back(EspCipher::AesGcm128, EspAuth::None);
  out.emplace_back(EspCipher::AesGcm256, EspAuth::None);
  return out;
}

Bytes random_bytes(std::mt19937& rng, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

EspKeys random_keys(std::mt19937& rng, EspCipher c, EspAuth a) {
  EspKeys k;
  k.cipher = c;
  k.auth = a;
  k.encryption = random_bytes(rng, key_bytes(c) + (is_aead(c) ? 4 : 0));
  k.integrity = random_bytes(rng, integrity_bytes(a));
  return k;
}

std::unique_ptr<EspSa> make(uint32_t spi, const EspKeys& k, crypto::Backend& b) {
  auto sa = EspSa::create(spi, k, 64, &b);
  REQUIRE(sa);
  REQUIRE((*sa)->backend() == b.kind());
  return std::move(*sa);
}

crypto::Backend& mb() {
  crypto::Backend* b = crypto::ipsec_mb();
  REQUIRE(b);  // the CI machine has AES-NI; a machine without it must say so, not pass
  return *b;
}

std::string label(EspCipher c, EspAuth a) {
  return "cipher " + std::to_string(static_cast<int>(c)) + " auth " +
         std::to_string(static_cast<int>(a));
}

}  // namespace

TEST_CASE("Both crypto backends are byte-for-byte equal, both ways, for every transform",
          "[crypto]") {
  std::mt19937 rng(20261205);
  crypto::Backend& ossl = crypto::openssl();
  for (auto [c, a] : transforms()) {
    for (int round = 0; round < 40; ++round) {
      EspKeys k = random_keys(rng, c, a);
      size_t len = round == 0 ? 0 : rng() % 1501;
      INFO(label(c, a) << ", " << len << " bytes");
      Bytes inner = random_bytes(rng, len), iv = random_bytes(rng, iv_bytes(c));
      uint32_t seq = 1 + rng() % 1000000;
      auto tx_o = make(0x1000, k, ossl), tx_m = make(0x1000, k, mb());
      tx_o->set_next_sequence(seq);
      tx_m->set_next_sequence(seq);
      Bytes out_o(len + 128), out_m(len + 128);
      EspDrop drop;
      const uint8_t* ivp = iv.empty() ? nullptr : iv.data();
      size_t n_o = tx_o->encap(inner.data(), len, out_o.data(), out_o.size(), &drop, ivp);
      size_t n_m = tx_m->encap(inner.data(), len, out_m.data(), out_m.size(), &drop, ivp);
      REQUIRE(n_o != 0);
      REQUIRE(n_o == n_m);
      REQUIRE(out_o == out_m);
      // What each SA counts (the lifetime in kB runs on it) is the inner packet's size.
      CHECK(tx_o->counters().bytes == len);
      CHECK(tx_m->counters().bytes == len);

      // Across: each backend's receiver takes the other's packet and gives back the inner one.
      for (crypto::Backend* rx_b : {&ossl, &mb()}) {
        auto rx = make(0x1000, k, *rx_b);
        Bytes esp(out_o.begin(), out_o.begin() + static_cast<long>(n_o));
        uint8_t* p = nullptr;
        uint8_t nh = 0;
        size_t m = rx->decap(esp.data(), esp.size(), &p, &nh, &drop);
        REQUIRE(m == len);
        CHECK(Bytes(p, p + m) == inner);
        CHECK(nh == 4);
        CHECK(rx->counters().bytes == len);
        // One flipped bit under a fresh number (right of the window, not what was signed):
        // refused by both. Without an ICV (esp-none) nothing can be refused.
        if (icv_bytes(c, a) == 0) continue;
        Bytes bad(out_o.begin(), out_o.begin() + static_cast<long>(n_o));
        uint32_t fresh = seq + 1000;
        for (int i = 0; i < 4; ++i) bad[4 + i] = static_cast<uint8_t>(fresh >> (24 - 8 * i));
        bad[8 + rng() % (n_o - 8)] ^= static_cast<uint8_t>(1u << (rng() % 8));
        CHECK(rx->decap(bad.data(), bad.size(), &p, &nh, &drop) == 0);
        CHECK(drop == EspDrop::AuthFailed);
      }
    }
  }
}

TEST_CASE("A batch over mixed SAs and backends equals packet-by-packet, and drops a repeat",
          "[crypto]") {
  std::mt19937 rng(7);
  auto all = transforms();
  struct Pair {
    std::unique_ptr<EspSa> tx, rx;
  };
  std::vector<Pair> sas;
  for (size_t i = 0; i < 12; ++i) {
    auto [c, a] = all[rng() % all.size()];
    EspKeys k = random_keys(rng, c, a);
    crypto::Backend& btx = i % 2 ? mb() : crypto::openssl();
    crypto::Backend& brx = i % 3 ? mb() : crypto::openssl();
    sas.push_back({make(0x2000 + static_cast<uint32_t>(i), k, btx),
                   make(0x2000 + static_cast<uint32_t>(i), k, brx)});
  }
  constexpr size_t kBatch = 64;
  std::vector<Bytes> inner(kBatch), wire(kBatch, Bytes(1700));
  std::vector<size_t> which(kBatch);
  std::vector<crypto::Op> ops(kBatch);
  EspDrop drop;
  for (size_t i = 0; i < kBatch; ++i) {
    which[i] = rng() % sas.size();
    inner[i] = random_bytes(rng, rng() % 1501);
    REQUIRE(sas[which[i]].tx->encap_prepare(inner[i].data(), inner[i].size(), wire[i].data(),
                                            wire[i].size(), &ops[i], &drop));
  }
  crypto::run(ops);
  std::vector<size_t> len(kBatch);
  for (size_t i = 0; i < kBatch; ++i) {
    len[i] = sas[which[i]].tx->encap_finish(ops[i], &drop);
    REQUIRE(len[i] == inner[i].size() + sas[which[i]].tx->overhead(inner[i].size()));
  }
  uint64_t sent = 0, counted = 0;
  for (size_t i = 0; i < kBatch; ++i) sent += inner[i].size();
  for (auto& pair : sas) counted += pair.tx->counters().bytes;
  CHECK(counted == sent);
  // The receivers take the batch back in one run, with packet 0 repeated at the end: it passes
  // the window check when prepared (nothing is advanced yet) and must still be dropped once.
  std::vector<Bytes> rx_wire(wire);
  rx_wire.push_back(wire[0]);
  which.push_back(which[0]);
  len.push_back(len[0]);
  std::vector<crypto::Op> rx_ops(kBatch + 1);
  for (size_t i = 0; i <= kBatch; ++i)
    REQUIRE(sas[which[i]].rx->decap_prepare(rx_wire[i].data(), len[i], &rx_ops[i], &drop));
  crypto::run(rx_ops);
  for (size_t i = 0; i < kBatch; ++i) {
    uint8_t* p = nullptr;
    uint8_t nh = 0;
    size_t m = sas[which[i]].rx->decap_finish(rx_ops[i], &p, &nh, &drop);
    REQUIRE(m == inner[i].size());
    CHECK(Bytes(p, p + m) == inner[i]);
  }
  uint8_t* p = nullptr;
  uint8_t nh = 0;
  CHECK(sas[which[0]].rx->decap_finish(rx_ops[kBatch], &p, &nh, &drop) == 0);
  CHECK(drop == EspDrop::Replay);
}

TEST_CASE("The backends count what they did, per backend", "[crypto]") {
  std::mt19937 rng(3);
  for (crypto::Backend* b : {&crypto::openssl(), &mb()}) {
    EspKeys k = random_keys(rng, EspCipher::AesCbc128, EspAuth::HmacSha1);
    crypto::EngineStats before = crypto::stats(b->kind());
    auto tx = make(1, k, *b), rx = make(1, k, *b);
    CHECK(crypto::stats(b->kind()).transforms == before.transforms + 2);
    Bytes inner(100, 7), out(300);
    EspDrop drop;
    size_t n = tx->encap(inner.data(), inner.size(), out.data(), out.size(), &drop);
    REQUIRE(n == 8 + 16 + 112 + 12);
    Bytes bad(out.begin(), out.begin() + static_cast<long>(n));
    bad[n - 1] ^= 1;
    uint8_t* p = nullptr;
    uint8_t nh = 0;
    CHECK(rx->decap(bad.data(), n, &p, &nh, &drop) == 0);
    REQUIRE(rx->decap(out.data(), n, &p, &nh, &drop) == 100);
    crypto::EngineStats s = crypto::stats(b->kind());
    CHECK(s.out_packets == before.out_packets + 1);
    CHECK(s.encrypted_packets == before.encrypted_packets + 1);
    CHECK(s.encrypted_bytes == before.encrypted_bytes + 112);
    CHECK(s.out_hashed_bytes == before.out_hashed_bytes + 8 + 16 + 112);
    CHECK(s.in_packets == before.in_packets + 2);
    CHECK(s.auth_failed == before.auth_failed + 1);
    CHECK(s.decrypted_packets == before.decrypted_packets + 1);
    CHECK(s.batches == before.batches + 3);
    tx.reset();
    CHECK(crypto::stats(b->kind()).transforms == before.transforms + 1);
  }
}

// What a batch prefetches of an SA's keys (SaCipher::hot_lines): at 10,000 SAs each line
// comes from memory, so a direction asks for the lines it reads and not the whole object.
TEST_CASE("An SA's keys name the lines each direction reads, not the whole schedule set",
          "[crypto]") {
  std::mt19937 rng(64);
  auto lines = [](uint64_t m) { return __builtin_popcountll(m); };
  for (auto [c, a] : transforms()) {
    INFO(label(c, a));
    EspKeys k = random_keys(rng, c, a);
    std::span<const uint8_t> key(k.encryption), salt;
    if (is_aead(c)) {
      salt = key.last(4);
      key = key.first(key.size() - 4);
    }
    auto keyed = mb().key(c, a, key, salt, k.integrity);
    REQUIRE(keyed);
    const crypto::SaCipher& sa = **keyed;
    uint64_t enc = sa.hot_lines(true), dec = sa.hot_lines(false);
    CHECK((enc & dec & 1) == 1);  // the object's own fields, which every job reads
    // A key schedule is read whole: its lines are adjacent, at least its size.
    size_t schedule = c == EspCipher::Null ? 0 : c == EspCipher::Des ? 128 : 176;
    size_t pads = a == EspAuth::None || is_aead(c) ? 0 : 2;
    CHECK(static_cast<size_t>(lines(enc)) >= 1 + (schedule + 63) / 64 + pads);
    // The object holds every transform's keys (about 20 lines): a CBC or NULL direction reads
    // at most half of them (GCM reads 7, or 17 where the library multiplies with 48 powers).
    CHECK(lines(enc) <= (is_aead(c) ? 18 : 10));
    CHECK(lines(dec) <= (is_aead(c) ? 18 : 10));
    bool cbc = c == EspCipher::AesCbc128 || c == EspCipher::AesCbc192 || c == EspCipher::AesCbc256;
    if (cbc)
      CHECK((enc & ~dec) != 0);  // encryption and decryption round keys are apart
    else
      CHECK(enc == dec);
  }
  // OpenSSL's SA holds only pointers to its contexts: all of it, both ways.
  EspKeys k = random_keys(rng, EspCipher::AesCbc128, EspAuth::HmacSha1);
  auto keyed = crypto::openssl().key(k.cipher, k.auth, k.encryption, {}, k.integrity);
  REQUIRE(keyed);
  uint64_t m = (*keyed)->hot_lines(true);
  CHECK(m == (*keyed)->hot_lines(false));
  CHECK((m & (m + 1)) == 0);  // lines 0 to n, none skipped
}

TEST_CASE("RAMPART_CRYPTO picks the backend, and the choice says why", "[crypto]") {
  // The unit tests run under either value (the suite runs them with each); whichever it is,
  // new SAs are keyed for it and the reason names it.
  const char* env = std::getenv("RAMPART_CRYPTO");
  std::string want = env ? env : "";
  crypto::Backend& act = crypto::active();
  // Unset, the library is the default wherever it can run (the workers submit batches).
  if (want != "openssl" && crypto::ipsec_mb()) {
    CHECK(act.kind() == crypto::BackendKind::IpsecMb);
    CHECK(act.description().starts_with("intel-ipsec-mb 1."));
    CHECK(crypto::selection_reason() ==
          (want == "ipsec-mb" ? "RAMPART_CRYPTO=ipsec-mb" : "CPU and library support detected"));
  } else {
    CHECK(act.kind() == crypto::BackendKind::OpenSsl);
    CHECK(act.description().starts_with("OpenSSL 3."));
    CHECK(crypto::selection_reason().starts_with(
        want == "openssl" ? "RAMPART_CRYPTO=openssl" : "intel-ipsec-mb unavailable: "));
  }
  auto sa = EspSa::create(9, {EspCipher::AesGcm128, EspAuth::None, Bytes(20, 1), {}});
  REQUIRE(sa);
  CHECK((*sa)->backend() == act.kind());
}
}  // namespace crypto_backend_test
