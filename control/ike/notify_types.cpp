#include "control/ike/notify_types.hpp"

#include <array>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace rampart::ike::notify {

namespace {

// RFC 2408 3.14.1 (1-30), RFC 2407 4.6.3 (24576-24578), RFC 3706 (36136-36137), with the
// underscores the ASA writes ("Received an un-encrypted INVALID_COOKIE notify message").
constexpr std::array<std::pair<uint16_t, std::string_view>, 35> kNames{{
    {1, "INVALID_PAYLOAD_TYPE"},
    {2, "DOI_NOT_SUPPORTED"},
    {3, "SITUATION_NOT_SUPPORTED"},
    {4, "INVALID_COOKIE"},
    {5, "INVALID_MAJOR_VERSION"},
    {6, "INVALID_MINOR_VERSION"},
    {7, "INVALID_EXCHANGE_TYPE"},
    {8, "INVALID_FLAGS"},
    {9, "INVALID_MESSAGE_ID"},
    {10, "INVALID_PROTOCOL_ID"},
    {11, "INVALID_SPI"},
    {12, "INVALID_TRANSFORM_ID"},
    {13, "ATTRIBUTES_NOT_SUPPORTED"},
    {14, "NO_PROPOSAL_CHOSEN"},
    {15, "BAD_PROPOSAL_SYNTAX"},
    {16, "PAYLOAD_MALFORMED"},
    {17, "INVALID_KEY_INFORMATION"},
    {18, "INVALID_ID_INFORMATION"},
    {19, "INVALID_CERT_ENCODING"},
    {20, "INVALID_CERTIFICATE"},
    {21, "CERT_TYPE_UNSUPPORTED"},
    {22, "INVALID_CERT_AUTHORITY"},
    {23, "INVALID_HASH_INFORMATION"},
    {24, "AUTHENTICATION_FAILED"},
    {25, "INVALID_SIGNATURE"},
    {26, "ADDRESS_NOTIFICATION"},
    {27, "NOTIFY_SA_LIFETIME"},
    {28, "CERTIFICATE_UNAVAILABLE"},
    {29, "UNSUPPORTED_EXCHANGE_TYPE"},
    {30, "UNEQUAL_PAYLOAD_LENGTHS"},
    {24576, "RESPONDER_LIFETIME"},
    {24577, "REPLAY_STATUS"},
    {24578, "INITIAL_CONTACT"},
    {36136, "DPD_R_U_THERE"},
    {36137, "DPD_R_U_THERE_ACK"},
}};

}  // namespace

std::string name(uint16_t type) {
  for (const auto& [t, n] : kNames)
    if (t == type) return std::string(n);
  return fmt::format("{}", type);
}

}  // namespace rampart::ike::notify
