// NAT in its ASA 8.3+ forms: object NAT ("nat ..." inside "object network NAME") and twice
// NAT ("nat (real,mapped) [line|after-auto [line]] source ..." in config mode), with their
// show running-config rendering. A config-mode "nat (IF) N ..." is the PIX 6.3 form and goes to
// the PIX migration (cli/commands/pix_nat.cpp).
//
// The NAT line takes its operands in a fixed order with many optional words, so the grammar
// binds the rest of the line and nat_syntax reads it word by word: a bad word still gets the
// '^' marker under it.
#include <algorithm>

#include "cli/commands/common.hpp"
#include "cli/commands/nat_syntax.hpp"
#include "cli/commands/pix_nat.hpp"
#include "cli/commands/sections.hpp"
#include "cli/engine/lexer.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kHelpNat = "Associate a network with a pool of global IP addresses";
constexpr std::string_view kHelpNatArgs = "Real and mapped interfaces, type and addresses";

// The words of the rest of the line, with offsets in the whole typed line.
std::vector<Word> rest_words(const Ctx& c) {
  auto words = split_words(c.args.str("rest"));
  for (auto& w : words) w.offset += c.args.offset("rest");
  return words;
}

void marker(Ctx& c, size_t offset) {
  Args at;
  at.set("at", "", offset);
  c.session.invalid_input_at(c.out, at, "at");
}

// [U] The ASA's wordings below are as close as we could establish; they are ERROR lines, counted.
void no_object(Ctx& c, const std::string& name) {
  error(c, fmt::format("Object {} does not exist", name));
}

bool network_named(const config::Firewall& fw, const std::string& name) {
  if (fw.network_objects.contains(name)) return true;
  auto g = fw.object_groups.find(name);
  return g != fw.object_groups.end() && g->second.kind == config::ObjectGroup::Kind::Network;
}

bool service_named(const config::Firewall& fw, const std::string& name) {
  if (fw.service_objects.contains(name)) return true;
  auto g = fw.object_groups.find(name);
  return g != fw.object_groups.end() && g->second.kind == config::ObjectGroup::Kind::Service;
}

bool interfaces_ok(Ctx& c, const std::string& real, const std::string& mapped) {
  for (const auto& n : {real, mapped})
    if (n != "any" && !require_nameif(c, n)) return false;
  return true;
}

bool route_lookup_ok(Ctx& c, bool identity, const std::string& real, const std::string& mapped) {
  if (!identity) {
    error(c, "Route-lookup is only supported for identity NAT");
    return false;
  }
  if (real == "any" || mapped == "any") {
    error(c, "Route-lookup requires both the real and the mapped interface");
    return false;
  }
  return true;
}

bool interface_keyword_ok(Ctx& c, const std::string& mapped_if) {
  if (mapped_if != "any") return true;
  error(c, "The 'interface' keyword requires a mapped interface other than 'any'");
  return false;
}

void config_nat(Ctx& c);

// ---- object NAT --------------------------------------------------------------------------

bool object_nat_valid(Ctx& c, const config::NetworkObject& obj, const config::ObjectNat& n) {
  using M = config::ObjectNat::Mapped;
  const auto& fw = c.cfg.firewall;
  if (!interfaces_ok(c, n.real_if, n.mapped_if)) return false;
  if (obj.kind == config::NetworkObject::Kind::None) {
    error(c, fmt::format("Object {} has no address to translate", obj.name));
    return false;
  }
  if ((n.mapped_kind == M::Object || n.mapped_kind == M::PatPool) && !network_named(fw, n.mapped)) {
    no_object(c, n.mapped);
    return false;
  }
  if ((n.mapped_kind == M::Interface || n.interface_fallback) &&
      !interface_keyword_ok(c, n.mapped_if))
    return false;
  if (n.route_lookup && !route_lookup_ok(c, nat::is_identity(n, obj), n.real_if, n.mapped_if))
    return false;
  return true;
}

void object_nat(Ctx& c) {
  auto words = rest_words(c);
  auto parsed = nat::parse_object_nat(words);
  if (!parsed && (pix::is_pix_nat(words) || nat::parse_twice_nat(words))) {
    // A config-mode nat line after an object block: walk up, as for any config-mode line.
    c.session.exit_mode();
    config_nat(c);
    return;
  }
  if (!parsed) {
    marker(c, parsed.error().offset);
    return;
  }
  auto it = c.cfg.firewall.network_objects.find(c.session.frame().name);
  if (it == c.cfg.firewall.network_objects.end()) {
    no_object(c, c.session.frame().name);
    return;
  }
  if (c.negated) {
    it->second.nat.reset();
    return;
  }
  if (!object_nat_valid(c, it->second, *parsed)) return;
  it->second.nat = *parsed;  // one NAT per object: a new line replaces the old
}

// ---- twice NAT ---------------------------------------------------------------------------

bool twice_nat_valid(Ctx& c, const config::TwiceNat& n) {
  const auto& fw = c.cfg.firewall;
  if (!interfaces_ok(c, n.real_if, n.mapped_if)) return false;
  auto network_ok = [&](const std::string& name, bool may_be_interface) {
    if (name == "any") return true;
    if (name == "interface" && may_be_interface) return interface_keyword_ok(c, n.mapped_if);
    if (network_named(fw, name)) return true;
    no_object(c, name);
    return false;
  };
  if (!network_ok(n.source_real, false) || !network_ok(n.source_mapped, !n.pat_pool)) return false;
  if (n.interface_fallback && !interface_keyword_ok(c, n.mapped_if)) return false;
  if (n.destination_mapped &&
      (!network_ok(*n.destination_mapped, false) || !network_ok(*n.destination_real, false)))
    return false;
  for (const auto* s : {&n.service_real, &n.service_mapped})
    if (*s && !service_named(fw, **s)) {
      no_object(c, **s);
      return false;
    }
  if (n.route_lookup && !route_lookup_ok(c, nat::is_identity(n), n.real_if, n.mapped_if))
    return false;
  return true;
}

void twice_nat(Ctx& c, const std::vector<Word>& words) {
  auto parsed = nat::parse_twice_nat(words);
  if (!parsed) {
    marker(c, parsed.error().offset);
    return;
  }
  auto& section = parsed->after_auto ? c.cfg.firewall.after_auto : c.cfg.firewall.twice_nat;
  if (c.negated) {
    auto it = std::find(section.begin(), section.end(), parsed->rule);
    if (it == section.end()) {
      error(c, "NAT rule not found");
      return;
    }
    section.erase(it);
    return;
  }
  if (!twice_nat_valid(c, parsed->rule)) return;
  // The same rule typed again (a configuration pasted twice) stays one rule.
  if (std::find(section.begin(), section.end(), parsed->rule) != section.end()) return;
  size_t at = parsed->line ? std::min<size_t>(*parsed->line - 1, section.size()) : section.size();
  section.insert(section.begin() + static_cast<std::ptrdiff_t>(at), parsed->rule);
}

void config_nat(Ctx& c) {
  auto words = rest_words(c);
  if (pix::is_pix_nat(words)) {
    pix::nat_line(c, words);
    return;
  }
  twice_nat(c, words);
}

}  // namespace

void register_nat(CommandTree& t) {
  t.add({kConfig, "nat <rest:LINE>", {kHelpNat, kHelpNatArgs}, config_nat, true});
  t.add({mask_of(Mode::ObjectNetwork),
         "nat <rest:LINE>",
         {kHelpNat, kHelpNatArgs},
         object_nat,
         true});
  t.add({kConfig,
         "clear configure nat",
         {kHelpClear, "Clear configuration", "Clear all NAT configuration"},
         [](Ctx& c) {
           auto& fw = c.cfg.firewall;
           fw.twice_nat.clear();
           fw.after_auto.clear();
           for (auto& [name, obj] : fw.network_objects) obj.nat.reset();
         }});
  t.add({kPrivAndConfig,
         "show running-config [{all:all}] nat",
         {kHelpShow, kHelpRunning, "Configuration including the default values",
          "Show NAT configuration"},
         [](Ctx& c) {
           RenderOptions opt;
           opt.show_defaults = c.args.has("all");
           c.out += render_section(c.cfg, opt, {"nat"});
         }});
}

// Twice NAT (section 1), then the object NAT rules (section 2) each in an "object network"
// block of its own after a "!", then after-auto twice NAT (section 3), as the ASA prints them
// after "arp timeout" and before "access-group".
void render_nat(const config::Config& cfg, ConfigWriter& w) {
  const auto& fw = cfg.firewall;
  for (const auto& n : fw.twice_nat) w.line(nat::render(n, false));
  bool bang = false;
  for (const auto& name : fw.object_order) {
    auto it = fw.network_objects.find(name);
    if (it == fw.network_objects.end() || !it->second.nat) continue;
    if (!bang) w.line_in("nat", "!");  // the ASA's "!" before them belongs to the section
    bang = true;
    w.line_in("nat", "object network " + name);
    w.sub(nat::render(*it->second.nat));
  }
  for (const auto& n : fw.after_auto) w.line(nat::render(n, true));
}

}  // namespace rampart::cli
