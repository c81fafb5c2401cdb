// aaa-server groups and hosts, and "aaa authentication ... console LOCAL".
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kGroup = mask_of(Mode::AaaServerGroup);
constexpr ModeMask kHost = mask_of(Mode::AaaServerHost);

// The host being edited: frame.name is the group, frame.name2 the host address.
config::AaaServerHost* current_host(Ctx& c) {
  auto g = c.cfg.aaa_servers.find(c.session.frame().name);
  if (g == c.cfg.aaa_servers.end()) return nullptr;
  for (auto& h : g->second.hosts)
    if (h.address.str() == c.session.frame().name2) return &h;
  return nullptr;
}

void host_cmd(Ctx& c) {
  const std::string& group = c.args.str("group");
  auto g = c.cfg.aaa_servers.find(group);
  if (g == c.cfg.aaa_servers.end()) {
    error(c, fmt::format("aaa-server group {} does not exist", group));
    return;
  }
  std::string ifname = c.args.str("ifname");
  if (!(ifname.size() > 2 && ifname.front() == '(' && ifname.back() == ')')) {
    c.session.invalid_input_at(c.out, c.args, "ifname");
    return;
  }
  ifname = ifname.substr(1, ifname.size() - 2);
  config::Ipv4 addr = c.args.ip("address");
  auto& hosts = g->second.hosts;
  auto it = std::find_if(hosts.begin(), hosts.end(),
                         [&](const config::AaaServerHost& h) { return h.address == addr; });
  if (c.negated) {
    if (it != hosts.end()) hosts.erase(it);
    return;
  }
  if (!require_nameif(c, ifname)) return;
  if (it == hosts.end()) {
    hosts.push_back({});
    it = hosts.end() - 1;
  }
  it->interface = ifname;
  it->address = addr;
  // The PIX/ASA one-line form: "aaa-server G (if) host A [key] [timeout N]".
  if (c.args.has("key")) it->key = config::Secret(c.args.str("key"));
  if (c.args.has("timeout")) it->timeout = static_cast<int>(c.args.num("timeout"));
  c.session.enter({Mode::AaaServerHost, group, 0, addr.str()});
}

}  // namespace

void register_aaa(CommandTree& t) {
  const std::vector<std::string_view> base{"Configure a AAA server group or a AAA server",
                                           "Server group name"};
  t.add({kConfig,
         "aaa-server <group:WORD> protocol {protocol:radius|tacacs+|local|ldap}",
         {base[0], base[1], "The protocol of the AAA server group",
          "RADIUS|TACACS+|The local user database|LDAP"},
         [](Ctx& c) {
           const std::string& name = c.args.str("group");
           auto& g = c.cfg.aaa_servers[name];
           if (!g.protocol.empty() && g.protocol != c.args.str("protocol")) {
             error(c,
                   fmt::format("aaa-server group {} already uses protocol {}", name, g.protocol));
             return;
           }
           g.name = name;
           g.protocol = c.args.str("protocol");
           c.session.enter({Mode::AaaServerGroup, name});
         }});
  t.add({kConfig, "no aaa-server <group:WORD>", base,
         [](Ctx& c) { c.cfg.aaa_servers.erase(c.args.str("group")); }});
  t.add({kConfig,
         "aaa-server <group:WORD> <ifname:WORD> host <address:A.B.C.D> [<key:WORD>] "
         "[timeout <timeout:1-300>]",
         {base[0], base[1], "(interface name) through which the server is reached",
          "Enter the address of the server", "IP address of the server",
          "Shared secret (PIX one-line form)", "Timeout for the server", "Timeout in seconds"},
         host_cmd,
         true});
  t.add({kGroup,
         "max-failed-attempts <n:1-5>",
         {"Failed attempts before a server is deactivated", "Number of attempts"},
         [](Ctx& c) {
           auto& g = c.cfg.aaa_servers[c.session.frame().name];
           if (c.negated)
             g.max_failed_attempts.reset();
           else
             g.max_failed_attempts = static_cast<int>(c.args.num("n"));
         },
         true});
  t.add({kHost,
         "key <key:WORD>",
         {"Shared secret with the server", "The secret"},
         [](Ctx& c) {
           if (auto* h = current_host(c)) {
             set_or_reset(h->key, c.negated, config::Secret(c.args.str("key")));
           }
         },
         true});
  t.add({kHost,
         "timeout <seconds:1-300>",
         {"Timeout for the server", "Timeout in seconds"},
         [](Ctx& c) {
           if (auto* h = current_host(c)) {
             set_or_reset(h->timeout, c.negated, static_cast<int>(c.args.num("seconds")));
           }
         },
         true});
  for (std::string_view p : {"authentication-port", "accounting-port"}) {
    t.add({kHost,
           fmt::format("{} <port:1-65535>", p),
           {p == "authentication-port" ? "Port for authentication requests"
                                       : "Port for accounting requests",
            "Port number"},
           [p](Ctx& c) {
             auto* h = current_host(c);
             if (!h) return;
             auto& f = p == "authentication-port" ? h->authentication_port : h->accounting_port;
             if (c.negated)
               f.reset();
             else
               f = static_cast<uint16_t>(c.args.num("port"));
           },
           true});
  }
  t.add({kConfig,
         "aaa authentication {service:ssh|serial|enable|http|telnet} console <group:WORD> "
         "[{local:LOCAL}]",
         {"Enable, disable, or view user authentication, authorization and accounting",
          "Enable or disable user authentication",
          "SSH logins|Serial console logins|The enable command|ASDM (HTTP) logins|Telnet logins",
          "Authenticate console and management access", "Server group, or LOCAL",
          "Fall back to the local database when no server answers"},
         [](Ctx& c) {
           auto& a = c.cfg.management.aaa_authentication;
           // One server group per service: a new line replaces the old one.
           if (c.negated) {
             a.erase(c.args.str("service"));
             return;
           }
           a[c.args.str("service")] = {c.args.str("group"), c.args.has("local")};
         },
         true});
}

void render_aaa(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [name, g] : cfg.aaa_servers) {
    w.line(fmt::format("aaa-server {} protocol {}", name, g.protocol));
    if (g.max_failed_attempts) w.sub(fmt::format("max-failed-attempts {}", *g.max_failed_attempts));
    for (const auto& h : g.hosts) {
      w.line(fmt::format("aaa-server {} ({}) host {}", name, h.interface, h.address.str()));
      if (h.timeout) w.sub(fmt::format("timeout {}", *h.timeout));
      if (h.key) w.sub("key " + w.secret(*h.key));
      if (h.authentication_port)
        w.sub(fmt::format("authentication-port {}", *h.authentication_port));
      if (h.accounting_port) w.sub(fmt::format("accounting-port {}", *h.accounting_port));
    }
  }
  for (const auto& [service, a] : cfg.management.aaa_authentication)
    w.line(fmt::format("aaa authentication {} console {}{}", service, a.group,
                       a.fallback_local ? " LOCAL" : ""));
}

}  // namespace rampart::cli
