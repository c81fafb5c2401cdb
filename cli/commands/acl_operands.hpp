// The operands that access-lists, objects, object-groups and class-maps share: port names
// (www, ftp, ...), port operators (eq/lt/gt/neq/range), protocols and ICMP type names, and a
// word cursor that remembers where a bad operand starts so that the '^' marker lands under it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/engine/lexer.hpp"
#include "control/config/firewall.hpp"
#include "control/config/well_known.hpp"

namespace rampart::cli {

// Port and ICMP type names: the one table in control/config/well_known.
using config::icmp_type_name;
using config::parse_icmp_type;
using config::parse_port;
using config::port_name;
// " eq www", " range 1000 2000", or "" for no operator.
inline std::string port_text(const config::AclPort& p, bool udp) {
  return config::port_op_text(p, udp);
}

// A decimal number no greater than max.
std::optional<unsigned> parse_number(std::string_view w, unsigned max);
// A syslog level, 0-7 or its name (emergencies ... debugging), and the name the ASA prints.
std::optional<int> parse_log_level(std::string_view w);
std::string log_level_name(int level);

// ip, tcp, udp, icmp, esp, ah, gre, igmp, ospf, or a number 0-255.
bool valid_protocol(std::string_view p);

// Reads operands one word at a time. On failure, fail_at is the offset (in the command line)
// of the word that failed, or just past the last word when one is missing.
struct Cursor {
  std::vector<Word> words;
  size_t i = 0;
  size_t base = 0;  // offset of the operand text in the command line
  size_t fail_at = 0;
  bool failed = false;

  Cursor(std::string_view text, size_t base_offset) : words(split_words(text)), base(base_offset) {}
  bool done() const { return i >= words.size(); }
  std::string_view peek() const { return done() ? std::string_view{} : words[i].text; }
  std::string_view take() { return words[i++].text; }
  // Marks the current word as the bad one; returns false so callers can "return c.fail()".
  bool fail();
};

// An optional port operator at the cursor ("eq www", "range 1 2"); none is fine.
bool port_op(Cursor& c, config::AclPort& out);

// A service as "object service" and "service-object" spell it:
//   tcp|udp|tcp-udp [source OP P] [destination OP P]   (a bare "OP P" means the destination)
//   icmp [TYPE]   |   ip | esp | ... | a protocol number
struct ServiceSpec {
  std::string protocol;
  config::AclPort source, destination;
  std::optional<int> icmp_type;
};
bool parse_service(Cursor& c, ServiceSpec& out);
std::string service_text(const ServiceSpec& s);  // "tcp destination eq www"

}  // namespace rampart::cli
