// Phase-2 rekey started by the head-end (issue 17): before an IPsec SA's lifetime ends we
// negotiate its successor with the client, traffic leaves on the new SA at once, and the old one
// goes when the client's traffic arrives on the new one.
#include <catch2/catch.hpp>

#include "control/ike/timers.hpp"
#include "dataplane/esp/esp_sa.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_rekey_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

const Bytes kClient{203, 0, 113, 10};

// The client's side of a quick mode we start: QM1 in, QM2 out (the first transform, a fresh
// SPI and nonce, the same identities). Returns the msgid, or 0 when no QM1 came.
uint32_t answer_qm1(Lab& lab, uint32_t client_spi) {
  if (lab.env.sent.empty()) return 0;
  uint32_t msgid = 0;
  auto qm1 = lab.peer.open(lab.env.take(), msgid);
  REQUIRE(lab.peer.hash_ok);
  const auto& offer = std::get<SaPayload>(qm1.at(1));
  Bytes ni = std::get<OpaquePayload>(qm1.at(2)).data;
  SaPayload chosen;
  Proposal p = offer.proposals.at(0);
  p.spi = test::be32(client_spi);
  p.transforms.resize(1);
  chosen.proposals.push_back(p);
  std::vector<Payload> rest{chosen, OpaquePayload{PayloadType::Nonce, Bytes(32, 0x5a)}};
  for (const auto& x : qm1)
    if (std::holds_alternative<IdPayload>(x)) rest.push_back(x);
  lab.deliver(lab.peer.seal(Exchange::QuickMode, msgid, rest, ni));
  return msgid;
}

// A packet from the client through the SA the engine holds with this inbound SPI.
void client_sends(Lab& lab, const IpsecSa& ips) {
  CHECK(test::client_packet_decrypts(lab, ips));
}

void connect_with_lifetime(Lab& lab, uint32_t seconds) {
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  lab.mode_config();
  auto qm2 = lab.qm1(0x100, kClient, {}, seconds);
  REQUIRE(qm2.has_value());
  lab.qm3(0x100, *qm2);
  REQUIRE(lab.only_sa().ipsec.size() == 1);
}

}  // namespace

TEST_CASE("the head-end rekeys phase 2 before the lifetime ends", "[ike][rekey]") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  connect_with_lifetime(lab, 120);
  const uint32_t old_in = lab.only_sa().ipsec[0].inbound.spi;
  const uint32_t old_id = lab.only_sa().ipsec[0].id;
  // Nothing before 85 % of the lifetime.
  lab.env.t += 100;
  lab.engine.tick();
  CHECK(lab.env.sent.empty());
  // By 90 % a quick mode from us, for the same proxies.
  lab.env.t += 8;
  lab.engine.tick();
  uint32_t msgid = answer_qm1(lab, 0xc11e0002);
  REQUIRE(msgid != 0);
  CHECK(lab.env.logged("IKE Initiator: Rekeying Phase 2"));
  // QM3 from us, and both SAs are up; traffic leaves on the new one.
  REQUIRE(lab.env.sent.size() == 1);
  lab.env.take();
  REQUIRE(lab.only_sa().ipsec.size() == 2);
  const IpsecSa& fresh = lab.only_sa().ipsec[1];
  CHECK(fresh.outbound.spi == 0xc11e0002);
  // While it was installed, the encrypt rule for its proxies was still the old SA's.
  CHECK(
      lab.env.logged(fmt::format("NP encrypt rule look up for crypto map DYN 10 matching ACL "
                                 "Unknown: returned cs_id={:08x}; rule={:08x}",
                                 fresh.id, old_id)));
  CHECK(fresh.remote.address == config::Ipv4{0xcb00710a});
  CHECK(lab.sad.size() == 2);
  uint32_t out_spi = 0;
  lab.sad.with_outbound(0xc000020a, 0xcb00710a,
                        [&](dataplane::Sad::Entry& e) { out_spi = e.spec.spi_out; });
  CHECK(out_spi == 0xc11e0002);
  // The old SA stays while the client still sends on it...
  lab.engine.tick();
  CHECK(lab.only_sa().ipsec.size() == 2);
  // ...and goes once the client's traffic arrives on the new one (the client is told).
  client_sends(lab, fresh);
  lab.engine.tick();
  REQUIRE(lab.only_sa().ipsec.size() == 1);
  CHECK(lab.only_sa().ipsec[0].inbound.spi != old_in);
  CHECK(lab.env.logged("deleted: replaced by its rekey"));
  // What the client sent on the old one just before may still be queued behind its switch: it
  // decrypts a moment longer, and nothing leaves on it.
  CHECK(lab.sad.inbound_spi_in_use(old_in));
  lab.env.t += timers::kDrainSeconds;
  lab.engine.tick();
  CHECK_FALSE(lab.sad.inbound_spi_in_use(old_in));
  CHECK(lab.sad.size() == 1);
  // The successor is rekeyed in its turn.
  lab.env.sent.clear();
  lab.env.t += 110;
  lab.engine.tick();
  CHECK(answer_qm1(lab, 0xc11e0003) != 0);
}

TEST_CASE("a rekey the client never answers is tried again, and the SA ends at its lifetime",
          "[ike][rekey]") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  connect_with_lifetime(lab, 120);
  int quick_modes = 0;
  for (int s = 0; s < 125; ++s) {
    lab.env.t += 1;
    lab.engine.tick();
    for (auto& [to, d] : lab.env.sent) {
      auto m = parse_message(d.data(), d.size());
      if (m && m->header.exchange == Exchange::QuickMode) ++quick_modes;
    }
    lab.env.sent.clear();
  }
  CHECK(quick_modes >= 2);  // the first try and its resends, at least
  CHECK(lab.only_sa().ipsec.empty());
  CHECK(lab.engine.sas().size() == 1);  // phase 1 stays
  CHECK(lab.env.logged("deleted: lifetime expired"));
}

TEST_CASE("both ends rekeying at once leave one SA pair in use", "[ike][rekey]") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  connect_with_lifetime(lab, 120);
  lab.env.t += 108;
  lab.engine.tick();  // our rekey goes out...
  REQUIRE(!lab.env.sent.empty());
  Bytes ours = lab.env.take();
  // ...while the client starts its own for the same proxies.
  auto qm2 = lab.qm1(0x200, kClient, {}, 120);
  REQUIRE(qm2.has_value());
  lab.qm3(0x200, *qm2);
  lab.env.sent.insert(lab.env.sent.begin(), {lab.peer.gw, ours});
  lab.env.sent_from.insert(lab.env.sent_from.begin(), lab.peer.gw);
  REQUIRE(answer_qm1(lab, 0xc11e0009) != 0);
  // Three SAs at most for a moment; the client's traffic on the newest retires the others.
  CHECK(lab.only_sa().ipsec.size() <= 3);
  client_sends(lab, lab.only_sa().ipsec.back());
  lab.engine.tick();
  CHECK(lab.only_sa().ipsec.size() == 1);
}

namespace {

// n ESP packets on the SA's inbound SPI, numbered from seq, whose ICV is wrong (the client keyed
// with other keys): each fails at the dataplane, as vpnc's did after its delete-triggered
// quick mode.
void client_sends_badly(Lab& lab, const IpsecSa& ips, int n, uint32_t seq = 1) {
  dataplane::EspKeys keys{dataplane::EspCipher::AesCbc128, dataplane::EspAuth::HmacSha1,
                          ips.inbound.encryption_key.bytes(), Bytes(20, 0x77)};
  auto client = dataplane::EspSa::create(ips.inbound.spi, keys);
  REQUIRE(client);
  (*client)->set_next_sequence(seq);
  for (int i = 0; i < n; ++i) {
    std::vector<uint8_t> inner(60, 0), esp(200);
    inner[0] = 0x45;
    size_t len = (*client)->encap(inner.data(), inner.size(), esp.data(), esp.size());
    REQUIRE(len > 0);
    lab.sad.with_inbound(ips.inbound.spi, [&](dataplane::Sad::Entry& e) {
      uint8_t* in = nullptr;
      uint8_t next = 0;
      dataplane::EspDrop drop{};
      CHECK(e.in->decap(esp.data(), len, &in, &next, &drop) == 0);
      CHECK(drop == dataplane::EspDrop::AuthFailed);
    });
  }
}

size_t count_402120(const Lab& lab) {
  size_t n = 0;
  for (const auto& s : lab.env.syslogs) n += s.starts_with("%ASA-4-402120: ");
  return n;
}

}  // namespace

TEST_CASE("a new SA that fails verification on every packet is logged once and counted",
          "[ike][rekey]") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  connect_with_lifetime(lab, 120);
  const IpsecSa first = lab.only_sa().ipsec[0];
  // A few bad packets are not yet a pattern.
  client_sends_badly(lab, first, 15);
  lab.engine.tick();
  CHECK(count_402120(lab) == 0);
  CHECK(lab.engine.stats().sas_failing_verification == 0);
  // The sixteenth, with none good before it: told once, counted once.
  client_sends_badly(lab, first, 1, 16);
  lab.engine.tick();
  REQUIRE(count_402120(lab) == 1);
  CHECK(lab.env.syslogs.back() ==
        fmt::format("%ASA-4-402120: IPSEC: Received an ESP packet (SPI= 0x{:08X}, sequence "
                    "number= 0x10) from 198.51.100.2 (user= cisco) to 198.51.100.1 that failed "
                    "authentication.",
                    first.inbound.spi));
  CHECK(lab.engine.stats().sas_failing_verification == 1);
  CHECK(lab.env.logged("packets failed authentication and none passed"));
  // More of the same stays one line: a flood cannot fill the log.
  client_sends_badly(lab, first, 100, 17);
  for (int s = 0; s < 10; ++s) {
    lab.env.t += 1;
    lab.engine.tick();
  }
  CHECK(count_402120(lab) == 1);
  CHECK(lab.engine.stats().sas_failing_verification == 1);
}

TEST_CASE("forged packets on an SA that carried traffic are not taken for bad keys",
          "[ike][rekey]") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  connect_with_lifetime(lab, 120);
  const IpsecSa first = lab.only_sa().ipsec[0];
  client_sends(lab, first);
  client_sends_badly(lab, first, 50, 2);
  lab.engine.tick();
  CHECK(count_402120(lab) == 0);
  CHECK(lab.engine.stats().sas_failing_verification == 0);
}

TEST_CASE("a lost rekey message is sent again and the rekey completes", "[ike][rekey]") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  connect_with_lifetime(lab, 120);
  lab.env.t += 108;
  lab.engine.tick();
  REQUIRE(!lab.env.sent.empty());
  lab.env.take();  // our QM1 is lost on the way
  CHECK(lab.only_sa().ipsec.size() == 1);
  lab.env.t += 2;
  lab.engine.tick();  // resent after 2 s, the same message
  REQUIRE(answer_qm1(lab, 0xc11e0042) != 0);
  REQUIRE(lab.only_sa().ipsec.size() == 2);
  CHECK(lab.only_sa().ipsec[1].outbound.spi == 0xc11e0042);
  CHECK(lab.engine.stats().retransmits >= 1);
}
}  // namespace ike_rekey_test
