// The firewall policy, normalised: what the configuration means once objects, object-groups,
// security levels, access-groups, the three NAT sections and inspections are resolved. Two
// readers share it, so that they cannot disagree about the configuration: the nftables
// compiler (nft_ruleset.hpp: what the kernel enforces) and packet-tracer (tracer.hpp: what we
// say it enforces). A differential test holds the two against each other on real traffic.
//
// The semantics both readers implement, for the first packet of a connection that arrives on
// interface I and is routed to interface E (addresses as they are after destination NAT, i.e.
// real addresses, as ASA 8.3+ ACLs use them):
//  1. I == E (hairpin, "intra-interface") is dropped unless same_security_intra.
//  2. Decrypted VPN traffic (it arrives on I's VPN device): the client's vpn-filter, when its
//     group-policy has one, must permit it (ACL written with the client as source). With
//     permit_vpn the interface ACLs and security levels of step 3 are bypassed.
//  3. The inbound ACL of I decides when there is one (first matching ACE; no match falls to the
//     global ACL, then to the implicit deny). Without one, the global ACL decides when there is
//     one; without either, security levels: level(I) > level(E) is permitted; equal levels only
//     with same_security_inter (I != E) or same_security_intra (I == E); lower to higher is
//     denied. Equal levels need same-security-traffic even when an ACL permits.
//  4. The outbound ACL of E, when there is one, must permit (no match is a deny).
//  5. Traffic toward a VPN client passes the client's vpn-filter with the ACL read the other way
//     round (the client is the ACL's source, the inside host its destination).
// Later packets of a permitted connection pass by state; so do related flows that an enabled
// inspection expects (FTP data, TFTP, SIP/H.323 media). ICMP is stateful only with
// "inspect icmp": without it every ICMP packet, echo replies included, is judged as new. ICMP
// errors about a connection (unreachable, time-exceeded) pass by state only with "inspect icmp
// error"; otherwise they too are judged as new. A TCP connection's first packet must be a SYN:
// any other packet of no known connection is dropped, as the ASA drops it, before step 1.
// Likewise ICMP that is neither a request (echo, timestamp, information, address mask) nor
// about a known connection - a reply with no request, an error about nothing - is dropped
// before step 1, inspected or not. Here we differ from the ASA, which judges such a packet
// by its ACLs when ICMP is not inspected: conntrack cannot translate a packet it cannot
// place, so passing it would put real addresses on the wire past a NAT rule.
// Also before step 1: a packet to or from a VPN client's address (or an address pool's) that
// crosses a physical device rather than a VPN device is dropped (it would bypass encryption).
//
// NAT (ASA 8.3+): the rules in order - section 1 (manual/twice NAT), section 2 (object NAT:
// static rules before dynamic ones, each by fewest real addresses, then lowest address, then
// object name), section 3 (after-auto twice NAT). The first rule that matches a connection's
// first packet translates it, in either direction for static rules, forward only for dynamic
// ones; an identity rule (mapped == real) matches and translates nothing, which is how VPN
// traffic is exempted. As on the ASA, the two addresses are looked up separately: the
// destination by the first static rule matching in reverse (packet in on mapped_if or "any",
// destination among the mapped addresses, a service rule's protocol and mapped port, twice
// NAT: source among the real destinations), the egress then routed on the real destination;
// the source by the first rule matching forward (in on real_if, out on mapped_if, each or
// "any"; source among the real addresses; twice NAT: destination among the mapped
// destinations). A twice NAT rule with a destination part decides both addresses of what it
// matches, and no other rule applies. Ports are kept (PAT included) unless a service rule maps
// them; a dynamic pool maps to its first address. A new connection to a dynamic PAT address
// is dropped (no xlate to follow), as are packets for one of the box's addresses arriving on
// another interface.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/config/model.hpp"

namespace rampart::firewall {

// An inclusive range of host-order IPv4 addresses; a set of them is a sorted, disjoint list.
struct AddressRange {
  uint32_t lo = 0, hi = 0xffffffffu;
  bool operator==(const AddressRange&) const = default;
};
using AddressSet = std::vector<AddressRange>;
bool contains(const AddressSet& s, uint32_t address);
inline AddressSet any_address() {
  return {AddressRange{}};
}

struct PortRange {
  uint16_t lo = 0, hi = 65535;
  bool operator==(const PortRange&) const = default;
};
using PortSet = std::vector<PortRange>;  // empty: any port
bool contains(const PortSet& s, uint16_t port);

// One expanded line of an ACE: an ACE naming object-groups expands to one line per member
// combination, each with its own hit count, as "show access-list" prints them.
struct Match {
  uint8_t protocol = 0;  // 0: any IP protocol
  AddressSet source, destination;
  PortSet source_ports, destination_ports;  // TCP/UDP only
  int icmp_type = -1;                       // -1: any
  std::string text;  // the expanded line as "show access-list" prints it (after "line N ")
  bool operator==(const Match&) const = default;
};

struct Ace {
  int line = 0;  // the ACE's line number in its ACL (remarks count, as on the ASA)
  bool permit = true;
  bool log = false;
  int log_level = 6;
  bool inactive = false;     // kept for display; never matches
  std::string text;          // the ACE as configured (after "access-list NAME line N ")
  uint32_t hash = 0;         // printed "0x%08x" after the hit count
  std::vector<Match> lines;  // one, or one per expansion of its object-groups
};

struct Acl {
  std::string name;
  std::vector<Ace> aces;
};

struct Interface {
  std::string nameif;
  std::string device;              // Linux device, "eth0"
  std::optional<std::string> vpn;  // the device decrypted VPN traffic arrives on ("eth0-vpn")
  int level = 0;
  uint32_t address = 0;
  int prefix = 0;
  std::optional<std::string> acl_in, acl_out;
  std::vector<config::Firewall::IcmpRule> icmp;  // "icmp permit|deny ... IF", in order
};

struct NatRule {
  int section = 1;                 // 1, 2 (object NAT) or 3 (after-auto)
  int line = 0;                    // within its section, from 1, as "show nat" numbers them
  std::string real_if, mapped_if;  // nameifs or "any"
  bool is_static = true;
  bool identity = false;  // mapped == real: matches, translates nothing
  AddressSet real_source;
  // Static: mapped_source has as many addresses as real_source, mapped one to one in order.
  // Dynamic: the pool; empty with interface_pat means the egress interface's address.
  AddressSet mapped_source;
  bool pat = false;            // port address translation (interface, a single host, pat-pool)
  bool interface_pat = false;  // "dynamic interface" or the "interface" fallback
  std::optional<AddressSet> mapped_destination, real_destination;  // twice NAT destination
  // A static port forward or twice NAT service: protocol and real/mapped port.
  uint8_t service_protocol = 0;
  uint16_t real_port = 0, mapped_port = 0;
  bool proxy_arp = true;
  bool route_lookup = false;
  // As "show nat" prints it after "N (real) to (mapped) source ": from "static"/"dynamic" on,
  // e.g. "dynamic obj-inside interface", "static LAN LAN destination static VPN VPN".
  std::string text;
};

// A static route of the configuration; connected subnets come from the interfaces.
struct Route {
  uint32_t network = 0;
  int prefix = 0;
  uint32_t gateway = 0;
  std::string nameif;
};

struct Policy {
  std::vector<Interface> interfaces;  // named interfaces with an address
  std::vector<Route> routes;
  std::map<std::string, Acl> acls;  // those an access-group or vpn-filter uses
  std::optional<std::string> global_acl;
  std::vector<NatRule> nat;  // in evaluation order
  bool same_security_inter = false;
  bool same_security_intra = false;
  bool permit_vpn = true;
  // Inspections in force ("ftp", "tftp", "sip", "h323", "icmp", "icmp error", "rtsp", ...).
  std::vector<std::string> inspections;
  bool inspects(std::string_view what) const;
  // Seconds: conn (TCP idle), half-closed, udp, icmp, xlate.
  uint32_t conn_timeout = 3600, half_closed_timeout = 600, udp_timeout = 120, icmp_timeout = 2,
           xlate_timeout = 10800;
  // vpn-filter ACL by group-policy name; which client has which group-policy is runtime state.
  std::map<std::string, std::string> vpn_filters;
  // Every ACL a VPN client's traffic is filtered by: the group-policies' and those AAA servers
  // named for the sessions up now (Filter-Id). Each has a set of its clients (vpnf_N, N its
  // place here).
  std::set<std::string> vpn_filter_acls;
  // What the configuration asks for that this box does not enforce, one line each (e.g. an
  // inspection with no kernel helper); shown by "show service-policy" and at load.
  std::vector<std::string> not_enforced;

  const Interface* interface(std::string_view nameif) const;
  const Interface* by_device(std::string_view device) const;
};

// The Linux device of a hardware interface name ("GigabitEthernet0/0" -> "eth0").
using DeviceOf = std::function<std::string(const std::string& hw_name)>;

// Normalises cfg. vpn_device names the device decrypted traffic of an interface with a crypto
// map arrives on (firmware passes its TUN naming); interfaces without one have none.
// session_filters: the filter ACLs AAA servers gave the sessions up now.
Policy build_policy(const config::Config& cfg, const DeviceOf& device_of,
                    const std::set<std::string>& session_filters = {});

// The name of the VPN device for an interface's device: "eth0" -> "eth0-vpn".
std::string vpn_device_of(const std::string& device);

}  // namespace rampart::firewall
