// Objects and object-groups resolved into address and port sets, with the text "show
// access-list" prints for each leaf.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "control/firewall/policy_build.hpp"

namespace rampart::firewall::detail {

namespace {

// Nested groups deeper than this are a loop (the CLI refuses loops; a hand-edited startup
// configuration might still carry one).
constexpr int kMaxGroupDepth = 16;

struct Resolver {
  const config::Config& cfg;
  const Policy& policy;
  std::vector<std::string>& problems;

  NetItem object(const config::NetworkObject& o) const {
    using K = config::NetworkObject::Kind;
    switch (o.kind) {
      case K::Host:
        return {{{o.address.value, o.address.value}}, "host " + o.address.str()};
      case K::Subnet:
        return {{range_of(o.address.value, o.mask.value)}, o.address.str() + " " + o.mask.str()};
      case K::Range:
        return {normalise({{std::min(o.address.value, o.last.value),
                            std::max(o.address.value, o.last.value)}}),
                "range " + o.address.str() + " " + o.last.str()};
      case K::None:
        break;
    }
    return {{}, "object " + o.name};  // an object with no address matches nothing
  }

  void group(const std::string& name, int depth, std::vector<NetItem>& out) const {
    auto g = cfg.firewall.object_groups.find(name);
    if (g == cfg.firewall.object_groups.end() ||
        g->second.kind != config::ObjectGroup::Kind::Network) {
      problems.push_back(fmt::format("object-group {} is not a network object-group", name));
      return;
    }
    if (depth > kMaxGroupDepth) {
      problems.push_back(fmt::format("object-group {} nests too deep (a loop?)", name));
      return;
    }
    using M = config::ObjectGroupMember::Kind;
    for (const auto& m : g->second.members) {
      switch (m.kind) {
        case M::Host:
          out.push_back({{{m.address.value, m.address.value}}, "host " + m.address.str()});
          break;
        case M::Subnet:
          out.push_back(
              {{range_of(m.address.value, m.mask.value)}, m.address.str() + " " + m.mask.str()});
          break;
        case M::Object:
          if (auto o = cfg.firewall.network_objects.find(m.name);
              o != cfg.firewall.network_objects.end())
            out.push_back(object(o->second));
          else
            problems.push_back(fmt::format("object {} is not defined", m.name));
          break;
        case M::Group:
          group(m.name, depth + 1, out);
          break;
        default:
          break;
      }
    }
  }

  std::vector<NetItem> items(const config::AclAddress& a) const {
    using K = config::AclAddress::Kind;
    switch (a.kind) {
      case K::Any:
        return {{any_address(), "any"}};
      case K::Host:
        return {{{{a.address.value, a.address.value}}, "host " + a.address.str()}};
      case K::Subnet:
        return {{{range_of(a.address.value, a.mask.value)}, a.address.str() + " " + a.mask.str()}};
      case K::Object: {
        auto o = cfg.firewall.network_objects.find(a.name);
        if (o == cfg.firewall.network_objects.end()) {
          problems.push_back(fmt::format("object {} is not defined", a.name));
          return {};
        }
        return {object(o->second)};
      }
      case K::Group: {
        std::vector<NetItem> out;
        group(a.name, 0, out);
        return out;
      }
      case K::Interface: {
        const Interface* i = policy.interface(a.name);
        if (!i) {
          problems.push_back(fmt::format("interface {} has no address", a.name));
          return {};
        }
        return {{{{i->address, i->address}}, "interface " + a.name}};
      }
    }
    return {};
  }

  std::vector<SvcItem> protocol_items(std::string_view proto, const config::AclPort& src,
                                      const config::AclPort& dst, std::optional<int> icmp) const {
    std::vector<SvcItem> out;
    auto one = [&](std::string_view p) {
      SvcItem s;
      auto n = protocol_number(p);
      if (!n) {
        problems.push_back(fmt::format("protocol {} is not known", p));
        return;
      }
      s.protocol = *n;
      s.protocol_text = std::string(p);
      if (*n == 6 || *n == 17) {
        s.source_ports = port_set(src);
        s.destination_ports = port_set(dst);
        s.source_text = port_op_text(src, *n == 17);
        s.destination_text = port_op_text(dst, *n == 17);
      }
      if (*n == 1 && icmp) {
        s.icmp_type = *icmp;
        s.icmp_text = " " + icmp_type_text(*icmp);
      }
      out.push_back(std::move(s));
    };
    if (proto == "tcp-udp") {
      one("tcp");
      one("udp");
    } else {
      one(proto);
    }
    return out;
  }

  void service_group(const config::ObjectGroup& g, int depth, std::vector<SvcItem>& out) const {
    if (depth > kMaxGroupDepth) {
      problems.push_back(fmt::format("object-group {} nests too deep (a loop?)", g.name));
      return;
    }
    using M = config::ObjectGroupMember::Kind;
    for (const auto& m : g.members) {
      std::vector<SvcItem> add;
      switch (m.kind) {
        case M::Service:
          add = protocol_items(m.protocol, m.source, m.destination, std::nullopt);
          break;
        case M::Port:  // the legacy "object-group service N tcp|udp|tcp-udp" form
          add = protocol_items(g.service_protocol.value_or("tcp"), {}, m.destination, std::nullopt);
          break;
        case M::Protocol:
          add = protocol_items(m.name, {}, {}, std::nullopt);
          break;
        case M::Object:
          add = service(m.name, depth + 1);
          break;
        case M::Group:
          add = service(m.name, depth + 1);
          break;
        default:
          break;
      }
      out.insert(out.end(), add.begin(), add.end());
    }
  }

  std::vector<SvcItem> service(const std::string& name, int depth) const {
    if (auto o = cfg.firewall.service_objects.find(name); o != cfg.firewall.service_objects.end())
      return protocol_items(o->second.protocol, o->second.source, o->second.destination,
                            o->second.icmp_type);
    auto g = cfg.firewall.object_groups.find(name);
    if (g == cfg.firewall.object_groups.end() ||
        g->second.kind == config::ObjectGroup::Kind::Network) {
      problems.push_back(fmt::format("service {} is not defined", name));
      return {};
    }
    std::vector<SvcItem> out;
    service_group(g->second, depth, out);
    return out;
  }
};

}  // namespace

AddressRange range_of(uint32_t address, uint32_t mask) {
  return {address & mask, (address & mask) | ~mask};
}

AddressSet normalise(AddressSet s) {
  std::sort(s.begin(), s.end(), [](const auto& a, const auto& b) { return a.lo < b.lo; });
  AddressSet out;
  for (const auto& r : s) {
    if (!out.empty() && (out.back().hi == 0xffffffffu || r.lo <= out.back().hi + 1)) {
      out.back().hi = std::max(out.back().hi, r.hi);
      continue;
    }
    out.push_back(r);
  }
  return out;
}

uint64_t address_count(const AddressSet& s) {
  uint64_t n = 0;
  for (const auto& r : s) n += uint64_t{r.hi} - r.lo + 1;
  return n;
}

std::vector<NetItem> net_items(const config::Config& cfg, const config::AclAddress& a,
                               const Policy& p, std::vector<std::string>& problems) {
  return Resolver{cfg, p, problems}.items(a);
}

AddressSet named_addresses(const config::Config& cfg, const std::string& name,
                           std::vector<std::string>& problems) {
  if (name == "any") return any_address();
  Policy none;
  config::AclAddress a;
  a.kind = cfg.firewall.network_objects.contains(name) ? config::AclAddress::Kind::Object
                                                       : config::AclAddress::Kind::Group;
  a.name = name;
  AddressSet all;
  for (auto& item : Resolver{cfg, none, problems}.items(a))
    all.insert(all.end(), item.set.begin(), item.set.end());
  return normalise(std::move(all));
}

std::vector<SvcItem> service_items(const config::Config& cfg, const std::string& name,
                                   std::vector<std::string>& problems) {
  Policy none;
  return Resolver{cfg, none, problems}.service(name, 0);
}

std::optional<uint8_t> protocol_number(std::string_view p) {
  static constexpr std::pair<std::string_view, uint8_t> kNames[] = {
      {"ip", 0},   {"icmp", 1}, {"igmp", 2}, {"tcp", 6},   {"udp", 17},
      {"gre", 47}, {"esp", 50}, {"ah", 51},  {"ospf", 89}, {"pim", 103}};
  for (const auto& [n, v] : kNames)
    if (n == p) return v;
  unsigned v = 0;
  auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
  if (ec != std::errc() || ptr != p.data() + p.size() || v > 255) return std::nullopt;
  return static_cast<uint8_t>(v);
}

PortSet port_set(const config::AclPort& p) {
  using Op = config::AclPort::Op;
  switch (p.op) {
    case Op::None:
      return {};
    case Op::Eq:
      return {{p.lo, p.lo}};
    case Op::Range:
      return {{p.lo, p.hi}};
    case Op::Lt:  // "lt 0" matches nothing: an empty range, not the empty (any) set
      return p.lo == 0 ? PortSet{{1, 0}} : PortSet{{0, static_cast<uint16_t>(p.lo - 1)}};
    case Op::Gt:
      return p.lo == 65535 ? PortSet{{1, 0}} : PortSet{{static_cast<uint16_t>(p.lo + 1), 65535}};
    case Op::Neq: {
      PortSet s;
      if (p.lo > 0) s.push_back({0, static_cast<uint16_t>(p.lo - 1)});
      if (p.lo < 65535) s.push_back({static_cast<uint16_t>(p.lo + 1), 65535});
      return s;
    }
  }
  return {};
}

uint32_t text_hash(std::string_view text) {
  // FNV-1a: stable across builds and machines, which is all the printed hash needs.
  uint32_t h = 2166136261u;
  for (unsigned char c : text) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

}  // namespace rampart::firewall::detail
