// MS-CHAPv2 for password-management: the RFC 2759 9.2/9.3 vectors, the password-change blocks
// read back the way a server reads them, the RFC 2548 attributes of a login and a change, and
// replies (MS-CHAP2-Success, MS-CHAP-Error) good, bad and malformed.
#include <openssl/evp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>

#include "control/aaa/mschap.hpp"
#include "control/aaa/radius_attributes.hpp"
#include "control/aaa/radius_mschap.hpp"
#include "control/aaa/radius_packet.hpp"
#include "tests/unit/hex.hpp"

namespace mschap_test {

using namespace rampart;
using namespace rampart::aaa;
using namespace rampart::aaa::radius;

namespace {

using rampart::test::hex;

template <size_t N>
std::array<uint8_t, N> arr(std::string_view h) {
  // Used for namespace-scope constants: no Catch2 assertion may run here.
  const auto v = hex(h);
  std::array<uint8_t, N> out{};
  std::copy_n(v.begin(), std::min(N, v.size()), out.begin());
  return out;
}

template <typename T>
std::vector<uint8_t> vec(const T& b) {
  return {b.begin(), b.end()};
}

// RFC 2759 9.2.
const auto kAuth = arr<16>("5B 5D 7C 7D 7B 3F 2F 3E 3C 2C 60 21 32 26 26 28");
const auto kPeer = arr<16>("21 40 23 24 25 5E 26 2A 28 29 5F 2B 3A 33 7C 7E");
constexpr std::string_view kUser = "User";
constexpr std::string_view kPass = "clientPass";
constexpr std::string_view kResponse =
    "82 30 9E CD 8D 70 8B 5E A0 8F AA 39 81 CD 83 54 42 33 11 4A 3D 85 D6 DF";
constexpr std::string_view kAuthResponse = "S=407A5589115FD0D6209F510FE9C04566932CDA56";

AuthRequest request(std::string old_pw, std::string new_pw = {}) {
  AuthRequest r;
  r.group = "NPS";
  r.user = "User";
  r.password = Password(std::move(old_pw));
  r.new_password = Password(std::move(new_pw));
  r.mschapv2 = true;
  return r;
}

MschapExchange rfc_exchange() {
  MschapExchange ex;
  ex.authenticator = kAuth;
  ex.peer = kPeer;
  ex.ident = 0x2a;
  return ex;
}

ReplyAttribute ms(uint8_t type, std::string value) {
  ReplyAttribute a;
  a.vendor = kVendorMicrosoft;
  a.type = type;
  a.octets = std::move(value);
  return a;
}

}  // namespace

TEST_CASE("RFC 2759 9.2 hash example", "[mschap]") {
  REQUIRE(mschap::available());
  CHECK(vec(*mschap::utf16le(kPass)) ==
        hex("63 00 6C 00 69 00 65 00 6E 00 74 00 50 00 61 00 73 00 73 00"));
  CHECK(vec(mschap::challenge_hash(kPeer, kAuth, kUser)) == hex("D0 2E 43 86 BC E9 12 26"));
  const auto h = mschap::nt_hash(kPass);
  REQUIRE(h);
  CHECK(vec(*h) == hex("44 EB BA 8D 53 12 B8 D6 11 47 44 11 F5 69 89 AE"));
  CHECK(vec(*mschap::hash_nt_hash(*h)) == hex("41 C0 0C 58 4B D2 D9 1C 40 17 A2 A1 2F A5 9F 3F"));
  const auto nt = mschap::nt_response(kAuth, kPeer, kUser, kPass);
  REQUIRE(nt);
  CHECK(vec(*nt) == hex(kResponse));
  CHECK(mschap::authenticator_response(*h, *nt, kPeer, kAuth, kUser) == std::string(kAuthResponse));
  CHECK(mschap::check_authenticator_response(kAuthResponse, kPass, *nt, kPeer, kAuth, kUser));
  // Lower-case hex digits and a trailing message are the same answer.
  CHECK(mschap::check_authenticator_response("S=407a5589115fd0d6209f510fe9c04566932cda56 M=ok",
                                             kPass, *nt, kPeer, kAuth, kUser));
  CHECK_FALSE(
      mschap::check_authenticator_response(kAuthResponse, "clientPasS", *nt, kPeer, kAuth, kUser));
  CHECK_FALSE(mschap::check_authenticator_response("S=407A", kPass, *nt, kPeer, kAuth, kUser));
  // RFC 2759 8.2: a prepended domain is not part of the challenge hash.
  CHECK(mschap::challenge_hash(kPeer, kAuth, "CORP\\User") ==
        mschap::challenge_hash(kPeer, kAuth, kUser));
}

TEST_CASE("RFC 2759 9.3 DES keys from the password hash of MyPw", "[mschap]") {
  const auto h = mschap::nt_hash("MyPw");
  REQUIRE(h);
  CHECK(vec(*h) == hex("FC 15 6A F7 ED CD 6C 0E DD E3 33 7D 42 7F 4E AC"));
  CHECK(vec(mschap::des_key(std::span<const uint8_t, 7>(h->data(), 7))) ==
        hex("FD 0B 5B 5E 7F 6E 34 D9"));
  CHECK(vec(mschap::des_key(std::span<const uint8_t, 7>(h->data() + 7, 7))) ==
        hex("0E 6E 79 67 37 EA 08 FE"));
}

TEST_CASE("RC4 known answer", "[mschap]") {
  // The widely published vector: key "Key", plaintext "Plaintext".
  const std::string key = "Key", clear = "Plaintext";
  std::vector<uint8_t> out(clear.size());
  REQUIRE(mschap::rc4({reinterpret_cast<const uint8_t*>(key.data()), key.size()},
                      {reinterpret_cast<const uint8_t*>(clear.data()), clear.size()}, out));
  CHECK(out == hex("BB F3 16 E8 D9 40 AF 0A D3"));
}

TEST_CASE("password change blocks read back as a server reads them", "[mschap]") {
  const auto block = mschap::new_password_encrypted("n3w-Secret", "clientPass");
  REQUIRE(block);
  const auto old = mschap::nt_hash("clientPass");
  std::array<uint8_t, 516> clear{};
  REQUIRE(mschap::rc4(*old, *block, clear));
  const uint32_t len = clear[512] | clear[513] << 8 | clear[514] << 16 | uint32_t{clear[515]} << 24;
  REQUIRE(len == 20);
  const auto u = *mschap::utf16le("n3w-Secret");
  CHECK(std::equal(u.begin(), u.end(), clear.begin() + 512 - len));
  // Two blocks for the same password differ: the pad is random.
  CHECK(*mschap::new_password_encrypted("n3w-Secret", "clientPass") != *block);

  // RFC 2759 8.12: the old hash, two DES blocks keyed by the new hash.
  const auto enc = mschap::old_hash_encrypted("n3w-Secret", "clientPass");
  const auto fresh = mschap::nt_hash("n3w-Secret");
  REQUIRE(enc);
  const auto first = mschap::des_encrypt(std::span<const uint8_t, 8>(old->data(), 8),
                                         std::span<const uint8_t, 7>(fresh->data(), 7));
  CHECK(std::equal(first->begin(), first->end(), enc->begin()));
  // Too long: 257 characters.
  CHECK_FALSE(mschap::new_password_encrypted(std::string(257, 'a'), "old"));
  CHECK(mschap::new_password_encrypted(std::string(256, 'a'), "old"));
}

TEST_CASE("UTF-8 passwords become UTF-16LE; bytes that are not UTF-8 stay themselves", "[mschap]") {
  CHECK(vec(*mschap::utf16le("\xc3\xa9")) == hex("E9 00"));                // é
  CHECK(vec(*mschap::utf16le("\xe2\x82\xac")) == hex("AC 20"));            // €
  CHECK(vec(*mschap::utf16le("\xf0\x9f\x94\x91")) == hex("3D D8 11 DD"));  // U+1F511
  CHECK(vec(*mschap::utf16le("\xe9x")) == hex("E9 00 78 00"));             // Latin-1 é
  CHECK(vec(*mschap::utf16le("\xe2\x82")) == hex("E2 00 82 00"));          // cut short
  CHECK(vec(*mschap::utf16le("\xc0\xaf")) == hex("C0 00 AF 00"));          // overlong
}

TEST_CASE("MS-CHAP-Error text (RFC 2759 6)", "[mschap]") {
  auto f =
      mschap::parse_failure("E=648 R=0 C=00112233445566778899AABBCCDDEEFF V=3 M=Password expired");
  REQUIRE(f);
  CHECK(f->error == 648);
  CHECK_FALSE(f->retry);
  CHECK(f->challenge);
  CHECK(f->version == 3u);
  CHECK(f->message == "Password expired");
  CHECK(mschap::parse_failure("E=691 R=1")->retry);
  CHECK(mschap::parse_failure("E=709 R=0 M=Password change failed")->error == 709);
  // FreeRADIUS's MS-CHAPv1-style 16-digit challenge is accepted and ignored.
  CHECK(mschap::parse_failure("E=691 R=0 C=0011223344556677 V=2"));
  for (std::string_view bad :
       {"", "M=no error", "E=", "E=x", "E=648 E=691", "E=99999999999", "E=691 R=2",
        "E=691 C=00112233", "E=691 C=ZZ112233445566778899AABBCCDDEEFF", "E=691 V=-1", "E=691 Q=1",
        "E=691 R", "=691", "E=691R=0"})
    CHECK_FALSE(mschap::parse_failure(bad));
  // The server's message is for the log: non-printable octets are replaced.
  CHECK(mschap::parse_failure("E=691 M=a\nb\x01")->message == "a?b?");
}

TEST_CASE("MS-CHAPv2 login attributes (RFC 2548 2.3.2) and their debug lines", "[mschap]") {
  MschapExchange ex;
  const auto attrs = mschap_attributes(request("clientPass"), rfc_exchange(), ex);
  REQUIRE(attrs);
  REQUIRE(attrs->size() == 2);
  CHECK((*attrs)[0].type == kMsChapChallenge);
  CHECK((*attrs)[0].text == std::string(kAuth.begin(), kAuth.end()));
  const std::string& resp = (*attrs)[1].text;
  REQUIRE(resp.size() == 50);
  CHECK(static_cast<uint8_t>(resp[0]) == 0x2a);
  CHECK(resp.substr(2, 16) == std::string(kPeer.begin(), kPeer.end()));
  CHECK(resp.substr(18, 8) == std::string(8, '\0'));
  const auto want = hex(kResponse);
  CHECK(resp.substr(26) == std::string(want.begin(), want.end()));
  CHECK((*attrs)[1].secret);

  // No User-Password; the response's octets neither in the parsed nor in the raw lines.
  const Authenticator ra{};
  const Bytes p = access_request_packet(1, ra, *attrs, std::nullopt, "key");
  std::vector<uint8_t> types;
  for (size_t i = kHeaderLen; i + 1 < p.size(); i += p[i + 1]) types.push_back(p[i]);
  CHECK(std::count(types.begin(), types.end(), kUserPassword) == 0);
  CHECK(std::count(types.begin(), types.end(), kMessageAuthenticator) == 1);
  std::string all;
  for (const auto& l : debug_request("authentication request", Header::of(p), *attrs, 0))
    all += l + "\n";
  for (const auto& l : debug_raw(p)) all += l + "\n";
  CHECK(all.find("MS-CHAP2-Response") != std::string::npos);
  CHECK(all.find("User-Password") == std::string::npos);
  CHECK(all.find("82 30 9e") == std::string::npos);
  CHECK(all.find("(...)") != std::string::npos);
}

TEST_CASE("MS-CHAPv2 change attributes (RFC 2548 2.3.4, 2.2)", "[mschap]") {
  MschapExchange ex;
  const auto attrs = mschap_attributes(request("clientPass", "n3w-Secret"), rfc_exchange(), ex);
  REQUIRE(attrs);
  REQUIRE(attrs->size() == 5);  // Challenge, CPW, three NT-Enc-PW
  CHECK(ex.change);
  const std::string& cpw = (*attrs)[1].text;
  CHECK((*attrs)[1].type == kMsChap2Cpw);
  REQUIRE(cpw.size() == 68);  // as FreeRADIUS checks it
  CHECK(cpw[0] == 7);
  CHECK(static_cast<uint8_t>(cpw[1]) == 0x2a);
  // The NT-Response proves the NEW password.
  const auto nt = *mschap::nt_response(kAuth, kPeer, kUser, "n3w-Secret");
  CHECK(cpw.substr(42, 24) == std::string(nt.begin(), nt.end()));
  std::string block;
  for (size_t i = 2; i < 5; ++i) {
    const std::string& c = (*attrs)[i].text;
    CHECK((*attrs)[i].type == kMsChapNtEncPw);
    CHECK((*attrs)[i].secret);
    CHECK(c[0] == 6);
    CHECK(static_cast<uint8_t>(c[1]) == 0x2a);
    CHECK(c[2] == 0);
    CHECK(c[3] == static_cast<char>(i - 1));
    block += c.substr(4);
  }
  REQUIRE(block.size() == 516);
  std::array<uint8_t, 516> clear{};
  REQUIRE(mschap::rc4(*mschap::nt_hash("clientPass"),
                      {reinterpret_cast<const uint8_t*>(block.data()), block.size()}, clear));
  CHECK(clear[512] == 20);
  // Every chunk fits one VSA.
  const Bytes p = access_request_packet(1, Authenticator{}, *attrs, std::nullopt, "key");
  CHECK(p.size() < kMaxPacket);
}

TEST_CASE("MS-CHAPv2 replies: success verified, errors read", "[mschap]") {
  MschapExchange ex;
  const AuthRequest r = request("clientPass");
  REQUIRE(mschap_attributes(r, rfc_exchange(), ex));
  using K = ServerAnswer::Kind;
  const std::string ok = std::string(1, '\x2a') + std::string(kAuthResponse);
  CHECK(read_mschap_reply(2, {ms(kMsChap2Success, ok)}, ex, r).kind == K::Accept);
  // Mutual authentication: an Accept that cannot prove the password is refused.
  CHECK(read_mschap_reply(2, {}, ex, r).kind == K::Malformed);
  std::string wrong = ok;
  wrong[5] = wrong[5] == '0' ? '1' : '0';
  CHECK(read_mschap_reply(2, {ms(kMsChap2Success, wrong)}, ex, r).kind == K::BadAuthenticator);
  std::string other_ident = ok;
  other_ident[0] = 0x2b;
  CHECK(read_mschap_reply(2, {ms(kMsChap2Success, other_ident)}, ex, r).kind == K::Malformed);

  auto v = read_mschap_reply(3,
                             {ms(kMsChapError,
                                 "\x2a"
                                 "E=648 R=0 V=3 M=Password expired")},
                             ex, r);
  CHECK(v.kind == K::PasswordExpired);
  CHECK(v.error == 648u);
  CHECK(read_mschap_reply(3,
                          {ms(kMsChapError,
                              "\x2a"
                              "E=691 R=1 V=3")},
                          ex, r)
            .kind == K::Reject);
  CHECK(read_mschap_reply(3, {}, ex, r).kind == K::Reject);
  CHECK(read_mschap_reply(11, {}, ex, r).kind == K::Challenge);

  // After a change, "expired" again is a refusal, and the NEW password proves the Accept.
  MschapExchange cx;
  const AuthRequest change = request("clientPass", "n3w-Secret");
  REQUIRE(mschap_attributes(change, rfc_exchange(), cx));
  CHECK(read_mschap_reply(3,
                          {ms(kMsChapError,
                              "\x2a"
                              "E=648 R=0")},
                          cx, change)
            .kind == K::Reject);
  CHECK(read_mschap_reply(3,
                          {ms(kMsChapError,
                              "\x2a"
                              "E=709 R=0 M=Password change failed")},
                          cx, change)
            .error == 709u);
  const auto h = *mschap::nt_hash("n3w-Secret");
  const std::string s = *mschap::authenticator_response(h, cx.response, kPeer, kAuth, kUser);
  CHECK(read_mschap_reply(2, {ms(kMsChap2Success, "\x2a" + s)}, cx, change).kind == K::Accept);
  CHECK(read_mschap_reply(2, {ms(kMsChap2Success, ok)}, cx, change).kind == K::BadAuthenticator);
}

TEST_CASE("malformed MS-CHAP-Error and MS-CHAP2-Success never crash and are refused", "[mschap]") {
  MschapExchange ex;
  const AuthRequest r = request("clientPass");
  REQUIRE(mschap_attributes(r, rfc_exchange(), ex));
  using K = ServerAnswer::Kind;
  std::mt19937 rng(2759);
  const std::string alphabet = "EeRCVM=0123456789ABCDEFabcdefxyz \x00\x01\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string v(rng() % 64, '\0');
    for (auto& c : v)
      c = rng() % 3 == 0 ? static_cast<char>(rng()) : alphabet[rng() % alphabet.size()];
    const auto e = read_mschap_reply(3, {ms(kMsChapError, v)}, ex, r);
    // Either a well-formed error, or refused as malformed: never an Accept.
    CHECK((e.kind == K::Reject || e.kind == K::PasswordExpired || e.kind == K::Malformed));
    const auto s = read_mschap_reply(2, {ms(kMsChap2Success, v)}, ex, r);
    CHECK((s.kind == K::Malformed || s.kind == K::BadAuthenticator));
  }
  CHECK(read_mschap_reply(3, {ms(kMsChapError, "")}, ex, r).kind == K::Malformed);
  CHECK(read_mschap_reply(3, {ms(kMsChapError, "\x2a")}, ex, r).kind == K::Malformed);
  CHECK(read_mschap_reply(2, {ms(kMsChap2Success, "\x2aS=")}, ex, r).kind == K::Malformed);
  CHECK(read_mschap_reply(2,
                          {ms(kMsChap2Success,
                              "\x2a"
                              "S=" +
                                  std::string(40, 'G'))},
                          ex, r)
            .kind == K::Malformed);
}
}  // namespace mschap_test
