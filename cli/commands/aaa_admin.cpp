// AAA for administrators: "aaa authentication SERVICE console GROUP [LOCAL]", "aaa
// authorization exec authentication-server", "aaa accounting command [privilege N] GROUP";
// and what every section that names a server group asks of the groups.
#include "cli/commands/aaa_parts.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kHelpAaa =
    "Enable, disable, or view user authentication, authorization and accounting";

const config::AaaServerGroup* find_group(const config::Config& cfg, const std::string& name) {
  auto g = cfg.aaa_servers.find(name);
  return g == cfg.aaa_servers.end() ? nullptr : &g->second;
}

void authentication_cmd(Ctx& c) {
  auto& a = c.cfg.management.aaa_authentication;
  const std::string& service = c.args.str("service");
  if (c.negated) {
    a.erase(service);
    return;
  }
  const std::string& group = c.args.str("group");
  if (!require_server_group(c, group)) return;
  bool local = is_local_group(c.cfg, group);
  // "GROUP LOCAL": the local database when the group's servers do not answer; after LOCAL
  // itself it means nothing, and the ASA's grammar has no such line.
  if (local && c.args.has("local")) {
    c.session.invalid_input_at(c.out, c.args, "local");
    return;
  }
  // One server group per service: a new line replaces the old one.
  a[service] = {local ? std::string("LOCAL") : group, c.args.has("local")};
}

void accounting_cmd(Ctx& c) {
  auto& m = c.cfg.management;
  if (c.negated) {
    m.accounting_command_group.reset();
    m.accounting_command_privilege.reset();
    return;
  }
  const std::string& group = c.args.str("group");
  if (!require_server_group(c, group)) return;
  const auto* g = find_group(c.cfg, group);
  // Command accounting is a TACACS+ record: no other protocol carries it.
  if (!g || g->protocol != "tacacs+") {
    error(c, fmt::format("aaa-server group {} is not a TACACS+ group: command accounting needs "
                         "TACACS+",
                         group));
    return;
  }
  m.accounting_command_group = group;
  m.accounting_command_privilege =
      c.args.has("level") ? std::optional(static_cast<int>(c.args.num("level"))) : std::nullopt;
}

}  // namespace

bool is_local_group(const config::Config& cfg, const std::string& name) {
  if (name == "LOCAL") return true;
  const auto* g = find_group(cfg, name);
  return g && g->protocol == "local";
}

bool require_server_group(Ctx& c, const std::string& name) {
  if (name == "LOCAL" || c.cfg.aaa_servers.contains(name)) return true;
  error(c, fmt::format("aaa-server group {} does not exist", name));
  return false;
}

std::optional<std::string> server_group_user(const config::Config& cfg, const std::string& group) {
  for (const auto& [name, tg] : cfg.tunnel_groups) {
    const auto& g = tg.general;
    if (g.authentication_server_group == group || g.authorization_server_group == group ||
        g.accounting_server_group == group)
      return "tunnel-group " + name;
  }
  for (const auto& [service, a] : cfg.management.aaa_authentication)
    if (a.group == group) return fmt::format("aaa authentication {} console", service);
  if (cfg.management.accounting_command_group == group) return "aaa accounting command";
  for (const auto& [name, m] : cfg.crypto.maps)
    if (m.client_authentication == group)
      return fmt::format("crypto map {} client authentication", name);
  return std::nullopt;
}

void clear_server_groups(config::Config& cfg) {
  auto gone = [&](const std::optional<std::string>& g) {
    return g && *g != "LOCAL" && cfg.aaa_servers.contains(*g);
  };
  for (auto& [name, tg] : cfg.tunnel_groups) {
    auto& g = tg.general;
    if (gone(g.authentication_server_group)) {
      g.authentication_server_group.reset();
      g.authentication_fallback_local = false;
    }
    if (gone(g.authorization_server_group)) g.authorization_server_group.reset();
    if (gone(g.accounting_server_group)) g.accounting_server_group.reset();
  }
  // A login that named a server group is refused rather than let in unchecked: the service
  // stays under "aaa authentication" with the local database only when it fell back to it.
  auto& auth = cfg.management.aaa_authentication;
  for (auto it = auth.begin(); it != auth.end();) {
    if (!gone(it->second.group)) {
      ++it;
      continue;
    }
    if (it->second.fallback_local) {
      it->second = {"LOCAL", false};
      ++it;
    } else {
      it = auth.erase(it);
    }
  }
  if (gone(cfg.management.accounting_command_group)) {
    cfg.management.accounting_command_group.reset();
    cfg.management.accounting_command_privilege.reset();
  }
  for (auto& [name, m] : cfg.crypto.maps)
    if (gone(m.client_authentication)) m.client_authentication.reset();
  cfg.aaa_servers.clear();
}

void register_aaa_admin(CommandTree& t) {
  t.add({kConfig,
         "aaa authentication {service:ssh|serial|enable|http|telnet} console <group:WORD> "
         "[{local:LOCAL}]",
         {kHelpAaa, "Enable or disable user authentication",
          "SSH logins|Serial console logins|The enable command|ASDM (HTTP) logins|Telnet logins",
          "Authenticate console and management access", "Server group, or LOCAL",
          "Fall back to the local database when no server answers"},
         authentication_cmd,
         true});
  t.add({kConfig,
         "aaa authorization exec authentication-server",
         {kHelpAaa, "Enable or disable user authorization",
          "Authorize the EXEC session (privilege level) of administrators",
          "Take the privilege level from the server that authenticated the login"},
         [](Ctx& c) { c.cfg.management.authorization_exec_server = !c.negated; },
         true});
  t.add({kConfig,
         "aaa accounting command [privilege <level:0-15>] <group:WORD>",
         {kHelpAaa, "Enable or disable user accounting",
          "Send an accounting record for each command an administrator enters",
          "Only commands of this privilege level or above", "Privilege level",
          "TACACS+ server group"},
         accounting_cmd,
         true});
  t.add({kConfig,
         "no aaa accounting command",
         {kHelpAaa, "Enable or disable user accounting",
          "Send an accounting record for each command an administrator enters"},
         [](Ctx& c) {
           c.cfg.management.accounting_command_group.reset();
           c.cfg.management.accounting_command_privilege.reset();
         }});
}

void render_aaa_admin(const config::Config& cfg, ConfigWriter& w) {
  const auto& m = cfg.management;
  for (const auto& [service, a] : m.aaa_authentication)
    w.line(fmt::format("aaa authentication {} console {}{}", service, a.group,
                       a.fallback_local ? " LOCAL" : ""));
  if (m.authorization_exec_server) w.line("aaa authorization exec authentication-server");
  if (m.accounting_command_group) {
    std::string level = m.accounting_command_privilege
                            ? fmt::format("privilege {} ", *m.accounting_command_privilege)
                            : "";
    w.line(fmt::format("aaa accounting command {}{}", level, *m.accounting_command_group));
  }
}

}  // namespace rampart::cli
