// The firewall's syslog messages in the ASA's words: connections built and torn down
// (302013-302021), dynamic translations (305011/305012), and packets the rules denied or an
// ACE with "log" permitted (106001/106006/106014/106023/106100). Pure functions over a
// connection or a logged packet, so that the exact text is unit tested; the daemon's
// connection service decides when to emit them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "control/firewall/connection_view.hpp"

namespace rampart::firewall {

struct FwMessage {
  int severity = 6;
  int id = 0;
  std::string text;  // after "%ASA-<severity>-<id>: "
};

// 302013/302015/302020 when c is built; nullopt for other protocols.
std::optional<FwMessage> built_message(const ConnView& v, const Connection& c);
// 302014/302016/302021 when c ends; reason is the TCP teardown reason ("TCP FINs", ...).
std::optional<FwMessage> teardown_message(const ConnView& v, const Connection& c, uint64_t duration,
                                          const std::string& reason);
// Why a TCP connection ended, from its last conntrack state and whether the CLI cleared it.
std::string teardown_reason(const Connection& c, bool cleared);
// 305011/305012 (PAT) or 305009/305010 (NAT) for a connection whose source the box
// translated dynamically; nullopt when it was not translated or a static rule did it (a static
// translation is there from the configuration on, not built per connection).
std::optional<FwMessage> xlate_message(const ConnView& v, const Connection& c, bool built,
                                       uint64_t duration, bool static_rule = false);

// A packet a rule logged, as the nflog reader delivers it, with its interfaces resolved.
struct LoggedFlow {
  std::string in_if, out_if;  // nameifs
  uint8_t protocol = 0;
  uint32_t src = 0, dst = 0;
  uint16_t sport = 0, dport = 0;
  uint8_t icmp_type = 0, icmp_code = 0, tcp_flags = 0;
};

// What a log prefix (the contract with the ruleset) asks for.
struct LogPrefix {
  int id = 0;       // 106023, 106001, 106006, 106014, 106100, 313001
  std::string acl;  // 106023, 106100
  int line = 0;     // 106100
};
std::optional<LogPrefix> parse_log_prefix(std::string_view prefix);

// 313001: ICMP to the box denied by an "icmp deny" rule or the implicit deny after them.
FwMessage icmp_deny_message(const LoggedFlow& f);
// 106023: denied by an access-group (implicit deny: hashes 0).
FwMessage acl_deny_message(const LoggedFlow& f, const std::string& acl);
// 106001 / 106006 / 106014: denied by security levels, with no ACL.
std::optional<FwMessage> level_deny_message(int id, const LoggedFlow& f);
// 106100: an ACE with "log" permitted a flow; hits in the interval, "first hit" when 1 and
// first.
FwMessage ace_log_message(const LoggedFlow& f, const std::string& acl, int level, uint32_t hash,
                          uint64_t hits, bool first, uint32_t interval);

// "SYN ACK": the TCP flags as 106001 names them.
std::string tcp_flag_names(uint8_t flags);

}  // namespace rampart::firewall
