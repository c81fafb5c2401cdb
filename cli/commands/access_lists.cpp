// access-list: extended, standard and remark entries. The operands after permit|deny are parsed
// here (any, host A, A M, object, object-group, interface, protocol or service object, ports,
// ICMP type, log, inactive) so that a bad operand gets the '^' marker under it, as the ASA
// draws it.
#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

using Kind = config::AclAddress::Kind;

// Why an operand the grammar could read was refused: the ASA answers these with "ERROR: ..."
// rather than the marker.
struct Refusal {
  std::string text;
};

struct EntryParser {
  Ctx& c;
  Cursor cur;
  std::optional<Refusal> refusal;

  bool refuse(std::string text) {
    refusal = Refusal{std::move(text)};
    return false;
  }

  bool named_address(config::AclAddress& out, Kind kind) {
    cur.take();
    if (cur.done()) return cur.fail();
    std::string name(cur.peek());
    const auto& fw = c.cfg.firewall;
    if (kind == Kind::Object && !fw.network_objects.contains(name)) {
      if (fw.service_objects.contains(name) || fw.object_groups.contains(name)) return cur.fail();
      return refuse(fmt::format("specified object <{}> not found", name));
    }
    if (kind == Kind::Group) {
      auto g = fw.object_groups.find(name);
      if (g == fw.object_groups.end())
        return refuse(fmt::format("specified object group <{}> not found", name));
      if (g->second.kind != config::ObjectGroup::Kind::Network) return cur.fail();
    }
    if (kind == Kind::Interface && !c.cfg.interface_by_nameif(name))
      return refuse(fmt::format("'{}' is not a valid interface name", name));
    cur.take();
    out = {kind, {}, {}, name};
    return true;
  }

  bool address(config::AclAddress& out, std::string& mismatch, bool objects) {
    if (cur.done()) return cur.fail();
    std::string_view w = cur.peek();
    if (w == "any" || w == "any4") {
      cur.take();
      out.kind = Kind::Any;
      return true;
    }
    if (objects && w == "object") return named_address(out, Kind::Object);
    if (objects && w == "object-group") return named_address(out, Kind::Group);
    if (objects && w == "interface") return named_address(out, Kind::Interface);
    if (w == "host") {
      cur.take();
      auto ip = config::Ipv4::parse(cur.peek());
      if (!ip) return cur.fail();
      cur.take();
      out = {Kind::Host, *ip, config::Mask{0xffffffffu}, {}};
      return true;
    }
    auto ip = config::Ipv4::parse(w);
    if (!ip) return cur.fail();
    cur.take();
    auto mask = config::Mask::parse(cur.peek());
    if (!mask) return cur.fail();
    cur.take();
    if ((ip->value & ~mask->value) != 0) {
      mismatch = fmt::format("IP address,mask <{},{}> doesn't pair", ip->str(), mask->str());
      return false;
    }
    out = {Kind::Subnet, *ip, *mask, {}};
    return true;
  }

  // The protocol operand: a protocol, or "object SVC" / "object-group SVC|PROTO".
  bool protocol(config::AccessListEntry& e) {
    if (cur.done()) return cur.fail();
    std::string_view w = cur.peek();
    if (w != "object" && w != "object-group") {
      if (!valid_protocol(w)) return cur.fail();
      e.protocol = std::string(cur.take());
      return true;
    }
    bool group = w == "object-group";
    cur.take();
    if (cur.done()) return cur.fail();
    std::string name(cur.peek());
    const auto& fw = c.cfg.firewall;
    if (!group && !fw.service_objects.contains(name)) {
      if (fw.network_objects.contains(name)) return cur.fail();
      return refuse(fmt::format("specified object <{}> not found", name));
    }
    if (group) {
      auto g = fw.object_groups.find(name);
      if (g == fw.object_groups.end())
        return refuse(fmt::format("specified object group <{}> not found", name));
      using GK = config::ObjectGroup::Kind;
      // A port group ("object-group service N tcp") belongs after an address, not here.
      bool fits = g->second.kind == GK::Protocol ||
                  (g->second.kind == GK::Service && !g->second.service_protocol);
      if (!fits) return cur.fail();
    }
    cur.take();
    e.service = config::AclAddress{group ? Kind::Group : Kind::Object, {}, {}, name};
    return true;
  }

  // "log [LEVEL] [interval SECS] | log disable | log default", "inactive".
  bool options(config::AccessListEntry& e) {
    while (!cur.done()) {
      std::string_view w = cur.peek();
      if (w == "inactive" && !e.inactive) {
        cur.take();
        e.inactive = true;
      } else if (w == "log" && !e.log_level && !e.log_disable) {
        cur.take();
        if (!log_options(e)) return false;
      } else {
        return cur.fail();  // time-range and the rest are not supported
      }
    }
    return true;
  }

  bool log_options(config::AccessListEntry& e) {
    if (cur.peek() == "disable") {
      cur.take();
      e.log_disable = true;
      return true;
    }
    if (cur.peek() == "default") {  // back to the default: no per-entry logging
      cur.take();
      return true;
    }
    e.log_level = 6;
    if (auto lvl = parse_log_level(cur.peek())) {
      cur.take();
      e.log_level = *lvl;
    }
    if (cur.peek() == "interval") {
      cur.take();
      auto secs = parse_number(cur.peek(), 600);
      if (!secs || *secs == 0) return cur.fail();
      cur.take();
      e.log_interval = static_cast<int>(*secs);
    }
    return true;
  }
};

}  // namespace

namespace {

config::AccessList& acl(Ctx& c) {
  const std::string& name = c.args.str("name");
  auto [it, fresh] = c.cfg.access_lists.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    c.cfg.access_list_order.push_back(name);
  }
  return it->second;
}

// An access-list that loses its last entry is gone, and so are the access-groups that bound
// it, as on the ASA (an interface never stays bound to a name that matches nothing).
void remove_acl(config::Config& cfg, const std::string& name) {
  cfg.access_lists.erase(name);
  std::erase(cfg.access_list_order, name);
  std::erase_if(cfg.firewall.access_groups,
                [&](const config::AccessGroup& g) { return g.acl == name; });
}

void add_or_remove(Ctx& c, config::AccessListEntry e) {
  if (!c.negated) {
    auto& entries = acl(c).entries;
    // "line N" inserts before the entry now at N (remarks count, as on the ASA); past the
    // end it appends.
    size_t at = c.args.has("line") ? c.args.num("line") - 1 : entries.size();
    entries.insert(entries.begin() + static_cast<std::ptrdiff_t>(std::min(at, entries.size())),
                   std::move(e));
    return;
  }
  auto it = c.cfg.access_lists.find(c.args.str("name"));
  if (it == c.cfg.access_lists.end()) return;
  std::erase(it->second.entries, e);
  if (it->second.entries.empty()) remove_acl(c.cfg, c.args.str("name"));
}

// "object-group NAME" at the cursor when NAME is a port group usable with protocol (an
// "object-group service NAME tcp|udp|tcp-udp"): taken into out. Anything else is left for the
// next operand (after a source address the same words may name the destination's group).
bool port_group(Cursor& cur, const config::Config& cfg, const std::string& protocol,
                std::optional<std::string>& out) {
  if (cur.peek() != "object-group" || cur.i + 1 >= cur.words.size()) return false;
  std::string name(cur.words[cur.i + 1].text);
  auto g = cfg.firewall.object_groups.find(name);
  if (g == cfg.firewall.object_groups.end() || !g->second.service_protocol) return false;
  const std::string& sp = *g->second.service_protocol;
  if (sp != protocol && sp != "tcp-udp") return false;
  cur.take();
  cur.take();
  out = name;
  return true;
}

bool ports_at(EntryParser& p, const std::string& protocol, config::AclPort& op,
              std::optional<std::string>& group) {
  return port_group(p.cur, p.c.cfg, protocol, group) || port_op(p.cur, op);
}

bool parse_extended(EntryParser& p, config::AccessListEntry& e, std::string& mismatch) {
  if (!p.protocol(e)) return false;
  bool ports = e.protocol == "tcp" || e.protocol == "udp";
  if (!p.address(e.source, mismatch, true)) return false;
  if (ports && !ports_at(p, e.protocol, e.source_port, e.source_port_group)) return false;
  if (!p.address(e.destination, mismatch, true)) return false;
  if (ports && !ports_at(p, e.protocol, e.destination_port, e.destination_port_group)) return false;
  if (e.protocol == "icmp" && !p.cur.done())
    if (auto t = parse_icmp_type(p.cur.peek())) {
      p.cur.take();
      e.icmp_type = icmp_type_name(*t);
    }
  return p.options(e);
}

void entry_cmd(Ctx& c, bool standard) {
  EntryParser p{c, Cursor(c.args.str("rest"), c.args.offset("rest")), {}};
  config::AccessListEntry e;
  e.type =
      standard ? config::AccessListEntry::Type::Standard : config::AccessListEntry::Type::Extended;
  e.permit = c.args.str("action") == "permit";
  std::string mismatch;
  bool ok = standard ? p.address(e.destination, mismatch, false) && (p.cur.done() || p.cur.fail())
                     : parse_extended(p, e, mismatch);
  if (p.refusal) {
    error(c, p.refusal->text);
    return;
  }
  if (!mismatch.empty()) {
    error(c, mismatch);
    return;
  }
  if (!ok) {
    Args at;
    at.set("bad", "", p.cur.fail_at);
    c.session.invalid_input_at(c.out, at, "bad");
    return;
  }
  add_or_remove(c, std::move(e));
}

std::string address_text(const config::AclAddress& a) {
  switch (a.kind) {
    case Kind::Any:
      return "any";
    case Kind::Host:
      return "host " + a.address.str();
    case Kind::Subnet:
      return a.address.str() + " " + a.mask.str();
    case Kind::Object:
      return "object " + a.name;
    case Kind::Group:
      return "object-group " + a.name;
    case Kind::Interface:
      return "interface " + a.name;
  }
  return "any";
}

std::string log_text(const config::AccessListEntry& e) {
  if (e.log_disable) return " log disable";
  if (!e.log_level) return "";
  if (*e.log_level == 6 && !e.log_interval) return " log";
  std::string s = " log " + log_level_name(*e.log_level);
  if (e.log_interval) s += fmt::format(" interval {}", *e.log_interval);
  return s;
}

std::string ports_text(const config::AclPort& p, const std::optional<std::string>& group,
                       bool udp) {
  return group ? " object-group " + *group : port_text(p, udp);
}

std::string extended_text(const config::AccessListEntry& e) {
  bool udp = e.protocol == "udp";
  std::string proto = e.service ? address_text(*e.service) : e.protocol;
  std::string s =
      fmt::format("{} {}{} {}{}", proto, address_text(e.source),
                  ports_text(e.source_port, e.source_port_group, udp), address_text(e.destination),
                  ports_text(e.destination_port, e.destination_port_group, udp));
  if (e.icmp_type) s += " " + *e.icmp_type;
  s += log_text(e);
  if (e.inactive) s += " inactive";
  return s;
}

}  // namespace

void register_access_lists(CommandTree& t) {
  const std::vector<std::string_view> base{"Configure an access control element",
                                           "Access list identifier"};
  const std::vector<std::string_view> line{
      "Use this to specify line number at which ACE should "
      "be entered",
      "Enter line number (1-4294967295)"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = base;
    v.insert(v.end(), line.begin(), line.end());
    v.insert(v.end(), more);
    return v;
  };
  const std::string_view operands =
      "Protocol or service (object|object-group), source and destination (any | host A | A M | "
      "object N | object-group N | interface IF), ports, ICMP type, log, inactive";
  t.add({kConfig,
         "access-list <name:WORD> [line <line:1-4294967295>] extended {action:permit|deny} "
         "<rest:LINE>",
         with({"Configure access policy for IP traffic through the system",
               "Specify packets to forward|Specify packets to reject", operands}),
         [](Ctx& c) { entry_cmd(c, false); }, true});
  // PIX 6.3 and ASA 7 accept an extended entry without the "extended" keyword.
  t.add({kConfig,
         "access-list <name:WORD> [line <line:1-4294967295>] {action:permit|deny} <rest:LINE>",
         with({"Specify packets to forward|Specify packets to reject", operands}),
         [](Ctx& c) { entry_cmd(c, false); }, true, true});
  t.add({kConfig,
         "access-list <name:WORD> [line <line:1-4294967295>] standard {action:permit|deny} "
         "<rest:LINE>",
         with({"Specify a standard access list (destination addresses only)",
               "Specify packets to forward|Specify packets to reject",
               "Destination: any | host A | A M"}),
         [](Ctx& c) { entry_cmd(c, true); }, true});
  t.add({kConfig, "access-list <name:WORD> [line <line:1-4294967295>] remark <text:LINE>",
         with({"Specify a comment (remark) for the access list", "Comment text"}),
         [](Ctx& c) {
           config::AccessListEntry e;
           e.type = config::AccessListEntry::Type::Remark;
           e.remark = c.args.str("text");
           add_or_remove(c, std::move(e));
         },
         true});
  t.add({kConfig, "no access-list <name:WORD>", base,
         [](Ctx& c) { remove_acl(c.cfg, c.args.str("name")); }});
}

void render_access_lists(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& name : cfg.access_list_order) {
    auto it = cfg.access_lists.find(name);
    if (it == cfg.access_lists.end()) continue;
    for (const auto& e : it->second.entries) {
      using T = config::AccessListEntry::Type;
      std::string action = e.permit ? "permit" : "deny";
      if (e.type == T::Remark)
        w.line(fmt::format("access-list {} remark {}", name, e.remark));
      else if (e.type == T::Standard)
        w.line(fmt::format("access-list {} standard {} {}", name, action,
                           address_text(e.destination)));
      else  // the ASA ends an extended entry with a space
        w.line(fmt::format("access-list {} extended {} {} ", name, action, extended_text(e)));
    }
  }
}

}  // namespace rampart::cli
