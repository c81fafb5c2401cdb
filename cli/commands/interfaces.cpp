// Interfaces and static routes: the interface sub-mode, route, and the show commands that read
// the kernel's view back (show interface [ip brief], show route).
#include <algorithm>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/commands/system_views.hpp"
#include "cli/render/running_config.hpp"
#include "cli/system.hpp"
#include "platform/ifmap.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kIf = mask_of(Mode::Interface);

// PIX 6.3 "interface ethernet0 100full [shutdown]": hardware speed words, no sub-mode.
bool is_pix_speed(std::string_view w) {
  for (std::string_view s : {"auto", "10baset", "10full", "100basetx", "100full", "1000auto",
                             "1000full", "1000sxfull", "aui", "bnc"})
    if (w == s) return true;
  return false;
}

config::Interface& current(Ctx& c) {
  auto& itf = c.cfg.interfaces[c.session.frame().name];
  itf.hw_name = c.session.frame().name;
  return itf;
}

void interface_cmd(Ctx& c) {
  std::string typed = c.args.str("name");
  const std::string& port = c.args.str("port");
  auto name = platform::canonical_interface_name(typed + port);
  bool pix = false;
  if (!name && !port.empty() && is_pix_speed(port)) {
    name = platform::canonical_interface_name(typed);
    pix = name.has_value();
  }
  if (!name) {
    c.session.invalid_input_at(c.out, c.args, "name");
    return;
  }
  auto& itf = c.cfg.interfaces[*name];
  itf.hw_name = *name;
  if (pix) {
    // PIX interfaces are enabled by naming a speed, disabled by a trailing "shutdown";
    // "100full" becomes speed 100 + duplex full, "auto" leaves both to negotiation.
    std::string speed = port, duplex;
    for (std::string_view suffix : {"full", "basetx", "baset", "auto"}) {
      if (speed.size() > suffix.size() && speed.ends_with(suffix)) {
        duplex = suffix == "full" ? "full" : "";
        speed.resize(speed.size() - suffix.size());
        break;
      }
    }
    if (speed == "auto" || speed == "aui" || speed == "bnc") speed.clear();
    itf.speed = speed.empty() ? std::nullopt : std::optional(speed);
    itf.duplex = duplex.empty() ? std::nullopt : std::optional(duplex);
    itf.shutdown = c.args.has("shutdown");
    info(c,
         fmt::format("PIX command converted: interface {} {}{} -> interface {} / {}shutdown", typed,
                     port, itf.shutdown ? " shutdown" : "", *name, itf.shutdown ? "" : "no "));
    return;
  }
  if (c.args.has("shutdown")) {
    c.session.invalid_input_at(c.out, c.args, "shutdown");
    return;
  }
  c.session.enter({Mode::Interface, *name});
}

// Everything that names an interface by its nameif follows a rename; "no nameif" (to empty)
// removes it, so the configuration never refers to a name no interface has.
void rename_nameif(config::Config& cfg, const std::string& from, const std::string& to) {
  auto rekey = [&](auto& map) {
    auto it = map.find(from);
    if (it == map.end()) return;
    auto value = it->second;
    map.erase(it);
    if (!to.empty()) map[to] = value;
  };
  rekey(cfg.system.mtu);
  rekey(cfg.crypto.df_bit);
  rekey(cfg.crypto.fragmentation);
  if (cfg.crypto.isakmp_enabled.erase(from) && !to.empty()) cfg.crypto.isakmp_enabled.insert(to);
  for (auto& [name, m] : cfg.crypto.maps)
    if (m.interface == from) m.interface = to.empty() ? std::nullopt : std::optional(to);
  std::set<config::Route> routes;
  for (config::Route r : cfg.routes) {
    if (r.nameif == from) {
      if (to.empty()) continue;
      r.nameif = to;
    }
    routes.insert(r);
  }
  cfg.routes = std::move(routes);
  std::set<config::Management::SshAccess> ssh;
  for (auto a : cfg.management.ssh) {
    if (a.nameif == from) {
      if (to.empty()) continue;
      a.nameif = to;
    }
    ssh.insert(a);
  }
  cfg.management.ssh = std::move(ssh);
  config::rename_interface(cfg.firewall, from, to);
  for (auto& [name, g] : cfg.aaa_servers)
    std::erase_if(g.hosts, [&](config::AaaServerHost& h) {
      if (h.interface != from) return false;
      h.interface = to;
      return to.empty();
    });
}

void nameif_cmd(Ctx& c) {
  const std::string& n = c.args.str("name");
  auto& itf = current(c);
  for (const auto& [hw, other] : c.cfg.interfaces) {
    if (hw != itf.hw_name && other.nameif == n) {
      error(c, fmt::format("Name \"{}\" is already in use by interface {}", n, hw));
      return;
    }
  }
  if (itf.nameif && *itf.nameif != n) rename_nameif(c.cfg, *itf.nameif, n);
  itf.nameif = n;
  if (!itf.security_level) {
    // The ASA's defaults: "inside" is trusted, any other name untrusted.
    int level = n == "inside" ? 100 : 0;
    itf.security_level = level;
    info(c, fmt::format("Security level for \"{}\" set to {} by default.", n, level));
  }
}

void ip_address_cmd(Ctx& c) {
  auto mask = config::Mask::parse(c.args.str("mask"));
  if (!mask) {
    c.session.invalid_input_at(c.out, c.args, "mask");
    return;
  }
  config::Ipv4 addr = c.args.ip("address");
  uint32_t host = addr.value & ~mask->value;
  if (mask->prefix_len() < 31 && (host == 0 || host == ~mask->value)) {
    error(c, "Invalid IP address: it is the network or broadcast address of its subnet");
    return;
  }
  auto& itf = current(c);
  for (const auto& [hw, other] : c.cfg.interfaces) {
    if (hw == itf.hw_name || !other.address || !other.mask) continue;
    uint32_t common = mask->value & other.mask->value;
    if ((other.address->value & common) == (addr.value & common)) {
      error(c, fmt::format("This address conflicts with another address in the system "
                           "(interface {})",
                           hw));
      return;
    }
  }
  itf.address = addr;
  itf.mask = *mask;
}

void route_cmd(Ctx& c) {
  const std::string& ifname = c.args.str("ifname");
  auto mask = config::Mask::parse(c.args.str("mask"));
  if (!mask) {
    c.session.invalid_input_at(c.out, c.args, "mask");
    return;
  }
  config::Route r{ifname, c.args.ip("network"), *mask, c.args.ip("gateway"),
                  static_cast<int>(c.args.num("distance", 1))};
  if (c.negated) {
    // "no route IF NET MASK GW" removes it whatever its distance.
    std::erase_if(c.cfg.routes, [&](const config::Route& x) {
      return x.nameif == r.nameif && x.network == r.network && x.mask == r.mask &&
             x.gateway == r.gateway;
    });
    return;
  }
  if (!require_nameif(c, ifname)) return;
  if ((r.network.value & ~mask->value) != 0) {
    error(c, "Invalid destination: the address has host bits set for this netmask");
    return;
  }
  std::erase_if(c.cfg.routes, [&](const config::Route& x) {
    return x.nameif == r.nameif && x.network == r.network && x.mask == r.mask &&
           x.gateway == r.gateway;
  });
  c.cfg.routes.insert(r);
}

std::string status_of(const LinkState& l) {
  if (!l.exists) return "down";
  return l.admin_up ? (l.oper_up ? "up" : "down") : "administratively down";
}

void show_ip_brief(Ctx& c) {
  c.out += "Interface                  IP-Address      OK? Method Status                Protocol\n";
  for (const auto& [hw, itf] : c.cfg.interfaces) {
    LinkState l = c.sys.link_state(hw);
    std::string addr = l.address ? l.address->str() : "unassigned";
    std::string method = l.address ? "CONFIG" : "unset";
    std::string proto = l.exists && l.oper_up && l.admin_up ? "up" : "down";
    c.out += fmt::format("{:<27}{:<16}YES {:<7}{:<22}{}\n", hw, addr, method, status_of(l), proto);
  }
}

void show_one_interface(Ctx& c, const config::Interface& itf, bool detail) {
  LinkState l = c.sys.link_state(itf.hw_name);
  std::string name = itf.nameif ? fmt::format(" \"{}\"", *itf.nameif) : " \"\"";
  c.out += fmt::format("Interface {}{}, is {}, line protocol is {}\n", itf.hw_name, name,
                       status_of(l), l.exists && l.oper_up && l.admin_up ? "up" : "down");
  auto counters = c.sys.link_counters(itf.hw_name);
  uint32_t bw = counters && counters->speed_mbps ? counters->speed_mbps : 1000;
  c.out += fmt::format("  Hardware is {}{}, BW {} Mbps, DLY 10 usec\n", l.device,
                       l.exists ? "" : " (not present)", bw);
  if (itf.description) c.out += fmt::format("  Description: {}\n", *itf.description);
  c.out += fmt::format("        MAC address {}, MTU {}\n", l.mac.empty() ? "0000.0000.0000" : l.mac,
                       l.mtu);
  // No security level line: the ASA's show interface has none (show nameif says it), and
  // operators' parsers (ntc-templates' cisco_asa_show_interface) stop at a line they do not know.
  if (l.address && l.mask)
    c.out +=
        fmt::format("        IP address {}, subnet mask {}\n", l.address->str(), l.mask->str());
  else
    c.out += "        IP address unassigned\n";
  render_interface_counters(c, itf, detail);
}

void show_interface(Ctx& c) {
  // "stats" is the ASA's default view: the same block as no keyword.
  bool detail = c.args.has("view") && c.args.str("view") == "detail";
  if (c.args.has("name")) {
    // The ASA takes the hardware name (any abbreviation) or the nameif, as operators type both.
    const std::string& typed = c.args.str("name");
    auto name = platform::canonical_interface_name(typed);
    auto it = name ? c.cfg.interfaces.find(*name) : c.cfg.interfaces.end();
    const config::Interface* itf =
        it != c.cfg.interfaces.end() ? &it->second : c.cfg.interface_by_nameif(typed);
    if (!itf) {
      c.session.invalid_input_at(c.out, c.args, "name");
      return;
    }
    show_one_interface(c, *itf, detail);
    return;
  }
  for (const auto& [hw, itf] : c.cfg.interfaces) show_one_interface(c, itf, detail);
}

// The nameif of the interface whose device is dev, for show route.
std::string nameif_of_device(Ctx& c, const std::string& dev) {
  for (const auto& [hw, itf] : c.cfg.interfaces)
    if (c.sys.device_for(hw) == dev) return itf.nameif.value_or(hw);
  return dev;
}

void show_route(Ctx& c) {
  c.out +=
      "\nCodes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP\n"
      "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area\n"
      "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2\n"
      "       E1 - OSPF external type 1, E2 - OSPF external type 2, V - VPN\n"
      "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2\n"
      "       ia - IS-IS inter area, * - candidate default, U - per-user static route\n"
      "       o - ODR, P - periodic downloaded static route, + - replicated route\n";
  auto routes = c.sys.kernel_routes();
  std::sort(routes.begin(), routes.end(), [](const KernelRoute& a, const KernelRoute& b) {
    return std::tie(a.network.value, a.mask.value) < std::tie(b.network.value, b.mask.value);
  });
  const KernelRoute* def = nullptr;
  for (const auto& r : routes)
    if (r.mask.value == 0 && r.gateway) def = &r;
  if (def)
    c.out +=
        fmt::format("Gateway of last resort is {} to network 0.0.0.0\n\n", def->gateway->str());
  else
    c.out += "Gateway of last resort is not set\n\n";
  for (const auto& r : routes) {
    std::string net = r.network.str() + " " + r.mask.str();
    std::string ifname = nameif_of_device(c, r.device);
    if (r.connected) {
      c.out += fmt::format("C        {} is directly connected, {}\n", net, ifname);
      // The ASA lists the box's own address on each connected network as a local route.
      for (const auto& [hw, itf] : c.cfg.interfaces) {
        LinkState l = c.sys.link_state(hw);
        if (l.device == r.device && l.address)
          c.out += fmt::format("L        {} 255.255.255.255 is directly connected, {}\n",
                               l.address->str(), ifname);
      }
    } else if (r.gateway) {
      std::string code = r.mask.value == 0 ? "S*" : "S";
      c.out += fmt::format("{:<9}{} [1/0] via {}, {}\n", code, net, r.gateway->str(), ifname);
    }
  }
}

}  // namespace

void register_interfaces(CommandTree& t) {
  t.add({kConfig,
         "interface <name:WORD> [<port:WORD>] [{shutdown:shutdown}]",
         {"Select an interface to configure", "Interface name, e.g. GigabitEthernet0/0",
          "Slot/port when the name is given apart, e.g. 0/0", "Disable the interface (PIX form)"},
         interface_cmd});
  t.add({kIf, "nameif <name:WORD>", {"Assign name to interface", "Name of interface"}, nameif_cmd});
  t.add({kIf, "no nameif", {"Assign name to interface"}, [](Ctx& c) {
           auto& itf = current(c);
           if (itf.nameif) rename_nameif(c.cfg, *itf.nameif, "");
           itf.nameif.reset();
         }});
  t.add({kIf,
         "security-level <level:0-100>",
         {"Specify the security level of this interface", "Security level (0 lowest, 100 highest)"},
         [](Ctx& c) { current(c).security_level = static_cast<int>(c.args.num("level")); }});
  t.add({kIf, "no security-level", {"Specify the security level of this interface"}, [](Ctx& c) {
           current(c).security_level.reset();
         }});
  t.add({kIf,
         "ip address <address:A.B.C.D> <mask:A.B.C.D>",
         {"Configure IP parameters", "Configure the IP address of this interface", "IP address",
          "Subnet mask"},
         ip_address_cmd});
  t.add({kIf,
         "no ip address",
         {"Configure IP parameters", "Configure the IP address of this interface"},
         [](Ctx& c) {
           current(c).address.reset();
           current(c).mask.reset();
         }});
  t.add({kIf,
         "shutdown",
         {"Shut down the selected interface"},
         [](Ctx& c) { current(c).shutdown = !c.negated; },
         true});
  t.add({kIf,
         "description <text:LINE>",
         {"Interface specific description", "Up to 200 characters describing this interface"},
         [](Ctx& c) { current(c).description = c.args.str("text"); }});
  t.add({kIf, "no description", {"Interface specific description"}, [](Ctx& c) {
           current(c).description.reset();
         }});
  t.add(
      {kConfig,
       "route <ifname:WORD> <network:A.B.C.D|0> <mask:A.B.C.D|0> <gateway:A.B.C.D> "
       "[<distance:1-255>]",
       {"Configure a static route for an interface", "Name of interface", "IP destination network",
        "IP destination netmask", "IP address of the gateway", "Distance metric for this route"},
       route_cmd,
       true});
  t.add({kIf,
         "speed {value:auto|10|100|1000}",
         {"Configure speed operation",
          "Auto-negotiate speed|Force 10 Mbps|Force 100 Mbps|Force 1000 Mbps"},
         [](Ctx& c) { current(c).speed = c.args.str("value"); }});
  t.add({kIf, "no speed", {"Configure speed operation"}, [](Ctx& c) { current(c).speed.reset(); }});
  t.add(
      {kIf,
       "duplex {value:auto|full|half}",
       {"Configure duplex operation", "Auto-negotiate duplex|Force full-duplex|Force half-duplex"},
       [](Ctx& c) { current(c).duplex = c.args.str("value"); }});
  t.add({kIf, "no duplex", {"Configure duplex operation"}, [](Ctx& c) {
           current(c).duplex.reset();
         }});
  t.add({kPrivAndConfig,
         "show interface ip brief",
         {kHelpShow, "Show interface status and configuration", "Interface IP parameters",
          "Brief summary of IP status and configuration"},
         show_ip_brief});
  t.add({kPrivAndConfig,
         "show interface [<name:WORD>] [{view:detail|stats}]",
         {kHelpShow, "Show interface status and configuration", "Interface name",
          "Show detailed interface information|Show interface information and statistics "
          "(the default)"},
         show_interface});
  t.add({kPrivAndConfig, "show route", {kHelpShow, "Show the routing table"}, show_route});
}

void render_interfaces(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [hw, itf] : cfg.interfaces) {
    w.line("interface " + hw);
    if (itf.speed) w.sub("speed " + *itf.speed);
    if (itf.duplex) w.sub("duplex " + *itf.duplex);
    if (itf.description) w.sub("description " + *itf.description);
    if (itf.shutdown) w.sub("shutdown");
    w.sub(itf.nameif ? "nameif " + *itf.nameif : "no nameif");
    w.sub(itf.security_level ? fmt::format("security-level {}", *itf.security_level)
                             : "no security-level");
    w.sub(itf.address && itf.mask
              ? fmt::format("ip address {} {}", itf.address->str(), itf.mask->str())
              : "no ip address");
    w.bang();
  }
}

void render_routes(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& r : cfg.routes)
    w.line(fmt::format("route {} {} {} {} {}", r.nameif, r.network.str(), r.mask.str(),
                       r.gateway.str(), r.distance));
}

}  // namespace rampart::cli
