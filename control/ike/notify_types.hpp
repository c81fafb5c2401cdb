// ISAKMP notify message types (RFC 2408 3.14.1, RFC 2407 4.6.3, RFC 3706) and the names the
// ASA prints for them, in one table.
#pragma once

#include <cstdint>
#include <string>

namespace rampart::ike::notify {

// RFC 2408 3.14.1: error types.
constexpr uint16_t kInvalidPayloadType = 1;
constexpr uint16_t kPayloadMalformed = 16;
constexpr uint16_t kNoProposalChosen = 14;
constexpr uint16_t kInvalidIdInformation = 18;
constexpr uint16_t kInvalidHashInformation = 23;
constexpr uint16_t kAuthenticationFailed = 24;
// RFC 2407 4.6.3: IPsec DOI status types.
constexpr uint16_t kResponderLifetime = 24576;
constexpr uint16_t kInitialContact = 24578;
// RFC 3706: dead peer detection.
constexpr uint16_t kRUThere = 36136;
constexpr uint16_t kRUThereAck = 36137;

// The name as the ASA's debug lines spell it ("INVALID_HASH_INFORMATION"); a type no RFC names
// is printed as a number.
std::string name(uint16_t type);

}  // namespace rampart::ike::notify
