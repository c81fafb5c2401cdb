// ike_load's ESP probes (tests/bench/ike_load/probe.hpp): the client's KEYMAT is the gateway's
// direction by direction (the engine in-process as the gateway), an echo request sealed on the
// newest SA opens with the gateway's SA and its reply is accepted on the newest or the previous
// inbound SA, and losses are told apart by their distance from a rekey.
#include <catch2/catch.hpp>

#include <algorithm>

#include "control/config/algorithms.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "tests/bench/ike_load/probe.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_load_probe_test {

using namespace rampart;
using namespace rampart::ike;
using namespace std::chrono_literals;
using bench::ChildSa;
using bench::Client;
using bench::ProbeEnds;
using bench::Prober;
using bench::ProbeTime;
using dataplane::EspSa;
using test::Lab;

namespace {

constexpr uint32_t kOuter = 0xc6336402, kGateway = 0xc6336401;  // 198.51.100.2, .1
constexpr uint32_t kInner = 0xcb00710a, kTarget = 0xc000020a;   // 203.0.113.10, 192.0.2.10

bench::RandomFill counter_random() {
  auto state = std::make_shared<uint64_t>(11);
  return [state](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
      out[i] = static_cast<uint8_t>(*state >> 56);
    }
  };
}

void converse(Lab& lab, Client& c, std::vector<Bytes> to_engine) {
  for (int round = 0; round < 20 && !to_engine.empty(); ++round) {
    for (auto& b : to_engine) lab.deliver(b);
    to_engine.clear();
    while (!lab.env.sent.empty())
      for (auto& b : c.receive(lab.env.take())) to_engine.push_back(std::move(b));
  }
}

dataplane::EspKeys gateway_keys(const IpsecSa& ips, const IpsecKeys& k) {
  return {config::row(ips.encryption).dataplane, config::row(ips.integrity).dataplane,
          k.encryption_key.bytes(), k.integrity_key.bytes()};
}

ChildSa child(uint32_t in_spi, uint32_t out_spi, uint8_t seed) {
  ChildSa c{in_spi, out_spi, {}, {}};
  c.inbound.encryption.assign(16, seed);
  c.inbound.integrity.assign(20, static_cast<uint8_t>(seed + 1));
  c.outbound.encryption.assign(16, static_cast<uint8_t>(seed + 2));
  c.outbound.integrity.assign(20, static_cast<uint8_t>(seed + 3));
  return c;
}

// The gateway's side of a ChildSa: what it opens (the client's outbound), what it seals.
struct GatewaySide {
  std::unique_ptr<EspSa> in, out;
  explicit GatewaySide(const ChildSa& c) {
    in = std::move(*EspSa::create(c.outbound_spi, c.outbound));
    out = std::move(*EspSa::create(c.inbound_spi, c.inbound));
  }
  // Opens a probe (outer header and all) and seals the host's echo reply to it.
  Bytes answer(Bytes probe) {
    uint8_t* inner = nullptr;
    uint8_t next = 0;
    size_t n = in->decap(probe.data() + 20, probe.size() - 20, &inner, &next, nullptr);
    REQUIRE(n > 28);
    CHECK(next == 4);
    CHECK(dataplane::ipv4::get32(inner + 12) == kInner);
    CHECK(dataplane::ipv4::get32(inner + 16) == kTarget);
    CHECK(inner[20] == 8);  // echo request
    Bytes reply(inner, inner + n);
    std::swap_ranges(reply.begin() + 12, reply.begin() + 16, reply.begin() + 16);
    reply[20] = 0;  // echo reply (checksums are not what the prober checks: the ICV is)
    Bytes esp(reply.size() + out->overhead(reply.size()));
    esp.resize(out->encap(reply.data(), reply.size(), esp.data(), esp.size()));
    REQUIRE(!esp.empty());
    return esp;
  }
};

}  // namespace

TEST_CASE("ike_load probe: the client's ESP keys are the gateway's, direction by direction",
          "[ike_load]") {
  Lab lab;
  bench::ClientParams p;
  p.local_address = kOuter;
  Client c(p, counter_random());
  converse(lab, c, {c.start()});
  INFO(c.error());
  REQUIRE(c.done());
  CHECK(c.quick_modes() == 1);
  const IpsecSa& ips = lab.only_sa().ipsec.at(0);
  // What the client sends on is what the gateway receives on, and the other way round.
  CHECK(c.child().outbound_spi == ips.inbound.spi);
  CHECK(c.child().inbound_spi == ips.outbound.spi);
  CHECK(c.child().outbound.encryption == ips.inbound.encryption_key.bytes());
  CHECK(c.child().outbound.integrity == ips.inbound.integrity_key.bytes());
  CHECK(c.child().inbound.encryption == ips.outbound.encryption_key.bytes());
  CHECK(c.child().inbound.integrity == ips.outbound.integrity_key.bytes());
  CHECK(c.child().inbound.encryption != c.child().outbound.encryption);

  // A probe opens with the gateway's inbound SA, and the gateway's reply with the client's.
  Prober pr(ProbeEnds{kOuter, kGateway, c.assigned_address(), kTarget});
  uint32_t closed = 1;
  std::string error;
  REQUIRE(pr.take(c.child(), ProbeTime{}, &closed, &error));
  CHECK(closed == 0);
  auto gw_in = std::move(*EspSa::create(ips.inbound.spi, gateway_keys(ips, ips.inbound)));
  Bytes probe = pr.probe(ProbeTime{});
  REQUIRE(probe.size() > 20);
  CHECK(probe[9] == 50);
  CHECK(dataplane::ipv4::get32(probe.data() + 12) == kOuter);
  uint8_t* inner = nullptr;
  uint8_t next = 0;
  CHECK(gw_in->decap(probe.data() + 20, probe.size() - 20, &inner, &next, nullptr) > 0);

  // After a rekey the newest pair is the engine's newest.
  converse(lab, c, c.rekey());
  REQUIRE(c.quick_modes() == 2);
  const auto& all = lab.only_sa().ipsec;
  CHECK(std::any_of(all.begin(), all.end(),
                    [&](const IpsecSa& x) { return x.inbound.spi == c.child().outbound_spi; }));
}

TEST_CASE("ike_load probe: answered on the newest or previous SA, lost, lost near a rekey",
          "[ike_load]") {
  Prober pr(ProbeEnds{kOuter, kGateway, kInner, kTarget});
  CHECK(pr.probe(ProbeTime{}).empty());  // no SA yet
  const ProbeTime t0{};
  ChildSa first = child(0x1001, 0x2001, 1);
  GatewaySide gw1(first);
  uint32_t closed = 0;
  std::string error;
  REQUIRE(pr.take(first, t0, &closed, &error));

  // Answered within the deadline.
  Bytes a = gw1.answer(pr.probe(t0));
  pr.receive(a.data(), a.size(), t0 + 100ms);
  CHECK(pr.counts().answered == 1);
  CHECK(pr.outstanding() == 0);
  // The same answer again (a replay) does not count twice.
  pr.receive(a.data(), a.size(), t0 + 150ms);
  CHECK(pr.counts().answered == 1);
  CHECK(pr.counts().refused_replay == 1);

  // Unanswered: lost after 2 s, far from any rekey.
  pr.probe(t0 + 10s);
  pr.expire(t0 + 11s);
  CHECK(pr.counts().lost == 0);
  pr.expire(t0 + 12s);
  CHECK(pr.counts().lost == 1);
  CHECK(pr.counts().lost_near_rekey == 0);

  // A rekey from 20 s to 21 s: a probe sent at 20.5 s on the old SA is answered on the old
  // inbound SA after the switch; one sent at 22.5 s (on the new SA) goes unanswered: lost, near
  // the rekey; and its answer, once lost, is late.
  pr.rekey_began(t0 + 20s);
  Bytes old_probe = pr.probe(t0 + 20500ms);
  ChildSa second = child(0x1002, 0x2002, 9);
  GatewaySide gw2(second);
  REQUIRE(pr.take(second, t0 + 21s, &closed, &error));
  CHECK(closed == 0);
  Bytes b = gw1.answer(old_probe);
  pr.receive(b.data(), b.size(), t0 + 21200ms);
  CHECK(pr.counts().answered == 2);
  CHECK(pr.counts().on_previous == 1);
  Bytes lost = pr.probe(t0 + 22500ms);
  Bytes late = gw2.answer(lost);  // opens with the new SA: the client switched at once
  pr.expire(t0 + 24500ms);
  CHECK(pr.counts().lost == 2);
  CHECK(pr.counts().lost_near_rekey == 1);
  CHECK(pr.counts().near_rekey == 2);  // of the four settled: the answered one at 20.5 s too
  pr.receive(late.data(), late.size(), t0 + 25s);
  CHECK(pr.counts().late == 1);
  CHECK(pr.counts().answered == 2);

  // A third pair closes the first one's inbound SA; its SPI is handed back.
  REQUIRE(pr.take(child(0x1003, 0x2003, 17), t0 + 70s, &closed, &error));
  CHECK(closed == 0x1001);
  CHECK(pr.inbound_spis() == std::vector<uint32_t>{0x1003, 0x1002});

  // A tampered answer is refused, and a tunnel's end loses what is outstanding.
  GatewaySide gw3(child(0x1003, 0x2003, 17));
  Bytes c = gw3.answer(pr.probe(t0 + 80s));
  c.back() ^= 1;
  pr.receive(c.data(), c.size(), t0 + 80100ms);
  CHECK(pr.counts().refused_auth == 1);
  // ESP that opens but carries no answer of ours (here a request) is told apart.
  Bytes other = bench::echo_request(kTarget, kInner, kOuter, 99);
  Bytes esp(other.size() + gw3.out->overhead(other.size()));
  esp.resize(gw3.out->encap(other.data(), other.size(), esp.data(), esp.size()));
  pr.receive(esp.data(), esp.size(), t0 + 80150ms);
  CHECK(pr.counts().not_ours == 1);
  CHECK(pr.counts().refused_replay == 1);
  CHECK(pr.counts().refused_other == 0);
  CHECK(pr.outstanding() == 1);
  pr.expire(t0 + 80200ms, true);
  CHECK(pr.counts().lost == 3);
  CHECK(pr.counts().sent == 5);
  CHECK(pr.counts().near_rekey == 2);
}
}  // namespace ike_load_probe_test
