#include "control/ike/peer_vendor_ids.hpp"

#include <fmt/format.h>

#include "control/ike/vendor_ids.hpp"

namespace rampart::ike {

namespace {

bool is_vendor_id(const Payload& x) {
  const auto* o = std::get_if<OpaquePayload>(&x);
  return o && o->type == PayloadType::VendorId;
}

}  // namespace

std::vector<DebugLine> read_vendor_ids(IkeSa& sa, const std::vector<Payload>& p,
                                       bool nat_traversal) {
  std::vector<DebugLine> log;
  bool rfc = false, d02 = false, d02n = false, d03 = false;
  for (const auto& x : p) {
    if (!is_vendor_id(x)) continue;
    log.push_back({5, "processing VID payload"});
    Vendor v = classify_vendor_id(std::get<OpaquePayload>(x).data);
    log.push_back({5, std::string(received_text(v))});
    switch (v) {
      case Vendor::Dpd:
        sa.peer_dpd = true;
        break;
      case Vendor::CiscoUnity:
        sa.peer_unity = true;
        break;
      case Vendor::Xauth:
        sa.peer_xauth = true;
        break;
      case Vendor::Fragmentation:
        sa.peer_frag = true;
        break;
      case Vendor::NatTRfc:
        rfc = true;
        break;
      case Vendor::NatT02:
        d02 = true;
        break;
      case Vendor::NatT02n:
        d02n = true;
        break;
      case Vendor::NatT03:
        d03 = true;
        break;
      default:
        break;
    }
  }
  if (!nat_traversal) return log;
  sa.natt = rfc    ? Vendor::NatTRfc
            : d03  ? Vendor::NatT03
            : d02n ? Vendor::NatT02n
            : d02  ? Vendor::NatT02
                   : Vendor::Unknown;
  return log;
}

std::vector<DebugLine> read_later_vendor_ids(const std::vector<Payload>& p) {
  std::vector<DebugLine> log;
  for (const auto& x : p)
    if (is_vendor_id(x)) {
      log.push_back({5, "processing VID payload"});
      log.push_back(
          {5, std::string(received_text(classify_vendor_id(std::get<OpaquePayload>(x).data)))});
    }
  return log;
}

std::vector<DebugLine> add_our_vendor_ids(const IkeSa& sa, std::vector<Payload>& out,
                                          bool with_gateway_vid) {
  std::vector<DebugLine> log;
  auto vid = [&](Vendor v, std::string_view what) {
    log.push_back({5, std::string(what)});
    out.push_back(OpaquePayload{PayloadType::VendorId, vendor_id(v)});
  };
  if (sa.peer_unity) vid(Vendor::CiscoUnity, "constructing Cisco Unity VID payload");
  if (sa.peer_xauth) vid(Vendor::Xauth, "constructing xauth V6 VID payload");
  vid(Vendor::Dpd, "constructing dpd vid payload");
  if (sa.natt != Vendor::Unknown)
    vid(sa.natt, sa.natt == Vendor::NatTRfc
                     ? "constructing NAT-Traversal VID ver RFC payload"
                     : fmt::format("constructing NAT-Traversal VID ver {} payload",
                                   sa.natt == Vendor::NatT03 ? "03" : "02"));
  if (with_gateway_vid)
    for (auto& l : add_gateway_vid(out)) log.push_back(std::move(l));
  return log;
}

std::vector<DebugLine> add_gateway_vid(std::vector<Payload>& out) {
  std::vector<DebugLine> log;
  log.push_back({5, "constructing VID payload"});
  log.push_back({5, "Send Altiga/Cisco VPN3000/Cisco ASA GW VID"});
  out.push_back(OpaquePayload{PayloadType::VendorId, vendor_id(Vendor::CiscoVpn3000)});
  return log;
}

}  // namespace rampart::ike
