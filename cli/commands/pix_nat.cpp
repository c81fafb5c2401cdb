// PIX 6.3 "global" and "nat": a nat id pairs with every global of that id on another
// interface, in whichever order they come; nat 0 is identity NAT, and "nat 0 access-list" the
// VPN exemption, converted to twice NAT identity rules.
#include "cli/commands/common.hpp"
#include "cli/commands/nat_syntax.hpp"
#include "cli/commands/pix_nat_parts.hpp"

namespace rampart::cli::pix {

namespace {

// ---- global and nat pairs ---------------------------------------------------------------

// The pool a nat id uses on an interface, if a global gives one there (not "interface").
const PendingGlobal* pool_on(const Carry& k, uint32_t id, const std::string& ifc) {
  for (const auto& g : k.globals)
    if (g.id == id && g.ifc == ifc && g.pool.kind != Addr::Kind::Interface) return &g;
  return nullptr;
}

// nat (IF) N access-list ACL + global: policy dynamic NAT, one twice NAT rule per permit ACE
// ("source dynamic SRC POOL destination static DST DST").
void convert_policy(Ctx& c, PendingNat& n, PendingGlobal& g, ObjectPlan& plan,
                    const std::string& mapped) {
  auto it = c.cfg.access_lists.find(*n.acl);
  if (it == c.cfg.access_lists.end()) {
    error(c, fmt::format("access-list {} does not exist", *n.acl));
    return;
  }
  std::vector<std::string> rules;
  for (const auto& e : it->second.entries) {
    if (!translated_ace(c, e, *n.acl)) continue;
    std::string s = acl_operand(plan, e.source), d = acl_operand(plan, e.destination);
    rules.push_back(fmt::format("nat ({},{}) source dynamic {} {} destination static {} {}{}",
                                n.ifc, g.ifc, s, mapped, d, d, n.dns ? " dns" : ""));
  }
  if (!plan.lines.empty()) plan.lines.push_back("exit");  // twice NAT is a config-mode line
  plan.lines.insert(plan.lines.end(), rules.begin(), rules.end());
  n.objects[g.ifc] = *n.acl;
  n.paired = g.paired = true;
  convert(c, n.line + " + " + g.line, plan.lines);
}

void convert_pair(Ctx& c, PendingNat& n, PendingGlobal& g, const Carry& k) {
  ObjectPlan plan{c.cfg.firewall, {}, {}};
  const bool iface = g.pool.kind == Addr::Kind::Interface;
  const PendingGlobal* pool = iface ? pool_on(k, g.id, g.ifc) : &g;
  auto done = n.objects.find(g.ifc);
  if (done != n.objects.end() && (!(iface && pool) || n.acl)) return;  // converted already
  std::string mapped = pool ? plan.object(pool->pool, false) : "interface";
  // "global (IF) N interface" beside a pool: PAT on the interface when the pool runs out.
  bool fallback = false;
  for (const auto& other : k.globals)
    fallback |=
        pool && other.id == g.id && other.ifc == g.ifc && other.pool.kind == Addr::Kind::Interface;
  if (fallback) mapped += " interface";
  if (n.acl) return convert_policy(c, n, g, plan, mapped);
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
  if (words.empty()) return;  // the grammar's LINE holds a word; never index an empty line
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
  auto targets = lower_interfaces(c.cfg, ifc);
  std::vector<std::string> rules;
  for (const auto& e : it->second.entries) {
    if (!translated_ace(c, e, acl)) continue;
    std::string s = acl_operand(plan, e.source), d = acl_operand(plan, e.destination);
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

}  // namespace

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
  if (c.negated) {
    // What a PIX nat line became depends on its pairs; the ASA rule is removed in ASA terms.
    error(c,
          "A PIX nat line cannot be removed; remove its NAT rule as \"show running-config "
          "nat\" shows it");
    return;
  }
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
  std::optional<std::string> acl;
  if (i < words.size() && words[i].text == "access-list") {
    if (i + 1 >= words.size()) return bad(i + 1);
    if (*id == 0) {
      if (i + 2 != words.size()) return bad(i + 2);
      return exemption(c, ifc, std::string(words[i + 1].text), line);
    }
    acl = std::string(words[i + 1].text);
    if (!c.cfg.access_lists.contains(*acl)) {
      error(c, fmt::format("access-list {} does not exist", *acl));
      return;
    }
    i += 2;
  }
  auto a = acl                ? std::optional<Ipv4>(Ipv4{0})
           : i < words.size() ? pix_ip(words[i].text)
                              : std::nullopt;
  if (!a) return bad(i);
  if (!acl) ++i;
  Mask m{acl ? 0u : 0xffffffffu};
  if (!acl && i < words.size() && pix_mask(words[i].text)) m = *pix_mask(words[i++].text);
  if ((a->value & ~m.value) != 0) return bad(i - 1);
  PendingNat n{line, c.session.line_number(), ifc, *id, {}, false, false, {}, acl};
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