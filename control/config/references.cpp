#include "control/config/references.hpp"

namespace rampart::config {

namespace {

bool names(const AclAddress& a, std::string_view name) {
  return (a.kind == AclAddress::Kind::Object || a.kind == AclAddress::Kind::Group) &&
         a.name == name;
}

bool in_acls(const Config& cfg, std::string_view name) {
  for (const auto& [acl_name, acl] : cfg.access_lists)
    for (const auto& e : acl.entries)
      if (names(e.source, name) || names(e.destination, name) ||
          (e.service && names(*e.service, name)) || e.source_port_group == name ||
          e.destination_port_group == name)
        return true;
  return false;
}

bool in_groups(const Config& cfg, std::string_view name) {
  using M = ObjectGroupMember::Kind;
  for (const auto& [gname, g] : cfg.firewall.object_groups)
    for (const auto& m : g.members)
      if ((m.kind == M::Object || m.kind == M::Group) && m.name == name) return true;
  return false;
}

bool in_twice_nat(const std::vector<TwiceNat>& rules, std::string_view name) {
  for (const auto& n : rules)
    if (n.source_real == name || n.source_mapped == name || n.destination_mapped == name ||
        n.destination_real == name || n.service_real == name || n.service_mapped == name)
      return true;
  return false;
}

bool in_object_nat(const Config& cfg, std::string_view name) {
  for (const auto& [oname, o] : cfg.firewall.network_objects)
    if (o.nat &&
        (o.nat->mapped_kind == ObjectNat::Mapped::Object ||
         o.nat->mapped_kind == ObjectNat::Mapped::PatPool) &&
        o.nat->mapped == name)
      return true;
  return false;
}

}  // namespace

bool object_in_use(const Config& cfg, std::string_view name) {
  return in_acls(cfg, name) || in_groups(cfg, name) || in_twice_nat(cfg.firewall.twice_nat, name) ||
         in_twice_nat(cfg.firewall.after_auto, name) || in_object_nat(cfg, name);
}

}  // namespace rampart::config
