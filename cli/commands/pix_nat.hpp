// PIX 6.3 address translation (global, nat, static) converted into ASA 8.3+ object and twice
// NAT as the ASA's 8.3 upgrade converts it, with the objects it creates named as the upgrade
// names them (obj-10.1.1.1, obj-10.1.1.0, obj-10.1.1.1-10.1.1.9, obj_any, and -01, -02 for a
// second NAT rule on the same address). A PIX static also changes what an inbound access-list
// means: from 8.3 on access-lists name real addresses, so ACEs that named a static's mapped
// address are rewritten to the real one (at the end of a load, when every access-group is in).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/engine/command.hpp"
#include "cli/engine/lexer.hpp"
#include "cli/engine/tree.hpp"
#include "control/config/model.hpp"

namespace rampart::cli {

// Runs ASA lines for a PIX line and prints the one notice (cli/commands/pix.cpp).
void convert(Ctx& c, std::string_view pix_line, const std::vector<std::string>& asa_lines);
// A PIX or ASA line for a function this box lacks: a warning with the line number and why,
// nothing applied (cli/commands/pix.cpp holds the reasons).
void report_unsupported(Ctx& c, std::string_view line);

namespace pix {

// "nat (IF) N ..." or "nat N ..." without "source": the PIX form of the config-mode nat line.
bool is_pix_nat(const std::vector<Word>& words);
// Handles a PIX nat line (words after "nat", offsets in the typed line).
void nat_line(Ctx& c, const std::vector<Word>& words);

// What a PIX static maps, for the access-list rewrite.
struct StaticMap {
  std::string mapped_if;
  config::Ipv4 mapped, real;
  config::Mask mask{0xffffffffu};
  bool mapped_interface = false;        // "static (in,out) tcp interface 80 ..."
  std::optional<std::string> protocol;  // port statics
  uint16_t mapped_port = 0, real_port = 0;
};
// Rewrites ACEs of access-lists bound "in" on a static's mapped interface whose destination is
// the mapped address (and port) to the real one. Returns one notice per rewritten ACE.
std::vector<std::string> rewrite_acls(config::Config& cfg, const std::vector<StaticMap>& statics);

// The object name the ASA 8.3 migration gives an address: obj-A (host or subnet), obj-A-B
// (range), obj_any (0.0.0.0 0.0.0.0).
std::string object_name(config::Ipv4 a, std::optional<config::Mask> mask,
                        std::optional<config::Ipv4> last = std::nullopt);

}  // namespace pix

void register_pix_nat(CommandTree& t);  // global, static (nat is registered by nat.cpp)

}  // namespace rampart::cli
