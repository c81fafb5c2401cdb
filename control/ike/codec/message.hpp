// An ISAKMP message (RFC 2408 3.1): the fixed header and the chain of payloads.
//                      1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// !                          Initiator Cookie                     !
// !                          Responder Cookie                     !
// !  Next Payload ! MjVer ! MnVer ! Exchange Type !     Flags     !
// !                          Message ID                           !
// !                            Length                             !
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "control/ike/codec/constants.hpp"
#include "control/ike/codec/payloads.hpp"

namespace rampart::ike {

constexpr uint8_t kFlagEncrypted = 0x01;  // RFC 2408 3.1 E
constexpr uint8_t kFlagCommit = 0x02;
constexpr uint8_t kVersion = 0x10;  // ISAKMP 1.0
constexpr size_t kHeaderSize = 28;
// A single IKEv1 message larger than this is refused before any parsing: legitimate ones
// (certificates included) stay far below, and fragments reassemble under their own limit.
constexpr size_t kMaxMessage = 65535;
// Bytes a plain (unencrypted) message may carry after its last payload: padding to at most the
// largest cipher block (16), more than any implementation pads (libreswan: to 4).
constexpr size_t kMaxPlainPadding = 15;

using Cookie = std::array<uint8_t, 8>;

struct Header {
  Cookie initiator_cookie{};
  Cookie responder_cookie{};
  PayloadType next = PayloadType::None;
  uint8_t version = kVersion;
  Exchange exchange = Exchange::MainMode;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;  // as received; recomputed when serialising
  bool operator==(const Header&) const = default;
};

struct Message {
  Header header;
  std::vector<Payload> payloads;  // empty while encrypted_body holds ciphertext
  Bytes encrypted_body;           // when header.flags has kFlagEncrypted
};

// Parses a datagram. An encrypted message yields its header and ciphertext; after decryption,
// parse_payloads() reads the chain that the header's next-payload field starts.
rampart::expected<Message, DecodeError> parse_message(const uint8_t* data, size_t size);
// consumed, when given, receives the bytes the chain used: what follows is padding.
rampart::expected<std::vector<Payload>, DecodeError> parse_payloads(PayloadType first,
                                                                    const Bytes& body,
                                                                    size_t* consumed = nullptr,
                                                                    size_t base = kHeaderSize);

// The payload chain without the ISAKMP header (what gets encrypted), and the whole datagram.
Bytes serialize_payloads(const std::vector<Payload>& payloads);
Bytes serialize_message(const Message& m);

// The ASA's summary: "HDR + SA (1) + KE (4) + NONCE (10) + NONE (0) total length : 849".
std::string describe(const std::vector<Payload>& payloads, size_t total_length);

}  // namespace rampart::ike
