#include "control/config/acl_expand.hpp"

#include <set>

namespace rampart::config {

namespace {

using K = AclAddress::Kind;

AclAddress host(Ipv4 a) {
  return {K::Host, a, Mask{0xffffffffu}, {}};
}

AclAddress subnet(Ipv4 a, Mask m) {
  return m.value == 0xffffffffu ? host(a) : AclAddress{K::Subnet, a, m, {}};
}

void from_object(const NetworkObject& o, std::vector<AclAddress>& out) {
  switch (o.kind) {
    case NetworkObject::Kind::Host:
      out.push_back(host(o.address));
      break;
    case NetworkObject::Kind::Subnet:
      out.push_back(subnet(o.address, o.mask));
      break;
    case NetworkObject::Kind::Range: {
      auto s = range_to_subnets(o.address, o.last);
      out.insert(out.end(), s.begin(), s.end());
      break;
    }
    case NetworkObject::Kind::None:
      break;  // an object with no address yet matches nothing
  }
}

void from_group(const Config& cfg, const std::string& name, std::set<std::string>& seen,
                std::vector<AclAddress>& out) {
  if (!seen.insert(name).second) return;
  auto g = cfg.firewall.object_groups.find(name);
  if (g == cfg.firewall.object_groups.end()) return;
  using M = ObjectGroupMember::Kind;
  for (const auto& m : g->second.members) {
    if (m.kind == M::Host) out.push_back(host(m.address));
    if (m.kind == M::Subnet) out.push_back(subnet(m.address, m.mask));
    if (m.kind == M::Object)
      if (auto o = cfg.firewall.network_objects.find(m.name);
          o != cfg.firewall.network_objects.end())
        from_object(o->second, out);
    if (m.kind == M::Group) from_group(cfg, m.name, seen, out);
  }
}

// "tcp-udp" stands for both.
void add_service(std::vector<ExpandedService>& out, const std::string& protocol, const AclPort& src,
                 const AclPort& dst, std::optional<std::string> icmp) {
  if (protocol == "tcp-udp") {
    out.push_back({"tcp", src, dst, {}});
    out.push_back({"udp", src, dst, {}});
  } else {
    out.push_back({protocol, src, dst, std::move(icmp)});
  }
}

void from_service_object(const ServiceObject& o, std::vector<ExpandedService>& out) {
  std::optional<std::string> icmp;
  if (o.icmp_type) icmp = std::to_string(*o.icmp_type);
  add_service(out, o.protocol, o.source, o.destination, icmp);
}

void from_service_group(const Config& cfg, const std::string& name, std::set<std::string>& seen,
                        std::vector<ExpandedService>& out) {
  if (!seen.insert(name).second) return;
  auto g = cfg.firewall.object_groups.find(name);
  if (g == cfg.firewall.object_groups.end()) return;
  using M = ObjectGroupMember::Kind;
  for (const auto& m : g->second.members) {
    if (m.kind == M::Service) add_service(out, m.protocol, m.source, m.destination, {});
    if (m.kind == M::Protocol) add_service(out, m.name, {}, {}, {});
    if (m.kind == M::Port && g->second.service_protocol)
      add_service(out, *g->second.service_protocol, {}, m.destination, {});
    if (m.kind == M::Object)
      if (auto o = cfg.firewall.service_objects.find(m.name);
          o != cfg.firewall.service_objects.end())
        from_service_object(o->second, out);
    if (m.kind == M::Group) from_service_group(cfg, m.name, seen, out);
  }
}

}  // namespace

std::vector<AclAddress> range_to_subnets(Ipv4 first, Ipv4 last) {
  std::vector<AclAddress> out;
  uint64_t lo = first.value, hi = last.value;
  while (lo <= hi) {
    // The largest aligned block starting at lo that does not pass hi.
    int bits = 0;
    while (bits < 32 && (lo & ((uint64_t{1} << (bits + 1)) - 1)) == 0 &&
           lo + (uint64_t{1} << (bits + 1)) - 1 <= hi)
      ++bits;
    out.push_back(subnet(Ipv4{static_cast<uint32_t>(lo)}, Mask::from_prefix(32 - bits)));
    lo += uint64_t{1} << bits;
  }
  return out;
}

std::vector<AclAddress> expand_address(const Config& cfg, const AclAddress& a) {
  std::vector<AclAddress> out;
  switch (a.kind) {
    case K::Any:
    case K::Host:
    case K::Subnet:
      out.push_back(a);
      break;
    case K::Object:
      if (auto o = cfg.firewall.network_objects.find(a.name);
          o != cfg.firewall.network_objects.end())
        from_object(o->second, out);
      break;
    case K::Group: {
      std::set<std::string> seen;
      from_group(cfg, a.name, seen, out);
      break;
    }
    case K::Interface:
      if (const Interface* itf = cfg.interface_by_nameif(a.name); itf && itf->address)
        out.push_back(host(*itf->address));
      break;
  }
  return out;
}

std::vector<ExpandedService> expand_service(const Config& cfg, const AccessListEntry& e) {
  std::vector<ExpandedService> out;
  if (!e.service) {
    out.push_back({e.protocol, e.source_port, e.destination_port, e.icmp_type});
    return out;
  }
  if (e.service->kind == K::Object) {
    if (auto o = cfg.firewall.service_objects.find(e.service->name);
        o != cfg.firewall.service_objects.end())
      from_service_object(o->second, out);
  } else {
    std::set<std::string> seen;
    from_service_group(cfg, e.service->name, seen, out);
  }
  return out;
}

AccessList expand_acl(const Config& cfg, const AccessList& acl) {
  AccessList out{acl.name, {}};
  for (const auto& e : acl.entries) {
    if (e.type == AccessListEntry::Type::Remark || e.inactive) continue;
    if (e.type == AccessListEntry::Type::Standard) {
      for (const auto& d : expand_address(cfg, e.destination)) {
        AccessListEntry x = e;
        x.destination = d;
        out.entries.push_back(std::move(x));
      }
      continue;
    }
    auto sources = expand_address(cfg, e.source);
    auto destinations = expand_address(cfg, e.destination);
    auto services = expand_service(cfg, e);
    for (const auto& svc : services)
      for (const auto& s : sources)
        for (const auto& d : destinations) {
          AccessListEntry x = e;
          x.service.reset();
          x.protocol = svc.protocol;
          x.source_port = svc.source;
          x.destination_port = svc.destination;
          x.icmp_type = svc.icmp_type;
          x.source = s;
          x.destination = d;
          out.entries.push_back(std::move(x));
        }
  }
  return out;
}

}  // namespace rampart::config
