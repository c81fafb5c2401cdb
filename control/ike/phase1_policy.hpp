// Phase-1 proposal matching as the ASA does it: every offered transform against every
// configured IKEv1 policy in priority order, the first acceptable pair wins, the shorter
// lifetime is used. Each comparison leaves the ASA's debug line, for "debug crypto isakmp".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/codec/constants.hpp"
#include "control/ike/codec/payloads.hpp"
#include "control/ike/crypto/cipher.hpp"

namespace rampart::ike {

struct Phase1Choice {
  uint8_t proposal = 0;
  uint8_t transform = 0;
  uint32_t policy_priority = 0;
  CipherAlg cipher = CipherAlg::Aes128;
  HashAlg hash = HashAlg::Sha1;
  int group = 2;
  uint16_t auth_method = p1attr::kAuthPsk;  // as offered: XAUTH variants say XAUTH follows
  uint32_t lifetime_seconds = 86400;
  bool responder_lifetime = false;  // ours is shorter: send RESPONDER-LIFETIME
};

struct DebugLine {
  int level = 1;  // 1: [IKEv1] events; 5: [IKEv1 DEBUG] detail
  std::string text;
};

struct Phase1Match {
  std::optional<Phase1Choice> choice;
  std::vector<DebugLine> log;
};

// The transform an initiator offers for a pre-shared-key policy (nullopt for others).
std::optional<Transform> transform_for(const config::IsakmpPolicy& p, uint8_t number);

Phase1Match match_phase1(const SaPayload& sa,
                         const std::map<uint32_t, config::IsakmpPolicy>& policies);

}  // namespace rampart::ike
