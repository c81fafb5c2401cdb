// The Modular Policy Framework as far as inspections need it: "class-map NAME" + "match ...",
// "policy-map NAME" + "class NAME" + "inspect PROTO [args]", "policy-map type inspect dns NAME"
// + "parameters" (its lines kept), and "service-policy NAME global|interface IF".
#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/mpf_model.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kCmap = mask_of(Mode::ClassMap);
constexpr ModeMask kPmap = mask_of(Mode::PolicyMap);
constexpr ModeMask kPmapC = mask_of(Mode::PolicyMapClass);
constexpr ModeMask kPmapP = mask_of(Mode::PolicyMapParams);

// The inspection engines of ASA 9.1's "inspect ?".
constexpr std::string_view kEngines =
    "ctiqbe|dcerpc|dns|esmtp|ftp|gtp|h323|http|icmp|ils|ip-options|ipsec-pass-thru|mgcp|"
    "netbios|pptp|rsh|rtsp|sip|skinny|snmp|sqlnet|sunrpc|tftp|xdmcp";

config::Firewall& fw(Ctx& c) {
  return c.cfg.firewall;
}

config::PolicyMap& current_pm(Ctx& c) {
  return mpf::policy_map(fw(c), c.session.frame().name);
}

bool class_map_used(const config::Firewall& f, const std::string& name) {
  for (const auto& [n, pm] : f.policy_maps)
    for (const auto& pc : pm.classes)
      if (pc.class_map == name) return true;
  return false;
}

bool policy_map_used(const config::Firewall& f, const std::string& name) {
  for (const auto& sp : f.service_policies)
    if (sp.policy_map == name) return true;
  for (const auto& [n, pm] : f.policy_maps)
    for (const auto& pc : pm.classes)
      for (const auto& i : pc.inspects)
        if (i.ends_with(" " + name)) return true;
  return false;
}

void match_cmd(Ctx& c, std::string what) {
  auto& cm = mpf::class_map(fw(c), c.session.frame().name);
  if (c.negated)
    cm.match.reset();
  else
    cm.match = std::move(what);
}

std::optional<uint16_t> port_arg(Ctx& c, std::string_view arg) {
  auto p = parse_port(c.args.str(arg));
  if (!p) c.session.invalid_input_at(c.out, c.args, arg);
  return p;
}

void register_class_map(CommandTree& t) {
  const std::vector<std::string_view> h{"Configure MPF Class Map", "class-map name"};
  t.add({kConfig, "class-map <name:WORD>", h, [](Ctx& c) {
           mpf::class_map(fw(c), c.args.str("name"));
           c.session.enter({Mode::ClassMap, c.args.str("name")});
         }});
  t.add({kConfig, "no class-map <name:WORD>", h, [](Ctx& c) {
           const std::string& n = c.args.str("name");
           if (class_map_used(fw(c), n)) {
             error(c, fmt::format("class-map {} is being used", n));
             return;
           }
           fw(c).class_maps.erase(n);
           std::erase(fw(c).class_map_order, n);
         }});
  const std::string_view m = "Configure classification criteria";
  t.add({kCmap,
         "match {what:default-inspection-traffic|any}",
         {m, "Match default inspection traffic|Match any packet"},
         [](Ctx& c) { match_cmd(c, c.args.str("what")); },
         true});
  t.add({kCmap,
         "match access-list <acl:WORD>",
         {m, "Match an Access List", "Access-list name"},
         [](Ctx& c) {
           if (!c.negated && !c.cfg.access_lists.contains(c.args.str("acl"))) {
             error(c, fmt::format("access-list {} does not exist", c.args.str("acl")));
             return;
           }
           match_cmd(c, "access-list " + c.args.str("acl"));
         },
         true});
  t.add({kCmap,
         "match port {proto:tcp|udp} eq <port:WORD>",
         {m, "Match TCP/UDP port(s)", "Match TCP packets|Match UDP packets",
          "Port equal to operand", "Port number or name"},
         [](Ctx& c) {
           auto p = port_arg(c, "port");
           if (!p) return;
           bool udp = c.args.str("proto") == "udp";
           match_cmd(c, fmt::format("port {} eq {}", c.args.str("proto"), port_name(*p, udp)));
         },
         true});
  t.add({kCmap,
         "match port {proto:tcp|udp} range <lo:WORD> <hi:WORD>",
         {m, "Match TCP/UDP port(s)", "Match TCP packets|Match UDP packets", "Port range operand",
          "Start port number or name", "End port number or name"},
         [](Ctx& c) {
           auto lo = port_arg(c, "lo");
           if (!lo) return;
           auto hi = port_arg(c, "hi");
           if (!hi) return;
           if (*hi < *lo) {
             c.session.invalid_input_at(c.out, c.args, "hi");
             return;
           }
           bool udp = c.args.str("proto") == "udp";
           match_cmd(c, fmt::format("port {} range {} {}", c.args.str("proto"), port_name(*lo, udp),
                                    port_name(*hi, udp)));
         },
         true});
  t.add({kCmap,
         "description <text:LINE>",
         {"Specify class-map description", "Description"},
         [](Ctx& c) {
           mpf::class_map(fw(c), c.session.frame().name).description = c.args.str("text");
         }});
  t.add({kCmap, "no description", {"Specify class-map description"}, [](Ctx& c) {
           mpf::class_map(fw(c), c.session.frame().name).description.reset();
         }});
}

void enter_policy_map(Ctx& c, std::optional<std::string> type) {
  const std::string& n = c.args.str("name");
  auto it = fw(c).policy_maps.find(n);
  if (it != fw(c).policy_maps.end() && it->second.inspect_type != type) {
    error(c, fmt::format("policy-map {} exists with another type", n));
    return;
  }
  mpf::policy_map(fw(c), n).inspect_type = type;
  c.session.enter({Mode::PolicyMap, n});
}

void delete_policy_map(Ctx& c) {
  const std::string& n = c.args.str("name");
  if (policy_map_used(fw(c), n)) {
    error(c, fmt::format("policy-map {} is being used", n));
    return;
  }
  fw(c).policy_maps.erase(n);
  std::erase(fw(c).policy_map_order, n);
}

void register_policy_map(CommandTree& t) {
  const std::vector<std::string_view> h{"Configure MPF Policy Map", "policy-map name"};
  const std::vector<std::string_view> ht{
      "Configure MPF Policy Map", "Specifies the type of policy-map",
      "Configure an inspection policy-map", "Configure a DNS inspection policy-map",
      "policy-map name"};
  t.add({kConfig, "policy-map <name:WORD>", h, [](Ctx& c) { enter_policy_map(c, std::nullopt); }});
  t.add({kConfig, "policy-map type inspect dns <name:WORD>", ht,
         [](Ctx& c) { enter_policy_map(c, "dns"); }});
  t.add({kConfig, "no policy-map <name:WORD>", h, delete_policy_map});
  t.add({kConfig, "no policy-map type inspect dns <name:WORD>", ht, delete_policy_map});
  t.add({kPmap, "class <name:WORD>", {"Policy criteria", "class-map name"}, [](Ctx& c) {
           const std::string& n = c.args.str("name");
           if (current_pm(c).inspect_type) {
             c.session.invalid_input_at(c.out, c.args, "name");
             return;
           }
           if (n != "class-default" && !fw(c).class_maps.contains(n)) {
             error(c, fmt::format("class-map {} does not exist", n));
             return;
           }
           mpf::policy_class(current_pm(c), n);
           c.session.enter({Mode::PolicyMapClass, c.session.frame().name, 0, n});
         }});
  t.add({kPmap, "no class <name:WORD>", {"Policy criteria", "class-map name"}, [](Ctx& c) {
           std::erase_if(current_pm(c).classes, [&](const config::PolicyMapClass& pc) {
             return pc.class_map == c.args.str("name");
           });
         }});
  t.add({kPmap, "parameters", {"Policy-map parameters"}, [](Ctx& c) {
           if (!current_pm(c).inspect_type) {
             Args at;
             at.set("bad", "", 0);
             c.session.invalid_input_at(c.out, at, "bad");
             return;
           }
           c.session.enter({Mode::PolicyMapParams, c.session.frame().name});
         }});
  t.add({kPmapP,
         "{kw:message-length|dns-guard|protocol-enforcement|nat-rewrite|id-randomization|"
         "id-mismatch|tsig|edns} [<rest:LINE>]",
         {"Configure maximum length of DNS messages|Enable DNS guard|Enable DNS message format "
          "check|Enable NAT rewrite of DNS records|Randomize the DNS identifier|Count DNS "
          "identifier mismatches|Configure TSIG resource record checks|Configure EDNS",
          "Arguments"},
         [](Ctx& c) {
           std::string line = c.args.str("kw");
           if (c.args.has("rest")) line += " " + c.args.str("rest");
           if (c.negated)
             mpf::remove_parameter(current_pm(c), line);
           else
             mpf::set_parameter(current_pm(c), line);
         },
         true});
}

void inspect_cmd(Ctx& c) {
  std::string what = c.args.str("proto");
  if (c.args.has("rest")) what += " " + c.args.str("rest");
  auto* pc = mpf::find_class(current_pm(c), c.session.frame().name2);
  if (!pc) return;
  if (c.negated) {
    mpf::remove_inspect(*pc, what);
    return;
  }
  if (c.args.str("proto") == "h323" && what != "h323 h225" && what != "h323 ras") {
    c.session.invalid_input_at(c.out, c.args, c.args.has("rest") ? "rest" : "proto");
    return;
  }
  if (c.args.str("proto") == "dns" && c.args.has("rest")) {
    auto m = fw(c).policy_maps.find(c.args.str("rest"));
    if (m == fw(c).policy_maps.end() || m->second.inspect_type != "dns") {
      error(c, fmt::format("Inspect map {} not found", c.args.str("rest")));
      return;
    }
  }
  mpf::add_inspect(*pc, what);
}

void register_service_policy(CommandTree& t) {
  const std::vector<std::string_view> h{"Configure MPF service policy", "policy-map name"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = h;
    v.insert(v.end(), more);
    return v;
  };
  auto apply = [](Ctx& c, config::ServicePolicy sp) {
    auto& list = fw(c).service_policies;
    if (c.negated) {
      std::erase(list, sp);
      return;
    }
    auto pm = fw(c).policy_maps.find(sp.policy_map);
    if (pm == fw(c).policy_maps.end() || pm->second.inspect_type) {
      error(c, fmt::format("policy-map {} does not exist", sp.policy_map));
      return;
    }
    if (!sp.interface.empty() && !require_nameif(c, sp.interface)) return;
    for (const auto& have : list)
      if (have.interface == sp.interface) {
        if (have != sp)
          error(c, sp.interface.empty()
                       ? "Policy map " + have.policy_map +
                             " is already configured as a service "
                             "policy"
                       : fmt::format("Interface {} already has a service-policy", sp.interface));
        return;
      }
    list.push_back(std::move(sp));
  };
  t.add({kConfig, "service-policy <name:WORD> global", with({"Apply to all interfaces"}),
         [apply](Ctx& c) {
           apply(c, {c.args.str("name"), ""});
         },
         true});
  t.add({kConfig, "service-policy <name:WORD> interface <ifname:WORD>",
         with({"Apply to one interface", "Name of interface"}),
         [apply](Ctx& c) {
           apply(c, {c.args.str("name"), c.args.str("ifname")});
         },
         true});
}

}  // namespace

void register_mpf(CommandTree& t) {
  register_class_map(t);
  register_policy_map(t);
  t.add({kPmapC,
         fmt::format("inspect {{proto:{}}} [<rest:LINE>]", kEngines),
         {"Protocol inspection services",
          "CTIQBE|DCERPC|DNS|ESMTP|FTP|GTP|H.323|HTTP|ICMP|ILS|IP options|IPsec pass-through|"
          "MGCP|NetBIOS|PPTP|RSH|RTSP|SIP|Skinny (SCCP)|SNMP|SQL*Net|SUNRPC|TFTP|XDMCP",
          "Arguments (h225|ras for h323, a DNS inspect map, error for icmp, ...)"},
         inspect_cmd,
         true});
  register_service_policy(t);
}

namespace {

void render_policy_map(const std::string& n, const config::PolicyMap& pm, ConfigWriter& w) {
  w.line(pm.inspect_type ? fmt::format("policy-map type inspect {} {}", *pm.inspect_type, n)
                         : "policy-map " + n);
  if (pm.inspect_type) {
    w.sub("parameters");
    for (const auto& p : pm.parameters) w.sub(" " + p);
  }
  for (const auto& pc : pm.classes) {
    w.sub("class " + pc.class_map);
    for (const auto& i : pc.inspects) w.sub(" inspect " + i);
  }
}

}  // namespace

void render_mpf(const config::Config& cfg, ConfigWriter& w) {
  const auto& f = cfg.firewall;
  // The ASA's "!" lines around this part are plain lines, not separators: "show running-config
  // tunnel-group" must not end with the "!" that opens the class-maps.
  auto bang = [&] { w.line("!"); };
  if (f.class_maps.empty() && f.policy_maps.empty() && f.service_policies.empty()) return;
  bang();
  for (const auto& n : f.class_map_order) {
    auto it = f.class_maps.find(n);
    if (it == f.class_maps.end()) continue;
    w.line("class-map " + n);
    if (it->second.description) w.sub("description " + *it->second.description);
    if (it->second.match) w.sub("match " + *it->second.match);
  }
  bang();
  bang();
  // Inspect maps come first, as on the ASA: "inspect dns MAP" in a policy-map names one, and a
  // configuration must load in the order it is printed.
  for (bool inspect_maps : {true, false})
    for (const auto& n : f.policy_map_order) {
      auto it = f.policy_maps.find(n);
      if (it == f.policy_maps.end() || it->second.inspect_type.has_value() != inspect_maps)
        continue;
      render_policy_map(n, it->second, w);
    }
  bang();
  for (const auto& sp : f.service_policies)
    w.line(sp.interface.empty()
               ? fmt::format("service-policy {} global", sp.policy_map)
               : fmt::format("service-policy {} interface {}", sp.policy_map, sp.interface));
}

}  // namespace rampart::cli
