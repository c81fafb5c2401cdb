// The engine as responder on a fake clock and RNG, with the console that configures it and the
// test initiator that plays the client: the fixture of the in-process engine tests.
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "control/ike/engine.hpp"
#include "dataplane/esp/esp_sa.hpp"
#include "tests/unit/ike_initiator.hpp"
#include "tests/unit/session_helpers.hpp"

namespace rampart::test {

using namespace rampart::ike;

inline constexpr const char* kConfig =
    "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\n"
    "exit\n"
    "ip local pool POOL 203.0.113.10-203.0.113.11 mask 255.255.255.0\n"
    "crypto ipsec ikev1 transform-set TRA esp-aes esp-sha-hmac\n"
    "crypto dynamic-map DYN 10 set ikev1 transform-set TRA\n"
    "crypto map MAP 65000 ipsec-isakmp dynamic DYN\n"
    "crypto map MAP interface outside\n"
    "crypto ikev1 enable outside\n"
    "crypto ikev1 policy 10\nauthentication pre-share\nencryption aes\nhash sha\ngroup 2\nexit\n"
    "username cisco password cisco\n"
    "group-policy EZ internal\ngroup-policy EZ attributes\ndns-server value 192.0.2.53\nexit\n"
    "tunnel-group EZ type remote-access\ntunnel-group EZ general-attributes\n"
    "address-pool POOL\ndefault-group-policy EZ\nexit\n"
    "tunnel-group EZ ipsec-attributes\nikev1 pre-shared-key cisco123\nexit\n";

struct Lab {
  test::Console console;
  test::FakeEnv env;
  Engine engine{console.cfg(), env};
  dataplane::Sad sad;
  test::Initiator peer;
  Lab() {
    engine.set_sad(&sad);
    REQUIRE(console.run(kConfig).find("ERROR") == std::string::npos);
    console.app.set_ike(&engine);
  }
  ~Lab() { console.app.set_ike(nullptr); }
  // The engine never lets an exception out: a bad message or a stale configuration is its
  // own business (counted in internal_errors), never its caller's.
  void deliver(Bytes d) { REQUIRE_NOTHROW(engine.receive(peer.datagram(std::move(d)))); }
  // Another client from now on: another address and cookie, the same group. What was sent to
  // the one before is not its business.
  void second_client(uint8_t host) {
    env.sent.clear();
    env.sent_from.clear();
    peer = test::Initiator{};
    peer.me = {*config::Ipv4::parse("198.51.100." + std::to_string(host)), 500};
    peer.ci = {9, 9, 9, 9, 9, 9, 9, host};
    peer.ni = Bytes(32, host);
  }
  // Takes out what the engine sent to any address but this client's (the IKE Delete telling a
  // client it was logged off); returns how many.
  size_t drop_sent_to_others() {
    size_t n = 0;
    for (size_t i = env.sent.size(); i-- > 0;)
      if (env.sent[i].first.address != peer.me.address) {
        env.sent.erase(env.sent.begin() + static_cast<long>(i));
        env.sent_from.erase(env.sent_from.begin() + static_cast<long>(i));
        ++n;
      }
    return n;
  }
  bool syslogged(std::string_view needle) const {
    for (const auto& s : env.syslogs)
      if (s.find(needle) != std::string::npos) return true;
    return false;
  }
  const IkeSa& only_sa() {
    REQUIRE(engine.sas().size() == 1);
    return *engine.sas().begin()->second;
  }

  // Aggressive mode up to XAUTH's request.
  void phase1() {
    deliver(peer.am1("EZ"));
    Bytes am2 = env.take();
    deliver(peer.am3(am2));
    CHECK(peer.hash_ok);
  }

  void xauth(const std::string& user, const std::string& password) {
    uint32_t msgid = 0;
    auto req = peer.open(env.take(), msgid);
    CHECK(peer.hash_ok);
    const auto& a = std::get<AttributePayload>(req.at(1));
    CHECK(a.type == 1);  // CFG_REQUEST
    AttributePayload reply;
    reply.type = 2;
    reply.identifier = a.identifier;
    reply.attributes = {Attribute::tlv(16521, Bytes(user.begin(), user.end())),
                        Attribute::tlv(16522, Bytes(password.begin(), password.end()))};
    deliver(peer.seal(Exchange::Transaction, msgid, {reply}));
  }

  // Answers the CFG_SET that follows XAUTH; returns its XAUTH_STATUS.
  uint16_t ack_status() {
    uint32_t msgid = 0;
    auto set = peer.open(env.take(), msgid);
    const auto& a = std::get<AttributePayload>(set.at(1));
    REQUIRE(a.type == 3);
    AttributePayload ack;
    ack.type = 4;
    ack.identifier = a.identifier;
    deliver(peer.seal(Exchange::Transaction, msgid, {ack}));
    return a.attributes.at(0).value;
  }

  // Quick mode for the client's side `client` (address, mask) to anything, ESP AES-128/SHA-1.
  // Returns QM2's payloads, or nothing when the engine did not answer with a quick mode.
  std::optional<std::vector<Payload>> qm1(uint32_t msgid, Bytes client, Bytes client_mask = {},
                                          uint32_t life_seconds = 3600) {
    Transform t{1,
                12,
                {Attribute::tv(4, 1), Attribute::tv(5, 2), Attribute::tv(6, 128),
                 Attribute::tv(1, 1), Attribute::tlv(2, be32(life_seconds))}};
    SaPayload sa;
    sa.proposals.push_back(Proposal{1, 3, be32(0xc0ffee00 + (msgid & 0xff)), {t}});
    IdPayload idci{client_mask.empty() ? uint8_t{1} : uint8_t{4}, 0, 0, client};
    idci.data.insert(idci.data.end(), client_mask.begin(), client_mask.end());
    IdPayload idcr{4, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
    qm_ni = Bytes(24, static_cast<uint8_t>(msgid));
    env.sent.clear();
    env.sent_from.clear();
    deliver(peer.seal(Exchange::QuickMode, msgid,
                      {sa, OpaquePayload{PayloadType::Nonce, qm_ni}, idci, idcr}));
    qm_reply.clear();
    if (env.sent.empty()) return std::nullopt;
    uint32_t got = 0;
    Bytes d = env.take();
    auto m = parse_message(d.data(), d.size());
    qm_reply = peer.open(d, got, m && m->header.exchange == Exchange::QuickMode ? qm_ni : Bytes{});
    if (got != msgid || qm_reply.size() < 2 || !std::holds_alternative<SaPayload>(qm_reply[1]))
      return std::nullopt;
    return qm_reply;
  }
  // What the engine answered the last qm1 with (QM2, or an informational), decrypted.
  std::vector<Payload> qm_reply;
  bool qm_refused_with(uint16_t notify) const {
    for (const auto& x : qm_reply)
      if (const auto* n = std::get_if<NotifyPayload>(&x); n && n->type == notify) return true;
    return false;
  }

  // QM3 for the QM2 that qm1 returned: the SA pair is installed.
  void qm3(uint32_t msgid, const std::vector<Payload>& qm2) {
    Bytes nr = std::get<OpaquePayload>(qm2.at(2)).data;
    Bytes h3{0};
    Bytes mid = be32(msgid);
    h3.insert(h3.end(), mid.begin(), mid.end());
    h3.insert(h3.end(), qm_ni.begin(), qm_ni.end());
    h3.insert(h3.end(), nr.begin(), nr.end());
    deliver(peer.seal(Exchange::QuickMode, msgid, {}, {},
                      prf(HashAlg::Sha1, peer.keys.skeyid_a.bytes(), h3)));
  }
  Bytes qm_ni;

  AttributePayload mode_config() {
    AttributePayload req;
    req.type = 1;
    req.identifier = 7;
    for (uint16_t t : {1, 2, 3}) req.attributes.push_back(Attribute::tlv(t, {}));
    deliver(peer.seal(Exchange::Transaction, 0x1234, {req}));
    uint32_t msgid = 0;
    auto reply = peer.open(env.take(), msgid);
    CHECK(msgid == 0x1234);
    return std::get<AttributePayload>(reply.at(1));
  }
};

// ESP packets from the client on the SA's inbound SPI (sequence numbers 1 and on), sealed with the
// client's keys and opened by what the dataplane holds under that SPI: true when all decrypted.
// sent: how many the client has sent on the SA before (their sequence numbers are used up).
inline bool client_packet_decrypts(Lab& lab, const IpsecSa& ips, int packets = 1, int sent = 0) {
  dataplane::EspKeys keys{dataplane::EspCipher::AesCbc128, dataplane::EspAuth::HmacSha1,
                          ips.inbound.encryption_key.bytes(), ips.inbound.integrity_key.bytes()};
  auto client = dataplane::EspSa::create(ips.inbound.spi, keys);
  REQUIRE(client);
  int opened = 0;
  for (int i = -sent; i < packets; ++i) {
    std::vector<uint8_t> inner(60, 0), esp(200);
    inner[0] = 0x45;
    size_t n = (*client)->encap(inner.data(), inner.size(), esp.data(), esp.size());
    REQUIRE(n > 0);
    if (i < 0) continue;
    lab.sad.with_inbound(ips.inbound.spi, [&](dataplane::Sad::Entry& e) {
      uint8_t* in = nullptr;
      uint8_t next = 0;
      dataplane::EspDrop drop{};
      if (e.in->decap(esp.data(), n, &in, &next, &drop) > 0) ++opened;
    });
  }
  return opened == packets;
}

}  // namespace rampart::test
