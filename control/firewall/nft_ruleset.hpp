// The Policy compiled into one nftables table (ip rampart_fw), replaced in one transaction:
// what the kernel enforces is exactly what policy.hpp's header comment says, for the first
// packet of each connection; later packets pass by conntrack state.
//
// Chains: helpers (ct helper for the inspections), dstnat and srcnat (NAT in Policy order),
// input (no way into the box through an address we answer ARP for, nor to an interface's
// address from another interface), forward (verdict steps
// 1-5: one chain per ingress device and egress device, the ACLs as chains of their own).
// One named counter per expanded ACE line and per NAT rule, read back with "list counters".
// Logged drops carry an NFLOG group 1 prefix (the syslog service reads them):
//   "106023 <acl> "         deny by an ACE or by an ACL's implicit deny
//   "106001 - " / "106006 - " / "106014 - "   TCP / UDP / ICMP denied by security levels
//   "106100 <acl> <line> "  permit by an ACE with "log"
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "control/firewall/policy.hpp"

namespace rampart::firewall {

inline constexpr std::string_view kFirewallTable = "rampart_fw";

// What a named counter counts: the PolicyState key ("ACL/line/expansion" or "section/line"),
// the rule's text (counts carry over a replacement only while key and text stay the same),
// and for NAT whether it counts the reverse (untranslate) direction.
// Drops that no ACE or NAT rule counts have a counter per reason (Kind::Drop, key: the reason
// as "show asp drop" names it: "tcp-not-syn", "acl-drop", "sp-security-failed", "vpn-bypass",
// "mapped-to-box", "wrong-interface").
struct CounterInfo {
  enum class Kind { Acl, Nat, NatReverse, Drop } kind = Kind::Acl;
  std::string key;
  std::string text;
};

struct RulesetInputs {
  // VPN clients with a vpn-filter, by the filter ACL in force for each (their group-policy's,
  // or the one an AAA server named): the elements of the vpnf_N sets.
  std::map<std::string, std::vector<uint32_t>> vpn_clients;
  // Every VPN client's address that no pool holds, and the address pools: traffic to them
  // leaves only through a VPN device, traffic from them arrives only through one (set
  // vpn_clients, updated as sessions come and go, and vpn_pools, whose rules are the same, so
  // that a pool's client needs no element of its own).
  std::vector<uint32_t> all_vpn_clients;
  AddressSet vpn_pools;
  // Initial values of named counters (packets, bytes) by counter name.
  std::map<std::string, std::pair<uint64_t, uint64_t>> counters;
  // A TCP syslog server is down and "logging permit-hostdown" is not set: new connections
  // through the box are denied (chain hostdown, see hostdown_rules).
  bool deny_new = false;
};

// An address the box answers ARP for on a device (a NAT mapped address: proxy ARP).
struct ProxyArp {
  uint32_t address = 0;
  std::string device;
  auto operator<=>(const ProxyArp&) const = default;
};

struct Ruleset {
  std::string script;  // deletes the old table and creates the new one: one transaction
  std::map<std::string, CounterInfo> counters;  // by counter name
  std::vector<ProxyArp> proxy_arp;
  std::vector<std::string> problems;  // parts of the policy that could not be expressed
};

Ruleset compile_ruleset(const Policy& p, const RulesetInputs& in = {});

// The rules of chain hostdown, which forward jumps to after the established and related
// packets passed: empty, or one rule dropping what opens a new connection while a TCP syslog
// server is down (the ASA's 414003 policy). Packets of connections already open never reach
// it; traffic to and from the box itself (SSH, the syslog connection) does not pass forward.
// Declares its counter in out either way, so that the daemon can fill the chain later.
std::vector<std::string> hostdown_rules(Ruleset& out, bool deny_new);
inline constexpr std::string_view kHostdownChain = "hostdown";

// "counter name asp_tcp_not_syn" for a drop reason, declaring the counter in out.
std::string drop_counter(Ruleset& out, std::string_view reason);

// The set that holds the addresses of the clients filtered by ACL acl ("vpnf_0"); empty when
// acl is not one of the policy's vpn_filter_acls.
std::string vpn_filter_set(const Policy& p, const std::string& acl);

// "203.0.113.0/24", "192.0.2.1", "192.0.2.1-192.0.2.9": a range as nft writes it.
std::string range_text(const AddressRange& r);

}  // namespace rampart::firewall
