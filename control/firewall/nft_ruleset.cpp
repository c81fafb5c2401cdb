// The Policy compiled into table ip rampart_fw (see nft_ruleset.hpp for its shape).
#include "control/firewall/nft_ruleset.hpp"

#include <iterator>
#include <set>

#include <fmt/format.h>

#include "control/firewall/nft_build.hpp"

namespace rampart::firewall {

namespace nft {

std::string ip(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s)
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) out += c;
  return out + "\"";
}

std::optional<std::string> address_match(const AddressSet& s, std::string_view field) {
  if (s.empty()) return std::nullopt;
  if (s.size() == 1 && s.front() == AddressRange{}) return std::string();
  std::string items;
  for (const auto& r : s) items += (items.empty() ? "" : ", ") + range_text(r);
  return fmt::format("{} {{ {} }} ", field, items);
}

std::optional<std::string> port_match(const PortSet& s, std::string_view proto,
                                      std::string_view field) {
  if (s.empty()) return std::string();
  std::string items;
  for (const auto& r : s) {
    if (r.lo > r.hi) continue;  // an empty range ("lt 0")
    items += (items.empty() ? "" : ", ") +
             (r.lo == r.hi ? std::to_string(r.lo) : fmt::format("{}-{}", r.lo, r.hi));
  }
  if (items.empty()) return std::nullopt;
  return fmt::format("{} {} {{ {} }} ", proto, field, items);
}

std::string devices_of(const Policy& p, const std::string& nameif) {
  const Interface* i = p.interface(nameif);
  if (!i) return "";
  if (!i->vpn) return fmt::format("{{ {} }}", quoted(i->device));
  return fmt::format("{{ {}, {} }}", quoted(i->device), quoted(*i->vpn));
}

}  // namespace nft

namespace {

using nft::ip;
using nft::quoted;

// Deny logs are rate-limited: a flood of denied packets must not become a flood of syslog.
constexpr std::string_view kLogLimit = "limit rate 100/second burst 100 packets";
constexpr std::string_view kIcmpDenyChain = "icmp_deny";
// Below this many consecutive host/port lines, plain rules are as quick as a map lookup.
constexpr size_t kMinMapRun = 8;

enum class Role { In, Global, Out, VpnForward, VpnReverse };

std::string role_tag(Role r) {
  switch (r) {
    case Role::In:
      return "in";
    case Role::Global:
      return "gl";
    case Role::Out:
      return "out";
    case Role::VpnForward:
      return "vf";
    case Role::VpnReverse:
      return "vr";
  }
  return "in";
}

struct Compiler {
  const Policy& p;
  const RulesetInputs& in;
  Ruleset& out;
  std::vector<std::string> chains;  // whole "chain NAME { ... }" blocks
  std::map<std::string, int> acl_index;
  std::set<std::string> acl_chains_made;

  void chain(const std::string& name, const std::vector<std::string>& rules,
             std::string_view hook = {}) {
    std::string s = "\tchain " + name + " {\n";
    if (!hook.empty()) s += fmt::format("\t\t{}\n", hook);
    for (const auto& r : rules) s += "\t\t" + r + "\n";
    chains.push_back(s + "\t}\n");
  }

  // One ACE line as the rule's match; nullopt when it can never match.
  static std::optional<std::string> match(const Match& m, bool swap) {
    const AddressSet& src = swap ? m.destination : m.source;
    const AddressSet& dst = swap ? m.source : m.destination;
    const PortSet& sp = swap ? m.destination_ports : m.source_ports;
    const PortSet& dp = swap ? m.source_ports : m.destination_ports;
    std::string r;
    auto s = nft::address_match(src, "ip saddr");
    auto d = nft::address_match(dst, "ip daddr");
    if (!s || !d) return std::nullopt;
    r += *s + *d;
    if (m.protocol == 6 || m.protocol == 17) {
      std::string proto = m.protocol == 6 ? "tcp" : "udp";
      auto a = nft::port_match(sp, proto, "sport");
      auto b = nft::port_match(dp, proto, "dport");
      if (!a || !b) return std::nullopt;
      if (a->empty() && b->empty()) r += "meta l4proto " + proto + " ";
      r += *a + *b;
    } else if (m.protocol == 1 && m.icmp_type >= 0) {
      r += fmt::format("icmp type {} ", m.icmp_type);
    } else if (m.protocol != 0) {
      r += fmt::format("meta l4proto {} ", m.protocol);
    }
    return r;
  }

  // The chain that logs and drops for an ACL ("106023"), made once per ACL.
  std::string deny_chain(const Acl& acl) {
    std::string name = fmt::format("dn_{}", acl_index.at(acl.name));
    if (acl_chains_made.insert(name).second)
      chain(name,
            {fmt::format("{} log group 1 prefix {}", kLogLimit, quoted("106023 " + acl.name + " ")),
             drop_counter(out, "acl-drop") + " drop"});
    return name;
  }

  // A permit ACE with "log": logs 106100, then returns to the caller of the ACL chain.
  std::string permit_log_chain(const Acl& acl, const Ace& ace) {
    std::string name = fmt::format("pl_{}_{}", acl_index.at(acl.name), ace.line);
    if (acl_chains_made.insert(name).second)
      chain(name, {fmt::format("{} log group 1 prefix {}", kLogLimit,
                               quoted(fmt::format("106100 {} {} ", acl.name, ace.line)))});
    return name;
  }

  // The key of a line that names one value per field (tcp/udp, one source host, one
  // destination host, one destination port, any source port), for a verdict map lookup.
  static std::optional<std::string> exact_key(const Match& m) {
    auto one = [](const AddressSet& s) { return s.size() == 1 && s.front().lo == s.front().hi; };
    if ((m.protocol != 6 && m.protocol != 17) || !one(m.source) || !one(m.destination) ||
        !m.source_ports.empty() || m.destination_ports.size() != 1 ||
        m.destination_ports.front().lo != m.destination_ports.front().hi)
      return std::nullopt;
    return fmt::format("{} . {} . {}", ip(m.source.front().lo), ip(m.destination.front().lo),
                       m.destination_ports.front().lo);
  }

  // An ACL in one role: a permit returns to the chain that jumped here (the verdict goes on to
  // the next step), a deny drops; no match falls to `fallback` (the global ACL) or the ACL's
  // implicit deny.
  std::string acl_chain(const std::string& name, Role role) {
    auto it = p.acls.find(name);
    int idx = acl_index.at(name);
    std::string chain_name = fmt::format("acl_{}_{}", role_tag(role), idx);
    if (!acl_chains_made.insert(chain_name).second) return chain_name;
    struct Line {
      std::string match, action, element;  // element: its chain when it joins a verdict map
      std::optional<std::string> key;
      uint8_t protocol = 0;
    };
    std::vector<Line> lines;
    const Acl& acl = it->second;
    for (const auto& ace : acl.aces) {
      if (ace.inactive) continue;
      for (size_t x = 0; x < ace.lines.size(); ++x) {
        std::string counter = fmt::format("acl_{}_{}_{}", idx, ace.line, x);
        out.counters[counter] = {CounterInfo::Kind::Acl,
                                 fmt::format("{}/{}/{}", acl.name, ace.line, x), ace.lines[x].text};
        auto m = match(ace.lines[x], role == Role::VpnReverse);
        if (!m) continue;
        std::string verdict = !ace.permit ? "goto " + deny_chain(acl)
                              : ace.log   ? "goto " + permit_log_chain(acl, ace)
                                          : std::string("return");
        Line l{*m, fmt::format("counter name {} {}", counter, verdict),
               fmt::format("e_{}_{}_{}", idx, ace.line, x), std::nullopt, ace.lines[x].protocol};
        if (role != Role::VpnReverse) l.key = exact_key(ace.lines[x]);
        lines.push_back(std::move(l));
      }
    }
    std::vector<std::string> rules;
    // Runs of such lines become one verdict-map lookup (a 1,000-line ACL of host/port lines is
    // then one rule, not 1,000, for every new connection); order between runs and other lines
    // is kept, and within a run the first line of a key is the one that can match.
    for (size_t i = 0; i < lines.size();) {
      size_t j = i;
      while (j < lines.size() && lines[j].key && lines[j].protocol == lines[i].protocol) ++j;
      if (j - i < kMinMapRun) {
        rules.push_back(lines[i].match + lines[i].action);
        ++i;
        continue;
      }
      std::set<std::string> keys;
      std::string elements;
      for (size_t k = i; k < j; ++k) {
        if (!keys.insert(*lines[k].key).second) continue;  // shadowed by an earlier line
        if (acl_chains_made.insert(lines[k].element).second)
          chain(lines[k].element, {lines[k].action});
        elements += fmt::format("{}{} : goto {}", elements.empty() ? "" : ", ", *lines[k].key,
                                lines[k].element);
      }
      std::string proto = lines[i].protocol == 6 ? "tcp" : "udp";
      rules.push_back(fmt::format("ip saddr . ip daddr . {} dport vmap {{ {} }}", proto, elements));
      i = j;
    }
    if (role == Role::In && p.global_acl && p.acls.contains(*p.global_acl))
      rules.push_back("goto " + acl_chain(*p.global_acl, Role::Global));
    else
      rules.push_back("goto " + deny_chain(acl));
    chain(chain_name, rules);
    return chain_name;
  }

  // Steps 2 and 5: the vpn-filters, by the set of the clients each filter ACL applies to.
  void vpn_filters(std::vector<std::string>& rules, bool toward_client) {
    for (const auto& acl : p.vpn_filter_acls) {
      if (!p.acls.contains(acl)) continue;
      std::string set = vpn_filter_set(p, acl);
      std::string c = acl_chain(acl, toward_client ? Role::VpnReverse : Role::VpnForward);
      rules.push_back(fmt::format("ip {} @{} jump {}", toward_client ? "daddr" : "saddr", set, c));
    }
  }

  // Steps 1-5 for connections from ingress interface I (its VPN device when from_vpn) to
  // egress interface E (its VPN device when to_vpn).
  std::vector<std::string> pair_rules(const Interface& i, bool from_vpn, const Interface& e,
                                      bool to_vpn) {
    std::vector<std::string> rules;
    bool same_if = i.nameif == e.nameif;
    if (same_if && !p.same_security_intra)
      return {drop_counter(out, "sp-security-failed") + " drop"};
    if (from_vpn) vpn_filters(rules, false);
    if (!(from_vpn && p.permit_vpn)) {
      bool acl = i.acl_in || p.global_acl;
      bool equal_ok = same_if ? p.same_security_intra : p.same_security_inter;
      if (i.level == e.level && !equal_ok) {
        rules.push_back(acl ? drop_counter(out, "sp-security-failed") + " drop"
                            : "goto level_deny");
        return rules;
      }
      if (i.acl_in && p.acls.contains(*i.acl_in))
        rules.push_back("jump " + acl_chain(*i.acl_in, Role::In));
      else if (p.global_acl && p.acls.contains(*p.global_acl))
        rules.push_back("jump " + acl_chain(*p.global_acl, Role::Global));
      else if (i.level < e.level)
        rules.push_back("goto level_deny");
    }
    if (e.acl_out && p.acls.contains(*e.acl_out))
      rules.push_back("jump " + acl_chain(*e.acl_out, Role::Out));
    if (to_vpn) vpn_filters(rules, true);
    rules.push_back("accept");
    return rules;
  }

  std::vector<std::string> forward() {
    std::vector<std::string> rules = vpn_guard();
    // What conntrack cannot place: TCP that does not open with a SYN (the ASA's tcp-not-syn),
    // and ICMP that is neither a request nor about a connection it knows (a reply with no
    // request, an error about nothing). Such ICMP is dropped with or without "inspect icmp":
    // conntrack cannot translate it, so letting it through would put untranslated addresses
    // on the wire (policy.hpp; a divergence from the ASA, which judges it by the ACL).
    rules.push_back("meta l4proto tcp ct state invalid " + drop_counter(out, "tcp-not-syn") +
                    " drop");
    rules.push_back("meta l4proto icmp ct state invalid " +
                    drop_counter(out, p.inspects("icmp") ? "inspect-icmp-seq-num-not-matched"
                                                         : "icmp-no-conn") +
                    " drop");
    rules.push_back("meta l4proto != { tcp, icmp } ct state invalid " +
                    drop_counter(out, "invalid-ip-header") + " drop");
    // Later packets pass by state; ICMP only with "inspect icmp" (else every ICMP packet is
    // judged as new), ICMP errors of other connections only with "inspect icmp error".
    if (p.inspects("icmp") && !p.inspects("icmp error")) {
      rules.push_back("ct state established accept");
      rules.push_back("meta l4proto != icmp ct state related accept");
    } else if (p.inspects("icmp")) {
      rules.push_back("ct state established,related accept");
    } else {
      rules.push_back("meta l4proto != icmp ct state established,related accept");
      if (p.inspects("icmp error")) rules.push_back("meta l4proto icmp ct state related accept");
    }
    // The syslog hostdown policy: after the packets of open connections, before any new one.
    chain(std::string(kHostdownChain), hostdown_rules(out, in.deny_new));
    rules.push_back(fmt::format("jump {}", kHostdownChain));
    std::vector<std::string> ingress;
    for (size_t a = 0; a < p.interfaces.size(); ++a) {
      const Interface& i = p.interfaces[a];
      for (bool from_vpn : {false, true}) {
        if (from_vpn && !i.vpn) continue;
        std::vector<std::string> egress;
        for (size_t b = 0; b < p.interfaces.size(); ++b) {
          const Interface& e = p.interfaces[b];
          for (bool to_vpn : {false, true}) {
            if (to_vpn && !e.vpn) continue;
            std::string name =
                fmt::format("p_{}{}_{}{}", a, from_vpn ? "v" : "", b, to_vpn ? "v" : "");
            chain(name, pair_rules(i, from_vpn, e, to_vpn));
            egress.push_back(fmt::format("{} : jump {}", quoted(to_vpn ? *e.vpn : e.device), name));
          }
        }
        std::string from = fmt::format("from_{}{}", a, from_vpn ? "v" : "");
        chain(from, {fmt::format("oifname vmap {{ {} }}", join(egress))});
        ingress.push_back(fmt::format("{} : jump {}", quoted(from_vpn ? *i.vpn : i.device), from));
      }
    }
    if (!ingress.empty()) rules.push_back(fmt::format("iifname vmap {{ {} }}", join(ingress)));
    return rules;
  }

  // Cleartext for a VPN client never leaves through a physical interface (it would bypass the
  // encryption), and nothing from a physical interface may claim a VPN client's address.
  std::vector<std::string> vpn_guard() {
    std::vector<std::string> vpn;
    for (const auto& i : p.interfaces)
      if (i.vpn) vpn.push_back(quoted(*i.vpn));
    std::string out_if = vpn.empty() ? "" : fmt::format("oifname != {{ {} }} ", join(vpn));
    std::string in_if = vpn.empty() ? "" : fmt::format("iifname != {{ {} }} ", join(vpn));
    std::string c = drop_counter(out, "vpn-bypass");
    return {fmt::format("ip daddr @vpn_clients {}{} drop", out_if, c),
            fmt::format("ip daddr @vpn_pools {}{} drop", out_if, c),
            fmt::format("ip saddr @vpn_clients {}{} drop", in_if, c),
            fmt::format("ip saddr @vpn_pools {}{} drop", in_if, c)};
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  void level_deny() {
    chain(
        "level_deny",
        {fmt::format("meta l4proto tcp {} log group 1 prefix {}", kLogLimit, quoted("106001 - ")),
         fmt::format("meta l4proto udp {} log group 1 prefix {}", kLogLimit, quoted("106006 - ")),
         fmt::format("meta l4proto icmp {} log group 1 prefix {}", kLogLimit, quoted("106014 - ")),
         drop_counter(out, "acl-drop") + " drop"});
  }

  std::string sets() {
    std::string clients, pools;
    for (uint32_t a : in.all_vpn_clients) clients += (clients.empty() ? "" : ", ") + ip(a);
    for (const auto& r : in.vpn_pools) pools += (pools.empty() ? "" : ", ") + range_text(r);
    std::string s = fmt::format("\tset vpn_clients {{\n\t\ttype ipv4_addr\n{}\t}}\n",
                                clients.empty() ? "" : "\t\telements = { " + clients + " }\n");
    s += fmt::format("\tset vpn_pools {{\n\t\ttype ipv4_addr\n\t\tflags interval\n{}\t}}\n",
                     pools.empty() ? "" : "\t\telements = { " + pools + " }\n");
    for (const auto& acl : p.vpn_filter_acls) {
      std::string elements;
      if (auto c = in.vpn_clients.find(acl); c != in.vpn_clients.end())
        for (uint32_t a : c->second) elements += (elements.empty() ? "" : ", ") + ip(a);
      s += fmt::format("\tset {} {{\n\t\ttype ipv4_addr\n{}\t}}\n", vpn_filter_set(p, acl),
                       elements.empty() ? "" : "\t\telements = { " + elements + " }\n");
    }
    return s;
  }

  std::string counters() {
    std::string s;
    for (const auto& [name, info] : out.counters) {
      auto seed = in.counters.find(name);
      auto [packets, bytes] =
          seed == in.counters.end() ? std::pair<uint64_t, uint64_t>{0, 0} : seed->second;
      s += fmt::format("\tcounter {} {{\n\t\tpackets {} bytes {}\n\t}}\n", name, packets, bytes);
    }
    return s;
  }
};

// "icmp permit|deny": ICMP to the interface's own address (arriving on it or on its VPN
// device), first match, then the implicit deny once the interface has a rule. Stateless.
void icmp_rules(const Interface& i, std::vector<std::string>& rules) {
  if (i.icmp.empty()) return;
  const std::string to_box =
      fmt::format("iifname {{ {}{} }} ip daddr {} ip protocol icmp", quoted(i.device),
                  i.vpn ? ", " + quoted(*i.vpn) : "", ip(i.address));
  const std::string deny = fmt::format(" goto {}", kIcmpDenyChain);
  for (const auto& r : i.icmp) {
    std::string match = to_box;
    if (r.mask.value) match += fmt::format(" ip saddr {}/{}", r.source.str(), r.mask.prefix_len());
    if (r.type) match += fmt::format(" icmp type {}", *r.type);
    rules.push_back(match + (r.permit ? " accept" : deny));
  }
  rules.push_back(to_box + deny);
}

// Where denied ICMP to the box goes: 313001 logged (rate-limited in a rule of its own, so that
// a limit reached never lets the packet on to another rule), then dropped and counted.
std::vector<std::string> icmp_deny_chain(Ruleset& out) {
  return {fmt::format("{} log group 1 prefix {}", kLogLimit, quoted("313001 ")),
          drop_counter(out, "acl-drop") + " drop"};
}

}  // namespace

std::string range_text(const AddressRange& r) {
  if (r.lo == r.hi) return ip(r.lo);
  uint64_t size = uint64_t{r.hi} - r.lo + 1;
  if ((size & (size - 1)) == 0 && (r.lo & (size - 1)) == 0) {
    int prefix = 32;
    while (size > 1) {
      size >>= 1;
      --prefix;
    }
    return fmt::format("{}/{}", ip(r.lo), prefix);
  }
  return ip(r.lo) + "-" + ip(r.hi);
}

std::vector<std::string> hostdown_rules(Ruleset& out, bool deny_new) {
  // [U] the reason's name: "show asp drop" has no documented row for this policy.
  std::string counter = drop_counter(out, "syslog-hostdown");
  if (!deny_new) return {};
  return {"ct state new " + counter + " drop"};
}

std::string drop_counter(Ruleset& out, std::string_view reason) {
  std::string name = "asp_";
  for (char c : reason) name += c == '-' ? '_' : c;
  out.counters[name] = {CounterInfo::Kind::Drop, std::string(reason), std::string(reason)};
  return "counter name " + name;
}

std::string vpn_filter_set(const Policy& p, const std::string& acl) {
  auto it = p.vpn_filter_acls.find(acl);
  if (it == p.vpn_filter_acls.end()) return "";
  return fmt::format("vpnf_{}", std::distance(p.vpn_filter_acls.begin(), it));
}

Ruleset compile_ruleset(const Policy& p, const RulesetInputs& in) {
  Ruleset out;
  Compiler c{p, in, out, {}, {}, {}};
  int n = 0;
  for (const auto& [name, acl] : p.acls) c.acl_index[name] = n++;
  c.level_deny();
  auto forward = c.forward();
  c.chain("forward", forward, "type filter hook forward priority filter; policy drop;");
  nft::NatOut nat;
  nft::compile_nat(p, out, nat);
  nft::compile_helpers(p, nat);
  c.chain("helpers", nat.helpers, "type filter hook prerouting priority mangle; policy accept;");
  c.chain("dstnat", nft::merge_nat(nat.dstnat, nat),
          "type nat hook prerouting priority dstnat; policy accept;");
  c.chain("srcnat", nft::merge_nat(nat.srcnat, nat),
          "type nat hook postrouting priority srcnat; policy accept;");
  for (const auto& [name, rule] : nat.element_chains) c.chain(name, {rule});
  // The box's own address answers only on its interface (or that interface's VPN device): the
  // ASA does not route to itself through another interface, as Linux otherwise would.
  std::vector<std::string> input;
  for (const auto& i : p.interfaces)
    input.push_back(fmt::format("ip daddr {} iifname != {{ {}{}, \"lo\" }} {} drop", ip(i.address),
                                quoted(i.device), i.vpn ? ", " + quoted(*i.vpn) : "",
                                drop_counter(out, "wrong-interface")));
  input.insert(input.end(), nat.input.begin(), nat.input.end());
  bool icmp = false;
  for (const auto& i : p.interfaces) {
    icmp_rules(i, input);
    icmp = icmp || !i.icmp.empty();
  }
  if (icmp) c.chain(std::string(kIcmpDenyChain), icmp_deny_chain(out));
  c.chain("input", input, "type filter hook input priority filter; policy accept;");
  // "add table" first so that "delete table" never fails on a box with no table yet; the whole
  // buffer is one transaction: there is never a moment with no ruleset or half of one.
  std::string s =
      fmt::format("add table ip {0}\ndelete table ip {0}\ntable ip {0} {{\n", kFirewallTable);
  s += c.counters();
  s += c.sets();
  for (const auto& h : nat.helper_objects) s += "\t" + h + "\n";
  for (const auto& ch : c.chains) s += ch;
  s += "}\n";
  out.script = std::move(s);
  return out;
}

}  // namespace rampart::firewall
