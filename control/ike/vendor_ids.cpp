#include "control/ike/vendor_ids.hpp"

#include <algorithm>
#include <array>

#include "control/ike/crypto/prf.hpp"

namespace rampart::ike {

namespace {

// Most vendor IDs are the MD5 of a published string, sometimes truncated and followed by
// version or capability bytes; deriving them here keeps the table honest.
Bytes md5_of(std::string_view s, size_t keep) {
  Bytes b = hash(HashAlg::Md5, Bytes(s.begin(), s.end()));
  b.resize(keep);
  return b;
}

Bytes with(Bytes b, std::initializer_list<uint8_t> tail) {
  b.insert(b.end(), tail);
  return b;
}

struct Known {
  Vendor vendor;
  Bytes id;       // what we send
  size_t prefix;  // how many leading bytes identify it on receipt
};

const std::array<Known, 11>& table() {
  static const std::array<Known, 11> t = {{
      {Vendor::Xauth, md5_of("draft-ietf-ipsra-isakmp-xauth-06.txt", 8), 8},
      // CISCO-UNITY 1.0: the digest's first 14 bytes, then major 1, minor 0.
      {Vendor::CiscoUnity, with(md5_of("CISCO-UNITY", 14), {0x01, 0x00}), 14},
      // RFC 3706 3: the value is given literally (major 1, minor 0 at the end).
      {Vendor::Dpd,
       Bytes{0xaf, 0xca, 0xd7, 0x13, 0x68, 0xa1, 0xf1, 0xc9, 0x6b, 0x86, 0x96, 0xfc, 0x77, 0x57,
             0x01, 0x00},
       16},
      {Vendor::NatTRfc, md5_of("RFC 3947", 16), 16},
      {Vendor::NatT00, md5_of("draft-ietf-ipsec-nat-t-ike-00", 16), 16},
      {Vendor::NatT01, md5_of("draft-ietf-ipsec-nat-t-ike-01", 16), 16},
      {Vendor::NatT02, md5_of("draft-ietf-ipsec-nat-t-ike-02", 16), 16},
      {Vendor::NatT02n, md5_of("draft-ietf-ipsec-nat-t-ike-02\n", 16), 16},
      {Vendor::NatT03, md5_of("draft-ietf-ipsec-nat-t-ike-03", 16), 16},
      // Capability flags 0x80000000: fragmentation in main mode.
      {Vendor::Fragmentation, with(md5_of("FRAGMENTATION", 16), {0x80, 0x00, 0x00, 0x00}), 16},
      {Vendor::CiscoVpn3000, with(md5_of("ALTIGA GATEWAY", 14), {0x05, 0x00}), 14},
  }};
  return t;
}

}  // namespace

Vendor classify_vendor_id(const Bytes& vid) {
  for (const Known& k : table())
    if (vid.size() >= k.prefix &&
        std::equal(k.id.begin(), k.id.begin() + static_cast<long>(k.prefix), vid.begin()))
      return k.vendor;
  return Vendor::Unknown;
}

Bytes vendor_id(Vendor v) {
  for (const Known& k : table())
    if (k.vendor == v) return k.id;
  return {};
}

std::string_view received_text(Vendor v) {
  switch (v) {
    case Vendor::Xauth:
      return "Received xauth V6 VID";
    case Vendor::CiscoUnity:
      return "Received Cisco Unity client VID";
    case Vendor::Dpd:
      return "Received DPD VID";
    case Vendor::NatTRfc:
      return "Received NAT-Traversal RFC VID";
    case Vendor::NatT00:
      return "Received NAT-Traversal ver 00 VID";
    case Vendor::NatT01:
      return "Received NAT-Traversal ver 01 VID";
    case Vendor::NatT02:
      return "Received NAT-Traversal ver 02 VID";
    case Vendor::NatT02n:
      return "Received NAT-Traversal ver 02 VID";
    case Vendor::NatT03:
      return "Received NAT-Traversal ver 03 VID";
    case Vendor::Fragmentation:
      return "Received Fragmentation VID";
    case Vendor::CiscoVpn3000:
      return "Received Altiga/Cisco VPN3000/Cisco ASA GW VID";
    case Vendor::Unknown:
      break;
  }
  return "Received unknown vendor ID";
}

}  // namespace rampart::ike
