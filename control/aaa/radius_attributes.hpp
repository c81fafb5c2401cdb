// RADIUS attributes, without the transport: what an Access-Request and an Accounting-Request
// carry (RFC 2865, RFC 2866, the Cisco VSAs an ASA sends), what a reply's attributes mean to
// us (aaa::Authorization, as the ASA reads them), and the "debug radius" rendering of both.
// Pure functions over values: the radcli glue (radius_client.cpp) turns these into radcli
// pairs and back, the unit tests and the reply fuzzer call them directly.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "control/aaa/aaa.hpp"

namespace rampart::aaa::radius {

// RFC 2865 5 / RFC 2866 5 attribute types we send or read.
enum : uint8_t {
  kUserName = 1,
  kUserPassword = 2,
  kNasIpAddress = 4,
  kNasPort = 5,
  kServiceType = 6,
  kFramedIpAddress = 8,
  kFramedIpNetmask = 9,
  kFilterId = 11,
  kReplyMessage = 18,
  kClass = 25,
  kVendorSpecific = 26,
  kSessionTimeout = 27,
  kIdleTimeout = 28,
  kCalledStationId = 30,
  kCallingStationId = 31,
  kAcctStatusType = 40,
  kAcctInputOctets = 42,
  kAcctOutputOctets = 43,
  kAcctSessionId = 44,
  kAcctSessionTime = 46,
  kAcctInputPackets = 47,
  kAcctOutputPackets = 48,
  kAcctTerminateCause = 49,
  kAcctInputGigawords = 52,
  kAcctOutputGigawords = 53,
  kNasPortType = 61,
};

// Vendors (IANA enterprise numbers) and their attributes as the ASA documents them.
constexpr uint32_t kVendorCisco = 9;        // cisco-av-pair (attribute 1)
constexpr uint32_t kVendorCiscoVpn = 3076;  // the VPN 3000 / ASA dictionary
constexpr uint8_t kCiscoAvPair = 1;
constexpr uint8_t kAsaSimultaneousLogins = 2;
constexpr uint8_t kAsaGroupPolicy = 25;
constexpr uint8_t kAsaTunnelGroupName = 146;
constexpr uint8_t kAsaClientType = 150;
constexpr uint8_t kAsaPrivilegeLevel = 220;
// RFC 2548 2: Microsoft's MS-CHAP attributes (password-management uses MS-CHAPv2).
constexpr uint32_t kVendorMicrosoft = 311;
constexpr uint8_t kMsChapError = 2;       // 2.1.5
constexpr uint8_t kMsChapNtEncPw = 6;     // 2.2
constexpr uint8_t kMsChapChallenge = 11;  // 2.1.2
constexpr uint8_t kMsChap2Response = 25;  // 2.3.2
constexpr uint8_t kMsChap2Success = 26;   // 2.3.3
constexpr uint8_t kMsChap2Cpw = 27;       // 2.3.4

// RFC 2865 5.6 Service-Type values.
constexpr uint32_t kServiceLogin = 1;
constexpr uint32_t kServiceFramed = 2;
constexpr uint32_t kServiceAdministrative = 6;
constexpr uint32_t kServiceNasPrompt = 7;
// RFC 2865 5.41 NAS-Port-Type Virtual; the ASA's Client-Type 2 is "IPsec (IKEv1)".
constexpr uint32_t kPortTypeVirtual = 5;
constexpr uint32_t kClientTypeIkev1 = 2;

// The dictionary entries radcli's own /etc/radcli/dictionary lacks: without them radcli skips
// the Cisco VSAs of a reply and refuses to encode ours.
extern const std::string_view kCiscoDictionary;

// One attribute to send. The password is never one of these: the glue adds User-Password
// itself, so that nothing built here (and nothing "debug radius" prints) holds it.
struct Attribute {
  enum class Kind { Integer, Address, Text } kind = Kind::Text;
  uint32_t vendor = 0;  // 0: a standard attribute
  uint8_t type = 0;
  uint32_t number = 0;  // Integer, Address (host order)
  std::string text;     // Text (octets)
  bool secret = false;  // credential material (MS-CHAP responses, the encrypted new password):
                        // "debug radius" prints "(...)" for it, as for User-Password
  bool operator==(const Attribute&) const = default;
};

// One attribute of a reply, as decoded (radcli's rc_avpair_gen, or a test).
struct ReplyAttribute {
  uint32_t vendor = 0;
  uint8_t type = 0;
  std::optional<uint32_t> number;  // integer and address attributes
  std::string octets;              // string attributes
  bool operator==(const ReplyAttribute&) const = default;
};

// The Access-Request's attributes, password excluded. For RADIUS authorization the ASA sends
// the username as the password; the glue does that, not this list.
std::vector<Attribute> access_request(const AuthRequest& r, const ServerTarget& t);
// The Accounting-Request's attributes (RFC 2866), octet counts split into Gigawords.
std::vector<Attribute> accounting_request(const AccountingRecord& r, const ServerTarget& t);

// RFC 2866 5.1 Acct-Status-Type for a record kind (Command has none: TACACS+ only).
std::optional<uint32_t> status_type(AccountingRecord::Kind k);
// RFC 2866 5.10 Acct-Terminate-Cause for the cause words ("User-Request", "Idle-Timeout"...).
std::optional<uint32_t> terminate_cause(std::string_view words);

// What an Access-Accept's attributes say, as the ASA reads them. Values that do not parse
// (a netmask that is not contiguous, a privilege level above 15) are left unsaid.
Authorization interpret_reply(const std::vector<ReplyAttribute>& attrs);
// Reply-Message values, joined by newlines (the server's words for the log).
std::string reply_message(const std::vector<ReplyAttribute>& attrs);

// A packet's header, for the debug lines.
struct Header {
  uint8_t code = 0, id = 0;
  uint16_t length = 0;
  std::array<uint8_t, 16> vector{};
  static Header of(std::span<const uint8_t> packet);
};

// "debug radius" lines, as the ASA prints them. kind: "authentication request", "accounting
// request". password_len: the length of the password sent (0: none); User-Password prints as
// "(...)" in the parsed lines and as "**" octets in the raw ones, as do secret attributes and
// every Microsoft VSA of a request. A request with Microsoft (MS-CHAP) attributes carries no
// User-Password and prints none. The key is never an argument.
std::vector<std::string> debug_raw(std::span<const uint8_t> packet);
std::vector<std::string> debug_request(std::string_view kind, const Header& h,
                                       const std::vector<Attribute>& attrs, size_t password_len);
std::vector<std::string> debug_reply(const Header& h, const std::vector<ReplyAttribute>& attrs);
std::string attribute_name(uint32_t vendor, uint8_t type);

}  // namespace rampart::aaa::radius
