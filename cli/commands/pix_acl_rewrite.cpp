// The ASA 8.3 migration's "real IP addresses in access lists": before 8.3 an inbound ACE named
// the address the outside sees (a static's mapped address); from 8.3 on it names the real
// address, because the access check runs after NAT has untranslated the destination.
#include <set>

#include <fmt/format.h>

#include "cli/commands/pix_nat.hpp"

namespace rampart::cli::pix {

namespace {

// An ACE's destination as the notice shows it, with its port when it names one.
std::string destination_text(const config::AccessListEntry& e) {
  const auto& a = e.destination;
  std::string s = a.kind == config::AclAddress::Kind::Host
                      ? "host " + a.address.str()
                      : fmt::format("{} {}", a.address.str(), a.mask.str());
  if (e.destination_port.op == config::AclPort::Op::Eq)
    s += fmt::format(" eq {}", e.destination_port.lo);
  return s;
}

// The mapped address a static answers on: its own, or its interface's for "interface".
std::optional<config::Ipv4> mapped_address(const config::Config& cfg, const StaticMap& s) {
  if (!s.mapped_interface) return s.mapped;
  const config::Interface* itf = cfg.interface_by_nameif(s.mapped_if);
  if (!itf || !itf->address) return std::nullopt;
  return *itf->address;
}

// Rewrites e's destination if s maps it; returns whether it did.
bool rewrite(const config::Config& cfg, config::AccessListEntry& e, const StaticMap& s) {
  using K = config::AclAddress::Kind;
  auto mapped = mapped_address(cfg, s);
  if (!mapped) return false;
  auto& d = e.destination;
  if (s.protocol) {
    // A port static maps one address and port: only ACEs for that protocol and port move.
    if (e.protocol != *s.protocol || d.kind != K::Host || d.address != *mapped ||
        e.destination_port.op != config::AclPort::Op::Eq || e.destination_port.lo != s.mapped_port)
      return false;
    d.address = s.real;
    e.destination_port.lo = e.destination_port.hi = s.real_port;
    return true;
  }
  uint32_t net = mapped->value & s.mask.value;
  if (d.kind == K::Host && (d.address.value & s.mask.value) == net) {
    d.address.value = s.real.value | (d.address.value & ~s.mask.value);
    return true;
  }
  if (d.kind == K::Subnet && d.mask == s.mask && d.address.value == net) {
    d.address = s.real;
    return true;
  }
  return false;
}

}  // namespace

std::vector<std::string> rewrite_acls(config::Config& cfg, const std::vector<StaticMap>& statics) {
  std::vector<std::string> notices;
  std::set<std::pair<std::string, size_t>> done;  // an ACE moves once, whatever follows
  for (const auto& s : statics) {
    for (const auto& g : cfg.firewall.access_groups) {
      if (g.direction != config::AccessGroup::Direction::In || g.interface != s.mapped_if) continue;
      auto acl = cfg.access_lists.find(g.acl);
      if (acl == cfg.access_lists.end()) continue;
      auto& entries = acl->second.entries;
      for (size_t i = 0; i < entries.size(); ++i) {
        auto& e = entries[i];
        if (e.type != config::AccessListEntry::Type::Extended || done.contains({g.acl, i}))
          continue;
        std::string before = destination_text(e);
        if (!rewrite(cfg, e, s)) continue;
        done.insert({g.acl, i});
        notices.push_back(fmt::format(
            "PIX access-list converted to real addresses: access-list {} line {} destination "
            "{} -> {}",
            g.acl, i + 1, before, destination_text(e)));
      }
    }
  }
  return notices;
}

}  // namespace rampart::cli::pix
