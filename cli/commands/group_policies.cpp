// group-policy NAME internal|external and the attributes sub-mode: what mode-config hands to
// remote-access clients (DNS, WINS, domain, split tunnel, banner, PFS, backup servers, ...).
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kGp = mask_of(Mode::GroupPolicy);
constexpr int kMaxList = 10;

config::GroupPolicy& current_gp(Ctx& c) {
  return c.cfg.group_policies[c.session.frame().name];
}

std::vector<std::string> list(const Args& a, int max) {
  std::vector<std::string> out;
  for (int i = 1; i <= max && a.has(fmt::format("v{}", i)); ++i)
    out.push_back(a.str(fmt::format("v{}", i)));
  return out;
}

std::string list_syntax(int max) {
  std::string s = "<v1:WORD>";
  for (int i = 2; i <= max; ++i) s += fmt::format(" [<v{}:WORD>", i);
  return s + std::string(static_cast<size_t>(max - 1), ']');
}

std::vector<std::string_view> list_help(std::string_view first, std::string_view item, int max) {
  std::vector<std::string_view> h{first};
  for (int i = 0; i < max; ++i) h.push_back(item);
  return h;
}

// Registers "KW value A [B ...]", "KW none" and "no KW" for a list attribute.
template <typename Apply>
void list_attribute(CommandTree& t, std::string_view kw, std::string_view help,
                    std::string_view item_help, int max, Apply apply) {
  auto h = list_help(help, "Specify a value", 0);
  h.push_back("Specify a value");
  for (int i = 0; i < max; ++i) h.push_back(item_help);
  t.add({kGp, fmt::format("{} value {}", kw, list_syntax(max)), h,
         [apply, max](Ctx& c) { apply(c, std::optional(list(c.args, max))); }});
  t.add({kGp,
         fmt::format("{} none", kw),
         {help, "Specify a null value (no inheritance)"},
         [apply](Ctx& c) { apply(c, std::optional(std::vector<std::string>{})); }});
  t.add({kGp, fmt::format("no {}", kw), {help}, [apply](Ctx& c) {
           apply(c, std::optional<std::vector<std::string>>{});
         }});
}

template <typename Field>
void enable_attribute(CommandTree& t, std::string_view kw, std::string_view help, Field field) {
  t.add(
      {kGp, fmt::format("{} {{v:enable|disable}}", kw), {help, "Enable|Disable"}, [field](Ctx& c) {
         current_gp(c).*field = c.args.str("v") == "enable";
       }});
  t.add(
      {kGp, fmt::format("no {}", kw), {help}, [field](Ctx& c) { (current_gp(c).*field).reset(); }});
}

template <typename Field>
void number_attribute(CommandTree& t, std::string_view kw, std::string_view help,
                      std::string_view range, bool has_none, Field field) {
  t.add({kGp, fmt::format("{} <n:{}>", kw, range), {help, "Value"}, [field](Ctx& c) {
           current_gp(c).*field = static_cast<int>(c.args.num("n"));
         }});
  if (has_none)
    t.add({kGp, fmt::format("{} none", kw), {help, "No limit"}, [field](Ctx& c) {
             current_gp(c).*field = -1;
           }});
  t.add(
      {kGp, fmt::format("no {}", kw), {help}, [field](Ctx& c) { (current_gp(c).*field).reset(); }});
}

std::optional<std::vector<config::Ipv4>> addresses(
    Ctx& c, const std::optional<std::vector<std::string>>& v) {
  if (!v) return std::nullopt;
  std::vector<config::Ipv4> out;
  for (size_t i = 0; i < v->size(); ++i) {
    auto ip = config::Ipv4::parse((*v)[i]);
    if (!ip) {
      c.session.invalid_input_at(c.out, c.args, fmt::format("v{}", i + 1));
      return std::nullopt;
    }
    out.push_back(*ip);
  }
  return out;
}

}  // namespace

void register_group_policies(CommandTree& t) {
  const std::vector<std::string_view> base{"Configure or remove a group policy",
                                           "Enter the name of the group policy"};
  t.add({kConfig,
         "group-policy <name:WORD> internal",
         {base[0], base[1], "Enter this keyword to specify an internal group policy"},
         [](Ctx& c) {
           auto& gp = c.cfg.group_policies[c.args.str("name")];
           gp.name = c.args.str("name");
           gp.kind = "internal";
           gp.external_server_group.reset();
         }});
  t.add({kConfig,
         "group-policy <name:WORD> external server-group <group:WORD>",
         {base[0], base[1], "Enter this keyword to specify an external group policy",
          "Enter the AAA server group that holds the policy", "AAA server group name"},
         [](Ctx& c) {
           auto& gp = c.cfg.group_policies[c.args.str("name")];
           gp.name = c.args.str("name");
           gp.kind = "external";
           gp.external_server_group = c.args.str("group");
         }});
  t.add({kConfig, "no group-policy <name:WORD>", base,
         [](Ctx& c) { c.cfg.group_policies.erase(c.args.str("name")); }});
  t.add({kConfig,
         "group-policy <name:WORD> attributes",
         {base[0], base[1], "Enter the attributes sub-command mode"},
         [](Ctx& c) {
           auto it = c.cfg.group_policies.find(c.args.str("name"));
           if (it == c.cfg.group_policies.end()) {
             error(c, fmt::format("Group policy {} does not exist", c.args.str("name")));
             return;
           }
           it->second.has_attributes_block = true;
           c.session.enter({Mode::GroupPolicy, it->first});
         }});

  list_attribute(t, "dns-server", "Set IP addresses of DNS servers", "IP address of a DNS server",
                 2, [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   auto a = addresses(c, v);
                   if (v && !a) return;
                   current_gp(c).dns_servers = a;
                 });
  list_attribute(t, "wins-server", "Set IP addresses of WINS servers",
                 "IP address of a WINS server", 2,
                 [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   auto a = addresses(c, v);
                   if (v && !a) return;
                   current_gp(c).wins_servers = a;
                 });
  list_attribute(t, "default-domain", "Set the default domain name pushed to clients",
                 "Domain name", 1, [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   auto& gp = current_gp(c);
                   if (!v)
                     gp.default_domain.reset();
                   else
                     gp.default_domain = v->empty() ? "" : v->front();
                 });
  list_attribute(t, "split-tunnel-network-list",
                 "Set the access list of the networks to tunnel (Unity split include)",
                 "Access list name", 1,
                 [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   auto& gp = current_gp(c);
                   if (!v)
                     gp.split_tunnel_network_list.reset();
                   else
                     gp.split_tunnel_network_list = v->empty() ? "" : v->front();
                 });
  // "vpn-filter value ACL": the access-list that filters this group's decrypted traffic.
  // "none" and "no vpn-filter" both leave the group without one (config::GroupPolicy).
  list_attribute(t, "vpn-filter", "Specify the name of the access-list used for VPN filtering",
                 "Access list name", 1,
                 [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   auto& gp = current_gp(c);
                   if (!v || v->empty())
                     gp.vpn_filter.reset();
                   else
                     gp.vpn_filter = v->front();
                 });
  list_attribute(t, "split-dns", "Set the domains resolved through the tunnel", "Domain name",
                 kMaxList, [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   current_gp(c).split_dns = v;
                 });
  list_attribute(t, "address-pools", "Set the address pools of this policy", "Pool name", 6,
                 [](Ctx& c, const std::optional<std::vector<std::string>>& v) {
                   current_gp(c).address_pools = v;
                 });
  t.add({kGp,
         "banner value <text:LINE>",
         {"Set the banner shown to clients after login", "Specify a value", "Banner text"},
         [](Ctx& c) {
           auto& b = current_gp(c).banner;
           if (!b) b.emplace();
           b->push_back(c.args.str("text"));
         }});
  t.add({kGp,
         "banner none",
         {"Set the banner shown to clients after login", "Specify a null value (no inheritance)"},
         [](Ctx& c) { current_gp(c).banner = std::vector<std::string>{}; }});
  t.add({kGp, "no banner", {"Set the banner shown to clients after login"}, [](Ctx& c) {
           current_gp(c).banner.reset();
         }});
  t.add({kGp,
         "split-tunnel-policy {p:tunnelall|tunnelspecified|excludespecified}",
         {"Set the split tunnel policy",
          "Tunnel everything|Tunnel the networks of split-tunnel-network-list|"
          "Exclude the networks of split-tunnel-network-list"},
         [](Ctx& c) { current_gp(c).split_tunnel_policy = c.args.str("p"); }});
  t.add({kGp, "no split-tunnel-policy", {"Set the split tunnel policy"}, [](Ctx& c) {
           current_gp(c).split_tunnel_policy.reset();
         }});
  // "IPSec" is the pre-8.4 name of ikev1; an 8.4 converts it.
  t.add({kGp,
         "vpn-tunnel-protocol {p1:ikev1|ikev2|l2tp-ipsec|ssl-client|IPSec} "
         "[{p2:ikev1|ikev2|l2tp-ipsec|ssl-client}] [{p3:ikev1|ikev2|l2tp-ipsec|ssl-client}]",
         {"Set the VPN tunnel protocols allowed",
          "IKEv1 (IPsec)|IKEv2|L2TP over IPsec|SSL VPN client|IKEv1 (pre-8.4 name)",
          "IKEv1 (IPsec)|IKEv2|L2TP over IPsec|SSL VPN client",
          "IKEv1 (IPsec)|IKEv2|L2TP over IPsec|SSL VPN client"},
         [](Ctx& c) {
           std::vector<std::string> v;
           for (std::string_view k : {"p1", "p2", "p3"}) {
             if (!c.args.has(k)) continue;
             std::string p = c.args.str(k) == "IPSec" ? "ikev1" : c.args.str(k);
             if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
           }
           current_gp(c).vpn_tunnel_protocol = v;
         }});
  t.add({kGp, "no vpn-tunnel-protocol", {"Set the VPN tunnel protocols allowed"}, [](Ctx& c) {
           current_gp(c).vpn_tunnel_protocol.reset();
         }});
  enable_attribute(t, "password-storage", "Allow clients to store the login password",
                   &config::GroupPolicy::password_storage);
  enable_attribute(t, "pfs", "Require Perfect Forward Secrecy (Unity PFS)",
                   &config::GroupPolicy::pfs);
  enable_attribute(t, "smartcard-removal-disconnect",
                   "Disconnect the tunnel when the smart card is removed",
                   &config::GroupPolicy::smartcard_removal_disconnect);
  number_attribute(t, "vpn-idle-timeout", "Set the idle timeout in minutes", "1-35791394", true,
                   &config::GroupPolicy::vpn_idle_timeout);
  number_attribute(t, "vpn-session-timeout", "Set the maximum session time in minutes",
                   "1-35791394", true, &config::GroupPolicy::vpn_session_timeout);
  number_attribute(t, "vpn-simultaneous-logins", "Set the number of simultaneous logins",
                   "0-2147483647", false, &config::GroupPolicy::vpn_simultaneous_logins);
  t.add({kGp, fmt::format("backup-servers {}", list_syntax(kMaxList)),
         list_help("Set the backup servers pushed to clients", "Backup server address or name",
                   kMaxList),
         [](Ctx& c) { current_gp(c).backup_servers = list(c.args, kMaxList); }});
  t.add(
      {kGp,
       "backup-servers {v1:keep-client-config|clear-client-config}",
       {"Set the backup servers pushed to clients",
        "Keep the client's own backup servers|Clear the client's backup servers"},
       [](Ctx& c) { current_gp(c).backup_servers = std::vector<std::string>{c.args.str("v1")}; }});
  t.add({kGp, "no backup-servers", {"Set the backup servers pushed to clients"}, [](Ctx& c) {
           current_gp(c).backup_servers.reset();
         }});
}

namespace {

std::string spaced(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

std::string spaced(const std::vector<config::Ipv4>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x.str();
  return s;
}

template <typename V>
void value_line(ConfigWriter& w, std::string_view kw, const std::optional<V>& v) {
  if (!v) return;
  w.sub(v->empty() ? fmt::format("{} none", kw) : fmt::format("{} value {}", kw, spaced(*v)));
}

void text_line(ConfigWriter& w, std::string_view kw, const std::optional<std::string>& v) {
  if (!v) return;
  w.sub(v->empty() ? fmt::format("{} none", kw) : fmt::format("{} value {}", kw, *v));
}

void number_line(ConfigWriter& w, std::string_view kw, const std::optional<int>& v) {
  if (!v) return;
  w.sub(*v < 0 ? fmt::format("{} none", kw) : fmt::format("{} {}", kw, *v));
}

void flag_line(ConfigWriter& w, std::string_view kw, const std::optional<bool>& v) {
  if (v) w.sub(fmt::format("{} {}", kw, *v ? "enable" : "disable"));
}

}  // namespace

void render_group_policies(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [name, gp] : cfg.group_policies) {
    if (gp.kind == "external")
      w.line(fmt::format("group-policy {} external server-group {}", name,
                         gp.external_server_group.value_or("")));
    else
      w.line(fmt::format("group-policy {} internal", name));
    bool any = gp.dns_servers || gp.wins_servers || gp.default_domain || gp.split_tunnel_policy ||
               gp.split_tunnel_network_list || gp.split_dns || gp.vpn_tunnel_protocol ||
               gp.password_storage || gp.pfs || gp.banner || gp.backup_servers ||
               gp.vpn_idle_timeout || gp.vpn_session_timeout || gp.address_pools ||
               gp.smartcard_removal_disconnect || gp.vpn_simultaneous_logins || gp.vpn_filter;
    if (!any && !gp.has_attributes_block) continue;
    w.line(fmt::format("group-policy {} attributes", name));
    if (gp.banner) {
      if (gp.banner->empty()) w.sub("banner none");
      for (const auto& b : *gp.banner) w.sub("banner value " + b);
    }
    value_line(w, "wins-server", gp.wins_servers);
    value_line(w, "dns-server", gp.dns_servers);
    number_line(w, "vpn-simultaneous-logins", gp.vpn_simultaneous_logins);
    number_line(w, "vpn-idle-timeout", gp.vpn_idle_timeout);
    number_line(w, "vpn-session-timeout", gp.vpn_session_timeout);
    text_line(w, "vpn-filter", gp.vpn_filter);
    if (gp.vpn_tunnel_protocol) w.sub("vpn-tunnel-protocol " + spaced(*gp.vpn_tunnel_protocol));
    flag_line(w, "password-storage", gp.password_storage);
    flag_line(w, "pfs", gp.pfs);
    if (gp.split_tunnel_policy) w.sub("split-tunnel-policy " + *gp.split_tunnel_policy);
    text_line(w, "split-tunnel-network-list", gp.split_tunnel_network_list);
    text_line(w, "default-domain", gp.default_domain);
    value_line(w, "split-dns", gp.split_dns);
    value_line(w, "address-pools", gp.address_pools);
    if (gp.backup_servers) {
      const auto& b = *gp.backup_servers;
      w.sub(b.empty() ? "backup-servers clear-client-config" : "backup-servers " + spaced(b));
    }
    flag_line(w, "smartcard-removal-disconnect", gp.smartcard_removal_disconnect);
  }
}

}  // namespace rampart::cli
