// TACACS+ codec (RFC 8907): the body obfuscation against the RFC's formula computed here with
// OpenSSL's MD5 (and one vector from Python's hashlib), round trips of every body, and every
// malformed case refused with a reason (never an exception).
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>

#include "control/aaa/tacacs_client.hpp"
#include "control/aaa/tacacs_codec.hpp"
#include "tests/unit/hex.hpp"

namespace tacacs_codec_test {

using namespace rampart::aaa;
using namespace rampart::aaa::tacacs;

namespace {

Bytes md5(const Bytes& in) {
  Bytes out(16);
  size_t len = 0;
  REQUIRE(EVP_Q_digest(nullptr, "MD5", nullptr, in.data(), in.size(), out.data(), &len) == 1);
  return out;
}

// RFC 8907 4.5, written out plainly: pseudo_pad = MD5_1 MD5_2 ... MD5_n, truncated to the
// body's length, where MD5_1 = MD5{session_id, key, version, seq_no} and
// MD5_i = MD5{session_id, key, version, seq_no, MD5_i-1}.
Bytes rfc_pad(uint32_t session_id, const std::string& key, uint8_t version, uint8_t seq,
              size_t len) {
  Bytes base{static_cast<uint8_t>(session_id >> 24), static_cast<uint8_t>(session_id >> 16),
             static_cast<uint8_t>(session_id >> 8), static_cast<uint8_t>(session_id)};
  base.insert(base.end(), key.begin(), key.end());
  base.push_back(version);
  base.push_back(seq);
  Bytes pad, prev;
  while (pad.size() < len) {
    Bytes in = base;
    in.insert(in.end(), prev.begin(), prev.end());
    prev = md5(in);
    pad.insert(pad.end(), prev.begin(), prev.end());
  }
  pad.resize(len);
  return pad;
}

using rampart::test::hex;

Header header_for(Type type, uint8_t seq, uint32_t id, uint32_t len) {
  Header h;
  h.type = type;
  h.seq_no = seq;
  h.session_id = id;
  h.length = len;
  return h;
}

}  // namespace

TEST_CASE("obfuscation matches the RFC 8907 formula and is its own inverse", "[tacacs]") {
  Bytes body(20);
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<uint8_t>(i);
  Header h = header_for(Type::Authen, 1, 0x01020304, 20);
  Bytes ob = body;
  obfuscate(ob, h, "tackey");
  // Computed with Python's hashlib from the same formula.
  CHECK(ob == hex("04328cb448ebacccc153f56a50200469d3c7ff76"));
  CHECK(rfc_pad(0x01020304, "tackey", kVersionDefault, 1, 16) ==
        hex("04338eb74ceeaacbc95aff615c2d0a66"));
  obfuscate(ob, h, "tackey");
  CHECK(ob == body);

  // Longer bodies, other versions, seq_no and keys: XOR with the independent pad.
  for (size_t len : {0u, 1u, 15u, 16u, 17u, 100u, 1000u}) {
    for (uint8_t version : {kVersionDefault, kVersionOne}) {
      Bytes b(len, 0x5a);
      Header hh = header_for(Type::Acct, 7, 0xdeadbeef, static_cast<uint32_t>(len));
      hh.version = version;
      Bytes expect = b;
      Bytes pad = rfc_pad(0xdeadbeef, "a longer shared key", version, 7, len);
      for (size_t i = 0; i < len; ++i) expect[i] ^= pad[i];
      obfuscate(b, hh, "a longer shared key");
      CHECK(b == expect);
    }
  }
  // No key: the body stays as it is.
  Bytes clear = body;
  obfuscate(clear, h, "");
  CHECK(clear == body);
}

TEST_CASE("header round trip and refusals", "[tacacs]") {
  Header h = header_for(Type::Author, 3, 0xa1b2c3d4, 77);
  h.flags = kFlagSingleConnect;
  Bytes b = encode_header(h);
  REQUIRE(b.size() == kHeaderSize);
  auto back = decode_header(b.data(), b.size());
  REQUIRE(back);
  CHECK(*back == h);

  SECTION("short header") {
    auto r = decode_header(b.data(), 11);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == DecodeError::Kind::Malformed);
    CHECK(r.error().reason == "header too short (11 of 12 bytes)");
  }
  SECTION("wrong version") {
    for (uint8_t v : {0x00, 0xb0, 0xc2, 0xd0}) {
      Bytes w = b;
      w[0] = v;
      CHECK_FALSE(decode_header(w.data(), w.size()));
    }
  }
  SECTION("unknown type") {
    Bytes w = b;
    w[1] = 4;
    CHECK_FALSE(decode_header(w.data(), w.size()));
  }
  SECTION("body length above our cap") {
    Header big = h;
    big.length = kMaxBody + 1;
    Bytes w = encode_header(big);
    auto r = decode_header(w.data(), w.size());
    REQUIRE_FALSE(r);
    CHECK(r.error().reason.find("above our limit") != std::string::npos);
  }
}

TEST_CASE("a received packet must be the exchange's next one", "[tacacs]") {
  AuthenReply reply{AuthenStatus::Pass, 0, "welcome", ""};
  Bytes body = *encode(reply);
  Header h = header_for(Type::Authen, 2, 42, 0);
  Bytes packet = seal(h, body, "k");
  const Expect e{Type::Authen, 2, 42};

  auto ok = open_packet(packet.data(), packet.size(), e, "k");
  REQUIRE(ok);
  CHECK(*decode_authen_reply(*ok) == reply);

  // seq_no parity: a server packet carries the even number after ours.
  CHECK_FALSE(open_packet(packet.data(), packet.size(), Expect{Type::Authen, 4, 42}, "k"));
  Bytes odd = seal(header_for(Type::Authen, 3, 42, 0), body, "k");
  auto r = open_packet(odd.data(), odd.size(), e, "k");
  REQUIRE_FALSE(r);
  CHECK(r.error().reason == "seq_no 3 where 2 was expected");
  // Another session, another type.
  CHECK_FALSE(open_packet(packet.data(), packet.size(), Expect{Type::Authen, 2, 43}, "k"));
  CHECK_FALSE(open_packet(packet.data(), packet.size(), Expect{Type::Acct, 2, 42}, "k"));
  // The header's length lying about the body, both ways.
  Bytes shorter(packet.begin(), packet.end() - 1);
  CHECK_FALSE(open_packet(shorter.data(), shorter.size(), e, "k"));
  Bytes longer = packet;
  longer.push_back(0);
  CHECK_FALSE(open_packet(longer.data(), longer.size(), e, "k"));
  // Clear text while we have a key (RFC 8907 4.5).
  Bytes clear = seal(h, body, "");
  auto c = open_packet(clear.data(), clear.size(), e, "k");
  REQUIRE_FALSE(c);
  CHECK(c.error().kind == DecodeError::Kind::Malformed);
  // Another key: the header is fine, the body is not.
  auto wrong = open_packet(packet.data(), packet.size(), e, "other");
  REQUIRE(wrong);
  auto d = decode_authen_reply(*wrong);
  REQUIRE_FALSE(d);
  CHECK(d.error().kind == DecodeError::Kind::WrongKey);
}

TEST_CASE("every body round-trips", "[tacacs]") {
  AuthenStart start{Action::Login, 15,    AuthenType::Pap, AuthenService::Enable,
                    "admin",       "ssh", "198.51.100.2",  "secret"};
  CHECK(*decode_authen_start(*encode(start)) == start);
  AuthenReply reply{AuthenStatus::GetPass, kReplyFlagNoEcho, "Password: ", "x"};
  CHECK(*decode_authen_reply(*encode(reply)) == reply);
  AuthenContinue cont{"secret", "", kContinueFlagAbort};
  CHECK(*decode_authen_continue(*encode(cont)) == cont);
  AuthorRequest q;
  q.c.user = "alice";
  q.c.port = "vpn";
  q.c.rem_addr = "198.51.100.2";
  q.c.args = {"service=shell", "cmd*"};
  CHECK(*decode_author_request(*encode(q)) == q);
  AuthorResponse resp{AuthorStatus::PassAdd, {"priv-lvl=15", "acl=VPN"}, "ok", ""};
  CHECK(*decode_author_response(*encode(resp)) == resp);
  AcctRequest acct;
  acct.flags = kAcctFlagWatchdog;
  acct.c = q.c;
  acct.c.args = {"task_id=7", "bytes_in=10"};
  CHECK(*decode_acct_request(*encode(acct)) == acct);
  AcctReply ar{AcctStatus::Success, "", ""};
  CHECK(*decode_acct_reply(*encode(ar)) == ar);
}

TEST_CASE("encoders refuse what the length fields cannot say", "[tacacs]") {
  AuthenStart start;
  start.user = std::string(256, 'u');
  CHECK_FALSE(encode(start));
  AuthorRequest q;
  q.c.args.assign(256, "a=b");
  CHECK_FALSE(encode(q));
  q.c.args = {std::string(256, 'a')};
  CHECK_FALSE(encode(q));
}

TEST_CASE("malformed reply bodies are refused with the field named", "[tacacs]") {
  SECTION("AUTHEN REPLY") {
    CHECK(decode_authen_reply({}).error().reason == "AUTHEN REPLY: too short for status (0 bytes)");
    CHECK_FALSE(decode_authen_reply({1, 0, 0}));
    // server_msg_len 5 with 2 bytes there.
    auto r = decode_authen_reply({1, 0, 0, 5, 0, 0, 'o', 'k'});
    REQUIRE_FALSE(r);
    CHECK(r.error().reason ==
          "AUTHEN REPLY: lengths add up to 5 but 2 bytes follow the fixed fields");
    CHECK_FALSE(decode_authen_reply({1, 0, 0, 0, 0, 0, 'x'}));  // bytes after the last field
    CHECK_FALSE(decode_authen_reply({9, 0, 0, 0, 0, 0}));       // unknown status
    CHECK(decode_authen_reply({1, 0, 0, 0, 0, 0}));
  }
  SECTION("AUTHOR RESPONSE") {
    // arg_cnt 2 but only one arg length.
    CHECK_FALSE(decode_author_response({1, 2, 0, 0, 0, 0, 3}));
    // arg length beyond the body.
    auto r = decode_author_response({1, 1, 0, 0, 0, 0, 200, 'a', '=', 'b'});
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == DecodeError::Kind::WrongKey);
    CHECK(decode_author_response({1, 1, 0, 0, 0, 0, 3, 'a', '=', 'b'})->args ==
          std::vector<std::string>{"a=b"});
    CHECK_FALSE(decode_author_response({0x12, 0, 0, 0, 0, 0}));
  }
  SECTION("ACCT REPLY") {
    CHECK_FALSE(decode_acct_reply({0, 0, 0, 0}));
    CHECK_FALSE(decode_acct_reply({0, 1, 0, 0, 1}));  // message length with no message
    CHECK_FALSE(decode_acct_reply({0, 0, 0, 0, 3}));  // unknown status
    CHECK(decode_acct_reply({0, 0, 0, 0, 1}));
  }
  SECTION("requests, as the test server reads them") {
    CHECK_FALSE(decode_authen_start({1, 1, 1, 1, 5, 0, 0, 0, 'a'}));
    CHECK_FALSE(decode_authen_continue({0, 1, 0, 0}));
    CHECK_FALSE(decode_author_request({6, 1, 1, 1, 0, 0, 0, 1}));
    CHECK_FALSE(decode_acct_request({0x06, 6, 1, 1, 1, 0, 0, 0, 0}));  // START and STOP
  }
}

TEST_CASE("authorization attributes the ASA reads from TACACS+", "[tacacs]") {
  Authorization a;
  CHECK(apply_tacacs_attribute("priv-lvl=15", a));
  CHECK(a.privilege_level == 15);
  CHECK(apply_tacacs_attribute("priv-lvl*1", a));
  CHECK(a.privilege_level == 1);
  CHECK_FALSE(apply_tacacs_attribute("priv-lvl=16", a));
  CHECK_FALSE(apply_tacacs_attribute("priv-lvl=x", a));
  CHECK(a.privilege_level == 1);
  CHECK(apply_tacacs_attribute("acl=VPN-FILTER", a));
  CHECK(a.filter_acl == "VPN-FILTER");
  CHECK(apply_tacacs_attribute("idletime=30", a));
  CHECK(a.idle_timeout == 1800u);
  CHECK(apply_tacacs_attribute("timeout=60", a));
  CHECK(a.session_timeout == 3600u);
  CHECK_FALSE(apply_tacacs_attribute("timeout=99999999999", a));
  CHECK_FALSE(apply_tacacs_attribute("autocmd=show", a));
  CHECK_FALSE(apply_tacacs_attribute("noseparator", a));
}

TEST_CASE("the fuzzer's seed replies decode with the corpus key", "[tacacs]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(RAMPART_SOURCE_DIR) / "tests/fuzz/corpus/tacacs_reply";
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    Bytes b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(b.size() >= kHeaderSize);
    INFO(entry.path().filename().string());
    Header h;
    const uint32_t id =
        (uint32_t{b[4]} << 24) | (uint32_t{b[5]} << 16) | (uint32_t{b[6]} << 8) | b[7];
    auto body =
        open_packet(b.data(), b.size(), Expect{static_cast<Type>(b[1]), b[2], id}, "fuzzkey", &h);
    REQUIRE(body);
    bool ok = h.type == Type::Authen   ? bool(decode_authen_reply(*body))
              : h.type == Type::Author ? bool(decode_author_response(*body))
                                       : bool(decode_acct_reply(*body));
    CHECK(ok);
    ++seen;
  }
  CHECK(seen >= 10);
}

TEST_CASE("server text is made safe for log lines", "[tacacs]") {
  CHECK(printable("Password: ") == "Password: ");
  CHECK(printable("a\nb\r\x1b[2J\xff") == "a.b..[2J.");
  CHECK(printable(std::string(300, 'x'), 256) == std::string(256, 'x') + "...");
}
}  // namespace tacacs_codec_test
