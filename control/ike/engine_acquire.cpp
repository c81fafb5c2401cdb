// Acquire: traffic that a static crypto map entry's ACL says to protect, arriving while no SA
// protects it, brings the tunnel up (the ASA's "interesting traffic"). The dataplane holds the
// entries' policies (AcquirePolicies) and queues what matched; every tick turns that into
// negotiations: a quick mode over an IKE SA already up with the peer, else main mode.
#include <fmt/format.h>

#include "control/ike/engine.hpp"

namespace rampart::ike {

std::optional<uint64_t> Engine::initiate(const std::string& map_name, uint32_t seq,
                                         const Selector& local, const Selector& remote) {
  auto map = cfg_.crypto.maps.find(map_name);
  if (map == cfg_.crypto.maps.end() || !map->second.entries.contains(seq) ||
      !map->second.interface) {
    log_.event(nullptr,
               fmt::format("IKE Initiator: no crypto map {} {} on an interface", map_name, seq));
    return std::nullopt;
  }
  const config::CryptoMapEntry& entry = map->second.entries.at(seq);
  const config::Interface* itf = cfg_.interface_by_nameif(*map->second.interface);
  std::optional<config::Ipv4> peer;
  if (!entry.settings.peers.empty()) peer = config::Ipv4::parse(entry.settings.peers.front());
  if (!peer || !itf || !itf->address) {
    log_.event(
        nullptr,
        fmt::format("IKE Initiator: crypto map {} {} has no peer address or interface address",
                    map_name, seq));
    return std::nullopt;
  }
  auto tg = cfg_.tunnel_groups.find(peer->str());
  if (tg == cfg_.tunnel_groups.end() || !tg->second.ipsec.pre_shared_key) {
    log_.event(nullptr,
               fmt::format("IKE Initiator: no tunnel-group {} with a pre-shared key", peer->str()));
    return std::nullopt;
  }
  if (!session_gate_.may_initiate(tg->first, *peer)) return std::nullopt;

  IkeSa& sa = phase1_.new_initiator_sa({*itf->address, 500}, {*peer, 500}, *map->second.interface,
                                       tg->first);
  sa.wanted = IkeSa::Wanted{map_name, seq, local, remote};
  ++stats_.initiator_tunnels;

  log_.event(&sa, fmt::format(
                      "IKE Initiator: New Phase 1, Intf {}, IKE Peer {}  local Proxy Address {}, "
                      "remote Proxy Address {},  Crypto map ({})",
                      sa.nameif, peer->str(), local.address.str(), remote.address.str(), map_name));
  log_.syslog_sa(nullptr, &sa.peer, 713041, sa.nameif, peer->str(), local.address.str(),
                 remote.address.str(), map_name);
  if (!phase1_.send_main_1(sa)) {
    remove(sa.index, EndReason::None, false);
    return std::nullopt;
  }
  return sa.index;
}

void Engine::acquire(const AcquireTarget& t) {
  const config::CryptoMapSettings* entry = static_entry(cfg_, t.map, t.seq);
  if (!entry || entry->peers.empty()) return;  // removed since the policies were last synced
  auto peer = config::Ipv4::parse(entry->peers.front());
  if (!peer) return;
  for (IkeSa* sa : sas_.of_peer(*peer)) {
    if (sa->remote_access) continue;
    for (const auto& ips : sa->ipsec)
      if (ips.local == t.local && ips.remote == t.remote) return;  // up (the worker raced it)
    // Phase 1 or a quick mode under way: what follows brings these proxies or, on the next
    // acquire, the next ones.
    if (!sa->established || !sa->quick_modes.empty() || sa->state != P1State::MmActive) return;
    sa->wanted = IkeSa::Wanted{t.map, t.seq, t.local, t.remote};
    log_.event(
        sa,
        fmt::format("IKE Initiator: New Phase 2, local Proxy Address {}, remote Proxy Address {},"
                    "  Crypto map ({})",
                    t.local.address.str(), t.remote.address.str(), t.map));
    phase2_.start(*sa);
    return;
  }
  initiate(t.map, t.seq, t.local, t.remote);
}

}  // namespace rampart::ike
