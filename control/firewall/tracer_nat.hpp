// The NAT half of packet-tracer: which rule untranslates a packet's destination, which one
// translates its source, and what the addresses and ports become (policy.hpp's header comment,
// "NAT"). Kept apart from the phases so the lookups read like the rules they implement.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "control/firewall/policy.hpp"
#include "control/firewall/tracer.hpp"

namespace rampart::firewall {

bool in_set(const AddressSet& s, uint32_t address);
bool in_ports(const PortSet& s, uint16_t port);  // empty: any
bool has_ports(uint8_t protocol);                // TCP and UDP
const Interface* find_interface(const Policy& p, std::string_view nameif);
bool policy_inspects(const Policy& p, std::string_view what);

// The egress interface for a real destination (nullptr: no route).
using RouteFn = std::function<const Interface*(uint32_t destination)>;

// The destination's untranslation: the first static rule matching the packet in its reverse
// direction. Sets t.destination_rule and the real destination (and port); a twice NAT rule
// with a destination part also decides the source (t.source_rule). False when none matches.
bool nat_untranslate(const Policy& p, const Flow& f, Trace& t);

// The source's translation: the first rule matching in its forward direction, for a packet
// leaving on egress (nullptr: no route). A twice NAT rule with a destination part is tried with
// the egress of the destination it translates to, and translates that too. Does nothing when
// the untranslating rule already decided the source.
void nat_translate(const Policy& p, const Flow& f, const Interface* egress, const RouteFn& route,
                   Trace& t);

// Whether address is the mapped address of a dynamic PAT rule for traffic arriving on ingress:
// a new connection to it has no translation to follow.
bool is_pat_address(const Policy& p, const std::string& ingress, uint32_t address);

// The configuration lines of a rule as the ASA's packet-tracer prints them under "Config:".
std::vector<std::string> nat_config(const NatRule& r);

}  // namespace rampart::firewall
