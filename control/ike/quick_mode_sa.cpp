#include "control/ike/quick_mode_sa.hpp"

namespace rampart::ike {

std::optional<Selector> selector_of(const IdPayload& id) {
  Selector s;
  s.protocol = id.protocol;
  s.port = id.port;
  if (id.id_type == kIdIpv4Addr && id.data.size() == 4) {
    s.address = config::Ipv4{get_be32(id.data, 0)};
    return s;
  }
  if (id.id_type == kIdIpv4AddrSubnet && id.data.size() == 8) {
    s.address = config::Ipv4{get_be32(id.data, 0)};
    s.mask = config::Mask{get_be32(id.data, 4)};
    return s;
  }
  return std::nullopt;
}

IdPayload id_of(const Selector& s) {
  IdPayload id;
  id.protocol = s.protocol;
  id.port = s.port;
  id.data = be32(s.address.value);
  if (s.mask.value == 0xffffffffu) {
    id.id_type = kIdIpv4Addr;
  } else {
    id.id_type = kIdIpv4AddrSubnet;
    Bytes m = be32(s.mask.value);
    id.data.insert(id.data.end(), m.begin(), m.end());
  }
  return id;
}

void take_choice(IpsecSa& ips, const EspChoice& c) {
  ips.transform_set = c.transform_set;
  ips.encryption = c.encryption;
  ips.integrity = c.integrity;
  // match_esp accepts only the modes encapsulation_of knows; the default is never reached.
  Encapsulation e = encapsulation_of(c.offer.encapsulation).value_or(Encapsulation{});
  ips.udp_encapsulated = e.udp;
  ips.tunnel_mode = e.tunnel;
}

void derive_quick_mode_keys(IpsecSa& ips, HashAlg h, const SecretBytes& skeyid_d, const Bytes& gxy,
                            const Bytes& ni, const Bytes& nr) {
  const size_t ek = config::row(ips.encryption).key_bytes,
               ak = config::row(ips.integrity).key_bytes;
  for (IpsecKeys* k : {&ips.inbound, &ips.outbound}) {
    SecretBytes km =
        quick_mode_keymat(h, skeyid_d, gxy, p2attr::kProtoEsp, k->spi, ni, nr, ek + ak);
    const Bytes& b = km.bytes();
    k->encryption_key = SecretBytes(Bytes(b.begin(), b.begin() + static_cast<long>(ek)));
    k->integrity_key = SecretBytes(Bytes(b.begin() + static_cast<long>(ek), b.end()));
  }
}

Bytes quick_mode_hash3(HashAlg h, const SecretBytes& skeyid_a, uint32_t msgid, const Bytes& ni,
                       const Bytes& nr) {
  Bytes data{0};
  Bytes mid = be32(msgid);
  data.insert(data.end(), mid.begin(), mid.end());
  data.insert(data.end(), ni.begin(), ni.end());
  data.insert(data.end(), nr.begin(), nr.end());
  return prf(h, skeyid_a.bytes(), data);
}

}  // namespace rampart::ike
