// The local user database: username NAME password|nopassword [privilege N] and the
// "username NAME attributes" sub-mode.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/aaa/password.hpp"

namespace rampart::cli {

namespace {

constexpr ModeMask kUser = mask_of(Mode::Username);
constexpr int kDefaultPrivilege = 2;  // the ASA's default for "username"

config::User& current_user(Ctx& c) {
  auto& u = c.cfg.users[c.session.frame().name];
  u.name = c.session.frame().name;
  return u;
}

void username_cmd(Ctx& c) {
  const std::string& name = c.args.str("name");
  config::User u;
  u.name = name;
  if (auto it = c.cfg.users.find(name); it != c.cfg.users.end()) u = it->second;
  if (c.args.has("password")) {
    const std::string& pw = c.args.str("password");
    if (c.args.has("kind")) {
      auto h = aaa::parse_stored(pw, c.args.str("kind"));
      if (!h) {
        error(c, fmt::format("Invalid {} password", c.args.str("kind")));
        return;
      }
      u.password = *h;
    } else {
      u.password = aaa::hash_password(pw);
    }
  } else {
    u.password.reset();  // nopassword
  }
  u.privilege = static_cast<int>(c.args.num("level", kDefaultPrivilege));
  c.cfg.users[name] = std::move(u);
}

}  // namespace

void register_users(CommandTree& t) {
  const std::vector<std::string_view> base{"Configure user authentication local database",
                                           "User name"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = base;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig,
         "username <name:WORD> password <password:WORD> [{kind:encrypted|pbkdf2}] "
         "[privilege <level:0-15>]",
         with({"Set the password", "The password, or its stored form",
               "The password is an encrypted (MD5) hash|The password is a PBKDF2 hash",
               "Set the privilege level", "Privilege level"}),
         username_cmd});
  t.add({kConfig, "username <name:WORD> nopassword [privilege <level:0-15>]",
         with({"No password", "Set the privilege level", "Privilege level"}), username_cmd});
  t.add({kConfig, "no username <name:WORD>", base,
         [](Ctx& c) { c.cfg.users.erase(c.args.str("name")); }});
  t.add({kConfig, "username <name:WORD> attributes", with({"Enter the attributes sub-mode"}),
         [](Ctx& c) {
           const std::string& name = c.args.str("name");
           auto it = c.cfg.users.find(name);
           if (it == c.cfg.users.end()) {
             error(c, fmt::format("User {} does not exist", name));
             return;
           }
           it->second.has_attributes_block = true;
           c.session.enter({Mode::Username, name});
         }});
  t.add({kUser,
         "vpn-framed-ip-address <address:A.B.C.D> <mask:A.B.C.D>",
         {"Configure the IP address assigned to the user's client", "IP address", "Subnet mask"},
         [](Ctx& c) {
           auto mask = config::Mask::parse(c.args.str("mask"));
           if (!mask) {
             c.session.invalid_input_at(c.out, c.args, "mask");
             return;
           }
           auto& a = current_user(c).attributes;
           a.framed_ip = c.args.ip("address");
           a.framed_mask = *mask;
         }});
  t.add({kUser,
         "no vpn-framed-ip-address",
         {"Configure the IP address assigned to the user's client"},
         [](Ctx& c) {
           auto& a = current_user(c).attributes;
           a.framed_ip.reset();
           a.framed_mask.reset();
         }});
  t.add({kUser,
         "vpn-group-policy <name:WORD>",
         {"Configure the group policy of this user", "Group policy name"},
         [](Ctx& c) {
           set_or_reset(current_user(c).attributes.group_policy, c.negated, c.args.str("name"));
         },
         true});
  t.add({kUser,
         "service-type {type:admin|nas-prompt|remote-access}",
         {"Configure the type of service this user may use",
          "Administrative access|Login with a limited shell|Remote access (VPN) only"},
         [](Ctx& c) {
           set_or_reset(current_user(c).attributes.service_type, c.negated, c.args.str("type"));
         },
         true});
  t.add({kUser,
         "vpn-tunnel-protocol {p:ikev1|ikev2|l2tp-ipsec}",
         {"Configure the VPN protocols this user may use", "IKEv1|IKEv2|L2TP over IPsec"},
         [](Ctx& c) {
           set_or_reset(current_user(c).attributes.tunnel_protocol, c.negated, c.args.str("p"));
         },
         true});
  t.add({kUser,
         "vpn-idle-timeout <minutes:1-35791394>",
         {"Configure the idle timeout", "Idle timeout in minutes"},
         [](Ctx& c) {
           set_or_reset(current_user(c).attributes.idle_timeout, c.negated,
                        static_cast<int>(c.args.num("minutes")));
         },
         true});
  t.add({kUser,
         "vpn-simultaneous-logins <n:0-2147483647>",
         {"Configure the number of simultaneous logins", "Number of logins"},
         [](Ctx& c) {
           set_or_reset(current_user(c).attributes.simultaneous_logins, c.negated,
                        static_cast<int>(c.args.num("n")));
         },
         true});
}

void render_users(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [name, u] : cfg.users) {
    std::string l = "username " + name;
    l += u.password ? fmt::format(" password {} {}", u.password->hash, u.password->kind)
                    : std::string(" nopassword");
    if (u.privilege != kDefaultPrivilege) l += fmt::format(" privilege {}", u.privilege);
    w.line(l);
    const auto& a = u.attributes;
    bool any = a.framed_ip || a.group_policy || a.service_type || a.tunnel_protocol ||
               a.idle_timeout || a.simultaneous_logins;
    if (!any && !u.has_attributes_block) continue;
    w.line(fmt::format("username {} attributes", name));
    if (a.group_policy) w.sub("vpn-group-policy " + *a.group_policy);
    if (a.simultaneous_logins)
      w.sub(fmt::format("vpn-simultaneous-logins {}", *a.simultaneous_logins));
    if (a.idle_timeout) w.sub(fmt::format("vpn-idle-timeout {}", *a.idle_timeout));
    if (a.tunnel_protocol) w.sub("vpn-tunnel-protocol " + *a.tunnel_protocol);
    if (a.framed_ip && a.framed_mask)
      w.sub(fmt::format("vpn-framed-ip-address {} {}", a.framed_ip->str(), a.framed_mask->str()));
    if (a.service_type) w.sub("service-type " + *a.service_type);
  }
}

}  // namespace rampart::cli
