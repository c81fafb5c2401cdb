// A connection as the ASA presents it: each end on the interface its real address is reached
// through, the lower-security end first ("TCP outside 198.51.100.2:40000 inside
// 192.0.2.10:80"), inbound when the initiator is on the lower-security side. show conn/xlate/
// local-host and the 302013-305012 syslog messages share it so that they never disagree.
#pragma once

#include <cstdint>
#include <string>

#include "control/firewall/policy.hpp"
#include "control/firewall/runtime.hpp"

namespace rampart::firewall {

// The interface an address is reached through: the interface whose connected subnet holds it,
// else the longest static route's. Null when neither does.
const Interface* interface_for(const Policy& p, uint32_t address);
// Whether address is one of the box's own interface addresses.
bool is_box_address(const Policy& p, uint32_t address);
// The nameif of a Linux device, a VPN device ("eth0-vpn") counting as its interface's.
const Interface* interface_of_device(const Policy& p, std::string_view device);

struct ConnEnd {
  std::string nameif;  // "NP Identity Ifc" for the box itself, "unknown" when unroutable
  int level = 0;
  uint32_t real = 0;
  uint16_t real_port = 0;
  uint32_t mapped = 0;  // as the other end sees it
  uint16_t mapped_port = 0;
  bool box = false;
};

struct ConnView {
  ConnEnd initiator, responder;
  bool inbound = false;  // the initiator's interface has the lower security level
  // The ASA prints the lower-security ("foreign") end first.
  const ConnEnd& first() const { return inbound ? initiator : responder; }
  const ConnEnd& second() const { return inbound ? responder : initiator; }
  bool to_box() const { return initiator.box || responder.box; }
};

ConnView view_of(const Policy& p, const Connection& c);

// The NAT rule that translated a connection's source: the first in order whose real interface
// and real source hold the initiator (and, for twice NAT, whose mapped destination holds what
// it sent to). Null when none does.
const NatRule* source_rule(const Policy& p, const Connection& c, const ConnView& v);

std::string ip_string(uint32_t address);
// "TCP", "UDP", "ICMP", or the protocol number.
std::string protocol_upper(uint8_t protocol);
std::string protocol_lower(uint8_t protocol);
// h:mm:ss, as the ASA prints idle times and durations.
std::string hms(uint64_t seconds);

// The show conn flags letters for c (U up, I inbound data, O outbound data, B initial SYN from
// outside, s/a/A awaiting SYN/ACK, f/F FINs, "-" for a flow without flags).
std::string conn_flags(const ConnView& v, const Connection& c);

}  // namespace rampart::firewall
