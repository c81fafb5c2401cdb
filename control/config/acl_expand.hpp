// Access-lists with their objects and object-groups expanded into plain operands (any, host,
// subnet; one protocol and port operators), for the readers that only understand those: the
// IKE control plane's crypto ACLs (proxy identities, acquire selectors), mode-config's split
// tunnel lists and "show crypto ipsec sa". Reading an "object" operand as if it were "any"
// would silently protect (or expose) the wrong traffic, so every such reader goes through here.
#pragma once

#include <vector>

#include "control/config/model.hpp"

namespace rampart::config {

// What an address operand stands for, as Any, Host or Subnet operands. A range object becomes
// the fewest subnets that cover it exactly; a group is walked depth first, each nested group
// once (a loop cannot hang it); "interface IF" is the interface's address. A name that does
// not exist stands for no address at all (an empty result), never for "any".
std::vector<AclAddress> expand_address(const Config& cfg, const AclAddress& a);

// The entry's protocol and port operands: one (protocol, source port, destination port) per
// service its "object"/"object-group" protocol operand names (tcp-udp gives tcp and udp), or
// the entry's own when it has none.
struct ExpandedService {
  std::string protocol;
  AclPort source, destination;
  std::optional<std::string> icmp_type;
  bool operator==(const ExpandedService&) const = default;
};
std::vector<ExpandedService> expand_service(const Config& cfg, const AccessListEntry& e);

// The ACL as plain entries: each active entry becomes the product of its sources, destinations
// and services, in order. Remarks and inactive entries are dropped (they match nothing).
AccessList expand_acl(const Config& cfg, const AccessList& acl);

// The fewest prefixes covering first..last exactly (a range object as subnets).
std::vector<AclAddress> range_to_subnets(Ipv4 first, Ipv4 last);

}  // namespace rampart::config
