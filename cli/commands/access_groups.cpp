// "access-group NAME in|out interface IF" and "access-group NAME global": which access-list
// filters which traffic. One access-list per interface and direction (a new one replaces the
// old, as on the ASA) and one global. The PIX 6.3 line has the same syntax.
#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

using Dir = config::AccessGroup::Direction;

bool same_binding(const config::AccessGroup& a, const config::AccessGroup& b) {
  return a.direction == b.direction && a.interface == b.interface;
}

void bind(Ctx& c, config::AccessGroup g) {
  auto& groups = c.cfg.firewall.access_groups;
  if (c.negated) {
    std::erase(groups, g);
    return;
  }
  if (!c.cfg.access_lists.contains(g.acl)) {
    error(c, fmt::format("access-list {} does not exist", g.acl));
    return;
  }
  if (!g.interface.empty() && !require_nameif(c, g.interface)) return;
  for (auto& old : groups)
    if (same_binding(old, g)) {
      old = std::move(g);
      return;
    }
  groups.push_back(std::move(g));
}

}  // namespace

void register_access_groups(CommandTree& t) {
  const std::vector<std::string_view> base{"Bind an access-list to an interface or globally",
                                           "Access list identifier"};
  auto with = [&](std::initializer_list<std::string_view> more) {
    auto v = base;
    v.insert(v.end(), more);
    return v;
  };
  t.add({kConfig, "access-group <acl:WORD> {dir:in|out} interface <ifname:WORD>",
         with({"Filter incoming traffic|Filter outgoing traffic",
               "Name of the interface to bind the access-list to", "Name of interface"}),
         [](Ctx& c) {
           bind(c, {c.args.str("acl"), c.args.str("dir") == "in" ? Dir::In : Dir::Out,
                    c.args.str("ifname")});
         },
         true});
  t.add({kConfig, "access-group <acl:WORD> global",
         with({"Apply the access-list to traffic on every interface (after interface lists)"}),
         [](Ctx& c) {
           bind(c, {c.args.str("acl"), Dir::Global, ""});
         },
         true});
}

void render_access_groups(const config::Config& cfg, ConfigWriter& w) {
  // Interface bindings first, then the global one, as the ASA prints them.
  for (const auto& g : cfg.firewall.access_groups)
    if (g.direction != Dir::Global)
      w.line(fmt::format("access-group {} {} interface {}", g.acl,
                         g.direction == Dir::In ? "in" : "out", g.interface));
  for (const auto& g : cfg.firewall.access_groups)
    if (g.direction == Dir::Global) w.line(fmt::format("access-group {} global", g.acl));
}

}  // namespace rampart::cli
