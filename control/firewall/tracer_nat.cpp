#include "control/firewall/tracer_nat.hpp"

#include <algorithm>
#include <sstream>

#include <fmt/format.h>

namespace rampart::firewall {

bool in_set(const AddressSet& s, uint32_t address) {
  return std::any_of(s.begin(), s.end(),
                     [&](const AddressRange& r) { return r.lo <= address && address <= r.hi; });
}

bool in_ports(const PortSet& s, uint16_t port) {
  return s.empty() || std::any_of(s.begin(), s.end(),
                                  [&](const PortRange& r) { return r.lo <= port && port <= r.hi; });
}

bool has_ports(uint8_t protocol) {
  return protocol == 6 || protocol == 17;
}

const Interface* find_interface(const Policy& p, std::string_view nameif) {
  for (const Interface& i : p.interfaces)
    if (i.nameif == nameif) return &i;
  return nullptr;
}

bool policy_inspects(const Policy& p, std::string_view what) {
  return std::find(p.inspections.begin(), p.inspections.end(), what) != p.inspections.end();
}

namespace {

bool names(const std::string& rule_if, const std::string& nameif) {
  return rule_if == "any" || rule_if == nameif;
}

// The position of address in the set (its addresses counted in order), if it is there.
std::optional<uint64_t> index_in(const AddressSet& s, uint32_t address) {
  uint64_t base = 0;
  for (const AddressRange& r : s) {
    if (r.lo <= address && address <= r.hi) return base + (address - r.lo);
    base += uint64_t{r.hi} - r.lo + 1;
  }
  return std::nullopt;
}

uint32_t at_index(const AddressSet& s, uint64_t index) {
  uint32_t last = 0;
  for (const AddressRange& r : s) {
    uint64_t size = uint64_t{r.hi} - r.lo + 1;
    if (index < size) return r.lo + static_cast<uint32_t>(index);
    index -= size;
    last = r.hi;
  }
  return last;  // a smaller mapped set: the ASA refuses that static; keep the last address
}

// A static rule's one-to-one mapping from one side to the other.
uint32_t map_static(const AddressSet& from, const AddressSet& to, uint32_t address) {
  auto i = index_in(from, address);
  return i ? at_index(to, *i) : address;
}

bool service_fits(const NatRule& r, const Flow& f, uint16_t port) {
  if (!r.service_protocol) return true;
  return f.protocol == r.service_protocol && has_ports(f.protocol) && port == r.real_port;
}

bool twice_destination(const NatRule& r) {
  return r.mapped_destination && r.real_destination;
}

// Reverse direction: the packet comes in on the mapped side, to a mapped address.
bool reverse_matches(const NatRule& r, const Flow& f) {
  if (!r.is_static || !names(r.mapped_if, f.input)) return false;
  if (!in_set(r.mapped_source, f.destination)) return false;
  if (twice_destination(r) && !in_set(*r.real_destination, f.source)) return false;
  if (r.service_protocol && !(f.protocol == r.service_protocol && has_ports(f.protocol) &&
                              f.destination_port == r.mapped_port))
    return false;
  return true;
}

bool forward_matches(const NatRule& r, const Flow& f, const std::string& egress) {
  if (!names(r.real_if, f.input) || !names(r.mapped_if, egress)) return false;
  if (!in_set(r.real_source, f.source)) return false;
  if (twice_destination(r) && !in_set(*r.mapped_destination, f.destination)) return false;
  return service_fits(r, f, f.source_port);
}

// What the source becomes under a forward-matching rule leaving on egress.
uint32_t mapped_source(const NatRule& r, const Interface& egress, uint32_t source) {
  if (r.identity) return source;
  if (r.is_static) return map_static(r.real_source, r.mapped_source, source);
  if (r.mapped_source.empty()) return egress.address;  // interface PAT
  // A pool, or a PAT address: the first address (the first free one on an empty xlate table).
  return r.mapped_source.front().lo;
}

}  // namespace

bool nat_untranslate(const Policy& p, const Flow& f, Trace& t) {
  for (size_t i = 0; i < p.nat.size(); ++i) {
    const NatRule& r = p.nat[i];
    if (!reverse_matches(r, f)) continue;
    t.destination_rule = i;
    if (!r.identity) {
      t.out_destination = map_static(r.mapped_source, r.real_source, f.destination);
      if (r.service_protocol) t.out_destination_port = r.real_port;
      t.destination_translated =
          t.out_destination != f.destination || t.out_destination_port != f.destination_port;
    }
    if (twice_destination(r)) {
      // Seen from the mapped side, the rule's destination part maps the peer's source.
      t.source_rule = i;
      if (!r.identity) {
        t.out_source = map_static(*r.real_destination, *r.mapped_destination, f.source);
        t.source_translated = t.out_source != f.source;
      }
    }
    return true;
  }
  return false;
}

void nat_translate(const Policy& p, const Flow& f, const Interface* egress, const RouteFn& route,
                   Trace& t) {
  if (t.source_rule) return;
  for (size_t i = 0; i < p.nat.size(); ++i) {
    const NatRule& r = p.nat[i];
    const Interface* e = egress;
    if (twice_destination(r)) {
      // A twice rule with a destination decides both addresses; once another rule has
      // untranslated the destination it no longer sees the mapped destination it names.
      if (t.destination_rule) continue;
      uint32_t real = r.identity
                          ? f.destination
                          : map_static(*r.mapped_destination, *r.real_destination, f.destination);
      e = route(real);
    }
    if (!e || !forward_matches(r, f, e->nameif)) continue;
    t.source_rule = i;
    t.out_source = mapped_source(r, *e, f.source);
    if (r.service_protocol && !r.identity) t.out_source_port = r.mapped_port;
    if (twice_destination(r) && !r.identity) {
      t.destination_rule = i;
      t.out_destination = map_static(*r.mapped_destination, *r.real_destination, f.destination);
      t.destination_translated = t.out_destination != f.destination;
    }
    t.source_translated = t.out_source != f.source || t.out_source_port != f.source_port;
    return;
  }
}

bool is_pat_address(const Policy& p, const std::string& ingress, uint32_t address) {
  const Interface* in = find_interface(p, ingress);
  for (const NatRule& r : p.nat) {
    if (r.is_static || !names(r.mapped_if, ingress)) continue;
    if (r.interface_pat && in && in->address == address) return true;
    if (r.pat && in_set(r.mapped_source, address)) return true;
  }
  return false;
}

std::vector<std::string> nat_config(const NatRule& r) {
  // NatRule::text is "show nat"'s rest of line: "source static|dynamic REAL MAPPED ...".
  std::string text = r.text;
  if (text.rfind("source ", 0) == 0) text = text.substr(7);
  std::string ifs = fmt::format("({},{})", r.real_if, r.mapped_if);
  if (r.section != 2) {
    return {fmt::format("nat {}{} source {}", ifs, r.section == 3 ? " after-auto" : "", text)};
  }
  // Object NAT lives inside its object: "static|dynamic OBJECT MAPPED..." -> two lines.
  std::istringstream words(text);
  std::string type, object, rest;
  words >> type >> object;
  std::getline(words, rest);
  return {fmt::format("object network {}", object), fmt::format(" nat {} {}{}", ifs, type, rest)};
}

}  // namespace rampart::firewall
