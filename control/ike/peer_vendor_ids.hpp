// The vendor IDs of an SA's phase 1: what the peer's say it supports (DPD, Cisco Unity, XAUTH,
// fragmentation, the NAT-T variant), and ours in answer. Each VID read or sent is named in a
// debug line (level 5), as the ASA names them: the lines are returned for the engine to print.
#pragma once

#include <vector>

#include "control/ike/codec/payloads.hpp"
#include "control/ike/phase1_policy.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// The peer's first message: sa's peer_* flags and, with NAT traversal on, sa.natt, the newest
// variant both sides speak.
std::vector<DebugLine> read_vendor_ids(IkeSa& sa, const std::vector<Payload>& p,
                                       bool nat_traversal);
// Vendor IDs after the first message (the Cisco client repeats Unity and adds its IOS-style VID
// in AM3): named, they change nothing negotiated by then.
std::vector<DebugLine> read_later_vendor_ids(const std::vector<Payload>& p);
// Ours: Unity and XAUTH when the peer sent them, DPD, the NAT-T variant agreed and, with
// with_gateway_vid, the gateway's.
std::vector<DebugLine> add_our_vendor_ids(const IkeSa& sa, std::vector<Payload>& out,
                                          bool with_gateway_vid);
// The Altiga/Cisco VPN 3000/ASA gateway VID.
std::vector<DebugLine> add_gateway_vid(std::vector<Payload>& out);

}  // namespace rampart::ike
