// Vendor ID payloads: recognising what a peer supports and building what we announce, with the
// ASA's debug wording for each (syslog 715049 "Received ... VID", 715046 "constructing ...").
#pragma once

#include <string_view>

#include "control/ike/codec/bytes.hpp"

namespace rampart::ike {

enum class Vendor {
  Unknown,
  Xauth,       // draft-ietf-ipsra-isakmp-xauth-06
  CiscoUnity,  // Unity client/server, major/minor in the last two bytes
  Dpd,         // RFC 3706
  NatTRfc,     // RFC 3947
  NatT00,
  NatT01,
  NatT02,
  NatT02n,
  NatT03,         // the drafts Cisco clients still send
  Fragmentation,  // Cisco IKE fragmentation, with 4 bytes of capability flags
  CiscoVpn3000,   // "Altiga/Cisco VPN3000/Cisco ASA GW", version in the last two bytes
};

// The vendor a received VID payload names (prefix rules for the versioned ones).
Vendor classify_vendor_id(const Bytes& vid);
// The payload body we send for a vendor.
Bytes vendor_id(Vendor v);
// "Received xauth V6 VID", "Received DPD VID", ... as the ASA logs a received VID.
std::string_view received_text(Vendor v);

}  // namespace rampart::ike
