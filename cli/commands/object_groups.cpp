// "object-group network|service|protocol|icmp-type NAME" and their members: network-object,
// port-object, service-object, protocol-object, icmp-object, group-object (no loops) and
// description, with their "no" forms.
#include <set>

#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/config/references.hpp"

namespace rampart::cli {

namespace {

using GKind = config::ObjectGroup::Kind;
using MKind = config::ObjectGroupMember::Kind;

constexpr ModeMask kNetGrp = mask_of(Mode::GroupNetwork);
constexpr ModeMask kSvcGrp = mask_of(Mode::GroupService);
constexpr ModeMask kProtoGrp = mask_of(Mode::GroupProtocol);
constexpr ModeMask kIcmpGrp = mask_of(Mode::GroupIcmp);
constexpr ModeMask kAnyGrp = kNetGrp | kSvcGrp | kProtoGrp | kIcmpGrp;

GKind kind_of_mode(Mode m) {
  return m == Mode::GroupService    ? GKind::Service
         : m == Mode::GroupProtocol ? GKind::Protocol
         : m == Mode::GroupIcmp     ? GKind::IcmpType
                                    : GKind::Network;
}

// The group this sub-mode edits; created again (in print order) when another session deleted
// it meanwhile.
config::ObjectGroup& group(Ctx& c) {
  const std::string& name = c.session.frame().name;
  auto [it, fresh] = c.cfg.firewall.object_groups.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    it->second.kind = kind_of_mode(c.session.mode());
    c.cfg.firewall.object_group_order.push_back(name);
  }
  return it->second;
}

Mode mode_of(GKind k) {
  switch (k) {
    case GKind::Network:
      return Mode::GroupNetwork;
    case GKind::Service:
      return Mode::GroupService;
    case GKind::Protocol:
      return Mode::GroupProtocol;
    case GKind::IcmpType:
      return Mode::GroupIcmp;
  }
  return Mode::GroupNetwork;
}

GKind kind_of(std::string_view w) {
  return w == "service"     ? GKind::Service
         : w == "protocol"  ? GKind::Protocol
         : w == "icmp-type" ? GKind::IcmpType
                            : GKind::Network;
}

std::string_view kind_word(GKind k) {
  switch (k) {
    case GKind::Network:
      return "network";
    case GKind::Service:
      return "service";
    case GKind::Protocol:
      return "protocol";
    case GKind::IcmpType:
      return "icmp-type";
  }
  return "network";
}

void enter_group(Ctx& c) {
  const std::string& name = c.args.str("name");
  GKind kind = kind_of(c.args.str("kind"));
  auto& fw = c.cfg.firewall;
  if (fw.network_objects.contains(name) || fw.service_objects.contains(name)) {
    error(c, fmt::format("{} is already used by another object or object-group", name));
    return;
  }
  std::optional<std::string> proto;
  if (c.args.has("proto")) proto = c.args.str("proto");
  auto [it, fresh] = fw.object_groups.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    it->second.kind = kind;
    it->second.service_protocol = proto;
    fw.object_group_order.push_back(name);
  } else if (it->second.kind != kind || it->second.service_protocol != proto) {
    error(c, fmt::format("{} is already used by another object or object-group", name));
    return;
  }
  c.session.enter({mode_of(kind), name});
}

void delete_group(Ctx& c) {
  const std::string& name = c.args.str("name");
  auto& fw = c.cfg.firewall;
  auto it = fw.object_groups.find(name);
  if (it == fw.object_groups.end() || it->second.kind != kind_of(c.args.str("kind"))) {
    error(c, fmt::format("Object-group {} does not exist", name));
    return;
  }
  if (config::object_in_use(c.cfg, name)) {
    error(c, fmt::format("Removing object-group ({}) not allowed, it is being used.", name));
    return;
  }
  fw.object_groups.erase(it);
  std::erase(fw.object_group_order, name);
}

// Adds the member, or with "no" removes it; a duplicate is kept once, as the ASA keeps it.
void apply(Ctx& c, const config::ObjectGroupMember& m) {
  auto& members = group(c).members;
  std::erase(members, m);
  if (!c.negated) members.push_back(m);
}

// Whether group "from" reaches group "to" through group-object lines.
bool reaches(const config::Firewall& fw, const std::string& from, const std::string& to,
             std::set<std::string>& seen) {
  if (from == to) return true;
  if (!seen.insert(from).second) return false;
  auto g = fw.object_groups.find(from);
  if (g == fw.object_groups.end()) return false;
  for (const auto& m : g->second.members)
    if (m.kind == MKind::Group && reaches(fw, m.name, to, seen)) return true;
  return false;
}

void group_object(Ctx& c) {
  const std::string& name = c.args.str("name");
  config::ObjectGroupMember m{MKind::Group};
  m.name = name;
  if (c.negated) {
    apply(c, m);
    return;
  }
  const auto& fw = c.cfg.firewall;
  const auto& self = group(c);
  auto target = fw.object_groups.find(name);
  if (target == fw.object_groups.end() || target->second.kind != self.kind ||
      target->second.service_protocol != self.service_protocol) {
    error(c, fmt::format("Object-group {} does not exist or is of another type", name));
    return;
  }
  std::set<std::string> seen;
  if (reaches(fw, name, self.name, seen)) {
    error(c, fmt::format("Adding object-group ({}) to object-group ({}) would create a loop", name,
                         self.name));
    return;
  }
  apply(c, m);
}

void register_network_members(CommandTree& t) {
  const std::string_view kw = "Configure a network object";
  t.add({kNetGrp,
         "network-object host <address:A.B.C.D>",
         {kw, "Enter this keyword to specify a single host", "Enter an IPv4 host address"},
         [](Ctx& c) {
           config::ObjectGroupMember m{MKind::Host, c.args.ip("address"), {0xffffffffu}};
           apply(c, m);
         },
         true});
  t.add({kNetGrp,
         "network-object <address:A.B.C.D> <mask:A.B.C.D>",
         {kw, "Enter an IPv4 network address", "Enter an IPv4 network mask"},
         [](Ctx& c) {
           auto mask = config::Mask::parse(c.args.str("mask"));
           if (!mask) {
             c.session.invalid_input_at(c.out, c.args, "mask");
             return;
           }
           config::Ipv4 a = c.args.ip("address");
           if ((a.value & ~mask->value) != 0) {
             error(c, fmt::format("IP address,mask <{},{}> doesn't pair", a.str(), mask->str()));
             return;
           }
           apply(c, {mask->value == 0xffffffffu ? MKind::Host : MKind::Subnet, a, *mask});
         },
         true});
  t.add({kNetGrp,
         "network-object object <name:WORD>",
         {kw, "Enter this keyword to specify a network object", "Specifies object ID"},
         [](Ctx& c) {
           const std::string& name = c.args.str("name");
           if (!c.negated && !c.cfg.firewall.network_objects.contains(name)) {
             error(c, fmt::format("specified object <{}> not found", name));
             return;
           }
           config::ObjectGroupMember m{MKind::Object};
           m.name = name;
           apply(c, m);
         },
         true});
}

void register_service_members(CommandTree& t) {
  t.add({kSvcGrp,
         "port-object {op:eq|range} <rest:LINE>",
         {"Configure a port object", "Port equal to operand|Port range operand",
          "Port number or name (two for a range)"},
         [](Ctx& c) {
           if (!group(c).service_protocol) {
             error(c, "port-object is allowed only in a service object-group with a protocol");
             return;
           }
           std::string text = c.args.str("op") + " " + c.args.str("rest");
           Cursor cur(text, c.args.offset("op"));
           config::ObjectGroupMember m{MKind::Port};
           if (!port_op(cur, m.destination) || (!cur.done() && !cur.fail())) {
             Args at;
             at.set("bad", "", cur.fail_at);
             c.session.invalid_input_at(c.out, at, "bad");
             return;
           }
           apply(c, m);
         },
         true});
  t.add({kSvcGrp,
         "service-object <rest:LINE>",
         {"Configure a service object",
          "object N | tcp|udp|tcp-udp [source OP P] [destination OP P] | icmp [TYPE] | PROTOCOL"},
         [](Ctx& c) {
           if (group(c).service_protocol) {
             error(c, "service-object is not allowed in a service object-group with a protocol");
             return;
           }
           Cursor cur(c.args.str("rest"), c.args.offset("rest"));
           config::ObjectGroupMember m{MKind::Service};
           if (cur.peek() == "object") {
             cur.take();
             m.kind = MKind::Object;
             m.name = std::string(cur.peek());
             if (cur.done() || (cur.take(), !cur.done())) {
               cur.fail();
             } else if (!c.negated && !c.cfg.firewall.service_objects.contains(m.name)) {
               error(c, fmt::format("specified object <{}> not found", m.name));
               return;
             }
           } else {
             ServiceSpec s;
             if (parse_service(cur, s)) {
               m.protocol = s.protocol;
               m.source = s.source;
               m.destination = s.destination;
               if (s.icmp_type) m.name = std::to_string(*s.icmp_type);
             }
           }
           if (cur.failed) {
             Args at;
             at.set("bad", "", cur.fail_at);
             c.session.invalid_input_at(c.out, at, "bad");
             return;
           }
           apply(c, m);
         },
         true});
}

void register_protocol_icmp_members(CommandTree& t) {
  t.add({kProtoGrp,
         "protocol-object <protocol:WORD>",
         {"Configure a protocol object", "Protocol name or number (0-255)"},
         [](Ctx& c) {
           if (!valid_protocol(c.args.str("protocol"))) {
             c.session.invalid_input_at(c.out, c.args, "protocol");
             return;
           }
           config::ObjectGroupMember m{MKind::Protocol};
           m.name = c.args.str("protocol");
           apply(c, m);
         },
         true});
  t.add({kIcmpGrp,
         "icmp-object <type:WORD>",
         {"Configure an ICMP type object", "ICMP type name or number (0-255)"},
         [](Ctx& c) {
           auto type = parse_icmp_type(c.args.str("type"));
           if (!type) {
             c.session.invalid_input_at(c.out, c.args, "type");
             return;
           }
           config::ObjectGroupMember m{MKind::IcmpType};
           m.name = icmp_type_name(*type);
           apply(c, m);
         },
         true});
}

std::string member_text(const config::ObjectGroup& g, const config::ObjectGroupMember& m) {
  bool udp = g.service_protocol == "udp";
  switch (m.kind) {
    case MKind::Host:
      return "network-object host " + m.address.str();
    case MKind::Subnet:
      return fmt::format("network-object {} {}", m.address.str(), m.mask.str());
    case MKind::Object:
      return (g.kind == GKind::Network ? "network-object object " : "service-object object ") +
             m.name;
    case MKind::Group:
      return "group-object " + m.name;
    case MKind::Port:
      return "port-object" + port_text(m.destination, udp);
    case MKind::Service: {
      std::optional<int> icmp;
      if (!m.name.empty()) icmp = std::stoi(m.name);
      return "service-object " + service_text({m.protocol, m.source, m.destination, icmp});
    }
    case MKind::Protocol:
      return "protocol-object " + m.name;
    case MKind::IcmpType:
      return "icmp-object " + m.name;
  }
  return "";
}

}  // namespace

void register_object_groups(CommandTree& t) {
  const std::vector<std::string_view> h{
      "Create an object group for use in access-list",
      "Specifies a group of host or subnet IP addresses|Specifies a group of TCP/UDP ports/"
      "services|Specifies a group of protocols|Specifies a group of ICMP types",
      "Enter a name for the object group"};
  t.add({kConfig, "object-group {kind:network|service|protocol|icmp-type} <name:WORD>", h,
         enter_group});
  // The pre-8.3 port group: "object-group service NAME tcp|udp|tcp-udp" holds port-objects.
  std::vector<std::string_view> hp{h[0], "Specifies a group of TCP/UDP ports/services", h[2],
                                   "TCP ports|UDP ports|TCP and UDP ports"};
  t.add({kConfig, "object-group {kind:service} <name:WORD> {proto:tcp|udp|tcp-udp}", hp,
         enter_group});
  t.add({kConfig, "no object-group {kind:network|service|protocol|icmp-type} <name:WORD>", h,
         delete_group});
  register_network_members(t);
  register_service_members(t);
  register_protocol_icmp_members(t);
  t.add({kAnyGrp,
         "group-object <name:WORD>",
         {"Configure an object group as an object", "Enter the name of the object group"},
         group_object,
         true});
  t.add({kAnyGrp,
         "description <text:LINE>",
         {"Specify description text", "Up to 200 characters"},
         [](Ctx& c) { group(c).description = c.args.str("text"); }});
  t.add({kAnyGrp, "no description", {"Specify description text"}, [](Ctx& c) {
           group(c).description.reset();
         }});
}

void render_object_groups(const config::Config& cfg, ConfigWriter& w) {
  const auto& fw = cfg.firewall;
  for (const auto& name : fw.object_group_order) {
    auto it = fw.object_groups.find(name);
    if (it == fw.object_groups.end()) continue;
    const auto& g = it->second;
    std::string head = fmt::format("object-group {} {}", kind_word(g.kind), name);
    if (g.service_protocol) head += " " + *g.service_protocol;
    w.line(head);
    if (g.description) w.sub("description " + *g.description);
    for (const auto& m : g.members) w.sub(member_text(g, m));
  }
}

}  // namespace rampart::cli
