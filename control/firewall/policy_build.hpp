// Internal to build_policy: the resolution of objects and object-groups into address and port
// sets, shared by the ACL expansion (policy_acl.cpp) and NAT (policy_nat.cpp).
#pragma once

#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/config/well_known.hpp"
#include "control/firewall/policy.hpp"

namespace rampart::firewall::detail {

// An address set as one leaf of an operand: what "show access-list" prints for it.
struct NetItem {
  AddressSet set;
  std::string text;  // "any", "host 192.0.2.1", "192.0.2.0 255.255.255.0", "range A B"
};

// A protocol with its ports, as one leaf of a service operand.
struct SvcItem {
  uint8_t protocol = 0;
  std::string protocol_text = "ip";
  PortSet source_ports, destination_ports;
  std::string source_text, destination_text;  // " eq www", "" for any
  int icmp_type = -1;
  std::string icmp_text;  // " echo-reply"
};

AddressSet normalise(AddressSet s);
AddressRange range_of(uint32_t address, uint32_t mask);
uint64_t address_count(const AddressSet& s);

// The leaves of an address operand (an object-group gives one per member, nested groups
// flattened in order). Unknown names add a line to `problems` and give no leaves.
std::vector<NetItem> net_items(const config::Config& cfg, const config::AclAddress& a,
                               const Policy& p, std::vector<std::string>& problems);
// A network object or group by name, as one set ("any" is every address).
AddressSet named_addresses(const config::Config& cfg, const std::string& name,
                           std::vector<std::string>& problems);

std::optional<uint8_t> protocol_number(std::string_view p);
PortSet port_set(const config::AclPort& p);
// Names of ports and ICMP types: control/config/well_known's table.
inline std::string port_text(uint16_t port, bool udp) {
  return config::port_name(port, udp);
}
using config::port_op_text;
inline std::optional<int> icmp_type_number(std::string_view name) {
  return config::parse_icmp_type(name);
}
inline std::string icmp_type_text(int type) {
  return config::icmp_type_name(type);
}

// The leaves of a service operand: a service object, a service group (its members, nested
// groups flattened), or a protocol group.
std::vector<SvcItem> service_items(const config::Config& cfg, const std::string& name,
                                   std::vector<std::string>& problems);

uint32_t text_hash(std::string_view text);

// The ACLs: expands one access-list into Policy form.
Acl build_acl(const config::Config& cfg, const config::AccessList& list, const Policy& p,
              std::vector<std::string>& problems);

// NAT: the three sections in evaluation order.
std::vector<NatRule> build_nat(const config::Config& cfg, const Policy& p,
                               std::vector<std::string>& problems);

}  // namespace rampart::firewall::detail
