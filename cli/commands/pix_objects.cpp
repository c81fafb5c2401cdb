#include <charconv>

#include "cli/commands/common.hpp"
#include "cli/commands/nat_syntax.hpp"
#include "cli/commands/pix_nat_parts.hpp"

namespace rampart::cli::pix {

Carry& carry(Ctx& c) {
  auto* k = dynamic_cast<Carry*>(c.session.pix_carry.get());
  if (!k) {
    c.session.pix_carry = std::make_unique<Carry>();
    k = static_cast<Carry*>(c.session.pix_carry.get());
  }
  return *k;
}

void marker(Ctx& c, size_t offset) {
  Args at;
  at.set("at", "", offset);
  c.session.invalid_input_at(c.out, at, "at");
}

std::optional<uint32_t> number(std::string_view s) {
  uint32_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// PIX accepts "0" for 0.0.0.0 ("nat (inside) 1 0 0").
std::optional<Ipv4> pix_ip(std::string_view s) {
  if (s == "0") return Ipv4{0};
  return Ipv4::parse(s);
}

std::optional<Mask> pix_mask(std::string_view s) {
  if (s == "0") return Mask{0};
  return Mask::parse(s);
}

// "(IF)" -> IF.
std::optional<std::string> one_interface(std::string_view w) {
  if (w.size() < 3 || w.front() != '(' || w.back() != ')' || w.find(',') != w.npos)
    return std::nullopt;
  return std::string(w.substr(1, w.size() - 2));
}

std::string joined(const std::vector<Word>& words, std::string_view head) {
  std::string s(head);
  for (const auto& w : words) s += " " + std::string(w.text);
  return s;
}

// ---- objects as the migration names and creates them ------------------------------------

namespace {

std::string definition(const Addr& a) {
  switch (a.kind) {
    case Addr::Kind::Range:
      return fmt::format("range {} {}", a.a.str(), a.last.str());
    case Addr::Kind::Subnet:
      return fmt::format("subnet {} {}", a.a.str(), a.mask.str());
    default:
      return "host " + a.a.str();
  }
}
bool same(const config::NetworkObject& o, const Addr& a) {
  using K = config::NetworkObject::Kind;
  switch (a.kind) {
    case Addr::Kind::Range:
      return o.kind == K::Range && o.address == a.a && o.last == a.last;
    case Addr::Kind::Subnet:
      return o.kind == K::Subnet && o.address == a.a && o.mask == a.mask;
    default:
      return o.kind == K::Host && o.address == a.a;
  }
}
std::string base(const Addr& a) {
  if (a.kind == Addr::Kind::Range) return object_name(a.a, std::nullopt, a.last);
  if (a.kind == Addr::Kind::Subnet) return object_name(a.a, a.mask);
  return object_name(a.a, std::nullopt);
}
}  // namespace

std::string ObjectPlan::object(const Addr& a, bool for_nat) {
  std::string b = base(a);
  for (int n = 0; n < 100; ++n) {
    std::string name = n == 0 ? b : fmt::format("{}-{:02}", b, n);
    auto it = fw.network_objects.find(name);
    if (planned.contains(name)) {
      if (for_nat) continue;
      return name;
    }
    if (it == fw.network_objects.end()) {
      lines.push_back("object network " + name);
      lines.push_back(definition(a));
      planned.insert(name);
      return name;
    }
    if (!same(it->second, a) || (for_nat && it->second.nat)) continue;
    if (for_nat) {
      lines.push_back("object network " + name);
      planned.insert(name);
    }
    return name;
  }
  return b;  // the real line then fails with the ASA's error, never silently
}

// Interfaces of lower security than ifc: where the PIX applied nat 0 and exemptions.
std::vector<std::string> lower_interfaces(const config::Config& cfg, const std::string& ifc) {
  std::vector<std::string> out;
  const config::Interface* from = cfg.interface_by_nameif(ifc);
  int level = from && from->security_level ? *from->security_level : 100;
  for (const auto& [hw, itf] : cfg.interfaces)
    if (itf.nameif && *itf.nameif != ifc && itf.security_level.value_or(0) < level)
      out.push_back(*itf.nameif);
  return out;
}

// An ACE's address as a twice NAT operand: "any", an object the migration names, or the
// object or group the ACE already names.
std::string acl_operand(ObjectPlan& plan, const config::AclAddress& a) {
  using K = config::AclAddress::Kind;
  switch (a.kind) {
    case K::Host:
      return plan.object({Addr::Kind::Host, a.address, {}, Mask{0xffffffffu}}, false);
    case K::Subnet:
      if (a.mask.value == 0) return "any";
      return plan.object({Addr::Kind::Subnet, a.address, {}, a.mask}, false);
    case K::Object:
    case K::Group:
      return a.name;
    default:
      return "any";
  }
}

// Whether an ACE of a policy NAT or exemption access-list becomes a rule: permits that are
// active. Ports are not carried (the migration makes service objects of them; we do not), so
// such an ACE is converted for all ports, with a warning.
bool translated_ace(Ctx& c, const config::AccessListEntry& e, const std::string& acl) {
  if (e.type != config::AccessListEntry::Type::Extended || !e.permit || e.inactive) return false;
  if (e.source_port.op != config::AclPort::Op::None ||
      e.destination_port.op != config::AclPort::Op::None || e.service)
    warning(c, fmt::format("line {}: access-list {}: ports are not converted; the rule applies "
                           "to all ports",
                           c.session.line_number(), acl));
  return true;
}

std::string object_name(Ipv4 a, std::optional<Mask> mask, std::optional<Ipv4> last) {
  if (last) return fmt::format("obj-{}-{}", a.str(), last->str());
  if (mask && mask->value == 0 && a.value == 0) return "obj_any";
  return "obj-" + a.str();
}

}  // namespace rampart::cli::pix
