// PIX 6.3 "static": object NAT on an object for the real address, as the ASA 8.3 upgrade
// converts it; the statics are kept so that inbound ACEs can move to real addresses.
#include "cli/commands/common.hpp"
#include "cli/commands/nat_syntax.hpp"
#include "cli/commands/pix_nat_parts.hpp"

namespace rampart::cli::pix {

namespace {

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
rampart::expected<StaticLine, size_t> read_static(Ctx& c, const std::vector<Word>& words) {
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
    return rampart::unexpected(i);
  }
  if (s.protocol) {
    auto p = nat::parse_port(at(i));
    if (!p) return rampart::unexpected(i);
    s.mapped_port = *p;
    ++i;
  }
  auto r = Ipv4::parse(at(i));
  if (!r) return rampart::unexpected(i);
  s.real = *r;
  ++i;
  if (s.protocol) {
    auto p = nat::parse_port(at(i));
    if (!p) return rampart::unexpected(i);
    s.real_port = *p;
    ++i;
  }
  if (at(i) == "netmask") {
    auto m = Mask::parse(at(i + 1));
    if (!m || (s.real.value & ~m->value) != 0 || (s.mapped.value & ~m->value) != 0)
      return rampart::unexpected(i + 1);
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
      return rampart::unexpected(i);
    }
  }
  return s;
}

// static (real_if,mapped_if) MAPPED access-list ACL: policy static NAT, one twice NAT rule per
// permit ACE ("source static SRC obj-MAPPED destination static DST DST").
void policy_static(Ctx& c, const std::vector<Word>& words, const std::string& line) {
  auto pair = nat::interface_pair(words[0].text);
  auto mapped = Ipv4::parse(words[1].text);
  if (!pair || !mapped || words.size() != 4) {
    size_t at = !pair ? 0 : !mapped ? 1 : words.size() > 4 ? 4 : 3;
    marker(c, at < words.size() ? words[at].offset
                                : words.back().offset + words.back().text.size() + 1);
    return;
  }
  auto acl = c.cfg.access_lists.find(std::string(words[3].text));
  if (!require_nameif(c, pair->first) || !require_nameif(c, pair->second)) return;
  if (acl == c.cfg.access_lists.end()) {
    error(c, fmt::format("access-list {} does not exist", words[3].text));
    return;
  }
  ObjectPlan plan{c.cfg.firewall, {}, {}};
  std::string m = plan.object({Addr::Kind::Host, *mapped, {}, Mask{0xffffffffu}}, false);
  std::vector<std::string> rules;
  for (const auto& e : acl->second.entries) {
    if (!translated_ace(c, e, acl->first)) continue;
    std::string s = acl_operand(plan, e.source), d = acl_operand(plan, e.destination);
    rules.push_back(fmt::format("nat ({},{}) source static {} {} destination static {} {}",
                                pair->first, pair->second, s, m, d, d));
  }
  if (!plan.lines.empty()) plan.lines.push_back("exit");  // twice NAT is a config-mode line
  plan.lines.insert(plan.lines.end(), rules.begin(), rules.end());
  convert(c, line, plan.lines);
}

}  // namespace

void static_line(Ctx& c) {
  auto words = split_words(c.args.str("rest"));
  for (auto& w : words) w.offset += c.args.offset("rest");
  if (words.empty()) return;  // the grammar's LINE holds a word; never index an empty line
  std::string line = joined(words, "static");
  if (words.size() >= 3 && words[2].text == "access-list") return policy_static(c, words, line);
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

}  // namespace rampart::cli::pix
