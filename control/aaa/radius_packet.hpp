// RADIUS packets on the wire (RFC 2865 3, 5.2, 5.26; RFC 2866 3; RFC 3579 3.2): the requests
// we build and the checks a reply must pass before anything in it is believed.
//
// Why not radcli's rc_aaa()/rc_send_server(): in radcli 1.2.11 (and upstream master as of
// 2026) rc_send_server() computes the reply's Response Authenticator check into `result` and
// then overwrites `result` with the reply's code, so a reply signed with any key — or forged by
// anyone who can reach the client's port, its socket is not connected — is taken as an
// Accept/Reject (seen with FreeRADIUS: a wrong key yields REJECT_RC, not BADRESP_RC). It also
// adds no Message-Authenticator unless EAP is used and checks none. radcli stays our
// dictionary and attribute decoder (radius_client.hpp: decode_attributes).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "control/aaa/radius_attributes.hpp"

namespace rampart::aaa::radius {

// RFC 2865 4, RFC 2866 4.
enum Code : uint8_t {
  kAccessRequest = 1,
  kAccessAccept = 2,
  kAccessReject = 3,
  kAccountingRequest = 4,
  kAccountingResponse = 5,
  kAccessChallenge = 11,
};
constexpr uint8_t kMessageAuthenticator = 80;  // RFC 3579 3.2
constexpr size_t kHeaderLen = 20;
constexpr size_t kMaxPacket = 4096;   // RFC 2865 3
constexpr size_t kMaxPassword = 128;  // RFC 2865 5.2

using Bytes = std::vector<uint8_t>;
using Authenticator = std::array<uint8_t, 16>;

// The attribute section for a list (VSAs one sub-attribute each, RFC 2865 5.26).
Bytes encode_attributes(const std::vector<Attribute>& attrs);
// RFC 2865 5.2: the password padded to 16-octet blocks and hidden with MD5(key + previous).
Bytes hide_password(std::string_view password, std::string_view key, const Authenticator& ra);

// An Access-Request: attributes, User-Password, then a Message-Authenticator over the whole
// packet (RFC 3579 3.2; Blast-RADIUS, CVE-2024-3596). ra is the random Request Authenticator.
// No password: the credential is among the attributes (MS-CHAPv2, RFC 2548).
Bytes access_request_packet(uint8_t id, const Authenticator& ra,
                            const std::vector<Attribute>& attrs,
                            std::optional<std::string_view> password, std::string_view key);
// An Accounting-Request: Request Authenticator = MD5(Code+ID+Length+16 zero octets+attrs+key).
Bytes accounting_request_packet(uint8_t id, const std::vector<Attribute>& attrs,
                                std::string_view key);

enum class ReplyCheck {
  Ok,
  WrongId,                  // not an answer to this request: keep waiting
  Malformed,                // length or attribute framing broken, or an unknown code
  BadAuthenticator,         // Response Authenticator does not verify with our key
  BadMessageAuthenticator,  // present and wrong, or absent where it is required
};

// Checks a datagram against the request it should answer: header, framing, the Response
// Authenticator (RFC 2865 3, RFC 2866 4.2) and, for Access-* replies, the Message-Authenticator
// (required when require_message_authenticator, checked whenever present). Constant-time.
ReplyCheck check_reply(std::span<const uint8_t> reply, std::span<const uint8_t> request,
                       std::string_view key, bool require_message_authenticator);

// The attribute section of a checked reply (what follows the header, up to its Length).
std::span<const uint8_t> reply_attributes(std::span<const uint8_t> reply);

}  // namespace rampart::aaa::radius
