// What the firewall knows at run time, as the CLI reads it: the policy in force with its
// counters (rampartd's firewall service, over nftables) and the connection table (conntrack).
// Abstract so that the CLI's show/clear commands and packet-tracer run in unit tests without a
// kernel; Appliance holds one of each when rampartd runs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "control/firewall/policy.hpp"

namespace rampart::firewall {

// The policy the kernel enforces now, and the hits of its rules since it was applied (carried
// over a configuration change for rules that did not change, as the ASA keeps hit counts).
class PolicyState {
 public:
  virtual ~PolicyState() = default;
  virtual const Policy& policy() const = 0;
  // Hits per expanded ACE line: key "ACL/ace-line/expansion-index" (expansion 0 for a plain
  // ACE). Absent keys are 0.
  virtual std::map<std::string, uint64_t> acl_hits() const = 0;
  // Translations per NAT rule, key "section/line"; and reverse-direction hits for static rules.
  virtual std::map<std::string, std::pair<uint64_t, uint64_t>> nat_hits() const = 0;
  // The group-policy of the VPN client or LAN-to-LAN peer network that address belongs to, if
  // any (vpn-filter and packet-tracer's VPN phase need it).
  virtual std::optional<std::string> vpn_group_policy(uint32_t address) const = 0;
  // The vpn-filter ACL in force for that address's session: an AAA server's Filter-Id, else its
  // group-policy's vpn-filter; nullopt for none.
  virtual std::optional<std::string> vpn_filter(uint32_t address) const {
    auto gp = vpn_group_policy(address);
    if (!gp) return std::nullopt;
    auto it = policy().vpn_filters.find(*gp);
    if (it == policy().vpn_filters.end()) return std::nullopt;
    return it->second;
  }
  // Packets the ruleset dropped outside any ACE, by the ASA's asp-drop reason ("tcp-not-syn",
  // "sp-security-failed", ...), for "show asp drop".
  virtual std::map<std::string, uint64_t> drop_counts() const { return {}; }
};

// One connection as conntrack holds it, both directions as seen on the wire.
struct Connection {
  uint32_t id = 0;
  uint8_t protocol = 0;
  uint32_t orig_src = 0, orig_dst = 0, reply_src = 0, reply_dst = 0;
  uint16_t orig_sport = 0, orig_dport = 0, reply_sport = 0, reply_dport = 0;  // or ICMP id
  uint64_t bytes = 0, packets = 0;                                            // both directions
  uint32_t idle_seconds = 0;          // since the last packet
  uint32_t age_seconds = 0;           // since it was built
  uint32_t timeout_seconds = 0;       // what is left of its idle timer
  std::string tcp_state;              // conntrack's ("ESTABLISHED", "SYN_SENT", ...)
  bool assured = false;               // seen both ways
  bool snat = false, dnat = false;    // translated
  std::optional<std::string> helper;  // "ftp" when an inspection watches it
  bool expected = false;              // a related flow an inspection opened (FTP data)
};

// What "clear conn" / "clear xlate" select; unset fields match everything.
struct ConnectionFilter {
  std::optional<uint8_t> protocol;
  std::optional<uint32_t> address;  // either end, either direction
  uint32_t netmask = 0xffffffffu;   // with address: the network it names
  std::optional<uint16_t> port;
  bool translated_only = false;  // clear xlate: only connections with NAT
  // Connections to or from the box itself (SSH, IKE) only when asked ("clear conn all"): a
  // plain "clear conn" must not cut the administrator's own session.
  bool to_box = false;
};

// What the connection reader counted: the peak of the table, events lost when the kernel's
// event socket overflowed, the ACL log flows it aggregates for 106100, and the packets of
// ended connections per inspection helper.
struct ConnectionStats {
  uint64_t most_used = 0;
  uint64_t event_overflows = 0;  // ENOBUFS on the conntrack event socket
  uint64_t events_lost = 0;      // NEW/DESTROY events a resynchronisation found missing
  uint64_t log_lost = 0;         // nflog packets the kernel could not queue
  uint64_t log_suppressed = 0;   // deny messages over the rate limit
  uint64_t log_flows = 0;        // flows cached for 106100
  uint64_t log_malformed = 0;    // nflog packets that were not IPv4
  std::map<std::string, uint64_t> helper_packets;  // "ftp" -> packets of ended connections
};

class ConnectionTable {
 public:
  virtual ~ConnectionTable() = default;
  virtual std::vector<Connection> connections() const = 0;
  // Removes the matching connections; returns how many.
  virtual size_t clear(const ConnectionFilter& filter) = 0;
  virtual ConnectionStats stats() const { return {}; }
};

}  // namespace rampart::firewall
