// The firewall half of the configuration model (issue 12): objects and object-groups, the
// access-list operands that name them, access-groups, NAT in its ASA 8.3+ forms (object NAT
// inside "object network", twice NAT as "nat (real,mapped) source ..."), timeouts,
// same-security-traffic and the Modular Policy Framework's inspections. PIX 6.3 forms (nat,
// global, static, fixup, access-group) are converted by the CLI into these on load, as the
// ASA's 8.3 upgrade does; nothing here remembers the PIX spelling.
//
// Values only, as in model.hpp: the normalised policy that the nftables compiler and
// packet-tracer read is built from this by control/firewall/policy.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/config/types.hpp"

namespace rampart::config {

// A port operand: eq/lt/gt/neq/range, or none (any port).
struct AclPort {
  enum class Op { None, Eq, Lt, Gt, Neq, Range } op = Op::None;
  uint16_t lo = 0, hi = 0;
  bool operator==(const AclPort&) const = default;
};

// ---- objects ------------------------------------------------------------------------------

// "object network NAME" with its one address ("host A", "subnet A M", "range A B"), and the
// object NAT line an ASA keeps inside it ("nat (inside,outside) dynamic interface").
struct ObjectNat {
  std::string real_if = "any", mapped_if = "any";  // nameifs, or "any"
  enum class Type { Static, Dynamic } type = Type::Dynamic;
  // What the real address becomes: the egress interface's address (PAT), a network object or
  // group (a pool; a single host is PAT), an inline address (static only), a PAT pool object.
  enum class Mapped { Interface, Object, Address, PatPool } mapped_kind = Mapped::Interface;
  std::string mapped;               // object/group name, or the dotted address for Address
  bool interface_fallback = false;  // "dynamic POOL interface": PAT on the interface when full
  // "static ... service tcp|udp REAL_PORT MAPPED_PORT": a port forward.
  std::optional<std::string> service_protocol;
  uint16_t real_port = 0, mapped_port = 0;
  bool net_to_net = false;  // "net-to-net": NAT46/64 only; kept so the line round-trips
  bool no_proxy_arp = false;
  bool route_lookup = false;
  bool dns = false;
  bool operator==(const ObjectNat&) const = default;
};

struct NetworkObject {
  std::string name;
  enum class Kind { None, Host, Subnet, Range } kind = Kind::None;
  Ipv4 address;  // Host, Subnet, first of Range
  Mask mask;     // Subnet
  Ipv4 last;     // Range
  std::optional<std::string> description;
  std::optional<ObjectNat> nat;
  bool operator==(const NetworkObject&) const = default;
};

// "object service NAME" + "service tcp|udp|icmp|ip|N [source OP P] [destination OP P]".
struct ServiceObject {
  std::string name;
  std::string protocol = "ip";  // ip, tcp, udp, tcp-udp, icmp, or a number
  AclPort source, destination;
  std::optional<int> icmp_type;  // "service icmp echo"
  std::optional<std::string> description;
  bool operator==(const ServiceObject&) const = default;
};

// "object-group network|service|protocol|icmp-type NAME [tcp|udp|tcp-udp]" and its members.
struct ObjectGroupMember {
  enum class Kind {
    Host,      // network-object host A
    Subnet,    // network-object A M
    Object,    // network-object object N / service-object object N
    Group,     // group-object N
    Port,      // port-object eq P | range A B (service groups with a protocol)
    Service,   // service-object tcp|udp|... [source OP] [destination OP]
    Protocol,  // protocol-object tcp
    IcmpType,  // icmp-object echo-reply
  } kind = Kind::Host;
  Ipv4 address;
  Mask mask;
  std::string name;             // object/group name, protocol, or the ICMP type's name
  std::string protocol;         // Service members
  AclPort source, destination;  // Service members; Port members use destination
  bool operator==(const ObjectGroupMember&) const = default;
};

struct ObjectGroup {
  std::string name;
  enum class Kind { Network, Service, Protocol, IcmpType } kind = Kind::Network;
  std::optional<std::string> service_protocol;  // the legacy "object-group service N tcp" form
  std::optional<std::string> description;
  std::vector<ObjectGroupMember> members;
  bool operator==(const ObjectGroup&) const = default;
};

// ---- binding access-lists -----------------------------------------------------------------

// "access-group NAME in|out interface IF" or "access-group NAME global".
struct AccessGroup {
  std::string acl;
  enum class Direction { In, Out, Global } direction = Direction::In;
  std::string interface;  // nameif; empty for Global
  bool operator==(const AccessGroup&) const = default;
};

// ---- twice NAT ----------------------------------------------------------------------------

// "nat [(real,mapped)] [after-auto] [N] source static|dynamic REAL MAPPED
//  [destination static MAPPED_DEST REAL_DEST] [service REAL_SVC MAPPED_SVC] [options]".
// Operands are object or object-group names, "any", or "interface" (mapped source only).
// Rules before "after-auto" form section 1 and come before object NAT; after-auto rules are
// section 3. Each vector keeps the ASA's line order.
struct TwiceNat {
  std::string real_if = "any", mapped_if = "any";
  enum class Type { Static, Dynamic } source_type = Type::Static;
  std::string source_real, source_mapped;
  bool pat_pool = false;  // "dynamic REAL pat-pool POOL"
  bool interface_fallback = false;
  std::optional<std::string> destination_mapped, destination_real;
  std::optional<std::string> service_real, service_mapped;  // service objects
  bool net_to_net = false;
  bool dns = false;
  bool no_proxy_arp = false;
  bool route_lookup = false;
  bool unidirectional = false;
  bool inactive = false;
  std::optional<std::string> description;
  bool operator==(const TwiceNat&) const = default;
};

// ---- Modular Policy Framework (inspections) ---------------------------------------------

struct ClassMap {
  std::string name;
  // "match default-inspection-traffic" | "match any" | "match access-list N" |
  // "match port tcp|udp eq P": the words after "match".
  std::optional<std::string> match;
  std::optional<std::string> description;
  bool operator==(const ClassMap&) const = default;
};

struct PolicyMapClass {
  std::string class_map;
  std::vector<std::string> inspects;  // "ftp", "h323 h225", "dns preset_dns_map", ... in order
  bool operator==(const PolicyMapClass&) const = default;
};

struct PolicyMap {
  std::string name;
  // "policy-map type inspect dns NAME": kept with its parameter lines as typed.
  std::optional<std::string> inspect_type;
  std::vector<std::string> parameters;
  std::vector<PolicyMapClass> classes;
  bool operator==(const PolicyMap&) const = default;
};

struct ServicePolicy {
  std::string policy_map;
  std::string interface;  // nameif; empty for "global"
  bool operator==(const ServicePolicy&) const = default;
};

// ---- the firewall section of a configuration -------------------------------------------

struct Firewall {
  std::map<std::string, NetworkObject> network_objects;
  std::map<std::string, ServiceObject> service_objects;
  std::vector<std::string> object_order;  // the ASA prints objects in creation order
  std::map<std::string, ObjectGroup> object_groups;
  std::vector<std::string> object_group_order;
  std::vector<AccessGroup> access_groups;
  std::vector<TwiceNat> twice_nat;   // section 1, in line order
  std::vector<TwiceNat> after_auto;  // section 3, in line order
  bool same_security_inter = false;  // same-security-traffic permit inter-interface
  bool same_security_intra = false;  // same-security-traffic permit intra-interface
  // "timeout KEYWORD h:mm:ss": seconds by the ASA's keyword (conn, half-closed, udp, icmp,
  // xlate, sunrpc, h323, h225, mgcp, sip, sip_media, uauth, ...). Only keywords set away from
  // their default are stored; timeout_seconds() gives the effective value.
  std::map<std::string, uint32_t> timeouts;
  bool uauth_absolute = true;  // "uauth ... absolute" (the ASA's default) or inactivity
  // "icmp permit|deny SOURCE [TYPE] IF": ICMP to the box's own address on IF, first match in
  // order; on an interface with any rule, ICMP that no rule permits is dropped (none: all is
  // answered). Stateless, as the ASA's: the box's own pings need echo-reply permitted.
  struct IcmpRule {
    bool permit = true;
    Ipv4 source;  // any: 0.0.0.0/0, host: /32
    Mask mask;
    std::optional<int> type;
    std::string nameif;
    bool operator==(const IcmpRule&) const = default;
  };
  std::vector<IcmpRule> icmp;
  // The rule as the running-config prints it: "icmp permit host 192.0.2.5 echo outside".
  static std::string icmp_text(const IcmpRule& r);
  // Of one interface's rules, the first that takes an ICMP message of type from source; null
  // when none does (then the interface drops it).
  static const IcmpRule* icmp_match(const std::vector<IcmpRule>& rules, uint32_t source, int type);
  std::map<std::string, ClassMap> class_maps;
  std::vector<std::string> class_map_order;
  std::map<std::string, PolicyMap> policy_maps;
  std::vector<std::string> policy_map_order;
  std::vector<ServicePolicy> service_policies;
  bool operator==(const Firewall&) const = default;
};

// The ASA's default for a timeout keyword, in seconds (conn 1:00:00, half-closed 0:10:00,
// udp 0:02:00, icmp 0:00:02, xlate 3:00:00, ...); nullopt for an unknown keyword.
std::optional<uint32_t> default_timeout(std::string_view keyword);
uint32_t timeout_seconds(const Firewall& fw, std::string_view keyword);

// A nameif changed from `from` to `to`: NAT rules, access-groups, service-policies and icmp rules
// follow it; with `to` empty ("no nameif") the ones bound to the old name are removed, as the
// ASA does.
void rename_interface(Firewall& fw, const std::string& from, const std::string& to);

}  // namespace rampart::config
