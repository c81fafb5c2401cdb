// IKEv1 protocol numbers in one place, each with the section that defines it: exchange and
// payload types (RFC 2408 3.1), the IPsec DOI's protocol, transform and identification numbers
// (RFC 2407 4.4, 4.6.2.1), the phase-1 and phase-2 attribute classes and their values (RFC 2409
// appendix A, RFC 2407 4.5), the notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3,
// RFC 3706) and the transaction exchange's types and XAUTH attributes (the mode-config and XAUTH
// drafts). Algorithm numbers live in the algorithm table (control/config/algorithms), which also
// names each algorithm's words and sizes; the attribute values below are the rest.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rampart::ike {

// RFC 2408 3.2: every payload's generic header (next payload, reserved, payload length).
inline constexpr size_t kGenericHeaderLength = 4;

// RFC 2408 3.1 Exchange Type; 32 and 33 from RFC 2409 5.5 and 5.6.
enum class Exchange : uint8_t {
  Base = 1,
  MainMode = 2,  // Identity Protection
  AuthOnly = 3,
  Aggressive = 4,
  Informational = 5,
  Transaction = 6,  // mode-config / XAUTH
  QuickMode = 32,
  NewGroup = 33,
};

// RFC 2408 3.1 "Next Payload" values, plus the NAT-T (RFC 3947, and the draft numbers Cisco
// clients still send) and Cisco fragmentation payloads.
enum class PayloadType : uint8_t {
  None = 0,
  SA = 1,
  Proposal = 2,
  Transform = 3,
  KE = 4,
  ID = 5,
  Cert = 6,
  CertReq = 7,
  Hash = 8,
  Sig = 9,
  Nonce = 10,
  Notify = 11,
  Delete = 12,
  VendorId = 13,
  Attribute = 14,  // mode-config / XAUTH (draft-dukes-ike-mode-cfg)
  NatD = 20,       // RFC 3947
  NatOA = 21,
  NatDDraft = 130,  // draft-ietf-ipsec-nat-t-ike-02/03
  NatOADraft = 131,
  Fragment = 132,  // Cisco IKE fragmentation
};

// RFC 2407 4.2: the IPsec DOI and its one situation.
constexpr uint32_t kDoiIpsec = 1, kSituationIdentityOnly = 1;

// RFC 2407 4.6.2.1 identification types.
namespace id_type {
constexpr uint8_t kIpv4Addr = 1, kFqdn = 2, kUserFqdn = 3, kIpv4AddrSubnet = 4, kKeyId = 11;
}  // namespace id_type

// RFC 2409 appendix A attribute classes and values used in phase 1 (the algorithm values are
// the table's).
namespace p1attr {
constexpr uint8_t kProtoIsakmp = 1;  // RFC 2407 4.4.1 PROTO_ISAKMP
constexpr uint8_t kKeyIke = 1;       // RFC 2407 4.4.2 KEY_IKE
constexpr uint16_t kEncryption = 1, kHash = 2, kAuth = 3, kGroup = 4, kLifeType = 11,
                   kLifeDuration = 12, kKeyLength = 14;
constexpr uint16_t kAuthPsk = 1, kAuthRsaSig = 3, kAuthXauthInitPsk = 65001,
                   kAuthXauthInitRsa = 65003;  // draft-ietf-ipsec-isakmp-xauth-06 6.1
constexpr uint16_t kLifeSeconds = 1, kLifeKilobytes = 2;
}  // namespace p1attr

// RFC 2407 4.5 attribute classes and values of phase 2, with RFC 3947 5.1's encapsulation modes
// and the NAT-T drafts' numbers; ESP transform ids and authentication algorithms as the table
// has them (kept here too for the wire-level load client, which reads answers off the wire).
namespace p2attr {
constexpr uint16_t kLifeType = 1, kLifeDuration = 2, kGroup = 3, kEncapsulation = 4,
                   kAuthAlgorithm = 5, kKeyLength = 6;
constexpr uint16_t kLifeSeconds = 1, kLifeKilobytes = 2;
constexpr uint16_t kTunnel = 1, kTransport = 2, kUdpTunnel = 3, kUdpTransport = 4,
                   kUdpTunnelDraft = 61443, kUdpTransportDraft = 61444;
constexpr uint8_t kEspDes = 2, kEsp3Des = 3, kEspNull = 11, kEspAes = 12;
constexpr uint16_t kHmacMd5 = 1, kHmacSha = 2, kHmacSha256 = 5, kHmacSha384 = 6, kHmacSha512 = 7;
constexpr uint8_t kProtoEsp = 3;  // RFC 2407 4.4.1 PROTO_IPSEC_ESP
}  // namespace p2attr

namespace notify {
// RFC 2408 3.14.1: error types.
constexpr uint16_t kInvalidPayloadType = 1;
constexpr uint16_t kPayloadMalformed = 16;
constexpr uint16_t kNoProposalChosen = 14;
constexpr uint16_t kInvalidKeyInformation = 17;
constexpr uint16_t kInvalidIdInformation = 18;
constexpr uint16_t kInvalidHashInformation = 23;
constexpr uint16_t kAuthenticationFailed = 24;
// RFC 2407 4.6.3: IPsec DOI status types.
constexpr uint16_t kResponderLifetime = 24576;
constexpr uint16_t kInitialContact = 24578;
// RFC 3706: dead peer detection.
constexpr uint16_t kRUThere = 36136;
constexpr uint16_t kRUThereAck = 36137;
}  // namespace notify

// draft-dukes-ike-mode-cfg: the attribute payload's message types (a transaction's).
namespace cfg_type {
constexpr uint8_t kRequest = 1, kReply = 2, kSet = 3, kAck = 4;
}  // namespace cfg_type

// draft-ietf-ipsec-isakmp-xauth-06: the XAUTH attributes (mode-config's are in
// control/ike/mode_config.hpp).
namespace xauth_attr {
constexpr uint16_t kType = 16520, kUserName = 16521, kUserPassword = 16522, kMessage = 16524,
                   kStatus = 16527, kNextPin = 16528;
}  // namespace xauth_attr

}  // namespace rampart::ike
