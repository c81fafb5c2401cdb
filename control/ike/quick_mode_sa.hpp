// What both roles of quick mode compute the same way (RFC 2409 5.5), as pure functions: the proxy
// identities and their selectors, the negotiated transform on the SA, the KEYMAT of both
// directions and HASH(3). The initiator and the responder call these, so the two cannot drift.
#pragma once

#include <cstdint>
#include <optional>

#include "control/ike/codec/payloads.hpp"
#include "control/ike/crypto/prf.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// The identification types a proxy may carry (codec/constants.hpp).
constexpr uint8_t kIdIpv4Addr = id_type::kIpv4Addr, kIdIpv4AddrSubnet = id_type::kIpv4AddrSubnet;

// The selector of a proxy identity; nullopt for types other than an IPv4 address or subnet.
std::optional<Selector> selector_of(const IdPayload& id);
// The proxy identity for a selector: an address for a /32, else a subnet.
IdPayload id_of(const Selector& s);

// The transform the exchange settled on, onto the SA: algorithms, and where and how ESP goes
// (tunnel or transport, in UDP or not) from the chosen encapsulation mode.
void take_choice(IpsecSa& ips, const EspChoice& c);

// KEYMAT for the inbound and outbound SPIs (RFC 2409 5.5), split into each direction's
// encryption and integrity keys by the SA's transform. gxy is empty without PFS.
void derive_quick_mode_keys(IpsecSa& ips, HashAlg h, const SecretBytes& skeyid_d, const Bytes& gxy,
                            const Bytes& ni, const Bytes& nr);

// RFC 2409 5.5: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b).
Bytes quick_mode_hash3(HashAlg h, const SecretBytes& skeyid_a, uint32_t msgid, const Bytes& ni,
                       const Bytes& nr);

}  // namespace rampart::ike
