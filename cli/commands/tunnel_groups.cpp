// tunnel-group NAME type ..., general-attributes and ipsec-attributes sub-modes.

#include "cli/commands/aaa_parts.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kGeneral = mask_of(Mode::TunnelGeneral);
constexpr ModeMask kIpsec = mask_of(Mode::TunnelIpsec);

// The ASA's built-in groups: they exist without a "type" line and cannot be removed.
bool is_default_group(std::string_view name) {
  return name == "DefaultRAGroup" || name == "DefaultL2LGroup";
}

config::TunnelGroup& current_group(Ctx& c) {
  return c.cfg.tunnel_groups[c.session.frame().name];
}

void type_cmd(Ctx& c) {
  const std::string& name = c.args.str("name");
  std::string type = c.args.str("type");
  if (type == "ipsec-ra") {
    type = "remote-access";  // the 7.x name, converted as ASA 8 does
    info(c, "ipsec-ra is deprecated; using remote-access");
  }
  auto it = c.cfg.tunnel_groups.find(name);
  if (it != c.cfg.tunnel_groups.end() && !it->second.type.empty() && it->second.type != type) {
    error(c, fmt::format("Cannot change the type of tunnel-group {}: remove it first", name));
    return;
  }
  auto& tg = c.cfg.tunnel_groups[name];
  tg.name = name;
  tg.type = type;
}

void attributes_cmd(Ctx& c, bool general) {
  const std::string& name = c.args.str("name");
  auto it = c.cfg.tunnel_groups.find(name);
  if (it == c.cfg.tunnel_groups.end()) {
    if (!is_default_group(name)) {
      error(c, fmt::format("The tunnel-group {} does not exist", name));
      return;
    }
    auto& tg = c.cfg.tunnel_groups[name];
    tg.name = name;
    tg.type = name == "DefaultRAGroup" ? "remote-access" : "ipsec-l2l";
    it = c.cfg.tunnel_groups.find(name);
  }
  (general ? it->second.has_general_block : it->second.has_ipsec_block) = true;
  c.session.enter({general ? Mode::TunnelGeneral : Mode::TunnelIpsec, name});
}

// The optional "(ifname)" that precedes a pool or server group: "address-pool (inside) POOL".
std::vector<std::string> names_without_interface(const Args& a, int max) {
  std::vector<std::string> out;
  for (int i = 1; i <= max; ++i) {
    std::string k = fmt::format("n{}", i);
    if (!a.has(k)) break;
    const std::string& v = a.str(k);
    if (v.starts_with("(") && v.ends_with(")")) continue;
    out.push_back(v);
  }
  return out;
}

// "authentication-server-group [(IF)] GROUP [LOCAL]", "authorization-server-group GROUP",
// "accounting-server-group GROUP": the group must exist (the aaa-server lines print before the
// tunnel-groups, so a saved configuration loads in order). The (IF) form names no other group
// here: one server group serves every interface.
void server_group_cmd(Ctx& c, std::string_view kind) {
  auto& g = current_group(c).general;
  auto& field = kind == "authentication"  ? g.authentication_server_group
                : kind == "authorization" ? g.authorization_server_group
                                          : g.accounting_server_group;
  if (c.negated) {
    field.reset();
    if (kind == "authentication") g.authentication_fallback_local = false;
    return;
  }
  std::vector<std::string> keys;
  for (std::string_view k : {"n1", "n2", "n3"})
    if (c.args.has(k)) keys.emplace_back(k);
  size_t i = 0;
  const std::string& first = c.args.str(keys[0]);
  if (first.starts_with("(") && first.ends_with(")")) {
    if (kind != "authentication" || keys.size() == 1) {
      c.session.invalid_input_at(c.out, c.args, keys[0]);
      return;
    }
    if (!require_nameif(c, first.substr(1, first.size() - 2))) return;
    i = 1;
  }
  const std::string& group = c.args.str(keys[i]);
  // After the group: LOCAL, for authentication after a server group only; nothing else.
  size_t bad = i + 1;
  bool fallback = bad < keys.size() && kind == "authentication" &&
                  c.args.str(keys[bad]) == "LOCAL" && !is_local_group(c.cfg, group);
  if (fallback) ++bad;
  if (bad < keys.size()) {
    c.session.invalid_input_at(c.out, c.args, keys[bad]);
    return;
  }
  if (!require_server_group(c, group)) return;
  if (kind == "accounting") {
    auto it = c.cfg.aaa_servers.find(group);
    if (it == c.cfg.aaa_servers.end() ||
        (it->second.protocol != "radius" && it->second.protocol != "tacacs+")) {
      error(c, fmt::format("aaa-server group {} does not do accounting: use a RADIUS or TACACS+ "
                           "group",
                           group));
      return;
    }
  }
  field = is_local_group(c.cfg, group) ? std::string("LOCAL") : group;
  if (kind == "authentication") g.authentication_fallback_local = fallback;
}

}  // namespace

void register_tunnel_groups(CommandTree& t) {
  const std::vector<std::string_view> base{
      "Create and manage the database of connection "
      "specific records for IPsec connections",
      "Name of the tunnel group"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = base;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig, "tunnel-group <name:WORD> type {type:remote-access|ipsec-l2l|ipsec-ra}",
         with({"Enter the type of this group",
               "Enter this keyword to specify a remote access group|Enter this keyword to "
               "specify an IPsec LAN-to-LAN group|Enter this keyword to specify a remote access "
               "group (deprecated name)"}),
         type_cmd});
  t.add({kConfig, "no tunnel-group <name:WORD>", base,
         [](Ctx& c) { c.cfg.tunnel_groups.erase(c.args.str("name")); }});
  t.add({kConfig, "tunnel-group <name:WORD> general-attributes",
         with({"Enter the general-attributes sub command mode"}),
         [](Ctx& c) { attributes_cmd(c, true); }});
  t.add({kConfig, "tunnel-group <name:WORD> ipsec-attributes",
         with({"Enter the ipsec-attributes sub command mode"}),
         [](Ctx& c) { attributes_cmd(c, false); }});

  // general-attributes
  t.add({kGeneral,
         "address-pool <n1:WORD> [<n2:WORD> [<n3:WORD> [<n4:WORD> [<n5:WORD> "
         "[<n6:WORD> [<n7:WORD>]]]]]]",
         {"Enter a list of address pools to assign addresses from",
          "(interface name) or address pool name", "Address pool name", "Address pool name",
          "Address pool name", "Address pool name", "Address pool name", "Address pool name"},
         [](Ctx& c) {
           auto& g = current_group(c).general;
           g.address_pools =
               c.negated ? std::vector<std::string>{} : names_without_interface(c.args, 7);
         },
         true});
  t.add({kGeneral,
         "no address-pool",
         {"Enter a list of address pools to assign addresses from"},
         [](Ctx& c) { current_group(c).general.address_pools.clear(); }});
  t.add({kGeneral,
         "default-group-policy <name:WORD>",
         {"Enter the name of the default group policy", "Group policy name"},
         [](Ctx& c) {
           set_or_reset(current_group(c).general.default_group_policy, c.negated,
                        c.args.str("name"));
         },
         true});
  for (std::string_view kind : {"authentication", "authorization", "accounting"}) {
    std::string syntax = fmt::format("{}-server-group <n1:WORD> [<n2:WORD> [<n3:WORD>]]", kind);
    t.add({kGeneral,
           syntax,
           {kind == "authentication"  ? "Enter the name of the authentication server group"
            : kind == "authorization" ? "Enter the name of the authorization server group"
                                      : "Enter the name of the accounting server group",
            "(interface name) or AAA server group name", "AAA server group name",
            "LOCAL: fall back to the local database"},
           [kind](Ctx& c) { server_group_cmd(c, kind); },
           true});
    t.add({kGeneral,
           fmt::format("no {}-server-group", kind),
           {kind == "authentication"  ? "Enter the name of the authentication server group"
            : kind == "authorization" ? "Enter the name of the authorization server group"
                                      : "Enter the name of the accounting server group"},
           [kind](Ctx& c) {
             Ctx no{c.session, c.cfg, c.sys, c.out, c.args, true};
             server_group_cmd(no, kind);
           }});
  }
  t.add({kGeneral,
         "password-management [password-expire-in-days <days:0-180>]",
         {"Enable password management (expired passwords changed during XAUTH)",
          "Days before expiry at which the user is warned", "Number of days"},
         [](Ctx& c) {
           auto& g = current_group(c).general;
           set_or_reset(g.password_management_days, c.negated,
                        static_cast<int>(c.args.num("days", 0)));
         },
         true});

  // ipsec-attributes
  for (bool ikev1 : {true, false}) {
    std::vector<std::string_view> h;
    if (ikev1) h.push_back("Configure IKEv1 settings");
    h.push_back("Set the pre-shared key for this group");
    h.push_back("The pre-shared key");
    // "pre-shared-key" is the 8.3 spelling; 8.4+ shows it as "ikev1 pre-shared-key".
    t.add({kIpsec, ikev1 ? "ikev1 pre-shared-key <key:WORD>" : "pre-shared-key <key:WORD>", h,
           [](Ctx& c) {
             auto& i = current_group(c).ipsec;
             if (c.negated)
               i.pre_shared_key.reset();
             else
               i.pre_shared_key = config::Secret(c.args.str("key"));
           },
           true, !ikev1});
  }
  t.add({kIpsec,
         "no ikev1 pre-shared-key",
         {"Configure IKEv1 settings", "Set the pre-shared key for this group"},
         [](Ctx& c) { current_group(c).ipsec.pre_shared_key.reset(); }});
  t.add({kIpsec,
         "isakmp keepalive threshold <threshold:10-3600> retry <retry:2-10>",
         {"Configure ISAKMP settings", "Configure dead peer detection (DPD)",
          "Seconds of idle time before a DPD request is sent", "Threshold in seconds",
          "Seconds between DPD retries", "Retry interval in seconds"},
         [](Ctx& c) {
           auto& i = current_group(c).ipsec;
           i.keepalive_disabled = false;
           if (c.negated) {
             i.keepalive_threshold.reset();
             i.keepalive_retry.reset();
             return;
           }
           i.keepalive_threshold = static_cast<int>(c.args.num("threshold"));
           i.keepalive_retry = static_cast<int>(c.args.num("retry"));
         },
         true});
  t.add({kIpsec,
         "isakmp keepalive disable",
         {"Configure ISAKMP settings", "Configure dead peer detection (DPD)", "Disable DPD"},
         [](Ctx& c) {
           auto& i = current_group(c).ipsec;
           i.keepalive_disabled = !c.negated;
           i.keepalive_threshold.reset();
           i.keepalive_retry.reset();
         },
         true});
  t.add({kIpsec,
         "isakmp ikev1-user-authentication none",
         {"Configure ISAKMP settings", "Configure extended authentication (XAUTH)",
          "Do not authenticate users with XAUTH"},
         [](Ctx& c) { current_group(c).ipsec.xauth_disabled = !c.negated; },
         true});
  t.add({kIpsec,
         "peer-id-validate {mode:req|cert|nocheck}",
         {"Validate the identity of the peer",
          "Require peer identity validation|Validate if the peer has a certificate|"
          "Do not check the peer identity"},
         [](Ctx& c) {
           auto& i = current_group(c).ipsec;
           if (c.negated || c.args.str("mode") == "req")
             i.peer_id_validate.reset();
           else
             i.peer_id_validate = c.args.str("mode");
         },
         true});
}

void render_tunnel_groups(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [name, tg] : cfg.tunnel_groups) {
    if (!is_default_group(name)) w.line(fmt::format("tunnel-group {} type {}", name, tg.type));
    const auto& g = tg.general;
    bool general = !g.address_pools.empty() || g.default_group_policy ||
                   g.authentication_server_group || g.authorization_server_group ||
                   g.accounting_server_group || g.password_management_days;
    if (general || (tg.has_general_block && !is_default_group(name))) {
      w.line(fmt::format("tunnel-group {} general-attributes", name));
      if (!g.address_pools.empty()) {
        std::string l = "address-pool";
        for (const auto& p : g.address_pools) l += " " + p;
        w.sub(l);
      }
      if (g.authentication_server_group)
        w.sub("authentication-server-group " + *g.authentication_server_group +
              (g.authentication_fallback_local ? " LOCAL" : ""));
      if (g.authorization_server_group)
        w.sub("authorization-server-group " + *g.authorization_server_group);
      if (g.accounting_server_group) w.sub("accounting-server-group " + *g.accounting_server_group);
      if (g.default_group_policy) w.sub("default-group-policy " + *g.default_group_policy);
      if (g.password_management_days)
        w.sub(*g.password_management_days == 0
                  ? std::string("password-management")
                  : fmt::format("password-management password-expire-in-days {}",
                                *g.password_management_days));
    }
    const auto& i = tg.ipsec;
    bool ipsec = i.pre_shared_key || i.keepalive_disabled || i.keepalive_threshold ||
                 i.peer_id_validate || i.xauth_disabled;
    if (ipsec || (tg.has_ipsec_block && !is_default_group(name))) {
      w.line(fmt::format("tunnel-group {} ipsec-attributes", name));
      if (i.pre_shared_key) w.sub("ikev1 pre-shared-key " + w.secret(*i.pre_shared_key));
      if (i.peer_id_validate) w.sub("peer-id-validate " + *i.peer_id_validate);
      if (i.keepalive_disabled) w.sub("isakmp keepalive disable");
      if (i.keepalive_threshold && i.keepalive_retry)
        w.sub(fmt::format("isakmp keepalive threshold {} retry {}", *i.keepalive_threshold,
                          *i.keepalive_retry));
      if (i.xauth_disabled) w.sub("isakmp ikev1-user-authentication none");
    }
  }
}

}  // namespace rampart::cli
