// "icmp permit|deny SOURCE [TYPE] IF": which ICMP the box answers on each interface (the ASA's
// control of ICMP to its own addresses; the firewall compiles the rules onto its input hook).
#include "cli/commands/acl_operands.hpp"
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/config/well_known.hpp"

namespace rampart::cli {

namespace {

using Rule = config::Firewall::IcmpRule;

// SOURCE [TYPE] IF: any | host A | A M, an ICMP type by name or number, the nameif last.
bool parse_rule(Cursor& cur, Rule& r) {
  if (cur.peek() == "any") {
    cur.take();
    r.mask = config::Mask{0};
  } else if (cur.peek() == "host") {
    cur.take();
    auto a = config::Ipv4::parse(cur.peek());
    if (!a) return cur.fail();
    cur.take();
    r.source = *a;
    r.mask = config::Mask{0xffffffffu};
  } else {
    auto a = config::Ipv4::parse(cur.peek());
    if (!a) return cur.fail();
    cur.take();
    auto m = config::Mask::parse(cur.peek());
    // The mask must be contiguous and the address a network of it.
    if (!m || (a->value & ~m->value)) return cur.fail();
    cur.take();
    r.source = *a;
    r.mask = *m;
  }
  // A type comes before the interface: with two or more words left, the first is one.
  if (cur.words.size() - cur.i >= 2) {
    auto t = config::parse_icmp_type(cur.peek());
    if (!t) return cur.fail();
    cur.take();
    r.type = *t;
  }
  if (cur.done()) return cur.fail();
  r.nameif = std::string(cur.take());
  return cur.done() || cur.fail();
}

void icmp_cmd(Ctx& c) {
  Cursor cur(c.args.str("rest"), c.args.offset("rest"));
  Rule r;
  r.permit = c.args.str("action") == "permit";
  if (!parse_rule(cur, r)) {
    Args at;
    at.set("bad", "", cur.fail_at);
    c.session.invalid_input_at(c.out, at, "bad");
    return;
  }
  auto& rules = c.cfg.firewall.icmp;
  if (c.negated) {
    std::erase(rules, r);
    return;
  }
  if (!require_nameif(c, r.nameif)) return;
  if (std::find(rules.begin(), rules.end(), r) == rules.end()) rules.push_back(r);
}

}  // namespace

void register_icmp_access(CommandTree& t) {
  t.add({kConfig,
         "icmp {action:permit|deny} <rest:LINE>",
         {"Configure ICMP access", "Permit ICMP to the box|Deny ICMP to the box",
          "any | host A.B.C.D | A.B.C.D MASK, then [icmp-type] and the interface name"},
         icmp_cmd,
         true});
}

void render_icmp(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& r : cfg.firewall.icmp) w.line(config::Firewall::icmp_text(r));
}

}  // namespace rampart::cli
