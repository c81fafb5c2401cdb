// ip local pool: address pools for remote-access clients, and show ip local pool.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "control/ike/engine.hpp"

namespace rampart::cli {

namespace {

// Limit per pool, as the ASA's: a pool is a list of hosts, not a routing object.
constexpr uint32_t kMaxPoolSize = 65536;

void pool_cmd(Ctx& c) {
  const std::string& name = c.args.str("name");
  if (c.negated) {
    c.cfg.pools.erase(name);
    return;
  }
  const std::string& range = c.args.str("range");
  auto dash = range.find('-');
  auto first = config::Ipv4::parse(range.substr(0, dash));
  auto last = dash == std::string::npos ? first : config::Ipv4::parse(range.substr(dash + 1));
  if (!first || !last) {
    c.session.invalid_input_at(c.out, c.args, "range");
    return;
  }
  if (last->value < first->value) {
    error(c, "The first address of the range must not be higher than the last");
    return;
  }
  if (last->value - first->value >= kMaxPoolSize) {
    error(c, fmt::format("A pool may hold at most {} addresses", kMaxPoolSize));
    return;
  }
  std::optional<config::Mask> mask;
  if (c.args.has("mask")) {
    mask = config::Mask::parse(c.args.str("mask"));
    if (!mask) {
      c.session.invalid_input_at(c.out, c.args, "mask");
      return;
    }
  }
  for (const auto& [other, p] : c.cfg.pools) {
    if (other != name && first->value <= p.last.value && p.first.value <= last->value) {
      error(c, fmt::format("Range overlaps with pool {}", other));
      return;
    }
  }
  c.cfg.pools[name] = config::LocalPool{name, *first, *last, mask};
}

}  // namespace

// The "show ip local pool" table. held/in_use: addresses handed out (IKE fills these in).
std::string format_pool(const config::LocalPool& p, const std::vector<config::Ipv4>& in_use) {
  uint32_t size = p.last.value - p.first.value + 1;
  std::string mask = p.mask ? p.mask->str() : "255.255.255.255";
  std::string out = "Begin           End             Mask            Free     Held     In use\n";
  out += fmt::format("{:<16}{:<16}{:<16}{:>4}{:>9}{:>9}\n", p.first.str(), p.last.str(), mask,
                     size - in_use.size(), 0, in_use.size());
  out += "\nAvailable Addresses:\n";
  for (uint32_t a = p.first.value; a <= p.last.value; ++a) {
    if (std::find(in_use.begin(), in_use.end(), config::Ipv4{a}) == in_use.end())
      out += config::Ipv4{a}.str() + "\n";
    if (a == 0xffffffffu) break;
  }
  if (!in_use.empty()) {
    out += "\nIn Use Addresses:\n";
    for (const auto& a : in_use) out += a.str() + "\n";
  }
  return out;
}

void register_pools(CommandTree& t) {
  t.add({kConfig,
         "ip local pool <name:WORD> <range:WORD> [mask <mask:A.B.C.D>]",
         {"Configure IP parameters", "Configure a local address pool", "Local address pool",
          "Pool name", "First-last address range, e.g. 203.0.113.10-203.0.113.20",
          "Configure the pool's subnet mask", "Subnet mask"},
         pool_cmd,
         true});
  t.add({kConfig,
         "no ip local pool <name:WORD>",
         {"Configure IP parameters", "Configure a local address pool", "Local address pool",
          "Pool name"},
         pool_cmd});
  t.add({kPrivAndConfig,
         "show ip local pool <name:WORD>",
         {kHelpShow, "Show IP configuration", "Show local address pools", "Show IP address pools",
          "Pool name"},
         [](Ctx& c) {
           auto it = c.cfg.pools.find(c.args.str("name"));
           if (it == c.cfg.pools.end()) {
             error(c, fmt::format("Pool {} not found", c.args.str("name")));
             return;
           }
           const ike::Engine* e = c.session.appliance().ike();
           c.out += format_pool(it->second,
                                e ? e->pools().in_use(it->second) : std::vector<config::Ipv4>{});
         }});
}

void render_pools(const config::Config& cfg, ConfigWriter& w) {
  for (const auto& [name, p] : cfg.pools) {
    std::string l = fmt::format("ip local pool {} {}-{}", name, p.first.str(), p.last.str());
    if (p.mask) l += " mask " + p.mask->str();
    w.line(l);
  }
}

}  // namespace rampart::cli
