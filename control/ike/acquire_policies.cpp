#include "control/ike/acquire_policies.hpp"

#include "control/config/acl_expand.hpp"
#include "control/firewall/policy_build.hpp"  // protocol_number: the one table of names
#include "control/ike/ipsec_dataplane.hpp"

namespace rampart::ike {

namespace {

// A proxy of the entry: its addresses, its protocol, and its port where the entry names one
// ("eq"); an ID carries one port or all, so a range or "gt" asks for all of them.
Selector acl_selector(const config::AclAddress& a, uint8_t protocol, const config::AclPort& p) {
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

std::vector<ProtectedLine> protected_lines(const config::Config& cfg) {
  std::vector<ProtectedLine> lines;
  for (const auto& [name, map] : cfg.crypto.maps) {
    if (!map.interface) continue;
    for (const auto& [seq, entry] : map.entries) {
      const auto& cs = entry.settings;
      if (entry.dynamic_map || !cs.match_address || cs.peers.empty()) continue;
      auto acl = cfg.access_lists.find(*cs.match_address);
      if (acl == cfg.access_lists.end()) continue;
      // Plain operands only: an "object" read as if it were "any" would protect the wrong
      // traffic. Inactive lines and remarks are gone after the expansion.
      for (auto& ace : config::expand_acl(cfg, acl->second).entries)
        if (ace.type == config::AccessListEntry::Type::Extended && ace.permit)
          lines.push_back({name, seq, *map.interface, std::move(ace)});
    }
  }
  return lines;
}

std::vector<AcquireTarget> acquire_targets(const config::Config& cfg) {
  std::vector<AcquireTarget> targets;
  for (const ProtectedLine& l : protected_lines(cfg)) {
    const auto& ace = l.ace;
    auto proto = firewall::detail::protocol_number(ace.protocol.empty() ? "ip" : ace.protocol);
    if (!proto) continue;
    const auto p = static_cast<uint8_t>(*proto);
    targets.push_back({l.map, l.seq, acl_selector(ace.source, p, ace.source_port),
                       acl_selector(ace.destination, p, ace.destination_port)});
  }
  return targets;
}

std::vector<AcquireTarget> AcquirePolicies::sync(const config::Config& cfg, dataplane::Sad& sad) {
  std::vector<AcquireTarget> targets = acquire_targets(cfg);
  if (targets != targets_) {
    std::vector<dataplane::AcquirePolicy> policies;
    for (size_t i = 0; i < targets.size(); ++i)
      policies.push_back({selector4(targets[i].local), selector4(targets[i].remote), i});
    sad.set_acquire_policies(std::move(policies));
    targets_ = std::move(targets);
    sad.take_acquires();  // cookies of the old list mean nothing now
    return {};
  }
  std::vector<AcquireTarget> asked;
  for (uint64_t cookie : sad.take_acquires())
    if (cookie < targets_.size()) asked.push_back(targets_[cookie]);
  return asked;
}

}  // namespace rampart::ike
