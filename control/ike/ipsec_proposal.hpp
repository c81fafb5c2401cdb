// Phase-2 (quick mode) proposal matching against transform sets, and the KEYMAT of the
// resulting SAs (RFC 2407 4.5, RFC 2409 5.5).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/codec/constants.hpp"
#include "control/ike/codec/payloads.hpp"
#include "control/ike/crypto/prf.hpp"

namespace rampart::ike {

// RFC 2407 4.5 Encapsulation Mode, with RFC 3947 5.1's UDP modes and the numbers of the NAT-T
// drafts that Cisco clients still send: where ESP goes and how. Any other value is refused.
struct Encapsulation {
  bool tunnel = true;
  bool udp = false;
};
std::optional<Encapsulation> encapsulation_of(uint16_t mode);

// What one ESP transform offers.
struct EspOffer {
  uint8_t transform = 0;
  uint16_t key_bits = 0;
  uint16_t auth = 0;  // 0: none
  uint16_t encapsulation = p2attr::kTunnel;
  std::optional<uint32_t> life_seconds, life_kilobytes;
  std::optional<uint16_t> group;
};
EspOffer decode_esp(const Transform& t);

struct EspChoice {
  uint8_t proposal = 0, transform_number = 0;
  const Proposal* offered = nullptr;
  const Transform* transform = nullptr;
  EspOffer offer;
  std::string transform_set;
  // The rows of the algorithm table the offer matched (the transform set's own).
  config::EspEncryption encryption = config::EspEncryption::Aes128;
  config::EspIntegrity integrity = config::EspIntegrity::None;
};

// The first offered ESP transform that one of the named transform sets allows, proposals in
// the peer's order, transform sets in ours (as the ASA: "IPSec SA Proposal # 12, Transform # 1
// acceptable"). The encapsulation must be one encapsulation_of knows, in the transform set's
// mode. With a NAT between the ends (udp_only), only the UDP-encapsulated modes of NAT
// traversal (RFC 3947 5.1) are: plain ESP would not pass the NAT.
std::optional<EspChoice> match_esp(const SaPayload& sa, const config::Config& cfg,
                                   const std::vector<std::string>& transform_sets,
                                   bool udp_only = false);

// The ESP transform an initiator offers for a transform set (nullopt for what it cannot say).
std::optional<Transform> esp_transform_for(const config::TransformSet& ts, uint8_t number,
                                           uint32_t life_seconds, uint32_t life_kilobytes,
                                           int pfs_group, bool udp_encapsulation, bool rfc_natt);

// Key lengths in bytes of what a peer offered (0 for what the table lacks), for a client that
// reads an answer off the wire (tests/bench/ike_load).
size_t esp_encryption_key_length(const EspOffer& o);
size_t esp_integrity_key_length(const EspOffer& o);
// "esp-aes-256 esp-sha-hmac" for show output.
std::string esp_transform_text(config::EspEncryption e, config::EspIntegrity i);

// RFC 2409 5.5: KEYMAT = K1 | K2 | ... with K1 = prf(SKEYID_d, [g^xy] | protocol | SPI | Ni_b |
// Nr_b) and Kn = prf(SKEYID_d, Kn-1 | [g^xy] | protocol | SPI | Ni_b | Nr_b).
SecretBytes quick_mode_keymat(HashAlg h, const SecretBytes& skeyid_d, const Bytes& gxy,
                              uint8_t protocol, uint32_t spi, const Bytes& ni, const Bytes& nr,
                              size_t length);

}  // namespace rampart::ike
