// The ASA 8.3+ NAT lines, read and written: object NAT ("nat (inside,outside) dynamic
// interface" inside "object network") and twice NAT ("nat (inside,outside) source static A A
// destination static B B"). Parsing is word by word so that a bad word gets the '^' marker under
// it; semantic checks that need the rest of the configuration (do the objects exist?) are the
// handlers' (cli/commands/nat.cpp). Rendering gives the line as show running-config prints it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/engine/lexer.hpp"
#include "control/config/firewall.hpp"
#include "platform/expected.hpp"

namespace rampart::cli::nat {

// Where a line stops making sense: the offset of the bad word (relative to the words given).
struct ParseError {
  size_t offset = 0;
};

// "(real,mapped)" -> {real, mapped}; nullopt for anything else.
std::optional<std::pair<std::string, std::string>> interface_pair(std::string_view word);

// The words after "nat" in object network mode.
rampart::expected<config::ObjectNat, ParseError> parse_object_nat(const std::vector<Word>& words);

struct TwiceNatLine {
  config::TwiceNat rule;
  bool after_auto = false;
  std::optional<uint32_t> line;  // "nat (a,b) 3 source ...": insert as line 3 of its section
};
// The words after "nat" in config mode.
rampart::expected<TwiceNatLine, ParseError> parse_twice_nat(const std::vector<Word>& words);

// Port numbers in NAT service operands, by the ASA's names (www, smtp, ...) or number.
std::optional<uint16_t> parse_port(std::string_view word);
std::string port_text(uint16_t port, bool udp);

// Lines as show running-config prints them (without the leading space of a sub-mode line).
std::string render(const config::ObjectNat& n);
std::string render(const config::TwiceNat& n, bool after_auto);

// Identity NAT: the mapped addresses are the real ones (VPN exemption). route-lookup is only
// valid for these, as the ASA checks.
bool is_identity(const config::TwiceNat& n);
bool is_identity(const config::ObjectNat& n, const config::NetworkObject& real);

}  // namespace rampart::cli::nat
