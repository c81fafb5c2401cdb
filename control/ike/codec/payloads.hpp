// ISAKMP payloads (RFC 2408 section 3, RFC 2409, draft-dukes-ike-mode-cfg, RFC 3947): one value
// type each, parsed from and serialised to the payload body (what follows the 4-byte generic
// payload header). Parsing never casts onto wire bytes and never trusts a length.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "control/ike/codec/bytes.hpp"
#include "control/ike/codec/constants.hpp"

namespace rampart::ike {

// The name the ASA prints in "IKE_DECODE ... with payloads : HDR + SA (1) + ...".
std::string_view asa_name(PayloadType t);

//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// !A!       Attribute Type        !    AF=0  Attribute Length     !
// !F!                             !    AF=1  Attribute Value      !
// .                   AF=0  Attribute Value                       .
// RFC 2408 3.3 Data Attributes: AF=1 is the short (TV) form, AF=0 the long (TLV) form.
struct Attribute {
  uint16_t type = 0;  // without the AF bit
  bool short_form = true;
  uint16_t value = 0;  // short form
  Bytes data;          // long form
  bool operator==(const Attribute&) const = default;
  static Attribute tv(uint16_t type, uint16_t value) { return {type, true, value, {}}; }
  static Attribute tlv(uint16_t type, Bytes data) { return {type, false, 0, std::move(data)}; }
  // A long-form value as text (a user name, a password, a client's version string).
  std::string text() const { return std::string(data.begin(), data.end()); }
};

// RFC 2408 3.6 Transform Payload (inside a Proposal).
struct Transform {
  uint8_t number = 0;
  uint8_t id = 0;  // KEY_IKE (1) in phase 1; ESP_AES (12) etc. in phase 2
  std::vector<Attribute> attributes;
  bool operator==(const Transform&) const = default;
};

// RFC 2408 3.5 Proposal Payload (inside an SA).
struct Proposal {
  uint8_t number = 0;
  uint8_t protocol = 0;  // PROTO_ISAKMP 1, PROTO_IPSEC_ESP 3
  Bytes spi;
  std::vector<Transform> transforms;
  bool operator==(const Proposal&) const = default;
};

// RFC 2408 3.4 Security Association Payload, DOI IPSEC (RFC 2407 4.2), SIT_IDENTITY_ONLY.
struct SaPayload {
  uint32_t doi = 1;
  uint32_t situation = 1;
  std::vector<Proposal> proposals;
  bool operator==(const SaPayload&) const = default;
};

// RFC 2407 4.6.2 Identification Payload (IPsec DOI).
struct IdPayload {
  uint8_t id_type =
      0;  // ID_IPV4_ADDR 1, ID_FQDN 2, ID_USER_FQDN 3, ID_IPV4_ADDR_SUBNET 4, ID_KEY_ID 11
  uint8_t protocol = 0;
  uint16_t port = 0;
  Bytes data;
  bool operator==(const IdPayload&) const = default;
};

// RFC 2408 3.14 Notification Payload.
struct NotifyPayload {
  uint32_t doi = 1;
  uint8_t protocol = 0;
  uint16_t type = 0;  // INITIAL-CONTACT 24578, R-U-THERE 36136, ...
  Bytes spi;
  Bytes data;
  bool operator==(const NotifyPayload&) const = default;
};

// RFC 2408 3.15 Delete Payload.
struct DeletePayload {
  uint32_t doi = 1;
  uint8_t protocol = 0;
  uint8_t spi_size = 0;
  std::vector<Bytes> spis;
  bool operator==(const DeletePayload&) const = default;
};

// draft-dukes-ike-mode-cfg 3.2 Attribute Payload (mode-config and XAUTH).
struct AttributePayload {
  uint8_t type = 0;  // ISAKMP_CFG_REQUEST 1, REPLY 2, SET 3, ACK 4
  uint16_t identifier = 0;
  std::vector<Attribute> attributes;
  bool operator==(const AttributePayload&) const = default;
};

// Payloads whose body is opaque bytes to the codec: KE, HASH, SIG, NONCE, VENDOR ID, NAT-D,
// NAT-OA, CERT, CERT-REQ, FRAGMENT, and any type we do not know (kept, so nothing is lost).
struct OpaquePayload {
  PayloadType type = PayloadType::None;
  Bytes data;
  bool operator==(const OpaquePayload&) const = default;
};

using Payload = std::variant<SaPayload, IdPayload, NotifyPayload, DeletePayload, AttributePayload,
                             OpaquePayload>;

PayloadType type_of(const Payload& p);

// Parses the body of a payload of the given type (the generic header already consumed).
rampart::expected<Payload, DecodeError> parse_payload(PayloadType type, Reader& body);
// Serialises the body of a payload (without the generic header).
void serialize_payload(const Payload& p, Writer& w);
// The same as bytes: what HASH_I/HASH_R cover of the ID payload.
Bytes payload_body(const Payload& p);

// The first payload of kind T in a message's chain (of type t, unless None), or null.
template <typename T>
const T* first_payload(const std::vector<Payload>& p, PayloadType t = PayloadType::None) {
  for (const auto& x : p)
    if (const T* v = std::get_if<T>(&x); v && (t == PayloadType::None || type_of(x) == t)) return v;
  return nullptr;
}
// The first opaque payload of type t (KE, NONCE, HASH...), or null.
inline const OpaquePayload* first_opaque(const std::vector<Payload>& p, PayloadType t) {
  return first_payload<OpaquePayload>(p, t);
}

// The attribute lists of SA transforms and mode-config payloads (RFC 2408 3.3).
rampart::expected<std::vector<Attribute>, DecodeError> parse_attributes(Reader& r,
                                                                        std::string_view payload);
void serialize_attributes(const std::vector<Attribute>& attrs, Writer& w);

}  // namespace rampart::ike
