#include "control/config/firewall.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "control/config/well_known.hpp"

namespace rampart::config {

namespace {

// The ASA 9.x defaults, as "show running-config timeout" prints them on a new box.
constexpr std::array<std::pair<std::string_view, uint32_t>, 20> kDefaults{{
    {"xlate", 3 * 3600},
    {"pat-xlate", 30},
    {"conn", 3600},
    {"half-closed", 600},
    {"udp", 120},
    {"sctp", 120},
    {"icmp", 2},
    {"sunrpc", 600},
    {"h323", 300},
    {"h225", 3600},
    {"mgcp", 300},
    {"mgcp-pat", 300},
    {"sip", 1800},
    {"sip_media", 120},
    {"sip-invite", 180},
    {"sip-disconnect", 120},
    {"sip-provisional-media", 120},
    {"uauth", 300},
    {"tcp-proxy-reassembly", 60},
    {"floating-conn", 0},
}};

}  // namespace

std::optional<uint32_t> default_timeout(std::string_view keyword) {
  for (const auto& [k, v] : kDefaults)
    if (k == keyword) return v;
  return std::nullopt;
}

uint32_t timeout_seconds(const Firewall& fw, std::string_view keyword) {
  if (auto it = fw.timeouts.find(std::string(keyword)); it != fw.timeouts.end()) return it->second;
  return default_timeout(keyword).value_or(0);
}

namespace {

// Renames one side of a NAT rule; false when the rule is bound to a name that goes away.
bool follow(std::string& nameif, const std::string& from, const std::string& to) {
  if (nameif != from) return true;
  nameif = to;
  return !to.empty();
}

}  // namespace

std::string Firewall::icmp_text(const IcmpRule& r) {
  std::string source = r.mask.value == 0             ? "any"
                       : r.mask.value == 0xffffffffu ? "host " + r.source.str()
                                                     : r.source.str() + " " + r.mask.str();
  return fmt::format("icmp {} {}{} {}", r.permit ? "permit" : "deny", source,
                     r.type ? " " + icmp_type_name(*r.type) : "", r.nameif);
}

const Firewall::IcmpRule* Firewall::icmp_match(const std::vector<IcmpRule>& rules, uint32_t source,
                                               int type) {
  for (const auto& r : rules)
    if ((source & r.mask.value) == r.source.value && (!r.type || *r.type == type)) return &r;
  return nullptr;
}

void rename_interface(Firewall& fw, const std::string& from, const std::string& to) {
  if (from.empty() || from == to) return;
  auto nat_stays = [&](auto& rule) {
    bool real = follow(rule.real_if, from, to);
    return follow(rule.mapped_if, from, to) && real;
  };
  std::erase_if(fw.twice_nat, [&](TwiceNat& r) { return !nat_stays(r); });
  std::erase_if(fw.after_auto, [&](TwiceNat& r) { return !nat_stays(r); });
  for (auto& [name, obj] : fw.network_objects)
    if (obj.nat && !nat_stays(*obj.nat)) obj.nat.reset();
  std::erase_if(fw.access_groups, [&](AccessGroup& g) {
    return g.direction != AccessGroup::Direction::Global && !follow(g.interface, from, to);
  });
  std::erase_if(fw.service_policies, [&](ServicePolicy& sp) {
    return !sp.interface.empty() && !follow(sp.interface, from, to);
  });
  std::erase_if(fw.icmp, [&](Firewall::IcmpRule& r) { return !follow(r.nameif, from, to); });
}

}  // namespace rampart::config
