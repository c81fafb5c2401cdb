#include "control/ike/crypto_map_select.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "control/config/acl_expand.hpp"
#include "control/firewall/policy_build.hpp"  // protocol_number: the one table of names

namespace rampart::ike {

namespace {

constexpr int kEvent = 1, kDetail = 5;  // [IKEv1] and [IKEv1 DEBUG] levels (DebugLine)
constexpr uint8_t kTcp = 6, kUdp = 17;

bool address_within(const Selector& s, const config::AclAddress& a) {
  using K = config::AclAddress::Kind;
  if (a.kind == K::Any) return true;
  uint32_t m = a.kind == K::Host ? 0xffffffffu : a.mask.value;
  return (s.mask.value & m) == m && (s.address.value & m) == (a.address.value & m);
}

// A proxy's port 0 means every port (RFC 2407 4.6.2). An ID names one port or all, so an entry
// with a range, "gt", "lt" or "neq" can only be negotiated as all ports of its protocol (as our
// own acquire asks for it); only "eq" demands its port.
bool port_within(uint16_t port, const config::AclPort& p) {
  using Op = config::AclPort::Op;
  if (p.op == Op::None) return true;
  if (port == 0) return p.op != Op::Eq;
  switch (p.op) {
    case Op::Eq:
      return port == p.lo;
    case Op::Lt:
      return port < p.lo;
    case Op::Gt:
      return port > p.lo;
    case Op::Neq:
      return port != p.lo;
    case Op::Range:
      return port >= p.lo && port <= p.hi;
    case Op::None:
      break;
  }
  return true;
}

// "ip" covers every protocol; any other protocol only proxies of that protocol (a proxy of
// protocol 0, all of them, is wider than the entry), and for TCP/UDP the ports too.
bool service_within(const config::AccessListEntry& e, const Selector& local,
                    const Selector& remote) {
  auto proto = firewall::detail::protocol_number(e.protocol.empty() ? "ip" : e.protocol);
  if (!proto) return false;  // a name we do not know covers nothing
  if (*proto == 0) return true;
  if (local.protocol != *proto || remote.protocol != *proto) return false;
  if (*proto != kTcp && *proto != kUdp) return true;
  return port_within(local.port, e.source_port) && port_within(remote.port, e.destination_port);
}

std::string entry_name(const config::CryptoMap& map, const config::CryptoMapEntry& entry) {
  return entry.dynamic_map ? *entry.dynamic_map : map.name;
}

// The settings an entry offers for this peer, with their sequence numbers: the static entry
// itself when it names the peer, a dynamic map's entries in their order.
std::vector<std::pair<uint32_t, const config::CryptoMapSettings*>> candidates_of(
    const config::Config& cfg, uint32_t seq, const config::CryptoMapEntry& entry,
    const config::Ipv4& peer, std::vector<DebugLine>& log) {
  std::vector<std::pair<uint32_t, const config::CryptoMapSettings*>> out;
  if (entry.dynamic_map) {
    // A dynamic entry names no peer and no ACL: nothing to check it against statically.
    log.push_back({kEvent, "Static Crypto Map check by-passed: Crypto map entry incomplete!"});
    auto dm = cfg.crypto.dynamic_maps.find(*entry.dynamic_map);
    if (dm == cfg.crypto.dynamic_maps.end()) return out;
    for (const auto& [ds, dset] : dm->second.entries) out.emplace_back(ds, &dset);
    return out;
  }
  const auto& peers = entry.settings.peers;
  if (std::find(peers.begin(), peers.end(), peer.str()) != peers.end())
    out.emplace_back(seq, &entry.settings);
  return out;
}

bool covers(const config::Config& cfg, const config::CryptoMapSettings& cs, const MapQuery& q) {
  if (!cs.match_address) return true;
  auto acl = cfg.access_lists.find(*cs.match_address);
  // An ACL that is gone (deleted mid-negotiation) covers nothing, never everything.
  if (acl == cfg.access_lists.end()) return false;
  return acl_covers(config::expand_acl(cfg, acl->second), q.local, q.remote);
}

const config::CryptoMap* map_on(const config::Config& cfg, std::string_view nameif) {
  const config::CryptoMap* map = nullptr;
  for (const auto& [name, m] : cfg.crypto.maps)
    if (m.interface == nameif) map = &m;
  return map;
}

}  // namespace

bool acl_covers(const config::AccessList& acl, const Selector& local, const Selector& remote) {
  for (const auto& e : acl.entries) {
    if (e.type != config::AccessListEntry::Type::Extended || !e.permit) continue;
    if (address_within(local, e.source) && address_within(remote, e.destination) &&
        service_within(e, local, remote))
      return true;
  }
  return false;
}

MapSelection select_crypto_map(const config::Config& cfg, const MapQuery& q) {
  MapSelection r;
  r.map = map_on(cfg, q.nameif);
  if (!r.map) return r;
  r.outcome = MapSelection::Outcome::NoProxyMatch;
  for (const auto& [seq, entry] : r.map->entries) {
    r.log.push_back({kEvent, fmt::format("Static Crypto Map check, checking map = {}, seq = {}...",
                                         r.map->name, seq)});
    for (const auto& [cseq, cs] : candidates_of(cfg, seq, entry, q.peer, r.log)) {
      if (!covers(cfg, *cs, q)) continue;
      r.outcome = MapSelection::Outcome::NoProposal;
      if (q.udp_only)
        r.log.push_back({kDetail,
                         "Selecting only UDP-Encapsulated-Tunnel and UDP-Encapsulated-Transport "
                         "modes defined by NAT-Traversal"});
      auto c =
          q.offered ? match_esp(*q.offered, cfg, cs->transform_sets, q.udp_only) : std::nullopt;
      if (!c) continue;
      r.outcome = MapSelection::Outcome::Chosen;
      r.choice = std::move(c);
      r.settings = cs;
      r.seq = cseq;
      r.map_tag = entry_name(*r.map, entry);
      r.log.push_back(
          {kEvent, fmt::format("IKE Remote Peer configured for crypto map: {}", r.map_tag)});
      return r;
    }
  }
  return r;
}

}  // namespace rampart::ike
