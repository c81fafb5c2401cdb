#include "cli/commands/pix_nat.hpp"

#include <charconv>
#include <map>
#include <set>

#include "cli/commands/common.hpp"
#include "cli/commands/nat_syntax.hpp"

namespace rampart::cli::pix {

namespace {

using config::Ipv4;
using config::Mask;

// An address operand of a PIX line: a host, a subnet, a range, or the interface's address.
struct Addr {
  enum class Kind { Host, Subnet, Range, Interface } kind = Kind::Host;
  Ipv4 a, last;
  Mask mask{0xffffffffu};
  bool operator==(const Addr&) const = default;
};

struct PendingNat {
  std::string line;  // as typed, for notices
  uint32_t line_number = 0;
  std::string ifc;
  uint32_t id = 0;
  Addr real;
  bool dns = false;
  bool paired = false;
  std::map<std::string, std::string> objects;  // mapped interface -> object holding the rule
};

struct PendingGlobal {
  std::string line;
  uint32_t line_number = 0;
  std::string ifc;
  uint32_t id = 0;
  Addr pool;
  bool paired = false;
};

// What PIX translation lines leave for later lines of the same session, and for its end.
struct Carry : Session::Carry {
  std::vector<PendingNat> nats;
  std::vector<PendingGlobal> globals;
  std::vector<StaticMap> statics;

  void finish(Session& s, std::string& out) override {
    for (const auto& n : nats)
      if (!n.paired)
        out += fmt::format(
            "WARNING: line {}: \"{}\" has no \"global (IF) {}\" to pair with; not converted\n",
            n.line_number, n.line, n.id);
    for (const auto& g : globals)
      if (!g.paired)
        out += fmt::format(
            "WARNING: line {}: \"{}\" has no \"nat (IF) {}\" to pair with; not "
            "converted\n",
            g.line_number, g.line, g.id);
    for (const auto& l : rewrite_acls(s.appliance().config(), statics)) out += "INFO: " + l + "\n";
    statics.clear();
  }
};

Carry& carry(Ctx& c) {
  auto* k = dynamic_cast<Carry*>(c.session.pix_carry.get());
  if (!k) {
    c.session.pix_carry = std::make_unique<Carry>();
    k = static_cast<Carry*>(c.session.pix_carry.get());
  }
  return *k;
}

void marker(Ctx& c, size_t offset) {
  Args at;
  at.set("at", "", offset);
  c.session.invalid_input_at(c.out, at, "at");
}

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// PIX accepts "0" for 0.0.0.0 ("nat (inside) 1 0 0").
std::optional<Ipv4> pix_ip(std::string_view s) {
  if (s == "0") return Ipv4{0};
  return Ipv4::parse(s);
}

std::optional<Mask> pix_mask(std::string_view s) {
  if (s == "0") return Mask{0};
  return Mask::parse(s);
}

// "(IF)" -> IF.
std::optional<std::string> one_interface(std::string_view w) {
  if (w.size() < 3 || w.front() != '(' || w.back() != ')' || w.find(',') != w.npos)
    return std::nullopt;
  return std::string(w.substr(1, w.size() - 2));
}

std::string joined(const std::vector<Word>& words, std::string_view head) {
  std::string s(head);
  for (const auto& w : words) s += " " + std::string(w.text);
  return s;
}

// ---- objects as the migration names and creates them ------------------------------------

struct ObjectPlan {
  const config::Firewall& fw;
  std::set<std::string> planned;  // created by lines not yet run
  std::vector<std::string> lines;

  std::string definition(const Addr& a) const {
    switch (a.kind) {
      case Addr::Kind::Range:
        return fmt::format("range {} {}", a.a.str(), a.last.str());
      case Addr::Kind::Subnet:
        return fmt::format("subnet {} {}", a.a.str(), a.mask.str());
      default:
        return "host " + a.a.str();
    }
  }
  bool same(const config::NetworkObject& o, const Addr& a) const {
    using K = config::NetworkObject::Kind;
    switch (a.kind) {
      case Addr::Kind::Range:
        return o.kind == K::Range && o.address == a.a && o.last == a.last;
      case Addr::Kind::Subnet:
        return o.kind == K::Subnet && o.address == a.a && o.mask == a.mask;
      default:
        return o.kind == K::Host && o.address == a.a;
    }
  }
  std::string base(const Addr& a) const {
    if (a.kind == Addr::Kind::Range) return object_name(a.a, std::nullopt, a.last);
    if (a.kind == Addr::Kind::Subnet) return object_name(a.a, a.mask);
    return object_name(a.a, std::nullopt);
  }
  // The object for a, reusing one with the same address; with for_nat, one that holds no NAT
  // rule yet (an object holds one), and the "object network" line is emitted to enter it.
  std::string object(const Addr& a, bool for_nat) {
    std::string b = base(a);
    for (int n = 0; n < 100; ++n) {
      std::string name = n == 0 ? b : fmt::format("{}-{:02}", b, n);
      auto it = fw.network_objects.find(name);
      if (planned.contains(name)) {
        if (for_nat) continue;
        return name;
      }
      if (it == fw.network_objects.end()) {
        lines.push_back("object network " + name);
        lines.push_back(definition(a));
        planned.insert(name);
        return name;
      }
      if (!same(it->second, a) || (for_nat && it->second.nat)) continue;
      if (for_nat) {
        lines.push_back("object network " + name);
        planned.insert(name);
      }
      return name;
    }
    return b;  // the real line then fails with the ASA's error, never silently
  }
};

// Interfaces of lower security than ifc: where the PIX applied nat 0 and exemptions.
std::vector<std::string> lower_interfaces(const config::Config& cfg, const std::string& ifc) {
  std::vector<std::string> out;
  const config::Interface* from = cfg.interface_by_nameif(ifc);
  int level = from && from->security_level ? *from->security_level : 100;
  for (const auto& [hw, itf] : cfg.interfaces)
    if (itf.nameif && *itf.nameif != ifc && itf.security_level.value_or(0) < level)
      out.push_back(*itf.nameif);
  return out;
}

// ---- global and nat pairs ---------------------------------------------------------------

// The pool a nat id uses on an interface, if a global gives one there (not "interface").
const PendingGlobal* pool_on(const Carry& k, uint32_t id, const std::string& ifc) {
  for (const auto& g : k.globals)
    if (g.id == id && g.ifc == ifc && g.pool.kind != Addr::Kind::Interface) return &g;
  return nullptr;
}

void convert_pair(Ctx& c, PendingNat& n, PendingGlobal& g, const Carry& k) {
  ObjectPlan plan{c.cfg.firewall, {}, {}};
  const bool iface = g.pool.kind == Addr::Kind::Interface;
  const PendingGlobal* pool = iface ? pool_on(k, g.id, g.ifc) : &g;
  auto done = n.objects.find(g.ifc);
  if (done != n.objects.end() && !(iface && pool)) return;  // this interface is converted
  std::string mapped = pool ? plan.object(pool->pool, false) : "interface";
  // "global (IF) N interface" beside a pool: PAT on the interface when the pool runs out.
  bool fallback = false;
  for (const auto& other : k.globals)
    fallback |=
        pool && other.id == g.id && other.ifc == g.ifc && other.pool.kind == Addr::Kind::Interface;
  if (fallback) mapped += " interface";
  std::string obj;
  if (done != n.objects.end()) {  // the pool was converted first: add the fallback to it
    obj = done->second;
    plan.lines.push_back("object network " + obj);
  } else {
    obj = plan.object(n.real, true);
  }
  plan.lines.push_back(
      fmt::format("nat ({},{}) dynamic {}{}", n.ifc, g.ifc, mapped, n.dns ? " dns" : ""));
  n.objects[g.ifc] = obj;
  n.paired = g.paired = true;
  convert(c, n.line + " + " + g.line, plan.lines);
}

std::optional<Addr> global_pool(std::string_view w) {
  if (w == "interface") return Addr{Addr::Kind::Interface, {}, {}, {}};
  if (auto dash = w.find('-'); dash != w.npos) {
    auto a = Ipv4::parse(w.substr(0, dash));
    auto b = Ipv4::parse(w.substr(dash + 1));
    if (!a || !b || b->value < a->value) return std::nullopt;
    if (*a == *b) return Addr{Addr::Kind::Host, *a, {}, Mask{0xffffffffu}};
    return Addr{Addr::Kind::Range, *a, *b, {}};
  }
  auto a = Ipv4::parse(w);
  if (!a) return std::nullopt;
  return Addr{Addr::Kind::Host, *a, {}, Mask{0xffffffffu}};
}

// global (IF) N {A-B | A | interface} [netmask M]
void global_line(Ctx& c) {
  auto words = split_words(c.args.str("rest"));
  for (auto& w : words) w.offset += c.args.offset("rest");
  auto bad = [&](size_t i) {
    marker(c,
           i < words.size() ? words[i].offset : words.back().offset + words.back().text.size() + 1);
  };
  auto ifc = words.empty() ? std::nullopt : one_interface(words[0].text);
  if (!ifc) return bad(0);
  auto id = words.size() > 1 ? number(words[1].text) : std::nullopt;
  if (!id || *id < 1 || *id > 2147483647) return bad(1);
  auto pool = words.size() > 2 ? global_pool(words[2].text) : std::nullopt;
  if (!pool) return bad(2);
  if (words.size() > 3 &&
      (words[3].text != "netmask" || words.size() != 5 || !Mask::parse(words[4].text)))
    return bad(words[3].text != "netmask" ? 3 : 4);
  if (!require_nameif(c, *ifc)) return;
  auto& k = carry(c);
  k.globals.push_back({joined(words, "global"), c.session.line_number(), *ifc, *id, *pool, false});
  bool any = false;
  for (auto& n : k.nats)
    if (n.id == *id && n.ifc != *ifc) {
      convert_pair(c, n, k.globals.back(), k);
      any = true;
    }
  if (!any)
    info(c, fmt::format("PIX command {} waits for a \"nat (IF) {}\" to convert",
                        k.globals.back().line, *id));
}

// nat (IF) 0 access-list ACL: twice NAT identity for each permit ACE, to each interface of
// lower security, as the 8.4(2)+ migration writes VPN exemptions.
void exemption(Ctx& c, const std::string& ifc, const std::string& acl, const std::string& line) {
  auto it = c.cfg.access_lists.find(acl);
  if (it == c.cfg.access_lists.end()) {
    error(c, fmt::format("access-list {} does not exist", acl));
    return;
  }
  ObjectPlan plan{c.cfg.firewall, {}, {}};
  auto operand = [&](const config::AclAddress& a) -> std::string {
    using K = config::AclAddress::Kind;
    switch (a.kind) {
      case K::Host:
        return plan.object({Addr::Kind::Host, a.address, {}, Mask{0xffffffffu}}, false);
      case K::Subnet:
        if (a.mask.value == 0) return "any";
        return plan.object({Addr::Kind::Subnet, a.address, {}, a.mask}, false);
      case K::Object:
      case K::Group:
        return a.name;
      default:
        return "any";
    }
  };
  auto targets = lower_interfaces(c.cfg, ifc);
  std::vector<std::string> rules;
  for (const auto& e : it->second.entries) {
    if (e.type != config::AccessListEntry::Type::Extended || !e.permit || e.inactive) continue;
    std::string s = operand(e.source), d = operand(e.destination);
    for (const auto& to : targets)
      rules.push_back(
          fmt::format("nat ({},{}) source static {} {} destination static {} {} "
                      "no-proxy-arp route-lookup",
                      ifc, to, s, s, d, d));
    if (targets.empty())
      rules.push_back(fmt::format("nat ({},any) source static {} {} destination static {} {}", ifc,
                                  s, s, d, d));
  }
  if (rules.empty()) {
    warning(c, fmt::format("line {}: \"{}\": access-list {} permits nothing; nothing converted",
                           c.session.line_number(), line, acl));
    return;
  }
  // Twice NAT is a config-mode line: leave the last object's sub-mode first.
  if (!plan.lines.empty()) plan.lines.push_back("exit");
  plan.lines.insert(plan.lines.end(), rules.begin(), rules.end());
  convert(c, line, plan.lines);
}

// nat (IF) 0 A M: identity NAT, a static of the network onto itself toward lower interfaces.
void identity(Ctx& c, const std::string& ifc, const Addr& real, const std::string& line) {
  ObjectPlan plan{c.cfg.firewall, {}, {}};
  auto targets = lower_interfaces(c.cfg, ifc);
  if (targets.empty()) targets.push_back("any");
  for (const auto& to : targets) {
    std::string obj = plan.object(real, true);
    plan.lines.push_back(fmt::format("nat ({},{}) static {}", ifc, to, obj));
  }
  convert(c, line, plan.lines);
}

// static [(real_if,mapped_if)] [tcp|udp] {MAPPED|interface} [MPORT] REAL [RPORT] [netmask M]
//        [dns] [norandomseq] [max_conns [emb_limit]]
struct StaticLine {
  std::string real_if = "inside", mapped_if = "outside";
  std::optional<std::string> protocol;
  bool mapped_interface = false;
  Ipv4 mapped, real;
  uint16_t mapped_port = 0, real_port = 0;
  Mask mask{0xffffffffu};
  bool dns = false;
};

// Reads the line; returns the index of the bad word on failure.
std::expected<StaticLine, size_t> read_static(Ctx& c, const std::vector<Word>& words) {
  StaticLine s;
  size_t i = 0;
  auto at = [&](size_t k) { return k < words.size() ? words[k].text : std::string_view{}; };
  if (auto pair = nat::interface_pair(at(0))) {
    s.real_if = pair->first;
    s.mapped_if = pair->second;
    ++i;
  }
  if (at(i) == "tcp" || at(i) == "udp") s.protocol = std::string(at(i++));
  if (at(i) == "interface") {
    s.mapped_interface = true;
    ++i;
  } else if (auto m = Ipv4::parse(at(i))) {
    s.mapped = *m;
    ++i;
  } else {
    return std::unexpected(i);
  }
  if (s.protocol) {
    auto p = nat::parse_port(at(i));
    if (!p) return std::unexpected(i);
    s.mapped_port = *p;
    ++i;
  }
  auto r = Ipv4::parse(at(i));
  if (!r) return std::unexpected(i);
  s.real = *r;
  ++i;
  if (s.protocol) {
    auto p = nat::parse_port(at(i));
    if (!p) return std::unexpected(i);
    s.real_port = *p;
    ++i;
  }
  if (at(i) == "netmask") {
    auto m = Mask::parse(at(i + 1));
    if (!m || (s.real.value & ~m->value) != 0 || (s.mapped.value & ~m->value) != 0)
      return std::unexpected(i + 1);
    s.mask = *m;
    i += 2;
  }
  size_t limits = 0;
  for (; i < words.size(); ++i) {
    if (at(i) == "dns") {
      s.dns = true;
    } else if (at(i) == "norandomseq") {
    } else if (auto v = number(at(i)); v && limits < 2) {
      ++limits;
      if (*v != 0)
        warning(c, fmt::format("line {}: connection limit {} is not converted",
                               c.session.line_number(), *v));
    } else {
      return std::unexpected(i);
    }
  }
  return s;
}

void static_line(Ctx& c) {
  auto words = split_words(c.args.str("rest"));
  for (auto& w : words) w.offset += c.args.offset("rest");
  std::string line = joined(words, "static");
  auto s = read_static(c, words);
  if (!s) {
    size_t k = s.error();
    marker(c,
           k < words.size() ? words[k].offset : words.back().offset + words.back().text.size() + 1);
    return;
  }
  if (!require_nameif(c, s->real_if) || !require_nameif(c, s->mapped_if)) return;
  ObjectPlan plan{c.cfg.firewall, {}, {}};
  bool host = s->mask.value == 0xffffffffu;
  Addr real = host ? Addr{Addr::Kind::Host, s->real, {}, s->mask}
                   : Addr{Addr::Kind::Subnet, s->real, {}, s->mask};
  // A mapped host is written inline; a mapped subnet needs an object of its own.
  std::string mapped = s->mapped_interface ? "interface"
                       : host              ? s->mapped.str()
                              : plan.object({Addr::Kind::Subnet, s->mapped, {}, s->mask}, false);
  plan.object(real, true);
  std::string nat_cmd = fmt::format("nat ({},{}) static {}", s->real_if, s->mapped_if, mapped);
  if (s->protocol)
    nat_cmd += fmt::format(" service {} {} {}", *s->protocol,
                           nat::port_text(s->real_port, *s->protocol == "udp"),
                           nat::port_text(s->mapped_port, *s->protocol == "udp"));
  else if (s->dns)
    nat_cmd += " dns";
  plan.lines.push_back(nat_cmd);
  std::string before = c.out;
  convert(c, line, plan.lines);
  if (c.out.find("ERROR", before.size()) != std::string::npos) return;
  StaticMap m{s->mapped_if,        s->mapped,   s->real,        s->mask,
              s->mapped_interface, s->protocol, s->mapped_port, s->real_port};
  // While a configuration loads, its access-groups may come later: rewrite at the end.
  if (c.session.loading_config) {
    carry(c).statics.push_back(m);
    return;
  }
  for (const auto& l : rewrite_acls(c.cfg, {m})) info(c, l);
}

}  // namespace

std::string object_name(Ipv4 a, std::optional<Mask> mask, std::optional<Ipv4> last) {
  if (last) return fmt::format("obj-{}-{}", a.str(), last->str());
  if (mask && mask->value == 0 && a.value == 0) return "obj_any";
  return "obj-" + a.str();
}

bool is_pix_nat(const std::vector<Word>& words) {
  if (words.empty()) return false;
  size_t i = 0;
  if (one_interface(words[0].text)) return true;  // "(inside)": one interface, PIX
  if (words[0].text.starts_with("(")) i = 1;
  if (i >= words.size() || !number(words[i].text)) return false;
  return i + 1 < words.size() && words[i + 1].text != "source";
}

// nat [(IF)] N {access-list ACL | A [M]} [outside] [dns] [norandomseq] [max_conns [emb]]
void nat_line(Ctx& c, const std::vector<Word>& words) {
  size_t i = 0;
  std::string ifc = "inside";
  if (auto f = one_interface(words[0].text)) {
    ifc = *f;
    i = 1;
  }
  auto bad = [&](size_t at) {
    marker(c, at < words.size() ? words[at].offset
                                : words.back().offset + words.back().text.size() + 1);
  };
  auto id = i < words.size() ? number(words[i].text) : std::nullopt;
  if (!id || *id > 2147483647) return bad(i);
  ++i;
  std::string line = joined(words, "nat");
  if (!require_nameif(c, ifc)) return;
  if (i < words.size() && words[i].text == "access-list") {
    if (*id != 0 || i + 2 != words.size()) return bad(*id != 0 ? i : i + 2);
    exemption(c, ifc, std::string(words[i + 1].text), line);
    return;
  }
  auto a = i < words.size() ? pix_ip(words[i].text) : std::nullopt;
  if (!a) return bad(i);
  ++i;
  Mask m{0xffffffffu};
  if (i < words.size() && pix_mask(words[i].text)) m = *pix_mask(words[i++].text);
  if ((a->value & ~m.value) != 0) return bad(i - 1);
  PendingNat n{line, c.session.line_number(), ifc, *id, {}, false, false, {}};
  n.real = m.value == 0xffffffffu ? Addr{Addr::Kind::Host, *a, {}, m}
                                  : Addr{Addr::Kind::Subnet, *a, {}, m};
  // Options; connection limits other than 0 (unlimited) move to the MPF, which we do not write.
  size_t limits = 0;
  for (; i < words.size(); ++i) {
    auto w = words[i].text;
    if (w == "dns") {
      n.dns = true;
    } else if (w == "outside" || w == "norandomseq") {
    } else if (auto v = number(w); v && limits < 2) {
      ++limits;
      if (*v != 0)
        warning(c, fmt::format("line {}: connection limit {} of \"{}\" is not converted",
                               c.session.line_number(), *v, line));
    } else {
      return bad(i);
    }
  }
  if (*id == 0) return identity(c, ifc, n.real, line);
  auto& k = carry(c);
  k.nats.push_back(n);
  bool any = false;
  for (auto& g : k.globals)
    if (g.id == *id && g.ifc != ifc) {
      convert_pair(c, k.nats.back(), g, k);
      any = true;
    }
  if (!any)
    info(c, fmt::format("PIX command {} waits for a \"global (IF) {}\" to convert", line, *id));
}

}  // namespace rampart::cli::pix

namespace rampart::cli {

void register_pix_nat(CommandTree& t) {
  t.add({kConfig,
         "global <rest:LINE>",
         {"Global NAT address pool (PIX)", "Arguments"},
         pix::global_line,
         false,
         true});
  t.add({kConfig,
         "static <rest:LINE>",
         {"Static address translation (PIX)", "Arguments"},
         pix::static_line,
         false,
         true});
}

}  // namespace rampart::cli
