// What libreswan (and any careful peer) does that the plain EzVPN flow does not (issue 18): a
// padded first message, a quick mode refused and retransmitted, a key mismatch reported in the
// clear, a QM3 that never comes.
#include <algorithm>

#include <catch2/catch.hpp>

#include "control/ike/engine.hpp"
#include "control/ike/timers.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_peer_quirks_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

// extra zero bytes after the last payload, counted in the header's length (libreswan's ikepad).
Bytes pad(Bytes b, size_t extra) {
  b.insert(b.end(), extra, 0);
  for (int i = 0; i < 4; ++i) b[27 - i] = static_cast<uint8_t>(b.size() >> (8 * i));
  return b;
}

// Up to mode-config: a client with an address, ready for quick mode.
void up_to_quick_mode(Lab& lab) {
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.mode_config();
}

}  // namespace

TEST_CASE("AM1 padded to a multiple of 4 (libreswan ikepad=yes) is answered", "[ike][libreswan]") {
  for (size_t extra : {size_t{2}, kMaxPlainPadding}) {
    Lab lab;
    Bytes am1 = lab.peer.am1("EZ");
    // ID_KEY_ID "EZ" is a 10-byte payload: the chain ends 2 bytes short of a multiple of 4.
    CHECK(am1.size() % 4 == 2);
    lab.deliver(pad(am1, extra));
    INFO(extra);
    REQUIRE(lab.env.sent.size() == 1);
    lab.deliver(lab.peer.am3(lab.env.take()));
    CHECK(lab.peer.hash_ok);
    CHECK(lab.only_sa().state == P1State::XauthWait);
    CHECK(lab.engine.stats().malformed == 0);
    CHECK_FALSE(lab.env.logged("malformed"));
  }
}

TEST_CASE("more trailing bytes than any padding stay malformed, counted and unanswered",
          "[ike][libreswan]") {
  Lab lab;
  Bytes am1 = lab.peer.am1("EZ");
  lab.deliver(pad(am1, kMaxPlainPadding + 1));
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.sas().empty());
  CHECK(lab.engine.stats().malformed == 1);
  CHECK(lab.engine.stats().in_drop == 1);
  CHECK(
      lab.env.logged(fmt::format("Received malformed IKE message, dropping: HDR payload: "
                                 "length has trailing data (offset {})",
                                 am1.size())));
}

TEST_CASE("a refused quick mode retransmitted gets the same refusal, never a phase-1 message",
          "[ike][libreswan]") {
  Lab lab;
  up_to_quick_mode(lab);
  // 3DES where the transform set says AES: NO_PROPOSAL_CHOSEN in an informational.
  Transform t{1, 3, {Attribute::tv(4, 1), Attribute::tv(5, 2)}};
  SaPayload sa;
  sa.proposals.push_back(Proposal{1, 3, test::be32(0xc0ffee02), {t}});
  IdPayload idci{1, 0, 0, {203, 0, 113, 10}}, idcr{4, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
  Bytes qm1 = lab.peer.seal(Exchange::QuickMode, 0x4242,
                            {sa, OpaquePayload{PayloadType::Nonce, Bytes(16, 7)}, idci, idcr});
  lab.deliver(qm1);
  Bytes refusal = lab.env.take();
  CHECK(lab.env.logged("All IPSec SA proposals found unacceptable!"));
  for (int i = 0; i < 3; ++i) {  // libreswan retransmits QM1 until its own timeout
    lab.deliver(qm1);
    REQUIRE(lab.env.sent.size() == 1);
    Bytes again = lab.env.take();
    auto m = parse_message(again.data(), again.size());
    REQUIRE(m);
    CHECK(m->header.exchange == Exchange::Informational);
    CHECK(again == refusal);
  }
  CHECK(lab.engine.stats().duplicates == 3);
  CHECK(lab.engine.stats().in_p2_rejects == 1);
  uint32_t msgid = 0;
  auto notify = lab.peer.open(refusal, msgid);
  CHECK(lab.peer.hash_ok);
  CHECK(std::get<NotifyPayload>(notify.at(1)).type == 14);
}

TEST_CASE("a retransmitted message whose handling sent nothing gets nothing back",
          "[ike][libreswan]") {
  Lab lab;
  up_to_quick_mode(lab);
  // An R-U-THERE-ACK nobody asked for is answered with nothing, and so is its copy (before,
  // the copy was answered with whatever we last retransmitted).
  NotifyPayload ack;
  ack.protocol = 1;
  ack.type = 36137;
  ack.spi.assign(lab.peer.ci.begin(), lab.peer.ci.end());
  ack.spi.insert(ack.spi.end(), lab.peer.cr.begin(), lab.peer.cr.end());
  ack.data = test::be32(9);
  Bytes m = lab.peer.seal(Exchange::Informational, 0x777, {ack});
  lab.deliver(m);
  lab.deliver(m);
  CHECK(lab.env.sent.empty());
}

TEST_CASE("an un-encrypted notify is logged with its type, as the ASA does", "[ike][libreswan]") {
  Lab lab;
  lab.peer.psk = "not-the-key";
  lab.deliver(lab.peer.am1("EZ"));
  Bytes am2 = lab.env.take();
  auto answer = parse_message(am2.data(), am2.size());
  REQUIRE(answer);
  const Cookie cr = answer->header.responder_cookie;
  // A client with another key cannot check AM2's HASH_R and says so in the clear.
  Message m;
  m.header.initiator_cookie = lab.peer.ci;
  m.header.responder_cookie = cr;
  m.header.exchange = Exchange::Informational;
  m.header.message_id = 0x1d2e3f;
  NotifyPayload n;
  n.protocol = 1;
  n.type = 23;
  n.spi.assign(lab.peer.ci.begin(), lab.peer.ci.end());
  n.spi.insert(n.spi.end(), cr.begin(), cr.end());
  m.payloads.push_back(n);
  lab.deliver(pad(serialize_message(m), 3));
  CHECK(
      lab.env.logged("[IKEv1]Group = EZ, IP = 198.51.100.2, Received an un-encrypted "
                     "INVALID_HASH_INFORMATION notify message, dropping"));
  CHECK(lab.engine.stats().in_notifies == 1);
  CHECK(lab.env.sent.empty());
  // A type no RFC names is printed as its number.
  n.type = 40001;
  m.payloads = {n};
  lab.deliver(serialize_message(m));
  CHECK(lab.env.logged("Received an un-encrypted 40001 notify message, dropping"));
}

TEST_CASE("a QM3 that never comes abandons that quick mode, not the session", "[ike][libreswan]") {
  Lab lab;
  up_to_quick_mode(lab);
  auto qm2 = lab.qm1(0x5151, {203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  for (int i = 0; i < 3; ++i) {  // QM2 again at 2, 6 and 14 s
    lab.env.t += 2u << i;
    lab.engine.tick();
    REQUIRE(lab.env.sent.size() == 1);
    auto m = lab.env.take();
    auto parsed = parse_message(m.data(), m.size());
    REQUIRE(parsed);
    CHECK(parsed->header.message_id == 0x5151);
  }
  lab.env.t += 16;
  lab.engine.tick();
  CHECK(lab.env.sent.empty());  // no delete: the IKE SA stays
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().quick_modes.empty());
  CHECK(lab.only_sa().state == P1State::AmActive);
  CHECK(lab.env.logged("QM FSM error (P2 struct &0x"));
  CHECK(lab.env.logged("mess id 0x5151)!"));
  CHECK_FALSE(lab.env.logged("retransmission limit"));
  CHECK(lab.console.run("show vpn-sessiondb remote").find("Username     : cisco") !=
        std::string::npos);
  // The client tries again and this time finishes.
  auto again = lab.qm1(0x5252, {203, 0, 113, 10});
  REQUIRE(again.has_value());
  lab.qm3(0x5252, *again);
  CHECK(lab.only_sa().ipsec.size() == 1);
}

TEST_CASE("vpnc's Deletes under message id 0 end its SAs, and phase 1's IV chain stays",
          "[ike][vpnc]") {
  // vpnc draws a Delete's message id from one random byte: one in 256 is 0. Its IV is still
  // the exchange's own, hash(last phase-1 block | M-ID), as for any other id.
  Lab lab;
  up_to_quick_mode(lab);
  auto qm2 = lab.qm1(0x6161, {203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  lab.qm3(0x6161, *qm2);
  REQUIRE(lab.only_sa().ipsec.size() == 1);
  const Bytes phase1_iv = lab.only_sa().phase1_iv;
  const uint32_t ours = lab.only_sa().ipsec.at(0).inbound.spi;
  DeletePayload esp;
  esp.protocol = 3;
  esp.spi_size = 4;
  esp.spis.push_back(test::be32(lab.only_sa().ipsec.at(0).outbound.spi));
  lab.deliver(lab.peer.seal(Exchange::Informational, 0, {esp}));
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().ipsec.empty());
  CHECK(lab.only_sa().phase1_iv == phase1_iv);
  // What the client sent before its Delete may still be queued: the SA decrypts a moment
  // longer; nothing leaves on it.
  CHECK(lab.sad.inbound_spi_in_use(ours));
  CHECK_FALSE(lab.sad.with_outbound(0xc000020a, 0xcb00710a, [](dataplane::Sad::Entry&) {}));
  lab.env.t += timers::kDrainSeconds;
  lab.engine.tick();
  CHECK_FALSE(lab.sad.inbound_spi_in_use(ours));
  lab.env.sent.clear();
  CHECK(lab.engine.stats().decrypt_fails == 0);
  // The peer's next informational (a fresh id, IV from the unchanged phase-1 block) is read.
  NotifyPayload ruthere;
  ruthere.protocol = 1;
  ruthere.type = 36136;
  ruthere.spi.assign(lab.peer.ci.begin(), lab.peer.ci.end());
  ruthere.spi.insert(ruthere.spi.end(), lab.peer.cr.begin(), lab.peer.cr.end());
  ruthere.data = test::be32(5);
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x62, {ruthere}));
  CHECK(lab.env.sent.size() == 1);  // the R-U-THERE-ACK
  lab.env.sent.clear();
  // The IKE Delete, under message id 0 again (vpnc's IV for it is the same hash): the session
  // ends with the message.
  lab.peer.ivs.erase(0);
  DeletePayload ike;
  ike.protocol = 1;
  ike.spi_size = 16;
  Bytes cookies(lab.peer.ci.begin(), lab.peer.ci.end());
  cookies.insert(cookies.end(), lab.peer.cr.begin(), lab.peer.cr.end());
  ike.spis.push_back(cookies);
  lab.deliver(lab.peer.seal(Exchange::Informational, 0, {ike}));
  CHECK(lab.engine.sas().empty());
  CHECK(std::any_of(lab.env.syslogs.begin(), lab.env.syslogs.end(), [](const std::string& s) {
    return s.find("Session disconnected") != std::string::npos &&
           s.find("Reason: User Requested") != std::string::npos;
  }));
}

namespace {

bool leaves_on(Lab& lab, uint32_t client, uint64_t id) {
  uint64_t found = 0;
  lab.sad.with_outbound(0xc000020a, client, [&](dataplane::Sad::Entry& e) { found = e.spec.id; });
  return found == id;
}

}  // namespace

TEST_CASE("a client may send on its new SA between our QM2 and its QM3", "[ike][rekey]") {
  // The initiator has the keys once it has QM2 and may send at once (a rekey under load does);
  // we may send on its SPI only once its QM3 shows it has them.
  Lab lab;
  up_to_quick_mode(lab);
  auto qm2 = lab.qm1(0x7171, {203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  const IpsecSa pending = lab.only_sa().quick_modes.at(0x7171).sa;
  CHECK(test::client_packet_decrypts(lab, pending));
  CHECK_FALSE(leaves_on(lab, 0xcb00710a, pending.id));
  lab.qm3(0x7171, *qm2);
  REQUIRE(lab.only_sa().ipsec.size() == 1);
  CHECK(leaves_on(lab, 0xcb00710a, pending.id));
  uint64_t bytes = 0;
  lab.sad.with(pending.id, [&](const dataplane::Sad::Entry& e) { bytes = e.in->counters().bytes; });
  CHECK(bytes > 0);  // what came before QM3 is the SA's
  // A QM3 that never comes: the SA goes from the dataplane with its quick mode.
  auto qm2b = lab.qm1(0x7272, {203, 0, 113, 10});
  REQUIRE(qm2b.has_value());
  const uint32_t spi = lab.only_sa().quick_modes.at(0x7272).sa.inbound.spi;
  CHECK(lab.sad.inbound_spi_in_use(spi));
  for (int i = 0; i < 3; ++i) {  // QM2 again at 2, 6 and 14 s, then given up
    lab.env.t += 2u << i;
    lab.engine.tick();
  }
  lab.env.t += 16;
  lab.engine.tick();
  lab.env.sent.clear();
  CHECK(lab.only_sa().quick_modes.empty());
  CHECK_FALSE(lab.sad.inbound_spi_in_use(spi));
  CHECK(leaves_on(lab, 0xcb00710a, pending.id));
  // An IKE SA that goes with a quick mode in flight takes that SA along.
  auto qm2c = lab.qm1(0x7373, {203, 0, 113, 10});
  REQUIRE(qm2c.has_value());
  const uint32_t spi3 = lab.only_sa().quick_modes.at(0x7373).sa.inbound.spi;
  CHECK(lab.sad.inbound_spi_in_use(spi3));
  lab.console.run("clear crypto isakmp sa");
  CHECK(lab.engine.sas().empty());
  CHECK(lab.sad.size() == 0);
}
}  // namespace ike_peer_quirks_test
