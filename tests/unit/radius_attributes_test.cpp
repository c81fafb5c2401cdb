// The RADIUS client's pure parts: the RFC 2865 7.1 vectors, the checks a reply must pass,
// request attributes as the ASA sends them, and a reply's attributes read as the ASA does.
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <catch2/catch.hpp>

#include "control/aaa/radius_attributes.hpp"
#include "control/aaa/radius_client.hpp"
#include "control/aaa/radius_packet.hpp"
#include "tests/unit/hex.hpp"

namespace radius_attributes_test {

using namespace rampart;
using namespace rampart::aaa::radius;

namespace {

using rampart::test::hex;

config::Ipv4 ip(const char* s) {
  return *config::Ipv4::parse(s);
}

// A server's reply, signed here with OpenSSL directly (RFC 2865 3, RFC 3579 3.2), so that the
// client's check is held against an independent computation.
Bytes sign_reply(uint8_t code, const Bytes& request, Bytes attrs, std::string_view key, bool ma) {
  size_t ma_at = 0;
  if (ma) {
    ma_at = 20 + attrs.size() + 2;
    attrs.push_back(80);
    attrs.push_back(18);
    attrs.resize(attrs.size() + 16, 0);
  }
  Bytes p(20 + attrs.size(), 0);
  p[0] = code;
  p[1] = request[1];
  std::copy_n(request.begin() + 4, 16, p.begin() + 4);  // the Request Authenticator
  std::copy(attrs.begin(), attrs.end(), p.begin() + 20);
  p[2] = static_cast<uint8_t>(p.size() >> 8);
  p[3] = static_cast<uint8_t>(p.size());
  if (ma) {
    unsigned len = 0;
    HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()), p.data(), p.size(), p.data() + ma_at,
         &len);
  }
  Bytes in = p;
  in.insert(in.end(), key.begin(), key.end());
  unsigned len = 0;
  EVP_Digest(in.data(), in.size(), p.data() + 4, &len, EVP_md5(), nullptr);
  return p;
}

const Attribute* find(const std::vector<Attribute>& v, uint8_t type, uint32_t vendor = 0) {
  auto it = std::find_if(v.begin(), v.end(),
                         [&](const Attribute& a) { return a.type == type && a.vendor == vendor; });
  return it == v.end() ? nullptr : &*it;
}

ReplyAttribute num(uint8_t type, uint32_t n, uint32_t vendor = 0) {
  return {vendor, type, n, {}};
}
ReplyAttribute str(uint8_t type, std::string s, uint32_t vendor = 0) {
  return {vendor, type, std::nullopt, std::move(s)};
}

}  // namespace

TEST_CASE("RFC 2865 7.1: User-Password hiding and the Access-Accept's authenticator", "[radius]") {
  const Bytes request = hex(
      "01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be "
      "70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03");
  Authenticator ra{};
  std::copy_n(request.begin() + 4, 16, ra.begin());
  CHECK(hide_password("arctangent", "xyzzy5461", ra) ==
        hex("0d be 70 8d 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee"));
  // The RFC's Access-Accept (Service-Type Login, Login-Service Telnet, Login-IP-Host).
  const Bytes accept = hex(
      "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 "
      "00 00 0e 06 c0 a8 01 03");
  CHECK(check_reply(accept, request, "xyzzy5461", false) == ReplyCheck::Ok);
  CHECK(check_reply(accept, request, "xyzzy5462", false) == ReplyCheck::BadAuthenticator);
  // No Message-Authenticator in it: refused where one is required (Blast-RADIUS).
  CHECK(check_reply(accept, request, "xyzzy5461", true) == ReplyCheck::BadMessageAuthenticator);
}

TEST_CASE("Access-Request: password hidden, Message-Authenticator the server can verify",
          "[radius]") {
  Authenticator ra{};
  ra.fill(0x5a);
  const std::vector<Attribute> attrs{{Attribute::Kind::Text, 0, kUserName, 0, "alice"}};
  const Bytes p = access_request_packet(7, ra, attrs, "wonderland", "s3cret");
  REQUIRE(p.size() == 20 + 7 + 18 + 18);
  CHECK(p[0] == kAccessRequest);
  CHECK(p[1] == 7);
  CHECK((size_t{p[2]} << 8 | p[3]) == p.size());
  const std::string wire(p.begin(), p.end());
  CHECK(wire.find("wonderland") == std::string::npos);
  // The server's side of RFC 3579 3.2: HMAC-MD5 over the packet with the value zeroed.
  Bytes zeroed = p;
  std::fill(zeroed.end() - 16, zeroed.end(), 0);
  uint8_t mac[16];
  unsigned len = 0;
  HMAC(EVP_md5(), "s3cret", 6, zeroed.data(), zeroed.size(), mac, &len);
  CHECK(std::equal(mac, mac + 16, p.end() - 16));
}

TEST_CASE("replies: only a signed answer to this request is believed", "[radius]") {
  Authenticator ra{};
  ra.fill(0x11);
  const Bytes req = access_request_packet(42, ra, {}, "pw", "k");
  const Bytes filter = hex("0b 05 61 63 6c");  // Filter-Id "acl"
  CHECK(check_reply(sign_reply(kAccessAccept, req, filter, "k", true), req, "k", true) ==
        ReplyCheck::Ok);
  CHECK(check_reply(sign_reply(kAccessReject, req, {}, "k", true), req, "k", true) ==
        ReplyCheck::Ok);
  CHECK(check_reply(sign_reply(kAccessAccept, req, filter, "k", false), req, "k", true) ==
        ReplyCheck::BadMessageAuthenticator);
  CHECK(check_reply(sign_reply(kAccessAccept, req, filter, "k", false), req, "k", false) ==
        ReplyCheck::Ok);
  // Signed with another key, or with one attribute octet changed afterwards.
  CHECK(check_reply(sign_reply(kAccessAccept, req, filter, "x", true), req, "k", true) ==
        ReplyCheck::BadAuthenticator);
  Bytes tampered = sign_reply(kAccessAccept, req, filter, "k", true);
  tampered[24] ^= 1;
  CHECK(check_reply(tampered, req, "k", true) == ReplyCheck::BadAuthenticator);
  // Another request's answer, a wrong code, broken framing, a short datagram.
  Bytes other = sign_reply(kAccessAccept, req, filter, "k", true);
  other[1] ^= 0xff;
  CHECK(check_reply(other, req, "k", true) == ReplyCheck::WrongId);
  CHECK(check_reply(sign_reply(kAccountingResponse, req, {}, "k", false), req, "k", true) ==
        ReplyCheck::Malformed);
  CHECK(check_reply(sign_reply(kAccessAccept, req, hex("0b 09 61"), "k", true), req, "k", true) ==
        ReplyCheck::Malformed);
  Bytes shortened = sign_reply(kAccessAccept, req, filter, "k", true);
  shortened.pop_back();
  CHECK(check_reply(shortened, req, "k", true) == ReplyCheck::Malformed);
  CHECK(check_reply(Bytes(10, 0), req, "k", true) == ReplyCheck::Malformed);
}

TEST_CASE("Accounting-Request authenticator and its response", "[radius]") {
  const Bytes req =
      accounting_request_packet(9, {{Attribute::Kind::Integer, 0, kAcctStatusType, 1, {}}}, "k");
  // RFC 2866 3: MD5 over the packet with a zero authenticator, then the key.
  Bytes zero = req;
  std::fill(zero.begin() + 4, zero.begin() + 20, 0);
  zero.push_back('k');
  uint8_t md[16];
  unsigned len = 0;
  EVP_Digest(zero.data(), zero.size(), md, &len, EVP_md5(), nullptr);
  CHECK(std::equal(md, md + 16, req.begin() + 4));
  CHECK(check_reply(sign_reply(kAccountingResponse, req, {}, "k", false), req, "k", true) ==
        ReplyCheck::Ok);
  CHECK(check_reply(sign_reply(kAccessAccept, req, {}, "k", false), req, "k", true) ==
        ReplyCheck::Malformed);
}

TEST_CASE("Access-Request attributes as the ASA sends them", "[radius]") {
  aaa::AuthRequest r;
  r.user = "alice";
  r.tunnel_group = "RA-GROUP";
  r.client = ip("198.51.100.2");
  r.nas_port = 12;
  aaa::ServerTarget t;
  t.source = ip("192.0.2.1");
  auto a = access_request(r, t);
  REQUIRE(find(a, kNasIpAddress));
  CHECK(find(a, kNasIpAddress)->number == ip("192.0.2.1").value);  // from the source: no nas
  CHECK(find(a, kNasPort)->number == 12);
  CHECK(find(a, kNasPortType)->number == kPortTypeVirtual);
  CHECK(find(a, kServiceType)->number == kServiceFramed);
  CHECK(find(a, kCallingStationId)->text == "198.51.100.2");
  CHECK(find(a, kAsaTunnelGroupName, kVendorCiscoVpn)->text == "RA-GROUP");
  CHECK(find(a, kAsaClientType, kVendorCiscoVpn)->number == kClientTypeIkev1);
  CHECK_FALSE(find(a, kUserPassword));  // added only into the packet
  // An administrator: Login, never Administrative, and no VPN client type.
  r.purpose = aaa::Purpose::AdminLogin;
  r.tunnel_group.clear();
  a = access_request(r, t);
  CHECK(find(a, kServiceType)->number == kServiceLogin);
  CHECK_FALSE(find(a, kAsaClientType, kVendorCiscoVpn));
  CHECK_FALSE(find(a, kAsaTunnelGroupName, kVendorCiscoVpn));
  // VSA encoding: vendor 3076, one sub-attribute.
  CHECK(encode_attributes({{Attribute::Kind::Integer, kVendorCiscoVpn, kAsaClientType, 2, {}}}) ==
        hex("1a 0c 00 00 0c 04 96 06 00 00 00 02"));
}

TEST_CASE("Accounting-Request: Start, Stop with Gigawords and the terminate cause", "[radius]") {
  aaa::AccountingRecord r;
  r.session_id = "0A0B0C01";
  r.user = "alice";
  r.classes = {"OU=eng;", "CACS:1"};
  r.in_octets = (uint64_t{3} << 32) + 5;
  r.out_octets = 4242;
  r.in_packets = uint64_t{1} << 40;  // saturates: no Gigawords for packets
  r.session_seconds = 95;
  r.terminate_cause = "Idle-Timeout";
  aaa::ServerTarget t;
  auto start = accounting_request(r, t);
  CHECK(find(start, kAcctStatusType)->number == 1);
  CHECK_FALSE(find(start, kAcctInputOctets));
  CHECK(std::count_if(start.begin(), start.end(), [](auto& a) { return a.type == kClass; }) == 2);
  r.kind = aaa::AccountingRecord::Kind::Stop;
  auto stop = accounting_request(r, t);
  CHECK(find(stop, kAcctStatusType)->number == 2);
  CHECK(find(stop, kAcctInputOctets)->number == 5);
  CHECK(find(stop, kAcctInputGigawords)->number == 3);
  CHECK_FALSE(find(stop, kAcctOutputGigawords));
  CHECK(find(stop, kAcctInputPackets)->number == 0xffffffffu);
  CHECK(find(stop, kAcctSessionTime)->number == 95);
  CHECK(find(stop, kAcctTerminateCause)->number == 4);
  r.terminate_cause = "no such cause";
  CHECK_FALSE(find(accounting_request(r, t), kAcctTerminateCause));
  r.kind = aaa::AccountingRecord::Kind::Interim;
  CHECK(find(accounting_request(r, t), kAcctStatusType)->number == 3);
  CHECK_FALSE(status_type(aaa::AccountingRecord::Kind::Command));
}

TEST_CASE("RFC 2866 terminate causes from the words", "[radius]") {
  CHECK(terminate_cause("User-Request") == 1u);
  CHECK(terminate_cause("user request") == 1u);
  CHECK(terminate_cause("Lost-Carrier") == 2u);
  CHECK(terminate_cause("IDLE_TIMEOUT") == 4u);
  CHECK(terminate_cause("Session-Timeout") == 5u);
  CHECK(terminate_cause("Admin-Reset") == 6u);
  CHECK(terminate_cause("Host-Request") == 18u);
  CHECK(terminate_cause("Max time exceeded") == 5u);
  CHECK_FALSE(terminate_cause(""));
  CHECK_FALSE(terminate_cause("Idle"));
}

TEST_CASE("an Access-Accept's attributes read as the ASA reads them", "[radius]") {
  const std::vector<ReplyAttribute> reply{
      num(kFramedIpAddress, ip("203.0.113.77").value),
      num(kFramedIpNetmask, ip("255.255.255.0").value),
      str(kClass, "CACS:0a0b0c"),
      str(kClass, "OU=engineering;"),
      str(kFilterId, "vpn_acl"),
      num(kSessionTimeout, 3600),
      num(kIdleTimeout, 600),
      num(kAsaSimultaneousLogins, 2, kVendorCiscoVpn),
      str(kReplyMessage, "hello"),
      str(kReplyMessage, "again"),
  };
  const auto a = interpret_reply(reply);
  CHECK(a.framed_ip == ip("203.0.113.77"));
  CHECK(a.framed_mask->prefix_len() == 24);
  CHECK(a.group_policy == "engineering");
  CHECK(a.classes == std::vector<std::string>{"CACS:0a0b0c", "OU=engineering;"});
  CHECK(a.filter_acl == "vpn_acl");
  CHECK(a.session_timeout == 3600u);
  CHECK(a.idle_timeout == 600u);
  CHECK(a.simultaneous_logins == 2u);
  CHECK_FALSE(a.privilege_level);
  CHECK(reply_message(reply) == "hello\nagain");
}

TEST_CASE("group-policy, privilege level and values that do not parse", "[radius]") {
  // The Group-Policy VSA wins over Class; plain Class names are group policies too.
  CHECK(interpret_reply({str(kClass, "OU=eng;"), str(kAsaGroupPolicy, "vsa", kVendorCiscoVpn)})
            .group_policy == "vsa");
  CHECK(interpret_reply({str(kClass, "sales")}).group_policy == "sales");
  CHECK(interpret_reply({str(kClass, "OU=eng")}).group_policy == "eng");
  CHECK_FALSE(interpret_reply({str(kClass, "CACS:abc")}).group_policy);
  CHECK_FALSE(interpret_reply({str(kClass, std::string("\x01\x02", 2))}).group_policy);
  // Privilege: Service-Type Administrative is 15; explicit levels win; 16 is no level.
  CHECK(interpret_reply({num(kServiceType, kServiceAdministrative)}).privilege_level == 15);
  CHECK_FALSE(interpret_reply({num(kServiceType, kServiceNasPrompt)}).privilege_level);
  CHECK(interpret_reply({num(kServiceType, 6), str(kCiscoAvPair, "shell:priv-lvl=5", kVendorCisco)})
            .privilege_level == 5);
  CHECK(interpret_reply({num(kAsaPrivilegeLevel, 7, kVendorCiscoVpn)}).privilege_level == 7);
  CHECK_FALSE(interpret_reply({num(kAsaPrivilegeLevel, 16, kVendorCiscoVpn)}).privilege_level);
  CHECK_FALSE(
      interpret_reply({str(kCiscoAvPair, "shell:priv-lvl=1x", kVendorCisco)}).privilege_level);
  CHECK_FALSE(
      interpret_reply({str(kCiscoAvPair, "shell:priv-lvl=99", kVendorCisco)}).privilege_level);
  // RFC 2865 5.8: "NAS assigns" addresses are not addresses; a non-contiguous mask is no mask.
  CHECK_FALSE(interpret_reply({num(kFramedIpAddress, 0xffffffffu)}).framed_ip);
  CHECK_FALSE(interpret_reply({num(kFramedIpAddress, 0xfffffffeu)}).framed_ip);
  CHECK_FALSE(interpret_reply({num(kFramedIpNetmask, ip("255.0.255.0").value)}).framed_mask);
  CHECK_FALSE(interpret_reply({str(kFilterId, std::string("a\0b", 3))}).filter_acl);
  // A vendor we do not know says nothing.
  CHECK(interpret_reply({str(kAsaGroupPolicy, "x", 311)}) == aaa::Authorization{});
}

TEST_CASE("radcli's decoder with our dictionary", "[radius]") {
  // Filter-Id "acl", VSA 3076/25 "gp", VSA of an unknown vendor 99, Session-Timeout 60.
  const Bytes section = hex(
      "0b 05 61 63 6c 1a 0a 00 00 0c 04 19 04 67 70 1a 09 00 00 00 63 01 03 78 1b 06 00 00 00 3c");
  auto attrs = decode_attributes(section);
  REQUIRE(attrs);
  REQUIRE(attrs->size() == 3);
  const auto a = interpret_reply(*attrs);
  CHECK(a.filter_acl == "acl");
  CHECK(a.group_policy == "gp");
  CHECK(a.session_timeout == 60u);
  CHECK(decode_attributes({}) ==
        std::optional<std::vector<ReplyAttribute>>{std::vector<ReplyAttribute>{}});
  CHECK_FALSE(decode_attributes(hex("0b 09 61")));  // overflows
  CHECK_FALSE(decode_attributes(hex("00 02")));     // type 0
  // RFC 2865 5: an attribute of a wrong length makes the reply unusable (radcli alone would
  // read this Session-Timeout as 0).
  CHECK_FALSE(decode_attributes(hex("1b 05 00 00 3c")));
  CHECK_FALSE(decode_attributes(hex("1a 0b 00 00 0c 04 02 05 00 00 02")));  // VSA integer
  CHECK_FALSE(decode_attributes(hex("1a 05 00 00 0c")));                    // VSA too short
  CHECK_FALSE(decode_attributes(hex("1a 0a 00 00 0c 04 19 09 67 70")));     // sub-attribute
  // Unknown attributes of any length are skipped, and VSAs of unknown vendors whatever their
  // inner format.
  CHECK(decode_attributes(hex("f0 03 01"))->empty());
  CHECK(decode_attributes(hex("1a 07 00 00 00 63 ff"))->empty());
  // At most 1024 attributes (radcli's decoder recurses once per attribute).
  Bytes many;
  for (int i = 0; i < 1024; ++i) many.insert(many.end(), {0xf0, 0x02});
  CHECK(decode_attributes(many));
  many.insert(many.end(), {0xf0, 0x02});
  CHECK_FALSE(decode_attributes(many));
}

TEST_CASE("debug radius never shows the password", "[radius]") {
  Authenticator ra{};
  aaa::AuthRequest r;
  r.user = "alice";
  const auto attrs = access_request(r, {});
  const Bytes p = access_request_packet(3, ra, attrs, "wonderland", "key");
  std::string all;
  for (const auto& l : debug_request("authentication request", Header::of(p), attrs, 10))
    all += l + "\n";
  for (const auto& l : debug_raw(p)) all += l + "\n";
  CHECK(all.find("RADIUS packet decode (authentication request)") != std::string::npos);
  CHECK(all.find("Radius: Type = 2 (0x02) User-Password\nRadius: Length = 18 (0x12)\n"
                 "Radius: Value (String) = (...)") != std::string::npos);
  CHECK(all.find("Radius: Identifier = 3 (0x03)") != std::string::npos);
  CHECK(all.find("Raw packet data (length = ") != std::string::npos);
  size_t masked = 0;
  for (size_t at = all.find("** "); at != std::string::npos; at = all.find("** ", at + 3)) ++masked;
  CHECK(masked == 16);  // the one 16-octet block of the hidden password
  CHECK(all.find("wonderland") == std::string::npos);
  // The hidden password's octets do not appear either.
  const Bytes hidden = hide_password("wonderland", "key", ra);
  std::string hidden_hex;
  for (auto b : hidden) hidden_hex += fmt::format("{:02x} ", b);
  CHECK(all.find(hidden_hex.substr(0, 12)) == std::string::npos);
}

TEST_CASE("the retransmission schedule fits into the timeout", "[radius]") {
  using std::chrono::milliseconds;
  aaa::ServerTarget t;  // the ASA's defaults: timeout 10 s, retry-interval 10 s
  CHECK(schedule(t).sends == 1);
  t.timeout = milliseconds(3000);
  t.retry_interval = milliseconds(1000);
  CHECK(schedule(t).sends == 3);
  t.retry_interval = milliseconds(20000);
  CHECK(schedule(t).sends == 1);
  CHECK(schedule(t).interval == milliseconds(3000));
  t.retry_interval = milliseconds(0);
  CHECK(schedule(t).interval == milliseconds(1));
}
}  // namespace radius_attributes_test
