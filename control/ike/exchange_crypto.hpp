// The per-exchange crypto of the exchanges protected by phase 1 (quick mode, transaction,
// informational): their HASH and their IV chain, both from the IKE SA's keys.
#pragma once

#include <cstdint>

#include "control/ike/sa.hpp"

namespace rampart::ike {

// RFC 2409 5.5 (and the transaction and informational exchanges alike): prf(SKEYID_a, M-ID |
// extra | rest), extra being what the exchange's HASH covers before the payloads (Ni_b for
// HASH(2), and so on).
Bytes hash_over(const IkeSa& sa, uint32_t msgid, const Bytes& extra, const Bytes& rest);
// The IV chain of exchange msgid (RFC 2409 appendix B): from phase 1's last IV and msgid on
// first use, then as the exchange's messages leave it.
Bytes& exchange_iv_for(IkeSa& sa, uint32_t msgid);

}  // namespace rampart::ike
