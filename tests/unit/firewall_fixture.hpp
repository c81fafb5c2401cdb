// A small firewall configuration built in code (the CLI forms of objects and NAT are other
// slices' work): three interfaces, objects, groups, an ACL, object and twice NAT.
#pragma once

#include "control/config/model.hpp"
#include "control/firewall/policy.hpp"

namespace rampart::test {

inline config::Ipv4 ip4(const char* s) {
  return *config::Ipv4::parse(s);
}
inline config::Mask mask4(const char* s) {
  return *config::Mask::parse(s);
}

inline void add_interface(config::Config& c, const char* hw, const char* nameif,
                          std::optional<int> level, const char* address) {
  config::Interface i;
  i.hw_name = hw;
  i.nameif = nameif;
  i.security_level = level;
  i.address = ip4(address);
  i.mask = mask4("255.255.255.0");
  c.interfaces[hw] = i;
}

inline config::NetworkObject& add_object(config::Config& c, const char* name,
                                         config::NetworkObject::Kind kind, const char* a,
                                         const char* b = "255.255.255.255") {
  config::NetworkObject o;
  o.name = name;
  o.kind = kind;
  o.address = ip4(a);
  if (kind == config::NetworkObject::Kind::Subnet) o.mask = mask4(b);
  if (kind == config::NetworkObject::Kind::Range) o.last = ip4(b);
  c.firewall.object_order.push_back(name);
  return c.firewall.network_objects[name] = o;
}

inline config::AccessListEntry ace(bool permit, const char* proto, config::AclAddress src,
                                   config::AclAddress dst, config::AclPort dport = {}) {
  config::AccessListEntry e;
  e.permit = permit;
  e.protocol = proto;
  e.source = src;
  e.destination = dst;
  e.destination_port = dport;
  return e;
}

inline config::AclAddress any_a() {
  return {};
}
inline config::AclAddress host_a(const char* a) {
  return {config::AclAddress::Kind::Host, ip4(a), mask4("255.255.255.255"), ""};
}
inline config::AclAddress object_a(const char* n) {
  return {config::AclAddress::Kind::Object, {}, {}, n};
}
inline config::AclAddress group_a(const char* n) {
  return {config::AclAddress::Kind::Group, {}, {}, n};
}
inline config::AclPort eq(uint16_t p) {
  return {config::AclPort::Op::Eq, p, p};
}

inline std::string device_of(const std::string& hw) {
  return "eth" + hw.substr(hw.rfind('/') + 1);
}

// outside (eth0, level 0 by default), inside (eth1, 100 by default), dmz (eth2, 50).
inline config::Config small_firewall() {
  using K = config::NetworkObject::Kind;
  config::Config c;
  add_interface(c, "GigabitEthernet0/0", "outside", std::nullopt, "203.0.113.1");
  add_interface(c, "GigabitEthernet0/1", "inside", std::nullopt, "192.0.2.1");
  add_interface(c, "GigabitEthernet0/2", "dmz", 50, "198.51.100.1");
  auto& web = add_object(c, "WEB", K::Host, "198.51.100.10");
  config::ObjectNat web_nat;
  web_nat.real_if = "dmz";
  web_nat.mapped_if = "outside";
  web_nat.type = config::ObjectNat::Type::Static;
  web_nat.mapped_kind = config::ObjectNat::Mapped::Address;
  web_nat.mapped = "203.0.113.10";
  web.nat = web_nat;
  auto& lan = add_object(c, "LAN", K::Subnet, "192.0.2.0", "255.255.255.0");
  config::ObjectNat pat;
  pat.real_if = "inside";
  pat.mapped_if = "outside";
  lan.nat = pat;
  add_object(c, "MAIL", K::Host, "198.51.100.25");
  add_object(c, "VPN-POOL", K::Range, "192.0.2.200", "192.0.2.209");
  config::ObjectGroup servers;
  servers.name = "SERVERS";
  servers.members.push_back({config::ObjectGroupMember::Kind::Object, {}, {}, "WEB", "", {}, {}});
  servers.members.push_back(
      {config::ObjectGroupMember::Kind::Host, ip4("198.51.100.11"), {}, "", "", {}, {}});
  config::ObjectGroup outer;
  outer.name = "DMZ-HOSTS";
  outer.members.push_back({config::ObjectGroupMember::Kind::Group, {}, {}, "SERVERS", "", {}, {}});
  outer.members.push_back({config::ObjectGroupMember::Kind::Object, {}, {}, "MAIL", "", {}, {}});
  c.firewall.object_groups["SERVERS"] = servers;
  c.firewall.object_groups["DMZ-HOSTS"] = outer;
  config::AccessList acl;
  acl.name = "outside_in";
  acl.entries.push_back(ace(true, "tcp", any_a(), object_a("WEB"), eq(80)));
  config::AccessListEntry remark;
  remark.type = config::AccessListEntry::Type::Remark;
  remark.remark = "servers";
  acl.entries.push_back(remark);
  auto logged = ace(true, "tcp", any_a(), group_a("DMZ-HOSTS"), eq(443));
  logged.log_level = 6;
  acl.entries.push_back(logged);
  acl.entries.push_back(ace(false, "ip", any_a(), any_a()));
  c.access_lists["outside_in"] = acl;
  c.access_list_order.push_back("outside_in");
  c.firewall.access_groups.push_back({"outside_in", config::AccessGroup::Direction::In, "outside"});
  return c;
}

}  // namespace rampart::test
