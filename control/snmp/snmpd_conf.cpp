#include "control/snmp/snmpd_conf.hpp"

#include <map>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "control/firewall/policy.hpp"

namespace rampart::snmp {

namespace {

// The subtrees a manager may read: system, IF-MIB and the two Cisco MIBs Rampart serves, and
// snmpd's own engine objects. Nothing else snmpd knows (processes, routes, disks) is shown.
constexpr const char* kViewSubtrees[] = {
    ".1.3.6.1.2.1.1",       ".1.3.6.1.2.1.2",      ".1.3.6.1.2.1.31",     ".1.3.6.1.4.1.9.9.392",
    ".1.3.6.1.4.1.9.9.171", ".1.3.6.1.6.3.10.2.1", ".1.3.6.1.6.3.11.2.1", ".1.3.6.1.6.3.15.1.1",
};

// net-snmp's config reader takes a double-quoted word whole; the CLI refuses quotes and
// backslashes in SNMP secrets, so quoting is enough.
std::string q(const std::string& s) {
  return "\"" + s + "\"";
}

const char* level_of(config::SnmpSecurity s) {
  switch (s) {
    case config::SnmpSecurity::NoAuth:
      return "noauth";
    case config::SnmpSecurity::Auth:
      return "auth";
    case config::SnmpSecurity::Priv:
      break;
  }
  return "priv";
}

std::string auth_name(config::SnmpAuth a) {
  return a == config::SnmpAuth::Md5 ? "MD5" : "SHA";
}

// net-snmp names AES-128 "AES"; 192 and 256 need its AES192/AES256 (Blumenthal key
// extension), which Debian's build has. It has no 3DES (see usable()).
std::string priv_name(config::SnmpPriv p) {
  switch (p) {
    case config::SnmpPriv::Des:
      return "DES";
    case config::SnmpPriv::Aes192:
      return "AES192";
    case config::SnmpPriv::Aes256:
      return "AES256";
    default:
      break;
  }
  return "AES";
}

std::string create_user(const std::string& name, const config::SnmpUser& u) {
  std::string line = "createUser " + q(name);
  if (u.auth != config::SnmpAuth::None) {
    line += " " + auth_name(u.auth) + " " + q(u.auth_password.reveal());
    if (u.priv != config::SnmpPriv::None)
      line += " " + priv_name(u.priv) + " " + q(u.priv_password.reveal());
  }
  return line + "\n";
}

std::string community_of(const config::Snmp& s, const config::SnmpHost& h) {
  if (h.community) return h.community->reveal();
  return s.community ? s.community->reveal() : std::string();
}

// Whether snmpd answers this host's polls: a community (its own or the global one) for v1/v2c,
// a user it serves for v3. access_lines() gives exactly these hosts a VACM group.
bool answers(const config::Snmp& s, const config::SnmpHost& h) {
  if (!h.poll) return false;
  if (h.version != config::SnmpVersion::V3) return !community_of(s, h).empty();
  auto u = s.users.find(h.user);
  return u != s.users.end() && usable(u->second);
}

// The users snmpd's USM knows: those a host line names (ASA: "snmp-server host ... version 3
// USER" is what lets a host use the user). A user on no host line is unknown to snmpd, so it
// cannot be used at all, not even to learn whether a guessed password is right.
std::set<std::string> named_users(const config::Snmp& s) {
  std::set<std::string> out;
  for (const auto& [key, h] : s.hosts)
    if (h.version == config::SnmpVersion::V3) out.insert(h.user);
  return out;
}

// The VACM lines letting one polling host read the view: its community from its address only
// (v1/v2c), or its user at the group's level (v3).
std::string access_lines(const config::Config& cfg, const config::Ipv4& addr,
                         const config::SnmpHost& h, int n) {
  const config::Snmp& s = cfg.snmp;
  if (!answers(s, h)) return {};
  std::string out;
  if (h.version == config::SnmpVersion::V3) {
    auto u = s.users.find(h.user);
    auto g = s.groups.find(u->second.group);
    auto level = g == s.groups.end() ? config::SnmpSecurity::Priv : g->second;
    out += fmt::format("group g{} usm {}\n", n, q(h.user));
    out += fmt::format("access g{} \"\" usm {} exact asa none none\n", n, level_of(level));
    return out;
  }
  std::string community = community_of(s, h);
  const char* model = h.version == config::SnmpVersion::V1 ? "v1" : "v2c";
  out += fmt::format("com2sec s{} {}/32 {}\n", n, addr.str(), q(community));
  out += fmt::format("group g{} {} s{}\n", n, model, n);
  out += fmt::format("access g{} \"\" {} noauth exact asa none none\n", n, model);
  return out;
}

std::string sink_line(const config::Config& cfg, const config::Ipv4& addr,
                      const config::SnmpHost& h) {
  const config::Snmp& s = cfg.snmp;
  std::string target = fmt::format("{}:{}", addr.str(), h.udp_port);
  if (h.version == config::SnmpVersion::V3) {
    auto u = s.users.find(h.user);
    if (u == s.users.end() || !usable(u->second)) return {};
    const auto& user = u->second;
    // trapsink/trapsess words are split at blanks, quotes kept: secrets go bare (the CLI's
    // words have no blanks).
    std::string line = "trapsess -profile asa -v 3 -u " + h.user;
    if (user.auth == config::SnmpAuth::None) return line + " -l noAuthNoPriv " + target + "\n";
    line += " -a " + auth_name(user.auth) + " -A " + user.auth_password.reveal();
    if (user.priv == config::SnmpPriv::None) return line + " -l authNoPriv " + target + "\n";
    line += " -x " + priv_name(user.priv) + " -X " + user.priv_password.reveal();
    return line + " -l authPriv " + target + "\n";
  }
  std::string community = community_of(s, h);
  if (community.empty()) return {};
  return fmt::format("{} -profile asa {} {}\n",
                     h.version == config::SnmpVersion::V1 ? "trapsink" : "trap2sink", target,
                     community);
}

// snmpd's own notifications that "snmp-server enable traps snmp ..." gates (SNMPv2-MIB
// snmpTraps), and net-snmp's private ones (nsNotifyStart/Shutdown/Restart), which an ASA never
// sends. Rampart's linkUp/linkDown go through the same filter as its AgentX notifications.
struct Gated {
  const char* trap;  // "snmp coldstart"; empty: never sent
  const char* oid;
};
constexpr Gated kGated[] = {
    {"snmp coldstart", ".1.3.6.1.6.3.1.1.5.1"},      {"snmp warmstart", ".1.3.6.1.6.3.1.1.5.2"},
    {"snmp linkdown", ".1.3.6.1.6.3.1.1.5.3"},       {"snmp linkup", ".1.3.6.1.6.3.1.1.5.4"},
    {"snmp authentication", ".1.3.6.1.6.3.1.1.5.5"}, {"", ".1.3.6.1.4.1.8072"},
};

// The notification filter profile every sink uses (SNMP-NOTIFICATION-MIB): all notifications
// but the disabled ones. The mask of all ones makes each entry match its subtree exactly.
std::string filter_lines(const config::Snmp& s, bool cold_start) {
  std::string out = "notificationFilter asa .1.3 0xffff included\n";
  for (const Gated& g : kGated)
    if (!*g.trap || !s.traps.contains(g.trap) ||
        (!cold_start && std::string_view(g.trap) == "snmp coldstart"))
      out += fmt::format("notificationFilter asa {} 0xffff excluded\n", g.oid);
  return out;
}

}  // namespace

bool usable(const config::SnmpUser& u) {
  return u.priv != config::SnmpPriv::TripleDes;
}

bool trap_enabled(const config::Snmp& s, const std::string& name) {
  return s.traps.contains(name);
}

bool snmpd_wanted(const config::Config& cfg) {
  return cfg.snmp.enabled && !cfg.snmp.hosts.empty();
}

std::string snmpd_conf(const config::Config& cfg, const SnmpdPaths& paths,
                       const std::string& asa_release, const std::string& self_community,
                       bool cold_start) {
  const config::Snmp& s = cfg.snmp;
  std::string out = "# written by rampartd from the snmp-server lines; do not edit\n";
  out += "[snmp] persistentDir " + paths.persist() + "\n";
  out += "master agentx\nagentXSocket unix:" + paths.socket() + "\nagentXPerms 0600 0700\n";
  out += "agentXTimeout 5\nagentXRetries 1\n";
  // Listen on the interfaces that have a polling host, and nowhere else.
  std::set<std::string> listen;
  for (const auto& [key, h] : s.hosts) {
    if (!h.poll) continue;
    const config::Interface* itf = cfg.interface_by_nameif(key.first);
    if (itf && itf->address) listen.insert(fmt::format("udp:{}:161", itf->address->str()));
  }
  // And on the unix socket of rampartd's own queries, which is all it has with no polling host.
  std::string agent = "unix:" + paths.query_socket();
  for (const auto& a : listen) agent += "," + a;
  out += "agentAddress " + agent + "\n";
  out += fmt::format("sysDescr Cisco Adaptive Security Appliance Version {}\n", asa_release);
  out += "sysName " + cfg.system.hostname + "\n";
  if (!s.location.empty()) out += "sysLocation " + s.location + "\n";
  if (!s.contact.empty()) out += "sysContact " + s.contact + "\n";
  out += "sysServices 76\n";
  for (const char* v : kViewSubtrees) out += fmt::format("view asa included {}\n", v);
  // A user named on trap lines only is given to snmpd too (its notifications use it), but it
  // has no VACM group below: a poll with it gets authorizationError, nothing read.
  std::set<std::string> named = named_users(s);
  for (const auto& [name, u] : s.users)
    if (usable(u) && named.contains(name)) out += create_user(name, u);
  // rampartd's statistics queries: the unix socket only (com2secunix never matches a UDP
  // request), the snmp group only, read-only.
  out += "view stats included .1.3.6.1.2.1.11\n";
  out += fmt::format("com2secunix self {} {}\n", paths.query_socket(), q(self_community));
  out += "group gself v2c self\naccess gself \"\" v2c noauth exact stats none none\n";
  int n = 0;
  for (const auto& [key, h] : s.hosts)
    if (h.poll) out += access_lines(cfg, key.second, h, ++n);
  out += filter_lines(s, cold_start);
  for (const auto& [key, h] : s.hosts)
    if (h.trap) out += sink_line(cfg, key.second, h);
  out += fmt::format("authtrapenable {}\n", trap_enabled(s, "snmp authentication") ? 1 : 2);
  return out;
}

std::vector<platform::SnmpBinding> snmp_bindings(
    const config::Config& cfg, const std::function<std::string(const std::string&)>& device_for) {
  if (!snmpd_wanted(cfg)) return {};
  // By device and version: each host line names one version, and one host line per interface.
  std::map<std::pair<std::string, uint8_t>, platform::SnmpBinding> by;
  for (const auto& [key, h] : cfg.snmp.hosts) {
    if (!answers(cfg.snmp, h)) continue;
    const config::Interface* itf = cfg.interface_by_nameif(key.first);
    if (!itf || !itf->address) continue;
    std::string dev = device_for(itf->hw_name);
    // msgVersion on the wire (RFC 3416 3, RFC 3412 6): 0, 1 or 3.
    uint8_t v = h.version == config::SnmpVersion::V1    ? 0
                : h.version == config::SnmpVersion::V2c ? 1
                                                        : 3;
    platform::SnmpBinding& b = by[{dev, v}];
    b.address = itf->address->str();
    b.devices = {dev, firewall::vpn_device_of(dev)};
    b.version = v;
    b.hosts.push_back(key.second.str());
  }
  std::vector<platform::SnmpBinding> out;
  for (auto& [k, b] : by) out.push_back(std::move(b));
  return out;
}

V3Gate::Users v3_polling_users(const config::Config& cfg) {
  V3Gate::Users out;
  if (!snmpd_wanted(cfg)) return out;
  for (const auto& [key, h] : cfg.snmp.hosts) {
    if (h.version != config::SnmpVersion::V3 || !answers(cfg.snmp, h)) continue;
    const config::Interface* itf = cfg.interface_by_nameif(key.first);
    if (itf && itf->address) out[{itf->address->value, key.second.value}] = h.user;
  }
  return out;
}

}  // namespace rampart::snmp
