// build_policy: the configuration normalised into the Policy both the nftables compiler and
// packet-tracer read (interfaces, ACLs, NAT order, inspections, timeouts).
#include "control/firewall/policy.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "control/firewall/policy_build.hpp"

namespace rampart::firewall {

namespace {

// Inspections this box enforces: a kernel conntrack helper, or conntrack itself (icmp).
constexpr std::string_view kEnforced[] = {"ftp",  "tftp",       "sip",  "h323 h225", "h323 ras",
                                          "icmp", "icmp error", "pptp", "netbios",   "snmp"};

bool enforced(std::string_view inspect) {
  return std::find(std::begin(kEnforced), std::end(kEnforced), inspect) != std::end(kEnforced);
}

// "h323 h225" and "icmp error" name the inspection with two words; otherwise a second word
// names an inspect policy-map ("dns preset_dns_map"), which is not part of the name.
std::string inspection_name(const std::string& words) {
  auto space = words.find(' ');
  if (space == std::string::npos) return words;
  std::string first = words.substr(0, space);
  if (first == "h323" || words == "icmp error") return words;
  return first;
}

std::vector<Interface> interfaces_of(const config::Config& cfg, const DeviceOf& device_of) {
  std::set<std::string> crypto_ifs;
  for (const auto& [name, map] : cfg.crypto.maps)
    if (map.interface) crypto_ifs.insert(*map.interface);
  std::vector<Interface> out;
  for (const auto& [hw, itf] : cfg.interfaces) {
    if (!itf.nameif || !itf.address || !itf.mask) continue;
    Interface i;
    i.nameif = *itf.nameif;
    i.device = device_of(hw);
    // The ASA's default: 100 for "inside", 0 for any other name.
    i.level = itf.security_level.value_or(i.nameif == "inside" ? 100 : 0);
    i.address = itf.address->value;
    i.prefix = itf.mask->prefix_len();
    if (crypto_ifs.contains(i.nameif)) i.vpn = vpn_device_of(i.device);
    for (const auto& r : cfg.firewall.icmp)
      if (r.nameif == i.nameif) i.icmp.push_back(r);
    out.push_back(std::move(i));
  }
  return out;
}

void bind_acls(const config::Config& cfg, Policy& p, const std::set<std::string>& session_filters,
               std::vector<std::string>& problems) {
  std::set<std::string> used;
  for (const auto& g : cfg.firewall.access_groups) {
    using D = config::AccessGroup::Direction;
    if (g.direction == D::Global) {
      p.global_acl = g.acl;
    } else {
      auto it = std::find_if(p.interfaces.begin(), p.interfaces.end(),
                             [&](const Interface& i) { return i.nameif == g.interface; });
      if (it == p.interfaces.end()) {
        problems.push_back(
            fmt::format("access-group {}: interface {} has no address", g.acl, g.interface));
        continue;
      }
      (g.direction == D::In ? it->acl_in : it->acl_out) = g.acl;
    }
    used.insert(g.acl);
  }
  for (const auto& [name, gp] : cfg.group_policies)
    if (gp.vpn_filter) {
      p.vpn_filters[name] = *gp.vpn_filter;
      p.vpn_filter_acls.insert(*gp.vpn_filter);
      used.insert(*gp.vpn_filter);
    }
  for (const auto& name : session_filters) {
    p.vpn_filter_acls.insert(name);
    used.insert(name);
  }
  for (const auto& name : used) {
    auto it = cfg.access_lists.find(name);
    // An access-group naming a missing ACL: the ASA refuses it; a stale one permits nothing.
    if (it == cfg.access_lists.end()) {
      problems.push_back(fmt::format("access-list {} is not defined; it permits nothing", name));
      p.acls[name] = Acl{name, {}};
      continue;
    }
    p.acls[name] = detail::build_acl(cfg, it->second, p, problems);
  }
}

void inspections_of(const config::Config& cfg, Policy& p) {
  const auto& fw = cfg.firewall;
  for (const auto& sp : fw.service_policies) {
    auto pm = fw.policy_maps.find(sp.policy_map);
    if (pm == fw.policy_maps.end()) continue;
    for (const auto& c : pm->second.classes) {
      auto cm = fw.class_maps.find(c.class_map);
      std::string match = cm != fw.class_maps.end() && cm->second.match
                              ? *cm->second.match
                              : std::string("default-inspection-traffic");
      for (const auto& words : c.inspects) {
        std::string name = inspection_name(words);
        if (std::find(p.inspections.begin(), p.inspections.end(), name) == p.inspections.end())
          p.inspections.push_back(name);
        std::string where = sp.interface.empty() ? "global" : "interface " + sp.interface;
        if (!enforced(name))
          p.not_enforced.push_back(fmt::format(
              "inspect {} ({}): no kernel helper on this box; its traffic is judged by the "
              "access rules and connection state alone",
              name, where));
        else if (match != "default-inspection-traffic" && match != "any")
          p.not_enforced.push_back(fmt::format(
              "inspect {} ({}): class {} matches \"{}\"; the helper watches the protocol's "
              "default port only",
              name, where, c.class_map, match));
        else if (!sp.interface.empty())
          p.not_enforced.push_back(
              fmt::format("inspect {} ({}): applied on every interface", name, where));
      }
    }
  }
}

}  // namespace

bool contains(const AddressSet& s, uint32_t address) {
  return std::any_of(s.begin(), s.end(),
                     [&](const AddressRange& r) { return address >= r.lo && address <= r.hi; });
}

bool contains(const PortSet& s, uint16_t port) {
  if (s.empty()) return true;
  return std::any_of(s.begin(), s.end(),
                     [&](const PortRange& r) { return port >= r.lo && port <= r.hi; });
}

bool Policy::inspects(std::string_view what) const {
  return std::any_of(inspections.begin(), inspections.end(), [&](const std::string& i) {
    return i == what || (i.size() > what.size() && i.starts_with(what) && i[what.size()] == ' ');
  });
}

const Interface* Policy::interface(std::string_view nameif) const {
  for (const auto& i : interfaces)
    if (i.nameif == nameif) return &i;
  return nullptr;
}

const Interface* Policy::by_device(std::string_view device) const {
  for (const auto& i : interfaces)
    if (i.device == device || (i.vpn && *i.vpn == device)) return &i;
  return nullptr;
}

std::string vpn_device_of(const std::string& device) {
  return device + "-vpn";
}

Policy build_policy(const config::Config& cfg, const DeviceOf& device_of,
                    const std::set<std::string>& session_filters) {
  Policy p;
  p.interfaces = interfaces_of(cfg, device_of);
  for (const auto& r : cfg.routes)
    p.routes.push_back({r.network.value, r.mask.prefix_len(), r.gateway.value, r.nameif});
  std::vector<std::string> problems;
  bind_acls(cfg, p, session_filters, problems);
  p.nat = detail::build_nat(cfg, p, problems);
  p.same_security_inter = cfg.firewall.same_security_inter;
  p.same_security_intra = cfg.firewall.same_security_intra;
  p.permit_vpn = cfg.management.permit_vpn;
  inspections_of(cfg, p);
  const auto& fw = cfg.firewall;
  p.conn_timeout = config::timeout_seconds(fw, "conn");
  p.half_closed_timeout = config::timeout_seconds(fw, "half-closed");
  p.udp_timeout = config::timeout_seconds(fw, "udp");
  p.icmp_timeout = config::timeout_seconds(fw, "icmp");
  p.xlate_timeout = config::timeout_seconds(fw, "xlate");
  p.not_enforced.insert(p.not_enforced.end(), problems.begin(), problems.end());
  return p;
}

}  // namespace rampart::firewall
