// Access-lists expanded into Policy form: one Match per combination of the leaves of an ACE's
// object-group operands, each with the text "show access-list" prints for it.
#include <fmt/format.h>

#include "control/firewall/policy_build.hpp"

namespace rampart::firewall::detail {

namespace {

std::string operand_text(const config::AclAddress& a) {
  using K = config::AclAddress::Kind;
  switch (a.kind) {
    case K::Any:
      return "any";
    case K::Host:
      return "host " + a.address.str();
    case K::Subnet:
      return a.address.str() + " " + a.mask.str();
    case K::Object:
      return "object " + a.name;
    case K::Group:
      return "object-group " + a.name;
    case K::Interface:
      return "interface " + a.name;
  }
  return "any";
}

std::string level_name(int level) {
  static constexpr std::string_view kNames[] = {"emergencies",   "alerts",   "critical",
                                                "errors",        "warnings", "notifications",
                                                "informational", "debugging"};
  return level >= 0 && level <= 7 ? std::string(kNames[level]) : std::to_string(level);
}

// " log informational interval 300", as show access-list prints a logging ACE.
std::string log_text(const config::AccessListEntry& e) {
  if (e.log_disable) return " log disable";
  if (!e.log_level) return "";
  return fmt::format(" log {} interval {}", level_name(*e.log_level), e.log_interval.value_or(300));
}

// The ICMP type operand: a type name or number, or an icmp-type object-group's members.
std::vector<std::pair<int, std::string>> icmp_types(const config::Config& cfg,
                                                    const std::string& operand,
                                                    std::vector<std::string>& problems) {
  std::string name = operand;
  if (name.starts_with("object-group ")) name = name.substr(13);
  auto g = cfg.firewall.object_groups.find(name);
  if (g != cfg.firewall.object_groups.end() &&
      g->second.kind == config::ObjectGroup::Kind::IcmpType) {
    std::vector<std::pair<int, std::string>> out;
    for (const auto& m : g->second.members)
      if (auto t = icmp_type_number(m.name)) out.push_back({*t, " " + icmp_type_text(*t)});
    return out;
  }
  if (auto t = icmp_type_number(operand)) return {{*t, " " + icmp_type_text(*t)}};
  problems.push_back(fmt::format("icmp-type {} is not known", operand));
  return {};
}

struct PortChoice {
  PortSet set;
  std::string text;  // " eq www"
};

// The ports of one side of a TCP/UDP ACE: its operator, or each port-object of the port group
// named in its place (one expanded line each, as show access-list prints them).
std::vector<PortChoice> port_choices(const config::Config& cfg, const config::AclPort& op,
                                     const std::optional<std::string>& group, uint8_t protocol,
                                     std::vector<std::string>& problems) {
  if (!group) return {{port_set(op), port_op_text(op, protocol == 17)}};
  std::vector<PortChoice> out;
  for (const auto& item : service_items(cfg, *group, problems))
    if (item.protocol == protocol) out.push_back({item.destination_ports, item.destination_text});
  return out;
}

std::vector<SvcItem> services_of(const config::Config& cfg, const config::AccessListEntry& e,
                                 std::vector<std::string>& problems) {
  if (e.service) {
    auto items = service_items(cfg, e.service->name, problems);
    return items;
  }
  SvcItem s;
  auto n = protocol_number(e.protocol.empty() ? "ip" : e.protocol);
  if (!n) {
    problems.push_back(fmt::format("protocol {} is not known", e.protocol));
    return {};
  }
  s.protocol = *n;
  s.protocol_text = e.protocol.empty() ? "ip" : e.protocol;
  if (*n == 6 || *n == 17) {
    std::vector<SvcItem> out;
    for (const auto& sp : port_choices(cfg, e.source_port, e.source_port_group, *n, problems))
      for (const auto& dp :
           port_choices(cfg, e.destination_port, e.destination_port_group, *n, problems)) {
        SvcItem t = s;
        t.source_ports = sp.set;
        t.source_text = sp.text;
        t.destination_ports = dp.set;
        t.destination_text = dp.text;
        out.push_back(std::move(t));
      }
    return out;
  }
  if (*n != 1 || !e.icmp_type) return {s};
  std::vector<SvcItem> out;
  for (const auto& [type, text] : icmp_types(cfg, *e.icmp_type, problems)) {
    SvcItem t = s;
    t.icmp_type = type;
    t.icmp_text = text;
    out.push_back(t);
  }
  return out;
}

std::string configured_text(const config::AccessListEntry& e) {
  bool standard = e.type == config::AccessListEntry::Type::Standard;
  std::string verb = e.permit ? "permit" : "deny";
  if (standard) return fmt::format("standard {} {}", verb, operand_text(e.destination));
  std::string proto = e.service ? operand_text(*e.service) : e.protocol;
  bool udp = e.protocol == "udp";
  auto ports = [&](const config::AclPort& p, const std::optional<std::string>& group) {
    return group ? " object-group " + *group : port_op_text(p, udp);
  };
  std::string s =
      fmt::format("extended {} {} {}{} {}{}", verb, proto, operand_text(e.source),
                  ports(e.source_port, e.source_port_group), operand_text(e.destination),
                  ports(e.destination_port, e.destination_port_group));
  if (e.icmp_type) s += " " + *e.icmp_type;
  s += log_text(e);
  if (e.inactive) s += " inactive";
  return s;
}

std::vector<Match> expand(const config::Config& cfg, const config::AccessListEntry& e,
                          const Policy& p, std::vector<std::string>& problems) {
  std::string verb = e.permit ? "permit" : "deny";
  std::vector<Match> out;
  if (e.type == config::AccessListEntry::Type::Standard) {
    for (auto& d : net_items(cfg, e.destination, p, problems)) {
      Match m;
      m.source = any_address();
      m.destination = d.set;
      m.text = fmt::format("standard {} {}", verb, d.text);
      out.push_back(std::move(m));
    }
    return out;
  }
  auto sources = net_items(cfg, e.source, p, problems);
  auto destinations = net_items(cfg, e.destination, p, problems);
  auto services = services_of(cfg, e, problems);
  std::string tail = log_text(e) + (e.inactive ? " inactive" : "");
  for (const auto& svc : services)
    for (const auto& s : sources)
      for (const auto& d : destinations) {
        Match m;
        m.protocol = svc.protocol;
        m.source = s.set;
        m.destination = d.set;
        m.source_ports = svc.source_ports;
        m.destination_ports = svc.destination_ports;
        m.icmp_type = svc.icmp_type;
        m.text = fmt::format("extended {} {} {}{} {}{}{}{}", verb, svc.protocol_text, s.text,
                             svc.source_text, d.text, svc.destination_text, svc.icmp_text, tail);
        out.push_back(std::move(m));
      }
  return out;
}

}  // namespace

Acl build_acl(const config::Config& cfg, const config::AccessList& list, const Policy& p,
              std::vector<std::string>& problems) {
  Acl acl;
  acl.name = list.name;
  int line = 0;
  for (const auto& e : list.entries) {
    ++line;  // remarks take a line number too, as on the ASA
    if (e.type == config::AccessListEntry::Type::Remark) continue;
    Ace ace;
    ace.line = line;
    ace.permit = e.permit;
    ace.log = e.log_level.has_value() && !e.log_disable;
    ace.log_level = e.log_level.value_or(6);
    ace.inactive = e.inactive;
    ace.text = configured_text(e);
    ace.hash = text_hash(list.name + " " + ace.text);
    std::vector<std::string> own;
    ace.lines = expand(cfg, e, p, own);
    for (const auto& why : own)
      problems.push_back(fmt::format("access-list {} line {}: {}", list.name, line, why));
    acl.aces.push_back(std::move(ace));
  }
  return acl;
}

}  // namespace rampart::firewall::detail
