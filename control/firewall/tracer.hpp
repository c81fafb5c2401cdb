// packet-tracer: what the policy does to the first packet of a connection, phase by phase, as
// the ASA's "packet-tracer input IF ..." prints it. It reads the same normalised Policy as the
// nftables compiler and follows the semantics written in policy.hpp's header comment; a
// differential test (tests/integration/fw_differential.sh) holds its verdicts and translations
// against what the kernel really does to the same packets.
//
// The trace is a value (phases, verdict, translated addresses) so that the CLI prints it and
// tests check it without parsing text; render() gives the ASA's text.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/firewall/policy.hpp"

namespace rampart::firewall {

// The simulated packet. For ICMP, sport/dport are unused and icmp_type/icmp_code are set.
struct Flow {
  std::string input;     // nameif the packet arrives on
  uint8_t protocol = 6;  // IP protocol number
  uint32_t source = 0, destination = 0;
  uint16_t source_port = 0, destination_port = 0;
  uint8_t icmp_type = 8, icmp_code = 0;
};

// One "Phase: N" block.
struct Phase {
  std::string type;     // ROUTE-LOOKUP, UN-NAT, ACCESS-LIST, NAT, IP-OPTIONS, INSPECT, VPN, ...
  std::string subtype;  // "Resolve Egress Interface", "static", "log", "encrypt", or empty
  bool allow = true;
  std::vector<std::string> config;  // configuration lines that decided
  std::vector<std::string> info;    // "Additional Information:" lines
  std::vector<std::string> detail;  // lines only "detailed" prints (the rule as looked up)
};

// What the box tells the tracer beyond the policy: link states (by nameif) and which
// addresses are VPN clients or LAN-to-LAN networks (by their group-policy), and rule hits.
struct TraceContext {
  std::function<bool(const std::string& nameif)> link_up;  // absent: every link is up
  std::function<std::optional<std::string>(uint32_t address)> vpn_group_policy;
  // The filter ACL of that address's session when it is not its group-policy's (a server's
  // Filter-Id); absent: the group-policy's vpn-filter decides.
  std::function<std::optional<std::string>(uint32_t address)> vpn_filter;
  std::map<std::string, uint64_t> acl_hits;  // PolicyState::acl_hits() keys
  uint32_t flow_id = 1;                      // "New flow created with id N"
};

struct Trace {
  std::vector<Phase> phases;
  std::string input, output;  // nameifs; output empty when no egress was found
  bool input_up = true, output_up = true;
  bool allowed = false;
  std::string drop_reason;  // "(acl-drop) Flow is denied by configured rule"
  // The packet as it leaves: addresses and ports after NAT (ports are ICMP-less for ICMP).
  uint32_t out_source = 0, out_destination = 0;
  uint16_t out_source_port = 0, out_destination_port = 0;
  bool source_translated = false, destination_translated = false;
  // The NAT rules that translated the source / untranslated the destination (index into
  // Policy::nat), if any; an identity rule counts as matched.
  std::optional<size_t> source_rule, destination_rule;
  std::optional<std::string> vpn_group;  // the egress goes into this VPN client's tunnel
};

Trace trace(const Policy& policy, const Flow& flow, const TraceContext& ctx = {});

// The ASA's packet-tracer output for the trace; detailed adds the looked-up rule lines.
std::string render(const Trace& t, bool detailed);

// The IP protocol's name as the ASA's packet-tracer and ACLs print it (tcp, udp, icmp, or the
// number).
std::string protocol_name(uint8_t protocol);

}  // namespace rampart::firewall
