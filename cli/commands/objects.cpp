// "object network NAME" (host, subnet, range, description) and "object service NAME" (service,
// description): the named operands that access-lists, object-groups and NAT refer to. The NAT
// line inside "object network" belongs to the NAT section (cli/commands/nat*.cpp).
#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/config/references.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kNet = mask_of(Mode::ObjectNetwork);
constexpr ModeMask kSvc = mask_of(Mode::ObjectService);

// Objects and object-groups share one name space on the ASA.
bool name_taken_by_other_kind(Ctx& c, const std::string& name, bool network) {
  const auto& fw = c.cfg.firewall;
  bool clash = fw.object_groups.contains(name) ||
               (network ? fw.service_objects.contains(name) : fw.network_objects.contains(name));
  if (clash) error(c, fmt::format("{} is already used by another object or object-group", name));
  return clash;
}

// The object this sub-mode edits. Another session may have deleted it meanwhile: a line typed
// here then creates it again, in print order, as "object network NAME" would.
template <typename Map>
typename Map::mapped_type& current(Ctx& c, Map& objects) {
  const std::string& name = c.session.frame().name;
  auto [it, fresh] = objects.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    c.cfg.firewall.object_order.push_back(name);
  }
  return it->second;
}

config::NetworkObject& net(Ctx& c) {
  return current(c, c.cfg.firewall.network_objects);
}

config::ServiceObject& svc(Ctx& c) {
  return current(c, c.cfg.firewall.service_objects);
}

void enter_object(Ctx& c, bool network) {
  const std::string& name = c.args.str("name");
  if (name_taken_by_other_kind(c, name, network)) return;
  auto& fw = c.cfg.firewall;
  bool fresh = network ? fw.network_objects.try_emplace(name).second
                       : fw.service_objects.try_emplace(name).second;
  if (fresh) {
    if (network)
      fw.network_objects[name].name = name;
    else
      fw.service_objects[name].name = name;
    fw.object_order.push_back(name);
  }
  c.session.enter({network ? Mode::ObjectNetwork : Mode::ObjectService, name});
}

void delete_object(Ctx& c, bool network) {
  const std::string& name = c.args.str("name");
  auto& fw = c.cfg.firewall;
  bool exists = network ? fw.network_objects.contains(name) : fw.service_objects.contains(name);
  if (!exists) {
    error(c, fmt::format("Object {} does not exist", name));
    return;
  }
  if (config::object_in_use(c.cfg, name)) {
    error(c, fmt::format("unable to delete object ({}). Object is being used.", name));
    return;
  }
  if (network)
    fw.network_objects.erase(name);
  else
    fw.service_objects.erase(name);
  std::erase(fw.object_order, name);
}

void register_network_lines(CommandTree& t) {
  t.add({kNet,
         "host <address:A.B.C.D>",
         {"Enter this keyword to specify a single host object", "Enter an IPv4 host address"},
         [](Ctx& c) {
           auto& o = net(c);
           o.kind = config::NetworkObject::Kind::Host;
           o.address = c.args.ip("address");
         }});
  t.add({kNet,
         "subnet <address:A.B.C.D> <mask:A.B.C.D>",
         {"Enter this keyword to specify a subnet", "Enter an IPv4 network address",
          "Enter an IPv4 network mask"},
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
           auto& o = net(c);
           o.kind = config::NetworkObject::Kind::Subnet;
           o.address = a;
           o.mask = *mask;
         }});
  t.add({kNet,
         "range <first:A.B.C.D> <last:A.B.C.D>",
         {"Enter this keyword to specify a range", "Enter an IPv4 start address",
          "Enter an IPv4 end address"},
         [](Ctx& c) {
           if (c.args.ip("last") < c.args.ip("first")) {
             c.session.invalid_input_at(c.out, c.args, "last");
             return;
           }
           auto& o = net(c);
           o.kind = config::NetworkObject::Kind::Range;
           o.address = c.args.ip("first");
           o.last = c.args.ip("last");
         }});
  // "fqdn" is not offered: resolving names needs a DNS client the firewall does not have, so
  // the line gets the ASA's invalid-input marker under "fqdn", as on a release without it.
}

void register_service_lines(CommandTree& t) {
  t.add({kSvc,
         "service <rest:LINE>",
         {"Enter this keyword to specify a service",
          "tcp|udp|tcp-udp [source OP P] [destination OP P] | icmp [TYPE] | ip | PROTOCOL"},
         [](Ctx& c) {
           Cursor cur(c.args.str("rest"), c.args.offset("rest"));
           ServiceSpec s;
           if (!parse_service(cur, s)) {
             Args at;
             at.set("bad", "", cur.fail_at);
             c.session.invalid_input_at(c.out, at, "bad");
             return;
           }
           auto& o = svc(c);
           o.protocol = s.protocol;
           o.source = s.source;
           o.destination = s.destination;
           o.icmp_type = s.icmp_type;
         }});
}

template <typename Get>
void description(CommandTree& t, ModeMask modes, Get get) {
  t.add({modes,
         "description <text:LINE>",
         {"Specify description text", "Up to 200 characters"},
         [get](Ctx& c) { get(c) = c.args.str("text"); }});
  t.add({modes, "no description", {"Specify description text"}, [get](Ctx& c) { get(c).reset(); }});
}

}  // namespace

void register_objects(CommandTree& t) {
  const std::vector<std::string_view> h{"Configure an object",
                                        "Specifies a host, subnet or range IP address|Specifies a "
                                        "protocol/port service",
                                        "Specifies object ID"};
  t.add({kConfig, "object {kind:network|service} <name:WORD>", h,
         [](Ctx& c) { enter_object(c, c.args.str("kind") == "network"); }});
  t.add({kConfig, "no object {kind:network|service} <name:WORD>", h,
         [](Ctx& c) { delete_object(c, c.args.str("kind") == "network"); }});
  register_network_lines(t);
  register_service_lines(t);
  description(t, kNet, [](Ctx& c) -> std::optional<std::string>& { return net(c).description; });
  description(t, kSvc, [](Ctx& c) -> std::optional<std::string>& { return svc(c).description; });
}

void render_objects(const config::Config& cfg, ConfigWriter& w) {
  const auto& fw = cfg.firewall;
  for (const auto& name : fw.object_order) {
    if (auto n = fw.network_objects.find(name); n != fw.network_objects.end()) {
      const auto& o = n->second;
      w.line("object network " + name);
      using K = config::NetworkObject::Kind;
      if (o.kind == K::Host) w.sub("host " + o.address.str());
      if (o.kind == K::Subnet) w.sub(fmt::format("subnet {} {}", o.address.str(), o.mask.str()));
      if (o.kind == K::Range) w.sub(fmt::format("range {} {}", o.address.str(), o.last.str()));
      if (o.description) w.sub("description " + *o.description);
    } else if (auto s = fw.service_objects.find(name); s != fw.service_objects.end()) {
      const auto& o = s->second;
      w.line("object service " + name);
      w.sub("service " + service_text({o.protocol, o.source, o.destination, o.icmp_type}));
      if (o.description) w.sub("description " + *o.description);
    }
  }
}

}  // namespace rampart::cli
