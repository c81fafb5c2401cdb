// What each IKEv1 message may carry (RFC 2409 5.4-5.7, 8; draft-dukes-ike-mode-cfg; RFC 3947),
// declared once as a table and checked once, so exchange code never re-checks presence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/ike/codec/message.hpp"

namespace rampart::ike {

enum class MessageKind : uint8_t {
  MM1,
  MM2,
  MM3,
  MM4,
  MM5,
  MM6,  // main mode, pre-shared key
  AM1,
  AM2,
  AM3,  // aggressive mode, pre-shared key
  QM1,
  QM2,
  QM3,          // quick mode
  Transaction,  // mode-config / XAUTH
  Informational,
};

std::string_view name_of(MessageKind k);

// RFC 2408 3.14.1 notify types a broken message is answered with.
constexpr uint16_t kInvalidPayloadType = 1;
constexpr uint16_t kPayloadMalformed = 16;

struct RuleViolation {
  uint16_t notify = kPayloadMalformed;
  std::string text;  // for the debug line: "AM1 without KE payload"
};

// Our bounds on an SA payload, any message: what honest peers send fits with room to spare (vpnc
// offers one proposal of 24 transforms in about 1 KB, the Cisco client fewer), and nothing
// bigger is read further, matched or answered. The ASA likewise refuses oversize proposals.
struct SaLimits {
  static constexpr size_t kMaxProposals = 16;
  static constexpr size_t kMaxTransforms = 64;     // over all proposals
  static constexpr size_t kMaxAttributes = 16;     // per transform: phase 1 defines 16 classes
  static constexpr size_t kMaxAttributeData = 16;  // a long attribute: lifetimes are 4-8 bytes
  static constexpr size_t kMaxSpi = 16;            // RFC 2408 2.4: at most the two cookies
  static constexpr size_t kMaxBytes = 4096;        // the whole SA payload as it came
};
std::optional<RuleViolation> check_sa_limits(const SaPayload& sa);

// Checks the payloads of a (decrypted) message against its kind: required payloads present,
// none more often than allowed, none that the kind does not carry, HASH first where RFC 2409
// puts it first, and encryption as the kind demands.
std::optional<RuleViolation> check_message(MessageKind kind, bool encrypted,
                                           const std::vector<Payload>& payloads);

}  // namespace rampart::ike
