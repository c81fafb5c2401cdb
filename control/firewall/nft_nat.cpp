// NAT rules, inspection helpers and the input guard of the nftables compiler.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "control/firewall/nft_build.hpp"
#include "control/firewall/policy_build.hpp"

namespace rampart::firewall::nft {

namespace {

// Beyond this many addresses a one-to-one static map is not written out address by address
// (a /22 is already 1,024 map elements).
constexpr uint64_t kMaxStaticMap = 4096;
// Proxy ARP is answered through an address per mapped address; a pool larger than this is
// left to the upstream router's routing.
constexpr uint64_t kMaxProxyArp = 256;

std::vector<uint32_t> addresses(const AddressSet& s) {
  std::vector<uint32_t> out;
  for (const auto& r : s)
    for (uint64_t a = r.lo; a <= r.hi; ++a) out.push_back(static_cast<uint32_t>(a));
  return out;
}

// The translation of a static rule from `from` to `to`, one to one in order.
std::optional<std::string> static_map(const AddressSet& from, const AddressSet& to,
                                      std::string_view field, uint16_t port) {
  uint64_t n = detail::address_count(from);
  if (n != detail::address_count(to) || n == 0 || n > kMaxStaticMap) return std::nullopt;
  std::string suffix = port ? fmt::format(":{}", port) : "";
  if (n == 1) return ip(to.front().lo) + suffix;
  if (port) return std::nullopt;  // a port forward is for one host
  auto f = addresses(from), t = addresses(to);
  std::string m;
  for (size_t i = 0; i < f.size(); ++i)
    m += fmt::format("{}{} : {}", i ? ", " : "", ip(f[i]), ip(t[i]));
  return fmt::format("{} map {{ {} }}", field, m);
}

NatLine plain(std::string text) {
  return {std::move(text), "", "", "", "", ""};
}

bool single(const AddressSet& s) {
  return s.size() == 1 && s.front().lo == s.front().hi;
}

// Below this many port forwards in a row, plain rules are as quick as a map lookup.
constexpr size_t kMinMapRun = 8;

std::string proto_name(uint8_t p) {
  return p == 6 ? "tcp" : p == 17 ? "udp" : std::to_string(p);
}

struct NatCompiler {
  const Policy& p;
  Ruleset& out;
  NatOut& nat;

  void problem(const NatRule& r, std::string_view why) {
    out.problems.push_back(
        fmt::format("nat section {} line {} ({}): {}", r.section, r.line, r.text, why));
  }

  std::string counter(const NatRule& r, bool reverse) {
    std::string name = fmt::format("{}_{}_{}", reverse ? "natr" : "nat", r.section, r.line);
    out.counters[name] = {reverse ? CounterInfo::Kind::NatReverse : CounterInfo::Kind::Nat,
                          fmt::format("{}/{}", r.section, r.line), r.text};
    return fmt::format("counter name {}", name);
  }

  // Prefix of a rule: interfaces and the address matches; nullopt when it can never match.
  std::optional<std::string> match(const std::string& iif, const std::string& oif,
                                   const AddressSet& saddr, const AddressSet* daddr) {
    std::string m;
    if (auto d = devices_of(p, iif); !d.empty()) m += "iifname " + d + " ";
    if (auto d = devices_of(p, oif); !d.empty()) m += "oifname " + d + " ";
    auto s = address_match(saddr, "ip saddr");
    if (!s) return std::nullopt;
    m += *s;
    if (daddr) {
      auto d = address_match(*daddr, "ip daddr");
      if (!d) return std::nullopt;
      m += *d;
    }
    return m;
  }

  // The reverse direction of a static rule: connections toward the mapped addresses.
  void reverse(const NatRule& r) {
    std::string m;
    if (auto d = devices_of(p, r.mapped_if); !d.empty()) m += "iifname " + d + " ";
    auto dst = address_match(r.mapped_source, "ip daddr");
    if (!dst) return;
    m += *dst;
    if (r.real_destination) {
      auto src = address_match(*r.real_destination, "ip saddr");
      if (!src) return;
      m += *src;
    }
    if (r.service_protocol)
      m += fmt::format("{} dport {} ", proto_name(r.service_protocol), r.mapped_port);
    if (r.identity) {
      nat.dstnat.push_back(plain(m + counter(r, true) + " accept"));
      return;
    }
    auto to = static_map(r.mapped_source, r.real_source, "ip daddr", r.real_port);
    if (!to) return problem(r, "mapped and real addresses do not pair one to one");
    std::string action = counter(r, true) + " dnat to " + *to;
    if (r.service_protocol && !r.real_destination && single(r.mapped_source)) {
      // A port forward: one key among many (see merge_nat).
      std::string proto = proto_name(r.service_protocol);
      std::string iif = devices_of(p, r.mapped_if);
      std::string lookup =
          fmt::format("{}ip daddr . {} dport", iif.empty() ? "" : "iifname " + iif + " ", proto);
      // The element chain repeats the protocol: nft maps a port only after a protocol match.
      nat.dstnat.push_back({m + action, lookup, lookup,
                            fmt::format("{} . {}", ip(r.mapped_source.front().lo), r.mapped_port),
                            fmt::format("nr_{}_{}", r.section, r.line),
                            "meta l4proto " + proto + " " + action});
    } else {
      nat.dstnat.push_back(plain(m + action));
    }
    reverse_source(r);
  }

  // Twice NAT's reverse direction also translates the peer: real destination back to mapped.
  void reverse_source(const NatRule& r) {
    if (!r.real_destination || r.mapped_destination == r.real_destination) return;
    auto m = match(r.mapped_if, r.real_if, *r.real_destination, &r.real_source);
    if (!m) return;
    auto to = static_map(*r.real_destination, *r.mapped_destination, "ip saddr", 0);
    if (!to) return problem(r, "mapped and real destinations do not pair one to one");
    nat.srcnat.push_back(plain(*m + "snat to " + *to));
  }

  // Twice NAT's destination: the forward direction's destination translated in prerouting.
  void forward_destination(const NatRule& r) {
    if (!r.mapped_destination || r.mapped_destination == r.real_destination) return;
    auto m = match(r.real_if, "any", r.real_source, &*r.mapped_destination);
    if (!m) return;
    std::string svc =
        r.service_protocol
            ? fmt::format("{} dport {} ", proto_name(r.service_protocol), r.mapped_port)
            : "";
    auto to = static_map(*r.mapped_destination, *r.real_destination, "ip daddr", r.real_port);
    if (!to) return problem(r, "mapped and real destinations do not pair one to one");
    nat.dstnat.push_back(plain(*m + svc + "dnat to " + *to));
  }

  void forward(const NatRule& r) {
    auto m = match(r.real_if, r.mapped_if, r.real_source,
                   r.real_destination ? &*r.real_destination : nullptr);
    if (!m) return;
    std::string svc;
    // A static port forward translates, forward, only what the server sends from its port.
    if (r.service_protocol && !r.mapped_destination)
      svc = fmt::format("{} sport {} ", proto_name(r.service_protocol), r.real_port);
    std::string head = *m + svc + counter(r, false);
    if (r.identity) {
      nat.srcnat.push_back(plain(head + " accept"));
      return;
    }
    if (r.is_static) {
      auto to = static_map(r.real_source, r.mapped_source, "ip saddr",
                           r.mapped_destination ? 0 : r.mapped_port);
      if (!to) return problem(r, "mapped and real addresses do not pair one to one");
      std::string action = counter(r, false) + " snat to " + *to;
      if (!svc.empty() && !r.real_destination && single(r.real_source)) {
        std::string ifs;
        if (auto d = devices_of(p, r.real_if); !d.empty()) ifs += "iifname " + d + " ";
        if (auto d = devices_of(p, r.mapped_if); !d.empty()) ifs += "oifname " + d + " ";
        std::string lookup =
            fmt::format("{}ip saddr . {} sport", ifs, proto_name(r.service_protocol));
        nat.srcnat.push_back({head + " snat to " + *to, lookup, lookup,
                              fmt::format("{} . {}", ip(r.real_source.front().lo), r.real_port),
                              fmt::format("nf_{}_{}", r.section, r.line),
                              "meta l4proto " + proto_name(r.service_protocol) + " " + action});
      } else {
        nat.srcnat.push_back(plain(head + " snat to " + *to));
      }
      return;
    }
    if (r.mapped_source.empty()) {
      const Interface* e = p.interface(r.mapped_if);
      nat.srcnat.push_back(
          plain(head + (e ? " snat to " + ip(e->address) : std::string(" masquerade"))));
      return;
    }
    if (r.mapped_source.size() > 1)
      problem(r, "a pool of several ranges: only its first range is used");
    const AddressRange& pool = r.mapped_source.front();
    std::string to = pool.lo == pool.hi ? ip(pool.lo) : ip(pool.lo) + "-" + ip(pool.hi);
    // Dynamic NAT without PAT keeps one mapped address per real host.
    nat.srcnat.push_back(plain(head + " snat to " + to + (r.pat ? "" : " persistent")));
  }

  void proxy_arp(const NatRule& r) {
    if (!r.proxy_arp || r.identity || r.mapped_source.empty()) return;
    const Interface* e = p.interface(r.mapped_if);
    if (!e) return;
    if (detail::address_count(r.mapped_source) > kMaxProxyArp)
      return problem(r, "too many mapped addresses to answer ARP for");
    for (uint32_t a : addresses(r.mapped_source)) {
      bool own = false;
      for (const auto& i : p.interfaces) own = own || i.address == a;
      if (!own) out.proxy_arp.push_back({a, e->device});
    }
  }
};

}  // namespace

std::vector<std::string> merge_nat(const std::vector<NatLine>& lines, NatOut& nat) {
  std::vector<std::string> rules;
  for (size_t i = 0; i < lines.size();) {
    size_t j = i;
    while (j < lines.size() && !lines[i].group.empty() && lines[j].group == lines[i].group) ++j;
    if (j - i < kMinMapRun) {
      rules.push_back(lines[i].text);
      ++i;
      continue;
    }
    std::set<std::string> keys;
    std::string elements;
    for (size_t k = i; k < j; ++k) {
      if (!keys.insert(lines[k].key).second) continue;  // the first rule of a key is the one
      nat.element_chains.push_back({lines[k].element, lines[k].action});
      elements += fmt::format("{}{} : goto {}", elements.empty() ? "" : ", ", lines[k].key,
                              lines[k].element);
    }
    rules.push_back(fmt::format("{} vmap {{ {} }}", lines[i].lookup, elements));
    i = j;
  }
  return rules;
}

void compile_nat(const Policy& p, Ruleset& out, NatOut& nat) {
  NatCompiler c{p, out, nat};
  std::vector<const NatRule*> usable;
  for (const auto& r : p.nat) {
    // A rule for an interface with no address here matches nothing (it is not "any").
    bool real_ok = r.real_if == "any" || p.interface(r.real_if);
    bool mapped_ok = r.mapped_if == "any" || p.interface(r.mapped_if);
    if (real_ok && mapped_ok)
      usable.push_back(&r);
    else
      c.problem(r, "its interface has no address: the rule matches nothing");
  }
  // The destination is looked up first among the static rules read in reverse, then among
  // twice NAT's forward destinations (policy.hpp): all reverse rules precede those in dstnat.
  for (const NatRule* r : usable)
    if (r->is_static) c.reverse(*r);
  for (const NatRule* r : usable) c.forward_destination(*r);
  for (const NatRule* r : usable) {
    c.forward(*r);
    c.proxy_arp(*r);
  }
  std::sort(out.proxy_arp.begin(), out.proxy_arp.end());
  out.proxy_arp.erase(std::unique(out.proxy_arp.begin(), out.proxy_arp.end()), out.proxy_arp.end());
  // Addresses we answer ARP for are local to the kernel: what arrives for them and was not
  // translated to a real address must not reach the box's own sockets.
  if (!out.proxy_arp.empty()) {
    std::string set;
    for (const auto& a : out.proxy_arp) set += (set.empty() ? "" : ", ") + ip(a.address);
    nat.input.push_back(
        fmt::format("ip daddr {{ {} }} {} drop", set, drop_counter(out, "mapped-to-box")));
  }
}

void compile_helpers(const Policy& p, NatOut& nat) {
  struct Helper {
    std::string_view inspect, object, type, proto;
    uint16_t port;
  };
  // The kernel's conntrack helpers for the ASA's inspections, on their standard ports.
  static constexpr Helper kHelpers[] = {
      {"ftp", "ftp", "ftp", "tcp", 21},
      {"tftp", "tftp", "tftp", "udp", 69},
      {"sip", "sip_udp", "sip", "udp", 5060},
      {"sip", "sip_tcp", "sip", "tcp", 5060},
      {"h323 h225", "h225", "Q.931", "tcp", 1720},
      {"h323 ras", "ras", "RAS", "udp", 1719},
      {"pptp", "pptp", "pptp", "tcp", 1723},
      {"netbios", "netbios", "netbios-ns", "udp", 137},
      {"snmp", "snmp", "snmp", "udp", 161},
  };
  for (const auto& h : kHelpers) {
    if (!p.inspects(h.inspect)) continue;
    nat.helper_objects.push_back(fmt::format(
        "ct helper {} {{ type \"{}\" protocol {}; l3proto ip; }}", h.object, h.type, h.proto));
    nat.helpers.push_back(
        fmt::format("ct state new {} dport {} ct helper set \"{}\"", h.proto, h.port, h.object));
  }
}

}  // namespace rampart::firewall::nft
