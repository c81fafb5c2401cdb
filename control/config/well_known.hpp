// The names the ASA gives well-known ports and ICMP types, one table for every place that reads
// or prints them (access-lists, object services, NAT service operands, MPF matches,
// packet-tracer), so a name never parses in one command and prints as a number in another.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "control/config/firewall.hpp"

namespace rampart::config {

// A port by name ("www", also "http") or number (0-65535).
std::optional<uint16_t> parse_port(std::string_view word);
// The port as the ASA prints it for that transport: a name where it has one ("www"; 514 is
// "rsh" for TCP and "syslog" for UDP), else the number.
std::string port_name(uint16_t port, bool udp);
// A port operand as printed after an address: " eq www", " range 8000 8080", "" for none.
std::string port_op_text(const AclPort& p, bool udp);

// An ICMP type by name ("echo-reply") or number (0-255).
std::optional<int> parse_icmp_type(std::string_view word);
std::string icmp_type_name(int type);

}  // namespace rampart::config
