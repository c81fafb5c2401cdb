// SNMP: snmp-server host|community|location|contact|enable|enable traps|group|user and their
// no forms, show running-config snmp-server. The agent is net-snmp's snmpd, configured and run
// by rampartd (firmware/daemon/snmp_service) with Rampart as its AgentX subagent.
#include <array>

#include <fmt/format.h>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "cli/system.hpp"
#include "control/snmp/snmpd_conf.hpp"
#include "control/snmp/statistics.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kHelpSnmp = "Modify SNMP engine parameters";
constexpr std::string_view kHelpEnable = "Enable SNMP server";
constexpr std::string_view kHelpTraps = "Enable SNMP traps";
constexpr std::string_view kHelpUser = "Configure a user to the SNMP engine";
constexpr std::string_view kHelpGroup = "Configure a User Security Model group";
constexpr std::string_view kHelpUserName = "Name of the user";
constexpr std::string_view kHelpGroupName = "Name of the group";
constexpr std::string_view kHelpV3 = "group using the User Security Model (SNMPv3)";

// ASA limits [U: the ASA's 32-character community; net-snmp's 8-character USM minimum].
constexpr size_t kMaxCommunity = 32;
constexpr size_t kMinUsmPassword = 8;

// The trap names of each family, in the order the ASA prints them.
struct TrapFamily {
  std::string_view family;
  std::array<std::string_view, 5> names;
};
constexpr std::array<TrapFamily, 3> kTrapFamilies = {{
    {"snmp", {"authentication", "linkup", "linkdown", "coldstart", "warmstart"}},
    {"ipsec", {"start", "stop", "", "", ""}},
    {"remote-access", {"session-threshold-exceeded", "", "", "", ""}},
}};

// SNMP secrets go into snmpd.conf as quoted words: refuse what would end the quote.
bool secret_ok(Ctx& c, const std::string& s, std::string_view what) {
  if (s.find_first_of("\"\\") == std::string::npos) return true;
  error(c, fmt::format("{} must not contain '\"' or '\\'", what));  // [U]
  return false;
}

void set_traps(Ctx& c, std::string_view family, const std::vector<std::string_view>& chosen) {
  for (const auto& f : kTrapFamilies) {
    if (!family.empty() && f.family != family) continue;
    for (std::string_view n : f.names) {
      if (n.empty()) continue;
      bool picked = chosen.empty() || std::find(chosen.begin(), chosen.end(), n) != chosen.end();
      if (!picked) continue;
      std::string key = fmt::format("{} {}", f.family, n);
      if (c.negated)
        c.cfg.snmp.traps.erase(key);
      else
        c.cfg.snmp.traps.insert(key);
    }
  }
}

void traps_of(Ctx& c, std::string_view family) {
  std::vector<std::string_view> chosen;
  for (const auto& f : kTrapFamilies)
    if (f.family == family)
      for (std::string_view n : f.names)
        if (!n.empty() && c.args.has(n)) chosen.push_back(n);
  set_traps(c, family, chosen);
}

void snmp_host(Ctx& c) {
  std::pair key{c.args.str("ifname"), c.args.ip("address")};
  if (c.negated) {
    c.cfg.snmp.hosts.erase(key);
    return;
  }
  if (!require_nameif(c, key.first)) return;
  config::SnmpHost h;
  if (c.args.has("mode")) {
    h.poll = c.args.str("mode") == "poll";
    h.trap = !h.poll;
  }
  if (c.args.has("version")) {
    const std::string& v = c.args.str("version");
    if (v == "1")
      h.version = config::SnmpVersion::V1;
    else if (v == "2c")
      h.version = config::SnmpVersion::V2c;
    else if (v == "3")
      h.version = config::SnmpVersion::V3;
    else
      return c.session.invalid_input_at(c.out, c.args, "version");
  }
  if (h.version == config::SnmpVersion::V3) {
    if (!c.args.has("user")) {
      c.out += "ERROR: % Incomplete command\n";
      if (auto* k = c.session.counters()) ++k->incomplete;
      return;
    }
    h.user = c.args.str("user");
    if (!c.cfg.snmp.users.contains(h.user))
      return error(c, fmt::format("User {} does not exist", h.user));  // [U]
  } else if (c.args.has("user")) {
    return c.session.invalid_input_at(c.out, c.args, "user");
  }
  if (c.args.has("community")) {
    const std::string& text = c.args.str("community");
    if (text.size() > kMaxCommunity)
      return error(c, "Community string length exceeds 32 characters");  // [U]
    if (!secret_ok(c, text, "Community string")) return;
    h.community = config::Secret(text);
  }
  if (c.args.has("port")) h.udp_port = static_cast<uint16_t>(c.args.num("port"));
  c.cfg.snmp.hosts[key] = std::move(h);
}

void snmp_user(Ctx& c) {
  const std::string& name = c.args.str("name");
  if (c.negated) {
    c.cfg.snmp.users.erase(name);
    return;
  }
  config::SnmpUser u;
  u.group = c.args.str("group");
  if (!c.cfg.snmp.groups.contains(u.group))
    return error(c, fmt::format("Group {} does not exist", u.group));  // [U]
  if (c.args.has("auth")) {
    u.auth = c.args.str("auth") == "md5" ? config::SnmpAuth::Md5 : config::SnmpAuth::Sha;
    const std::string& pw = c.args.str("authpw");
    if (pw.size() < kMinUsmPassword)
      return error(c, "Authentication password must be at least 8 characters");  // [U]
    if (!secret_ok(c, pw, "Authentication password")) return;
    u.auth_password = config::Secret(pw);
  }
  if (c.args.has("priv")) {
    const std::string& p = c.args.str("priv");
    const std::string& bits = c.args.str("bits");
    u.priv = p == "des"      ? config::SnmpPriv::Des
             : p == "3des"   ? config::SnmpPriv::TripleDes
             : bits == "128" ? config::SnmpPriv::Aes128
             : bits == "192" ? config::SnmpPriv::Aes192
                             : config::SnmpPriv::Aes256;
    const std::string& pw = c.args.str("privpw");
    if (pw.size() < kMinUsmPassword)
      return error(c, "Encryption password must be at least 8 characters");  // [U]
    if (!secret_ok(c, pw, "Encryption password")) return;
    u.priv_password = config::Secret(pw);
  }
  // [U] the words: the user is kept (a configuration from an ASA still loads) but not served.
  if (!snmp::usable(u))
    warning(c, fmt::format("3DES privacy is not available on this platform; user {} will not be "
                           "served until it uses des or aes",
                           name));
  c.cfg.snmp.users[name] = std::move(u);
}

std::string_view priv_text(config::SnmpPriv p) {
  switch (p) {
    case config::SnmpPriv::Des:
      return "des";
    case config::SnmpPriv::TripleDes:
      return "3des";
    case config::SnmpPriv::Aes128:
      return "aes 128";
    case config::SnmpPriv::Aes192:
      return "aes 192";
    case config::SnmpPriv::Aes256:
      return "aes 256";
    case config::SnmpPriv::None:
      break;
  }
  return "";
}

std::string_view level_text(config::SnmpSecurity s) {
  return s == config::SnmpSecurity::NoAuth ? "noauth"
         : s == config::SnmpSecurity::Auth ? "auth"
                                           : "priv";
}

std::string host_line(const std::pair<std::string, config::Ipv4>& key, const config::SnmpHost& h,
                      const ConfigWriter& w) {
  std::string line = fmt::format("snmp-server host {} {}", key.first, key.second.str());
  if (h.poll != h.trap) line += h.poll ? " poll" : " trap";
  if (h.community && h.version != config::SnmpVersion::V3)
    line += " community " + w.secret(*h.community);
  if (h.version == config::SnmpVersion::V2c) line += " version 2c";
  if (h.version == config::SnmpVersion::V3) line += " version 3 " + h.user;
  if (h.udp_port != 162) line += fmt::format(" udp-port {}", h.udp_port);
  return line;
}

void register_traps(CommandTree& t) {
  t.add({kConfig,
         "snmp-server enable traps [{all:all}]",
         {kHelpSnmp, kHelpEnable, kHelpTraps, "Enable all traps"},
         [](Ctx& c) {
           // [U] a bare "snmp-server enable traps" enables the snmp family.
           set_traps(c, c.args.has("all") ? "" : "snmp", {});
         },
         true});
  t.add({kConfig,
         "snmp-server enable traps snmp [{authentication:authentication}] [{linkup:linkup}] "
         "[{linkdown:linkdown}] [{coldstart:coldstart}] [{warmstart:warmstart}]",
         {kHelpSnmp, kHelpEnable, kHelpTraps, "Enable SNMP traps", "Enable authentication trap",
          "Enable linkup trap", "Enable linkdown trap", "Enable coldstart trap",
          "Enable warmstart trap"},
         [](Ctx& c) { traps_of(c, "snmp"); },
         true});
  t.add({kConfig,
         "snmp-server enable traps ipsec [{start:start}] [{stop:stop}]",
         {kHelpSnmp, kHelpEnable, kHelpTraps, "Enable IPsec traps", "Enable IPsec start trap",
          "Enable IPsec stop trap"},
         [](Ctx& c) { traps_of(c, "ipsec"); },
         true});
  t.add({kConfig,
         "snmp-server enable traps remote-access "
         "[{session-threshold-exceeded:session-threshold-exceeded}]",
         {kHelpSnmp, kHelpEnable, kHelpTraps, "Enable remote-access traps",
          "Enable session threshold exceeded trap"},
         [](Ctx& c) { traps_of(c, "remote-access"); },
         true});
}

void register_usm(CommandTree& t) {
  t.add({kConfig,
         "snmp-server group <name:WORD> v3 {level:noauth|auth|priv}",
         {kHelpSnmp, kHelpGroup, kHelpGroupName, kHelpV3,
          "group using the authNoPriv Security Level|group using the authNoPriv Security "
          "Level|group using SNMPv3 authPriv security level"},
         [](Ctx& c) {
           const std::string& name = c.args.str("name");
           if (c.negated) {
             c.cfg.snmp.groups.erase(name);
             return;
           }
           const std::string& l = c.args.str("level");
           c.cfg.snmp.groups[name] = l == "noauth" ? config::SnmpSecurity::NoAuth
                                     : l == "auth" ? config::SnmpSecurity::Auth
                                                   : config::SnmpSecurity::Priv;
         },
         true});
  const std::vector<std::string_view> head = {kHelpSnmp, kHelpUser, kHelpUserName, kHelpGroupName,
                                              kHelpV3};
  auto help = [&](std::vector<std::string_view> tail) {
    std::vector<std::string_view> h = head;
    h.insert(h.end(), tail.begin(), tail.end());
    return h;
  };
  t.add({kConfig,
         "snmp-server user <name:WORD> <group:WORD> v3 [auth {auth:md5|sha} <authpw:WORD>]",
         help({"Authentication parameters", "HMAC-MD5-96|HMAC-SHA-96", "Authentication password"}),
         snmp_user, true});
  t.add({kConfig,
         "snmp-server user <name:WORD> <group:WORD> v3 auth {auth:md5|sha} <authpw:WORD> priv "
         "{priv:des|3des} <privpw:WORD>",
         help({"Authentication parameters", "HMAC-MD5-96|HMAC-SHA-96", "Authentication password",
               "Encryption parameters", "CBC-DES|3DES", "Encryption password"}),
         snmp_user, true});
  t.add({kConfig,
         "snmp-server user <name:WORD> <group:WORD> v3 auth {auth:md5|sha} <authpw:WORD> priv "
         "{priv:aes} {bits:128|192|256} <privpw:WORD>",
         help({"Authentication parameters", "HMAC-MD5-96|HMAC-SHA-96", "Authentication password",
               "Encryption parameters", "AES", "128-bit key|192-bit key|256-bit key",
               "Encryption password"}),
         snmp_user, true});
}

// snmpd's counters, asked on deferred work (a unix socket round trip to snmpd). A CLI without
// rampartd has no agent: nothing was counted.
void show_statistics(Ctx& c) {
  SnmpStatsClient* client = c.sys.snmp_stats();
  if (!client) {
    c.out += snmp::render_statistics({});
    return;
  }
  c.session.defer([client]() -> std::string {
    auto s = client->query();
    if (!s)
      return fmt::format("ERROR: Unable to read the SNMP statistics: {}\n", s.error());  // [U]
    return snmp::render_statistics(*s);
  });
}

}  // namespace

void render_snmp(const config::Config& cfg, ConfigWriter& w) {
  const config::Snmp& s = cfg.snmp;
  // [U] the order of the snmp-server lines follows ASA 9.x running-configs seen in the field:
  // groups and users, hosts, location, contact, community, enable, traps.
  for (const auto& [name, level] : s.groups)
    w.line(fmt::format("snmp-server group {} v3 {}", name, level_text(level)));
  for (const auto& [name, u] : s.users) {
    // [U] the ASA prints the localized keys ("engineID ... encrypted auth sha xx:xx:..."); we
    // keep the passwords, masked like every other secret.
    std::string line = fmt::format("snmp-server user {} {} v3", name, u.group);
    if (u.auth != config::SnmpAuth::None)
      line += fmt::format(" auth {} {}", u.auth == config::SnmpAuth::Md5 ? "md5" : "sha",
                          w.secret(u.auth_password));
    if (u.priv != config::SnmpPriv::None)
      line += fmt::format(" priv {} {}", priv_text(u.priv), w.secret(u.priv_password));
    w.line(line);
  }
  for (const auto& [key, h] : s.hosts) w.line(host_line(key, h, w));
  if (!s.location.empty()) w.line("snmp-server location " + s.location);
  if (!s.contact.empty()) w.line("snmp-server contact " + s.contact);
  if (s.community) w.line("snmp-server community " + w.secret(*s.community));
  if (!s.enabled)
    w.line("no snmp-server enable");
  else if (w.options().show_defaults)
    w.line("snmp-server enable");
  for (const auto& f : kTrapFamilies) {
    std::string names;
    for (std::string_view n : f.names)
      if (!n.empty() && s.traps.contains(fmt::format("{} {}", f.family, n)))
        names += fmt::format(" {}", n);
    if (!names.empty()) w.line(fmt::format("snmp-server enable traps {}{}", f.family, names));
  }
}

void register_snmp(CommandTree& t) {
  t.add({kConfig,
         "snmp-server host <ifname:WORD> <address:A.B.C.D> [{mode:poll|trap}] [community "
         "<community:WORD>] [version <version:WORD> [<user:WORD>]] [udp-port <port:1-65535>]",
         {kHelpSnmp, "Specify hosts to receive SNMP notifications or requests",
          "Name of interface where the NMS resides", "IP address of SNMP notification host",
          "Allow the host to browse (poll) only|Send traps to the host only",
          "Specify the community string", "The community string",
          "Specify the SNMP version to be used", "1, 2c or 3", "Name of the SNMPv3 user",
          "Specify the UDP port for traps", "Port number"},
         snmp_host,
         true});
  t.add({kConfig,
         "snmp-server community <community:WORD>",
         {kHelpSnmp, "Enable SNMP; set community string", "The community string"},
         [](Ctx& c) {
           if (c.negated) {
             c.cfg.snmp.community.reset();
             return;
           }
           const std::string& text = c.args.str("community");
           if (text.size() > kMaxCommunity)
             return error(c, "Community string length exceeds 32 characters");  // [U]
           if (!secret_ok(c, text, "Community string")) return;
           c.cfg.snmp.community = config::Secret(text);
         },
         true});
  t.add({kConfig,
         "no snmp-server community",
         {kHelpNo, kHelpSnmp, "Enable SNMP; set community string"},
         [](Ctx& c) { c.cfg.snmp.community.reset(); }});
  t.add({kConfig,
         "snmp-server location <text:LINE>",
         {kHelpSnmp, "Text for mib object sysLocation", "Location text"},
         [](Ctx& c) { c.cfg.snmp.location = c.negated ? "" : c.args.str("text"); },
         true});
  t.add({kConfig,
         "no snmp-server location",
         {kHelpNo, kHelpSnmp, "Text for mib object sysLocation"},
         [](Ctx& c) { c.cfg.snmp.location.clear(); }});
  t.add({kConfig,
         "snmp-server contact <text:LINE>",
         {kHelpSnmp, "Text for mib object sysContact", "Contact text"},
         [](Ctx& c) { c.cfg.snmp.contact = c.negated ? "" : c.args.str("text"); },
         true});
  t.add({kConfig,
         "no snmp-server contact",
         {kHelpNo, kHelpSnmp, "Text for mib object sysContact"},
         [](Ctx& c) { c.cfg.snmp.contact.clear(); }});
  t.add({kConfig,
         "snmp-server enable",
         {kHelpSnmp, kHelpEnable},
         [](Ctx& c) { c.cfg.snmp.enabled = !c.negated; },
         true});
  register_traps(t);
  register_usm(t);
  t.add({kPrivAndConfig,
         "show snmp-server statistics",
         {kHelpShow, "Show snmp-server information", "Show SNMP statistics"},  // [U] help texts
         show_statistics});
}

}  // namespace rampart::cli
