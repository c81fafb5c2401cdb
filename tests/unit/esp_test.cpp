// ESP encapsulation and decapsulation against packets made by scapy (tests/vectors/
// esp_scapy.txt), the drops each bad packet earns, and the anti-replay window against a trivial
// reference.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <random>
#include <set>

#include "dataplane/esp/esp_sa.hpp"
#include "tests/unit/esp_vectors.hpp"

namespace esp_test {

using namespace rampart::dataplane;

namespace {

using rampart::test::Bytes;
using Vector = rampart::test::EspVector;

std::vector<Vector> load() {
  return rampart::test::load_esp_vectors();
}

EspKeys keys_for(const Vector& v) {
  return rampart::test::esp_keys_for(v);
}

}  // namespace

TEST_CASE("ESP matches scapy byte for byte, both ways, for every transform, on each backend") {
  auto vectors = load();
  REQUIRE(vectors.size() == 33);
  crypto::Backend* mb = crypto::ipsec_mb();
  REQUIRE(mb);  // the CI machine has AES-NI; without it this test must not pass quietly
  for (crypto::Backend* backend : {&crypto::openssl(), mb})
    for (const auto& v : vectors) {
      INFO(crypto::backend_name(backend->kind())
           << ": " << v.f.at("transform") << ", " << v.get("inner").size() << " bytes inner");
      uint32_t spi = static_cast<uint32_t>(std::stoul(v.f.at("spi"), nullptr, 16));
      uint32_t seq = static_cast<uint32_t>(std::stoul(v.f.at("seq")));
      auto out_sa = EspSa::create(spi, keys_for(v), 64, backend);
      REQUIRE(out_sa);
      Bytes inner = v.get("inner"), want = v.get("esp"), iv = v.get("iv");
      (*out_sa)->set_next_sequence(seq);
      Bytes buf(inner.size() + 128);
      EspDrop drop;
      size_t n = (*out_sa)->encap(inner.data(), inner.size(), buf.data(), buf.size(), &drop,
                                  iv.empty() ? nullptr : iv.data());
      REQUIRE(n == want.size());
      CHECK(Bytes(buf.begin(), buf.begin() + static_cast<long>(n)) == want);
      CHECK(n == inner.size() + (*out_sa)->overhead(inner.size()));

      auto in_sa = EspSa::create(spi, keys_for(v), 64, backend);
      REQUIRE(in_sa);
      Bytes esp = want;
      uint8_t* p = nullptr;
      uint8_t nh = 0;
      size_t m = (*in_sa)->decap(esp.data(), esp.size(), &p, &nh, &drop);
      REQUIRE(m == inner.size());
      CHECK(Bytes(p, p + m) == inner);
      CHECK(nh == 4);
      // The same packet again is a replay; a changed one fails authentication.
      esp = want;
      CHECK((*in_sa)->decap(esp.data(), esp.size(), &p, &nh, &drop) == 0);
      CHECK(drop == EspDrop::Replay);
      esp = want;
      uint32_t fresh = seq + 5;  // a fresh sequence number, but the ICV no longer fits
      esp[4] = static_cast<uint8_t>(fresh >> 24);
      esp[5] = static_cast<uint8_t>(fresh >> 16);
      esp[6] = static_cast<uint8_t>(fresh >> 8);
      esp[7] = static_cast<uint8_t>(fresh);
      esp[esp.size() / 2] ^= 1;
      CHECK((*in_sa)->decap(esp.data(), esp.size(), &p, &nh, &drop) == 0);
      CHECK(drop == EspDrop::AuthFailed);
      CHECK((*in_sa)->counters().packets == 1);
      CHECK((*in_sa)->counters().drops[static_cast<size_t>(EspDrop::AuthFailed)] == 1);
    }
}

TEST_CASE("encap and decap agree with fresh IVs; runts and wrong keys are dropped") {
  EspKeys k{EspCipher::AesCbc128, EspAuth::HmacSha1, Bytes(16, 1), Bytes(20, 2)};
  auto tx = EspSa::create(0x1000, k);
  auto rx = EspSa::create(0x1000, k);
  REQUIRE(tx);
  REQUIRE(rx);
  Bytes inner(100, 0x45), buf(300), first;
  for (int i = 0; i < 3; ++i) {
    size_t n = (*tx)->encap(inner.data(), inner.size(), buf.data(), buf.size());
    REQUIRE(n > 0);
    Bytes pkt(buf.begin(), buf.begin() + static_cast<long>(n));
    if (i == 0)
      first = pkt;
    else
      CHECK(Bytes(pkt.begin() + 8, pkt.begin() + 24) !=
            Bytes(first.begin() + 8, first.begin() + 24));
    uint8_t* p;
    uint8_t nh;
    EspDrop d;
    CHECK((*rx)->decap(pkt.data(), pkt.size(), &p, &nh, &d) == inner.size());
  }
  uint8_t* p;
  uint8_t nh;
  EspDrop d;
  Bytes runt(20, 0);
  CHECK((*rx)->decap(runt.data(), runt.size(), &p, &nh, &d) == 0);
  CHECK(d == EspDrop::Runt);
  k.integrity[0] ^= 1;
  auto other = EspSa::create(0x1000, k);
  size_t n = (*tx)->encap(inner.data(), inner.size(), buf.data(), buf.size());
  CHECK((*other)->decap(buf.data(), n, &p, &nh, &d) == 0);
  CHECK(d == EspDrop::AuthFailed);
  CHECK((*tx)->encap(inner.data(), inner.size(), buf.data(), 50, &d) == 0);
  CHECK(d == EspDrop::BufferTooSmall);
}

TEST_CASE("the sequence number never wraps") {
  auto sa = EspSa::create(1, {EspCipher::AesGcm128, EspAuth::None, Bytes(20, 3), {}});
  REQUIRE(sa);
  (*sa)->set_next_sequence(0xffffffffu);
  Bytes inner(40, 1), buf(200);
  EspDrop d;
  CHECK((*sa)->encap(inner.data(), inner.size(), buf.data(), buf.size(), &d) > 0);
  CHECK((*sa)->encap(inner.data(), inner.size(), buf.data(), buf.size(), &d) == 0);
  CHECK(d == EspDrop::SeqExhausted);
}

TEST_CASE("anti-replay window edges") {
  ReplayWindow w(64);
  CHECK(w.check(0) == ReplayWindow::Verdict::Zero);
  CHECK(w.check(1) == ReplayWindow::Verdict::Ok);
  w.update(1);
  CHECK(w.check(1) == ReplayWindow::Verdict::Replayed);
  w.update(100);
  CHECK(w.check(37) == ReplayWindow::Verdict::Ok);  // 100 - 63: the oldest still inside
  CHECK(w.check(36) == ReplayWindow::Verdict::TooOld);
  w.update(37);
  CHECK(w.check(37) == ReplayWindow::Verdict::Replayed);
  w.update(101);
  CHECK(w.check(37) == ReplayWindow::Verdict::TooOld);  // slid out
  w.update(5000);                                       // a jump beyond the whole ring
  CHECK(w.check(4999) == ReplayWindow::Verdict::Ok);
  CHECK(w.check(5000) == ReplayWindow::Verdict::Replayed);
  ReplayWindow big(1024);
  big.update(2000);
  CHECK(big.check(977) == ReplayWindow::Verdict::Ok);
  CHECK(big.check(976) == ReplayWindow::Verdict::TooOld);
  ReplayWindow off(0);
  off.update(9);
  CHECK(off.check(9) == ReplayWindow::Verdict::Ok);  // window-size 0: no check
}

TEST_CASE("anti-replay window against a trivial reference, random traffic") {
  for (size_t size : {64, 128, 512, 1024}) {
    ReplayWindow w(size);
    std::set<uint32_t> seen;
    uint32_t top = 0;
    std::mt19937 rng(static_cast<uint32_t>(size));
    uint32_t base = 1;
    for (int i = 0; i < 20000; ++i) {
      // Mostly near the top, sometimes far behind or far ahead, sometimes repeats.
      uint32_t seq;
      int r = static_cast<int>(rng() % 100);
      if (r < 70)
        seq = base + rng() % 8;
      else if (r < 90)
        seq = base > size * 2 ? base - rng() % (size * 2) : base;
      else
        seq = base + rng() % (size * 3);
      if (seq == 0) seq = 1;
      ReplayWindow::Verdict want = seq > top            ? ReplayWindow::Verdict::Ok
                                   : top - seq >= size  ? ReplayWindow::Verdict::TooOld
                                   : seen.contains(seq) ? ReplayWindow::Verdict::Replayed
                                                        : ReplayWindow::Verdict::Ok;
      REQUIRE(w.check(seq) == want);
      if (want == ReplayWindow::Verdict::Ok && rng() % 10 != 0) {  // some fail their ICV
        w.update(seq);
        seen.insert(seq);
        top = std::max(top, seq);
        base = std::max(base, seq);
      }
    }
  }
}
}  // namespace esp_test
