// aaa-server groups and their hosts: "aaa-server G protocol P" with its group sub-mode, and
// "aaa-server G [(IF)] host A [KEY] [timeout N]" (the PIX/ASA one-line form) with its host
// sub-mode. Each protocol has its own sub-mode commands; one it lacks is, as on the ASA, a
// command that does not exist there: the '^' marker under it.
#include <algorithm>

#include "cli/commands/aaa_parts.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/aaa/defaults.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kGroup = mask_of(Mode::AaaServerGroup);
constexpr ModeMask kHost = mask_of(Mode::AaaServerHost);

// ASA 9.x single context mode: 100 server groups, 16 servers in each (configuration guide,
// "AAA server groups" guidelines).
constexpr size_t kMaxGroups = 100;
constexpr size_t kMaxHostsPerGroup = 16;
// The ASA takes a shared secret of up to 127 characters.
constexpr size_t kMaxKeyLength = 127;

config::AaaServerGroup* current_group(Ctx& c) {
  auto g = c.cfg.aaa_servers.find(c.session.frame().name);
  return g == c.cfg.aaa_servers.end() ? nullptr : &g->second;
}

// The host being edited: frame.name is the group, frame.name2 the host address.
config::AaaServerHost* current_host(Ctx& c) {
  auto* g = current_group(c);
  if (!g) return nullptr;
  for (auto& h : g->hosts)
    if (h.address.str() == c.session.frame().name2) return &h;
  return nullptr;
}

std::string current_protocol(Ctx& c) {
  auto* g = current_group(c);
  return g ? g->protocol : std::string();
}

// Whether the protocol has a sub-mode command; if not, the marker under the command's word
// (bound as the argument "cmd") and false.
bool protocol_has(Ctx& c, std::initializer_list<std::string_view> protocols) {
  std::string p = current_protocol(c);
  if (std::find(protocols.begin(), protocols.end(), p) != protocols.end()) return true;
  c.session.invalid_input_at(c.out, c.args, "cmd");
  return false;
}

// A key the ASA would take; never echoes it.
bool key_ok(Ctx& c, const std::string& key) {
  if (key.size() <= kMaxKeyLength) return true;
  error(c, fmt::format("The key must be at most {} characters", kMaxKeyLength));
  return false;
}

void remove_group(Ctx& c, const std::string& name) {
  if (!c.cfg.aaa_servers.contains(name)) return;
  // A group in use stays: removing it would leave a tunnel-group or a management line naming
  // nothing, and what that line then meant would depend on each reader.
  if (auto user = server_group_user(c.cfg, name)) {
    error(c, fmt::format("aaa-server group {} is in use by {}; remove that first", name, *user));
    return;
  }
  c.cfg.aaa_servers.erase(name);
}

void protocol_cmd(Ctx& c) {
  const std::string& name = c.args.str("group");
  const std::string& protocol = c.args.str("protocol");
  auto it = c.cfg.aaa_servers.find(name);
  if (c.negated) {
    if (it != c.cfg.aaa_servers.end() && it->second.protocol != protocol) {
      c.session.invalid_input_at(c.out, c.args, "protocol");
      return;
    }
    remove_group(c, name);
    return;
  }
  if (it != c.cfg.aaa_servers.end()) {
    if (it->second.protocol != protocol) {
      error(c,
            fmt::format("aaa-server group {} already uses protocol {}", name, it->second.protocol));
      return;
    }
  } else {
    // LOCAL is the local user database; only PIX 6.3's "aaa-server LOCAL protocol local"
    // declares it.
    if (name == "LOCAL" && protocol != "local") {
      error(c, "LOCAL is reserved for the local user database");
      return;
    }
    if (c.cfg.aaa_servers.size() >= kMaxGroups) {
      error(c, fmt::format("Maximum number of AAA server groups ({}) reached", kMaxGroups));
      return;
    }
  }
  auto& g = c.cfg.aaa_servers[name];
  g.name = name;
  g.protocol = protocol;
  c.session.enter({Mode::AaaServerGroup, name});
}

// The interface of "aaa-server G (IF) host A": empty when not given, nullopt after a refusal.
std::optional<std::string> host_interface(Ctx& c) {
  if (!c.args.has("ifname")) return std::string();
  const std::string& w = c.args.str("ifname");
  if (!(w.size() > 2 && w.front() == '(' && w.back() == ')')) {
    c.session.invalid_input_at(c.out, c.args, "ifname");
    return std::nullopt;
  }
  std::string ifname = w.substr(1, w.size() - 2);
  if (!c.negated && !require_nameif(c, ifname)) return std::nullopt;
  return ifname;
}

void host_cmd(Ctx& c) {
  const std::string& group = c.args.str("group");
  auto g = c.cfg.aaa_servers.find(group);
  if (g == c.cfg.aaa_servers.end()) {
    error(c, fmt::format("aaa-server group {} does not exist", group));
    return;
  }
  if (g->second.protocol == "local") {
    error(c, fmt::format("aaa-server group {} is the local database: it has no servers", group));
    return;
  }
  auto ifname = host_interface(c);
  if (!ifname) return;
  config::Ipv4 addr = c.args.ip("address");
  auto& hosts = g->second.hosts;
  auto it = std::find_if(hosts.begin(), hosts.end(),
                         [&](const config::AaaServerHost& h) { return h.address == addr; });
  if (c.negated) {
    if (it != hosts.end()) hosts.erase(it);
    return;
  }
  // LDAP binds with a login password, not a shared key.
  if (c.args.has("key") && g->second.protocol == "ldap") {
    c.session.invalid_input_at(c.out, c.args, "key");
    return;
  }
  if (c.args.has("key") && !key_ok(c, c.args.str("key"))) return;
  if (it == hosts.end()) {
    if (hosts.size() >= kMaxHostsPerGroup) {
      error(c, fmt::format("Maximum number of servers ({}) in aaa-server group {} reached",
                           kMaxHostsPerGroup, group));
      return;
    }
    hosts.push_back({});
    it = hosts.end() - 1;
  }
  it->interface = *ifname;
  it->address = addr;
  if (c.args.has("key")) it->key = config::Secret(c.args.str("key"));
  if (c.args.has("timeout")) it->timeout = static_cast<int>(c.args.num("timeout"));
  c.session.enter({Mode::AaaServerHost, group, 0, addr.str()});
}

void register_group_mode(CommandTree& t) {
  t.add({kGroup,
         "{cmd:max-failed-attempts} <n:1-5>",
         {"Failed attempts before a server is deactivated", "Number of attempts"},
         [](Ctx& c) {
           if (!protocol_has(c, {"radius", "tacacs+", "ldap"})) return;
           int n = static_cast<int>(c.args.num("n"));
           // The default is not printed, so it is not stored either.
           bool dflt = c.negated || n == aaa::kDefaultMaxFailedAttempts;
           current_group(c)->max_failed_attempts = dflt ? std::nullopt : std::optional(n);
         },
         true});
  t.add({kGroup,
         "{cmd:reactivation-mode} {mode:depletion|timed} [deadtime <minutes:0-1440>]",
         {"How failed servers are reactivated",
          "Reactivate failed servers when all of them have failed|Reactivate a failed server "
          "after 30 seconds",
          "Time between the failure of the last server and the reactivation of all", "Minutes"},
         [](Ctx& c) {
           if (!protocol_has(c, {"radius", "tacacs+", "ldap"})) return;
           auto* g = current_group(c);
           bool timed = !c.negated && c.args.str("mode") == "timed";
           if (timed && c.args.has("minutes")) {
             c.session.invalid_input_at(c.out, c.args, "minutes");
             return;
           }
           g->reactivation_timed = timed;
           int m = static_cast<int>(c.args.num("minutes", aaa::kDefaultDeadtimeMinutes));
           bool dflt = c.negated || timed || m == aaa::kDefaultDeadtimeMinutes;
           g->deadtime = dflt ? std::nullopt : std::optional(m);
         },
         true});
  t.add({kGroup,
         "{cmd:accounting-mode} {mode:single|simultaneous}",
         {"How accounting records are sent",
          "Send accounting records to one server of the group|Send accounting records to "
          "every server of the group"},
         [](Ctx& c) {
           if (!protocol_has(c, {"radius", "tacacs+"})) return;
           current_group(c)->accounting_simultaneous =
               !c.negated && c.args.str("mode") == "simultaneous";
         },
         true});
  t.add({kGroup,
         "{cmd:interim-accounting-update} [{periodic:periodic} [<hours:1-120>]]",
         {"Send interim accounting updates",
          "Send them periodically, not only when a client's address changes",
          "Hours between updates"},
         [](Ctx& c) {
           if (!protocol_has(c, {"radius"})) return;
           auto& v = current_group(c)->interim_accounting_update;
           if (c.negated)
             v.reset();
           else if (!c.args.has("periodic"))
             v = 0;
           else
             v = static_cast<int>(c.args.num("hours", aaa::kDefaultInterimHours));
         },
         true});
}

// A host sub-mode command that sets one number.
void host_number(CommandTree& t, std::string_view kw, std::string_view range,
                 std::initializer_list<std::string_view> protocols,
                 std::vector<std::string_view> help,
                 std::function<void(config::AaaServerHost&, std::optional<int>)> set) {
  std::vector<std::string> p(protocols.begin(), protocols.end());
  t.add({kHost, fmt::format("{{cmd:{}}} <v:{}>", kw, range), std::move(help),
         [p, set](Ctx& c) {
           std::string proto = current_protocol(c);
           if (std::find(p.begin(), p.end(), proto) == p.end()) {
             c.session.invalid_input_at(c.out, c.args, "cmd");
             return;
           }
           if (auto* h = current_host(c))
             set(*h, c.negated ? std::nullopt : std::optional(static_cast<int>(c.args.num("v"))));
         },
         true});
}

void register_host_mode(CommandTree& t) {
  t.add({kHost,
         "{cmd:key} <key:WORD>",
         {"Shared secret with the server", "The secret"},
         [](Ctx& c) {
           if (!protocol_has(c, {"radius", "tacacs+"})) return;
           if (!c.negated && !key_ok(c, c.args.str("key"))) return;
           if (auto* h = current_host(c))
             set_or_reset(h->key, c.negated, config::Secret(c.args.str("key")));
         },
         true});
  t.add({kHost, "no key", {"Shared secret with the server"}, [](Ctx& c) {
           if (auto* h = current_host(c)) h->key.reset();
         }});
  host_number(t, "timeout", "1-300", {"radius", "tacacs+", "ldap"},
              {"Timeout for the server", "Timeout in seconds"},
              [](config::AaaServerHost& h, std::optional<int> v) { h.timeout = v; });
  host_number(t, "retry-interval", "1-10", {"radius"}, {"Interval between retries", "Seconds"},
              [](config::AaaServerHost& h, std::optional<int> v) { h.retry_interval = v; });
  auto port = [](std::optional<uint16_t>& f, std::optional<int> v) {
    f = v ? std::optional(static_cast<uint16_t>(*v)) : std::nullopt;
  };
  host_number(
      t, "authentication-port", "1-65535", {"radius"},
      {"Port for authentication requests", "Port number"},
      [port](config::AaaServerHost& h, std::optional<int> v) { port(h.authentication_port, v); });
  host_number(
      t, "accounting-port", "1-65535", {"radius"}, {"Port for accounting requests", "Port number"},
      [port](config::AaaServerHost& h, std::optional<int> v) { port(h.accounting_port, v); });
  // TACACS+ and LDAP have one port: the same field as RADIUS's authentication port.
  host_number(
      t, "server-port", "1-65535", {"tacacs+", "ldap"}, {"Port of the server", "Port number"},
      [port](config::AaaServerHost& h, std::optional<int> v) { port(h.authentication_port, v); });
}

void render_group(const config::AaaServerGroup& g, ConfigWriter& w) {
  w.line(fmt::format("aaa-server {} protocol {}", g.name, g.protocol));
  if (g.accounting_simultaneous) w.sub("accounting-mode simultaneous");
  if (g.reactivation_timed)
    w.sub("reactivation-mode timed");
  else if (g.deadtime)
    w.sub(fmt::format("reactivation-mode depletion deadtime {}", *g.deadtime));
  if (g.max_failed_attempts) w.sub(fmt::format("max-failed-attempts {}", *g.max_failed_attempts));
  if (g.interim_accounting_update)
    w.sub(*g.interim_accounting_update == 0
              ? std::string("interim-accounting-update")
              : fmt::format("interim-accounting-update periodic {}", *g.interim_accounting_update));
}

void render_host(const config::AaaServerGroup& g, const config::AaaServerHost& h, ConfigWriter& w) {
  std::string itf = h.interface.empty() ? "" : fmt::format(" ({})", h.interface);
  w.line(fmt::format("aaa-server {}{} host {}", g.name, itf, h.address.str()));
  if (h.timeout) w.sub(fmt::format("timeout {}", *h.timeout));
  if (h.retry_interval) w.sub(fmt::format("retry-interval {}", *h.retry_interval));
  if (h.key) w.sub("key " + w.secret(*h.key));
  bool radius = g.protocol == "radius";
  if (h.authentication_port)
    w.sub(fmt::format("{} {}", radius ? "authentication-port" : "server-port",
                      *h.authentication_port));
  if (h.accounting_port) w.sub(fmt::format("accounting-port {}", *h.accounting_port));
}

}  // namespace

void register_aaa(CommandTree& t) {
  const std::vector<std::string_view> base{"Configure a AAA server group or a AAA server",
                                           "Server group name"};
  t.add({kConfig,
         "aaa-server <group:WORD> protocol {protocol:radius|tacacs+|local|ldap}",
         {base[0], base[1], "The protocol of the AAA server group",
          "RADIUS|TACACS+|The local user database|LDAP"},
         protocol_cmd,
         true});
  t.add({kConfig, "no aaa-server <group:WORD>", base,
         [](Ctx& c) { remove_group(c, c.args.str("group")); }});
  t.add({kConfig,
         "aaa-server <group:WORD> [<ifname:WORD>] host <address:A.B.C.D> [<key:WORD>] "
         "[timeout <timeout:1-300>]",
         {base[0], base[1], "(interface name) through which the server is reached",
          "Enter the address of the server", "IP address of the server",
          "Shared secret (PIX one-line form)", "Timeout for the server", "Timeout in seconds"},
         host_cmd,
         true});
  register_group_mode(t);
  register_host_mode(t);
  register_aaa_admin(t);
}

void render_aaa(const config::Config& cfg, ConfigWriter& w) {
  // Each group with its hosts after it, the hosts in the order they are tried.
  for (const auto& [name, g] : cfg.aaa_servers) {
    render_group(g, w);
    for (const auto& h : g.hosts) render_host(g, h, w);
  }
  render_aaa_admin(cfg, w);
}

}  // namespace rampart::cli
