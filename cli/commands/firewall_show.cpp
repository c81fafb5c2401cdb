// show access-list, show nat [detail], show service-policy: the policy in force with its hit
// counts (rampartd's firewall service counts them in nftables), in the ASA's layout.
#include <netinet/in.h>

#include "cli/commands/firewall_state.hpp"
#include "cli/commands/sections.hpp"

namespace rampart::cli {

namespace {

// The ASA prints a hash of the ACL's name; its algorithm is its own, so ours is FNV-1a: stable
// across reloads, which is what an operator compares.
uint32_t name_hash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char ch : s) h = (h ^ ch) * 16777619u;
  return h;
}

std::map<std::string, uint64_t> acl_hits(Ctx& c) {
  auto* ps = c.session.appliance().policy_state();
  return ps ? ps->acl_hits() : std::map<std::string, uint64_t>{};
}

// One ACE as the ASA prints it: the ACE with the sum of its lines' hits, then (for an ACE of
// objects or object-groups) each expanded line indented with its own. Lines end in a space
// after the hash, as the ASA's do.
std::string render_ace(const std::string& name, const firewall::Ace& ace,
                       const std::map<std::string, uint64_t>& hits) {
  auto hit = [&](size_t i) {
    auto it = hits.find(fmt::format("{}/{}/{}", name, ace.line, i));
    return it == hits.end() ? uint64_t{0} : it->second;
  };
  uint64_t total = 0;
  for (size_t i = 0; i < ace.lines.size(); ++i) total += hit(i);
  std::string inactive = ace.inactive ? " (inactive)" : "";
  std::string out = fmt::format("access-list {} line {} {} (hitcnt={}){} 0x{:08x} \n", name,
                                ace.line, ace.text, total, inactive, ace.hash);
  if (ace.lines.size() == 1 && ace.lines[0].text == ace.text) return out;
  for (size_t i = 0; i < ace.lines.size(); ++i) {
    // A single expansion shares its ACE's hash, as on the ASA.
    uint32_t hash = ace.lines.size() == 1
                        ? ace.hash
                        : name_hash(fmt::format("{}/{}/{}", name, ace.line, ace.lines[i].text));
    out += fmt::format("  access-list {} line {} {} (hitcnt={}){} 0x{:08x} \n", name, ace.line,
                       ace.lines[i].text, hit(i), inactive, hash);
  }
  return out;
}

void show_acl(Ctx& c, const std::string& name, const firewall::Acl& acl,
              const std::map<std::string, uint64_t>& hits) {
  size_t elements = 0;
  for (const auto& ace : acl.aces) elements += ace.lines.size();
  c.out += fmt::format("access-list {}; {} elements; name hash: 0x{:08x}\n", name, elements,
                       name_hash(name));
  // Remarks hold their line numbers among the ACEs; the policy keeps only ACEs, the
  // configuration has the remarks.
  std::map<int, std::string> lines;
  for (const auto& ace : acl.aces) lines[ace.line] = render_ace(name, ace, hits);
  if (auto cfg = c.cfg.access_lists.find(name); cfg != c.cfg.access_lists.end())
    for (size_t i = 0; i < cfg->second.entries.size(); ++i)
      if (const auto& e = cfg->second.entries[i]; e.type == config::AccessListEntry::Type::Remark)
        lines.try_emplace(
            static_cast<int>(i + 1),
            fmt::format("access-list {} line {} remark {} \n", name, i + 1, e.remark));
  for (const auto& [line, text] : lines) c.out += text;
}

void show_access_list(Ctx& c) {
  firewall::Policy storage;
  const firewall::Policy& p = policy_in_force(c, storage);
  std::string only = c.args.str("name");
  if (!only.empty() && !p.acls.count(only)) {
    error(c, fmt::format("access-list <{}> does not exist", only));
    return;
  }
  auto* t = c.session.appliance().connections();
  uint64_t flows = t ? t->stats().log_flows : 0;
  // Flows cached for "log" ACEs (106100); deny flows are not cached here, so none are denied.
  c.out += fmt::format(
      "access-list cached ACL log flows: total {}, denied 0 (deny-flow-max 4096)\n"
      "            alert-interval 300\n",
      flows);
  auto hits = acl_hits(c);
  for (const auto& [name, acl] : p.acls)
    if (only.empty() || name == only) show_acl(c, name, acl, hits);
}

std::string mask_bits(uint32_t lo, uint32_t hi) {
  uint32_t span = hi - lo;
  if ((span & (span + 1)) != 0 || (lo & span) != 0) return "";
  int prefix = 32;
  while (span) span >>= 1, --prefix;
  return fmt::format("/{}", prefix);
}

// "192.0.2.0/24", "203.0.113.10-203.0.113.50", several joined by ", ".
std::string addresses(const firewall::AddressSet& set) {
  std::string out;
  for (const auto& r : set) {
    if (!out.empty()) out += ", ";
    std::string bits = mask_bits(r.lo, r.hi);
    out += bits.empty() ? fmt::format("{}-{}", firewall::ip_string(r.lo), firewall::ip_string(r.hi))
                        : firewall::ip_string(r.lo) + bits;
  }
  return out;
}

std::string translated_source(const firewall::Policy& p, const firewall::NatRule& r) {
  if (r.identity) return addresses(r.real_source);
  if (!r.mapped_source.empty()) return addresses(r.mapped_source);
  for (const auto& itf : p.interfaces)
    if (itf.nameif == r.mapped_if)
      return fmt::format("{}/{}", firewall::ip_string(itf.address), itf.prefix);
  return "interface";
}

void show_nat(Ctx& c) {
  firewall::Policy storage;
  const firewall::Policy& p = policy_in_force(c, storage);
  bool detail = c.args.has("detail");
  auto* ps = c.session.appliance().policy_state();
  auto hits = ps ? ps->nat_hits() : std::map<std::string, std::pair<uint64_t, uint64_t>>{};
  int section = 0;
  for (const auto& r : p.nat) {
    if (r.section != section) {
      if (section) c.out += "\n";
      section = r.section;
      c.out += section == 2 ? "Auto NAT Policies (Section 2)\n"
                            : fmt::format("Manual NAT Policies (Section {})\n", section);
    }
    auto h = hits.find(fmt::format("{}/{}", r.section, r.line));
    auto [fwd, rev] = h == hits.end() ? std::pair<uint64_t, uint64_t>{0, 0} : h->second;
    c.out += fmt::format("{} ({}) to ({}) {}\n    translate_hits = {}, untranslate_hits = {}\n",
                         r.line, r.real_if, r.mapped_if, r.text, fwd, rev);
    if (!detail) continue;
    c.out += fmt::format("    Source - Origin: {}, Translated: {}\n", addresses(r.real_source),
                         translated_source(p, r));
    if (r.real_destination && r.mapped_destination)
      c.out += fmt::format("    Destination - Origin: {}, Translated: {}\n",
                           addresses(*r.mapped_destination), addresses(*r.real_destination));
    if (r.service_protocol)
      c.out +=
          fmt::format("    Service - Protocol: {} Real: {} Mapped: {}\n",
                      firewall::protocol_lower(r.service_protocol), r.real_port, r.mapped_port);
  }
}

// The conntrack helper that carries out an inspection, when the kernel has one.
std::optional<std::string> helper_of(std::string_view inspect) {
  std::string_view word = inspect.substr(0, inspect.find(' '));
  if (word == "ftp" || word == "tftp" || word == "sip" || word == "rtsp" || word == "pptp" ||
      word == "snmp")
    return std::string(word);
  if (word == "h323") return inspect.find("ras") != std::string_view::npos ? "RAS" : "Q.931";
  return std::nullopt;
}

// Packets an inspection has seen: those of the connections its helper watches, live and ended
// (conntrack's counters). An inspection with no kernel helper has inspected nothing.
uint64_t inspected_packets(Ctx& c, std::string_view inspect) {
  auto* t = c.session.appliance().connections();
  if (!t) return 0;
  std::string word(inspect.substr(0, inspect.find(' ')));
  uint64_t n = 0;
  if (word == "icmp") {
    for (const auto& conn : t->connections())
      if (conn.protocol == IPPROTO_ICMP) n += conn.packets;
    return n;
  }
  auto helper = helper_of(inspect);
  if (!helper) return 0;
  auto stats = t->stats();
  if (auto it = stats.helper_packets.find(*helper); it != stats.helper_packets.end())
    n += it->second;
  for (const auto& conn : t->connections())
    if (conn.helper == *helper) n += conn.packets;
  return n;
}

void show_service_policy(Ctx& c) {
  const auto& fw = c.cfg.firewall;
  for (const auto& sp : fw.service_policies) {
    auto pm = fw.policy_maps.find(sp.policy_map);
    if (pm == fw.policy_maps.end()) continue;
    c.out += sp.interface.empty() ? "\nGlobal policy: \n"
                                  : fmt::format("\nInterface {}:\n", sp.interface);
    c.out += fmt::format("  Service-policy: {}\n", sp.policy_map);
    for (const auto& cls : pm->second.classes) {
      c.out += fmt::format("    Class-map: {}\n", cls.class_map);
      for (const auto& insp : cls.inspects)
        c.out += fmt::format("      Inspect: {}, packet {}, lock fail 0, drop 0, reset-drop 0\n",
                             insp, inspected_packets(c, insp));
    }
  }
  firewall::Policy storage;
  const firewall::Policy& p = policy_in_force(c, storage);
  for (const auto& line : p.not_enforced) c.out += fmt::format("NOTE: {}\n", line);
}

}  // namespace

void register_firewall_show(CommandTree& t) {
  t.add({kPrivAndConfig,
         "show access-list [<name:WORD>]",
         {kHelpShow, "Show hit counters for access policies", "Access-list name"},
         show_access_list});
  t.add({kPrivAndConfig,
         "show nat [{detail:detail}]",
         {kHelpShow, "Show NAT policy and statistics", "Display detailed information"},
         show_nat});
  t.add({kPrivAndConfig,
         "show service-policy",
         {kHelpShow, "Show service policies"},
         show_service_policy});
}

}  // namespace rampart::cli
