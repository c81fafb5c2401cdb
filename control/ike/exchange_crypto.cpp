#include "control/ike/exchange_crypto.hpp"

#include "control/ike/crypto/cipher.hpp"
#include "control/ike/crypto/prf.hpp"

namespace rampart::ike {

Bytes hash_over(const IkeSa& sa, uint32_t msgid, const Bytes& extra, const Bytes& rest) {
  Bytes data = be32(msgid);
  data.insert(data.end(), extra.begin(), extra.end());
  data.insert(data.end(), rest.begin(), rest.end());
  return prf(sa.choice.hash, sa.keys.skeyid_a.bytes(), data);
}

Bytes& exchange_iv_for(IkeSa& sa, uint32_t msgid) {
  auto it = sa.exchange_ivs.find(msgid);
  if (it == sa.exchange_ivs.end())
    it = sa.exchange_ivs
             .emplace(msgid, exchange_iv(sa.choice.hash, sa.choice.cipher, sa.phase1_iv, msgid))
             .first;
  return it->second;
}

}  // namespace rampart::ike
