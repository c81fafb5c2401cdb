// Acquire: traffic that a static crypto map entry's ACL says to protect, arriving while no SA
// protects it, brings the tunnel up (the ASA's "interesting traffic"). The dataplane holds the
// entries' policies and queues what matched; every tick turns that into negotiations: a quick
// mode over an IKE SA already up with the peer, else main mode from the start.
#include <fmt/format.h>

#include "control/config/acl_expand.hpp"
#include "control/firewall/policy_build.hpp"  // protocol_number: the one table of names
#include "control/ike/engine.hpp"

namespace rampart::ike {

namespace {

// A proxy of the entry: its addresses, its protocol, and its port where the entry names one
// ("eq"); an ID carries one port or all, so a range or "gt" asks for all of them.
Selector selector_of(const config::AclAddress& a, uint8_t protocol, const config::AclPort& p) {
  using K = config::AclAddress::Kind;
  Selector s;
  s.address = a.kind == K::Any ? config::Ipv4{0} : a.address;
  s.mask = a.kind == K::Any    ? config::Mask{0}
           : a.kind == K::Host ? config::Mask{0xffffffffu}
                               : a.mask;
  s.protocol = protocol;
  if ((protocol == 6 || protocol == 17) && p.op == config::AclPort::Op::Eq) s.port = p.lo;
  return s;
}

}  // namespace

void Engine::sync_acquire() {
  dataplane::Sad* sad = dataplane_.sad();
  if (!sad) return;
  std::vector<AcquireTarget> targets;
  for (const auto& [name, map] : cfg_.crypto.maps) {
    if (!map.interface) continue;
    for (const auto& [seq, entry] : map.entries) {
      const auto& cs = entry.settings;
      if (entry.dynamic_map || !cs.match_address || cs.peers.empty()) continue;
      auto acl = cfg_.access_lists.find(*cs.match_address);
      if (acl == cfg_.access_lists.end()) continue;
      // selector_of reads plain addresses: objects and object-groups are expanded first.
      for (const auto& ace : config::expand_acl(cfg_, acl->second).entries) {
        if (ace.type != config::AccessListEntry::Type::Extended || !ace.permit) continue;
        auto proto = firewall::detail::protocol_number(ace.protocol.empty() ? "ip" : ace.protocol);
        if (!proto) continue;  // a protocol we cannot name in an ID
        const auto p = static_cast<uint8_t>(*proto);
        targets.push_back({name, seq, selector_of(ace.source, p, ace.source_port),
                           selector_of(ace.destination, p, ace.destination_port)});
      }
    }
  }
  if (targets != acquire_targets_) {
    std::vector<dataplane::AcquirePolicy> policies;
    for (size_t i = 0; i < targets.size(); ++i)
      policies.push_back({selector4(targets[i].local), selector4(targets[i].remote), i});
    sad->set_acquire_policies(std::move(policies));
    acquire_targets_ = std::move(targets);
    sad->take_acquires();  // cookies of the old list mean nothing now
    return;
  }
  for (uint64_t cookie : sad->take_acquires())
    if (cookie < acquire_targets_.size()) acquire(acquire_targets_[cookie]);
}

void Engine::acquire(const AcquireTarget& t) {
  const config::CryptoMapSettings* entry = static_entry(t.map, t.seq);
  if (!entry || entry->peers.empty()) return;  // removed since the policies were last synced
  auto peer = config::Ipv4::parse(entry->peers.front());
  if (!peer) return;
  for (auto& [idx, sa] : sas_.all()) {
    if (sa->peer.address != *peer || sa->remote_access) continue;
    for (const auto& ips : sa->ipsec)
      if (ips.local == t.local && ips.remote == t.remote) return;  // up (the worker raced it)
    // Phase 1 or a quick mode under way: what follows brings these proxies or, on the next
    // acquire, the next ones.
    if (!sa->established || !sa->quick_modes.empty() || sa->state != P1State::MmActive) return;
    sa->wanted = IkeSa::Wanted{t.map, t.seq, t.local, t.remote};
    log(sa.get(), Tag::Event,
        fmt::format("IKE Initiator: New Phase 2, local Proxy Address {}, remote Proxy Address {},"
                    "  Crypto map ({})",
                    t.local.address.str(), t.remote.address.str(), t.map));
    start_quick_mode(*sa);
    return;
  }
  initiate(t.map, t.seq, t.local, t.remote);
}

}  // namespace rampart::ike
