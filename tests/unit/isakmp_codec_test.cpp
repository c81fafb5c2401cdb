// The ISAKMP codec: symmetric parse/serialise, a hand-assembled wire vector, the ASA's
// IKE_DECODE summary, and every malformed-input error.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include <fmt/format.h>

#include "control/ike/codec/message.hpp"
#include "tests/unit/hex.hpp"

namespace isakmp_codec_test {

using namespace rampart::ike;

namespace {

using rampart::test::hex;

// An aggressive-mode first message shaped like vpnc's (seed 000: SA, KE, NONCE, ID, VIDs).
Message am1() {
  Message m;
  m.header.initiator_cookie = {0xd5, 0x61, 0x97, 0x78, 0x0d, 0x7b, 0xe3, 0xe5};
  m.header.exchange = Exchange::Aggressive;
  SaPayload sa;
  Proposal p{1, 1, {}, {}};
  for (uint8_t i = 1; i <= 2; ++i) {
    Transform t{i, 1, {}};
    t.attributes = {Attribute::tv(1, 7),
                    Attribute::tv(14, i == 1 ? 256 : 128),
                    Attribute::tv(2, 2),
                    Attribute::tv(3, 65001),
                    Attribute::tv(4, 2),
                    Attribute::tv(11, 1),
                    Attribute::tlv(12, {0x00, 0x20, 0xc4, 0x9b})};
    p.transforms.push_back(t);
  }
  sa.proposals.push_back(p);
  m.payloads.push_back(sa);
  m.payloads.push_back(OpaquePayload{PayloadType::KE, Bytes(128, 0x42)});
  m.payloads.push_back(OpaquePayload{PayloadType::Nonce, Bytes(20, 0x17)});
  m.payloads.push_back(IdPayload{11, 17, 500, Bytes{'E', 'Z'}});
  m.payloads.push_back(OpaquePayload{PayloadType::VendorId, hex("09002689dfd6b712")});  // XAUTH
  m.payloads.push_back(
      OpaquePayload{PayloadType::VendorId, hex("12f5f28c457168a9702d9fe274cc0100")});
  return m;
}

// The message with pad zero bytes appended and the header's length counting them.
Bytes padded(Bytes b, size_t pad) {
  b.insert(b.end(), pad, 0);
  for (int i = 0; i < 4; ++i) b[27 - i] = static_cast<uint8_t>(b.size() >> (8 * i));
  return b;
}

}  // namespace

TEST_CASE("a message serialises and parses back to the same value") {
  Message m = am1();
  Bytes wire = serialize_message(m);
  auto back = parse_message(wire.data(), wire.size());
  REQUIRE(back);
  CHECK(back->header.exchange == Exchange::Aggressive);
  CHECK(back->header.length == wire.size());
  CHECK(back->payloads == m.payloads);
  CHECK(serialize_message(*back) == wire);
  CHECK(describe(back->payloads, wire.size()) ==
        "HDR + SA (1) + KE (4) + NONCE (10) + ID (5) + VENDOR (13) + VENDOR (13) + NONE (0) "
        "total length : " +
            std::to_string(wire.size()));
}

TEST_CASE("a hand-assembled datagram parses field by field") {
  // HDR (next NOTIFY) + NOTIFY INITIAL-CONTACT (24578) for ISAKMP, 16-byte SPI = the cookies,
  // as RFC 2407 4.6.3.3 has it; informational exchange, message ID 0x0e83792e.
  Bytes wire =
      hex("d56197780d7be3e5 1b301d2de710eda0 0b 10 05 00 0e83792e 00000038"
          "00 00 001c 00000001 01 10 6002 d56197780d7be3e5 1b301d2de710eda0");
  auto m = parse_message(wire.data(), wire.size());
  REQUIRE(m);
  CHECK(m->header.exchange == Exchange::Informational);
  CHECK(m->header.message_id == 0x0e83792e);
  REQUIRE(m->payloads.size() == 1);
  const auto& n = std::get<NotifyPayload>(m->payloads[0]);
  CHECK(n.type == 24578);
  CHECK(n.protocol == 1);
  CHECK(n.spi.size() == 16);
  CHECK(serialize_message(*m) == wire);
}

TEST_CASE("delete, mode-config and opaque payloads round-trip") {
  std::vector<Payload> ps{
      DeletePayload{1, 3, 4, {hex("c055290a"), hex("9e18acb2")}},
      AttributePayload{
          1, 0x1234, {Attribute::tlv(1, {}), Attribute::tlv(28672, {}), Attribute::tv(16520, 0)}},
      OpaquePayload{PayloadType::NatDDraft, Bytes(20, 9)},
      OpaquePayload{static_cast<PayloadType>(200), Bytes{1, 2, 3}},  // unknown: kept
  };
  Bytes body = serialize_payloads(ps);
  size_t used = 0;
  auto back = parse_payloads(PayloadType::Delete, body, &used);
  REQUIRE(back);
  CHECK(*back == ps);
  CHECK(used == body.size());
  // Padding after the chain (an encrypted body) is left for the caller.
  body.insert(body.end(), 7, 0);
  back = parse_payloads(PayloadType::Delete, body, &used);
  REQUIRE(back);
  CHECK(used == body.size() - 7);
}

TEST_CASE("a plain message padded after its last payload parses (libreswan ikepad=yes)") {
  // AM1 of a client whose ID payload is not a multiple of 4 long (ID_KEY_ID "EZ"): libreswan
  // pads the message to a multiple of 4 and counts the padding in the header's length.
  Message am = am1();
  Bytes plain = serialize_message(am);
  for (size_t pad = 1; pad <= kMaxPlainPadding; ++pad) {
    Bytes b = padded(plain, pad);
    auto m = parse_message(b.data(), b.size());
    INFO(pad);
    REQUIRE(m);
    CHECK(m->payloads == am.payloads);
    CHECK(m->header.length == plain.size() + pad);
  }
}

TEST_CASE("malformed input is a value-level error that says where") {
  Bytes good = serialize_message(am1());
  auto err = [](Bytes b) {
    auto m = parse_message(b.data(), b.size());
    REQUIRE_FALSE(m);
    return m.error().text();
  };
  CHECK(
      err(Bytes(good.begin(), good.begin() + 20)).starts_with("HDR payload: message ID truncated"));
  Bytes truncated(good.begin(), good.end() - 5);
  CHECK(err(truncated).starts_with("HDR payload: length does not match the datagram"));
  Bytes v2 = good;
  v2[17] = 0x20;
  CHECK(err(v2).starts_with("HDR payload: major version is not 1"));
  Bytes short_len = good;
  short_len[kHeaderSize + 2] = 0;
  short_len[kHeaderSize + 3] = 3;
  CHECK(err(short_len).starts_with("SA payload: length too short"));
  Bytes long_len = good;
  long_len[kHeaderSize + 2] = 0xff;
  CHECK(err(long_len).starts_with("SA payload: length exceeds the enclosing data"));
  // More bytes after the last payload than any padding: refused, and the offset says where.
  Bytes trailing = padded(good, kMaxPlainPadding + 1);
  CHECK(err(trailing) ==
        fmt::format("HDR payload: length has trailing data (offset {})", good.size()));
  // A proposal that announces more transforms than it carries.
  Bytes count = good;
  count[kHeaderSize + 4 + 8 + 7] = 3;
  CHECK(err(count).find("Transform") != std::string::npos);
  // A delete whose SPI count does not match its length.
  Bytes del = serialize_payloads({DeletePayload{1, 3, 4, {hex("c055290a")}}});
  del[4 + 7] = 9;
  auto d = parse_payloads(PayloadType::Delete, del);
  REQUIRE_FALSE(d);
  CHECK(d.error().text().starts_with("DELETE payload: number of SPIs does not match the length"));
  Bytes huge(kMaxMessage + 1, 0);
  CHECK(err(huge).starts_with("HDR payload: length too large"));
}

TEST_CASE("datagrams captured from a vpnc session round-trip byte for byte") {
  // tests/vectors/isakmp_captured.txt: tshark's capture of vpnc 0.5.3 talking to Rampart.
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) + "/tests/vectors/isakmp_captured.txt");
  std::map<std::string, Bytes> v;
  for (std::string line; std::getline(f, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find(" = ");
    Bytes b;
    for (size_t i = eq + 3; i + 1 < line.size(); i += 2)
      b.push_back(static_cast<uint8_t>(std::stoi(line.substr(i, 2), nullptr, 16)));
    v[line.substr(0, eq)] = b;
  }
  REQUIRE(v.size() == 3);
  for (const auto& [name, wire] : v) {
    INFO(name);
    auto m = parse_message(wire.data(), wire.size());
    REQUIRE(m);
    CHECK(serialize_message(*m) == wire);
  }
  auto am1 = parse_message(v["vpnc_am1"].data(), v["vpnc_am1"].size());
  CHECK(describe(am1->payloads, v["vpnc_am1"].size()) ==
        "HDR + SA (1) + KE (4) + NONCE (10) + ID (5) + VENDOR (13) + VENDOR (13) + VENDOR (13) + "
        "VENDOR (13) + VENDOR (13) + VENDOR (13) + VENDOR (13) + VENDOR (13) + VENDOR (13) + NONE "
        "(0) total length : 1298");
  const auto& sa = std::get<SaPayload>(am1->payloads.at(0));
  CHECK(sa.proposals.at(0).transforms.size() == 24);
  auto am3 = parse_message(v["vpnc_am3_encrypted"].data(), v["vpnc_am3_encrypted"].size());
  CHECK((am3->header.flags & kFlagEncrypted));
}

TEST_CASE("the fuzz regression of libreswan's padded AM1 parses") {
  // tests/fuzz/regressions/isakmp_decode/am1-ikepad-libreswan: SA, KE, NONCE and ID_KEY_ID
  // "EZ" (a 10-byte payload), then 2 bytes of padding counted in the header's length.
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) +
                      "/tests/fuzz/regressions/isakmp_decode/am1-ikepad-libreswan",
                  std::ios::binary);
  Bytes b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  REQUIRE(b.size() == 396);
  auto m = parse_message(b.data(), b.size());
  REQUIRE(m);
  REQUIRE(m->payloads.size() == 4);
  CHECK(std::get<IdPayload>(m->payloads[3]).data == Bytes{'E', 'Z'});
}
}  // namespace isakmp_codec_test
