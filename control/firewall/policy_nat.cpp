// NAT in the ASA 8.3+ order: section 1 (twice NAT), section 2 (object NAT, sorted the ASA's
// way), section 3 (after-auto twice NAT).
#include <algorithm>

#include <fmt/format.h>

#include "control/firewall/policy_build.hpp"

namespace rampart::firewall::detail {

namespace {

struct NatBuilder {
  const config::Config& cfg;
  const Policy& policy;
  std::vector<std::string>& problems;

  AddressSet interface_address(const std::string& nameif, const std::string& what) const {
    if (const Interface* i = policy.interface(nameif)) return {{i->address, i->address}};
    problems.push_back(fmt::format("{}: interface {} has no address", what, nameif));
    return {};
  }

  // A service object of twice NAT: its protocol and destination port ("eq" only).
  void service(const std::string& name, uint8_t& protocol, uint16_t& port,
               const std::string& what) const {
    auto o = cfg.firewall.service_objects.find(name);
    if (o == cfg.firewall.service_objects.end()) {
      problems.push_back(fmt::format("{}: service object {} is not defined", what, name));
      return;
    }
    protocol = protocol_number(o->second.protocol).value_or(0);
    const auto& d = o->second.destination;
    if (d.op == config::AclPort::Op::Eq) port = d.lo;
    if (o->second.source.op == config::AclPort::Op::Eq && port == 0) port = o->second.source.lo;
  }

  static bool is_identity(const NatRule& r) {
    bool dest_same = !r.mapped_destination || r.mapped_destination == r.real_destination;
    return r.is_static && !r.interface_pat && r.mapped_source == r.real_source && dest_same &&
           r.real_port == r.mapped_port;
  }

  NatRule twice(const config::TwiceNat& t, int section, int line) const {
    std::string what = fmt::format("nat section {} line {}", section, line);
    NatRule r;
    r.section = section;
    r.line = line;
    r.real_if = t.real_if;
    r.mapped_if = t.mapped_if;
    r.is_static = t.source_type == config::TwiceNat::Type::Static;
    r.real_source = named_addresses(cfg, t.source_real, problems);
    if (t.source_mapped == "interface") {
      if (r.is_static) {
        r.mapped_source = interface_address(t.mapped_if, what);
      } else {
        r.interface_pat = r.pat = true;
      }
    } else {
      r.mapped_source = named_addresses(cfg, t.source_mapped, problems);
      r.pat = t.pat_pool || (!r.is_static && address_count(r.mapped_source) == 1);
      r.interface_pat = t.interface_fallback;
    }
    if (t.destination_mapped && t.destination_real) {
      r.mapped_destination = named_addresses(cfg, *t.destination_mapped, problems);
      r.real_destination = named_addresses(cfg, *t.destination_real, problems);
    }
    if (t.service_real && t.service_mapped) {
      service(*t.service_real, r.service_protocol, r.real_port, what);
      uint8_t mp = 0;
      service(*t.service_mapped, mp, r.mapped_port, what);
    }
    r.proxy_arp = !t.no_proxy_arp;
    r.route_lookup = t.route_lookup;
    r.identity = is_identity(r);
    r.text = fmt::format("{} {} {}{}", r.is_static ? "static" : "dynamic", t.source_real,
                         t.pat_pool ? "pat-pool " + t.source_mapped : t.source_mapped,
                         t.interface_fallback ? " interface" : "");
    if (t.destination_mapped && t.destination_real)
      r.text +=
          fmt::format(" destination static {} {}", *t.destination_mapped, *t.destination_real);
    if (t.service_real && t.service_mapped)
      r.text += fmt::format(" service {} {}", *t.service_real, *t.service_mapped);
    if (t.no_proxy_arp) r.text += " no-proxy-arp";
    if (t.route_lookup) r.text += " route-lookup";
    if (t.unidirectional) r.text += " unidirectional";
    if (t.description) r.text += " description " + *t.description;
    return r;
  }

  NatRule object(const config::NetworkObject& o) const {
    const config::ObjectNat& n = *o.nat;
    std::string what = fmt::format("object network {} nat", o.name);
    NatRule r;
    r.section = 2;
    r.real_if = n.real_if;
    r.mapped_if = n.mapped_if;
    r.is_static = n.type == config::ObjectNat::Type::Static;
    r.real_source = named_addresses(cfg, o.name, problems);
    std::string mapped_text;
    using M = config::ObjectNat::Mapped;
    switch (n.mapped_kind) {
      case M::Interface:
        mapped_text = "interface";
        if (r.is_static)
          r.mapped_source = interface_address(n.mapped_if, what);
        else
          r.interface_pat = r.pat = true;
        break;
      case M::Object:
        mapped_text = n.mapped;
        r.mapped_source = named_addresses(cfg, n.mapped, problems);
        r.pat = !r.is_static && address_count(r.mapped_source) == 1;
        break;
      case M::Address:
        mapped_text = n.mapped;
        if (auto a = config::Ipv4::parse(n.mapped))
          r.mapped_source = {{a->value, a->value}};
        else
          problems.push_back(fmt::format("{}: {} is not an address", what, n.mapped));
        break;
      case M::PatPool:
        mapped_text = "pat-pool " + n.mapped;
        r.mapped_source = named_addresses(cfg, n.mapped, problems);
        r.pat = true;
        break;
    }
    if (n.interface_fallback) {
      r.interface_pat = true;
      mapped_text += " interface";
    }
    if (n.service_protocol) {
      r.service_protocol = protocol_number(*n.service_protocol).value_or(0);
      r.real_port = n.real_port;
      r.mapped_port = n.mapped_port;
    }
    r.proxy_arp = !n.no_proxy_arp;
    r.route_lookup = n.route_lookup;
    r.identity = is_identity(r);
    r.text = fmt::format("{} {} {}", r.is_static ? "static" : "dynamic", o.name, mapped_text);
    if (n.service_protocol)
      r.text += fmt::format(" service {} {} {}", *n.service_protocol,
                            port_text(n.real_port, *n.service_protocol == "udp"),
                            port_text(n.mapped_port, *n.service_protocol == "udp"));
    if (n.dns) r.text += " dns";
    if (n.no_proxy_arp) r.text += " no-proxy-arp";
    if (n.route_lookup) r.text += " route-lookup";
    return r;
  }
};

// Section 2's order: static before dynamic, then fewest real addresses, then the lowest real
// address, then the object's name (ASA configuration guide, "NAT Rule Order").
void sort_section2(std::vector<std::pair<std::string, NatRule>>& rules) {
  std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) {
    const NatRule& x = a.second;
    const NatRule& y = b.second;
    if (x.is_static != y.is_static) return x.is_static;
    uint64_t nx = address_count(x.real_source), ny = address_count(y.real_source);
    if (nx != ny) return nx < ny;
    uint32_t lx = x.real_source.empty() ? 0 : x.real_source.front().lo;
    uint32_t ly = y.real_source.empty() ? 0 : y.real_source.front().lo;
    if (lx != ly) return lx < ly;
    return a.first < b.first;
  });
}

}  // namespace

std::vector<NatRule> build_nat(const config::Config& cfg, const Policy& p,
                               std::vector<std::string>& problems) {
  NatBuilder b{cfg, p, problems};
  std::vector<NatRule> out;
  // Inactive rules keep their line number (show nat numbers configured lines) but do not match.
  for (size_t i = 0; i < cfg.firewall.twice_nat.size(); ++i)
    if (!cfg.firewall.twice_nat[i].inactive)
      out.push_back(b.twice(cfg.firewall.twice_nat[i], 1, static_cast<int>(i + 1)));
  std::vector<std::pair<std::string, NatRule>> objects;
  for (const auto& [name, o] : cfg.firewall.network_objects)
    if (o.nat) objects.push_back({name, b.object(o)});
  sort_section2(objects);
  int line = 0;
  for (auto& [name, r] : objects) {
    r.line = ++line;
    out.push_back(std::move(r));
  }
  for (size_t i = 0; i < cfg.firewall.after_auto.size(); ++i)
    if (!cfg.firewall.after_auto[i].inactive)
      out.push_back(b.twice(cfg.firewall.after_auto[i], 3, static_cast<int>(i + 1)));
  return out;
}

}  // namespace rampart::firewall::detail
