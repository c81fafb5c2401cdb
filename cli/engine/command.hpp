// Command declarations: a command is a syntax string, one help string per token, the modes it
// lives in and a handler that edits the typed model. Sections declare their commands in a table
// beside their handlers (cli/commands/<section>.cpp), in the manner of FRR's DEFPY.
//
// Syntax string tokens, separated by spaces:
//   keyword              a literal word, matched case-insensitively by unique prefix
//   <name:1-65535>       a decimal number in a range
//   <name:WORD>          any word
//   <name:A.B.C.D>       an IPv4 address (also used for masks)
//   <name:A.B.C.D|0>     the same, or 0 for 0.0.0.0 (bound as "0.0.0.0")
//   <name:LINE>          the rest of the line, verbatim (must be last)
//   {name:a|b|c}         one of several keywords; the chosen keyword is bound to name
//   [ ... ]              optional tokens (may nest); expanded into variants at registration
// The help vector has one entry per token in the syntax string as written (optional tokens
// included); a {a|b|c} choice takes one help string with alternatives separated by '|'.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/types.hpp"

namespace rampart::config {
struct Config;
}

namespace rampart::cli {

// The CLI modes, as an explicit tree: each mode names its parent for walk-up (see parent()).
enum class Mode : uint8_t {
  UserExec,         // hostname>
  PrivExec,         // hostname#
  Config,           // hostname(config)#
  Interface,        // hostname(config-if)#
  IsakmpPolicy,     // hostname(config-ikev1-policy)# / (config-isakmp-policy)#
  TunnelGeneral,    // hostname(config-tunnel-general)#
  TunnelIpsec,      // hostname(config-tunnel-ipsec)#
  GroupPolicy,      // hostname(config-group-policy)#
  Username,         // hostname(config-username)#
  AaaServerHost,    // hostname(config-aaa-server-host)#
  AaaServerGroup,   // hostname(config-aaa-server-group)#
  ObjectNetwork,    // hostname(config-network-object)#
  ObjectService,    // hostname(config-service-object)#
  GroupNetwork,     // hostname(config-network-object-group)#
  GroupService,     // hostname(config-service-object-group)#
  GroupProtocol,    // hostname(config-protocol-object-group)#
  GroupIcmp,        // hostname(config-icmp-object-group)#
  ClassMap,         // hostname(config-cmap)#
  PolicyMap,        // hostname(config-pmap)#
  PolicyMapClass,   // hostname(config-pmap-c)#
  PolicyMapParams,  // hostname(config-pmap-p)#
  Count
};

std::string_view mode_name(Mode m);           // "Interface", for debug and tests
std::string_view mode_prompt_suffix(Mode m);  // ">", "#", "(config)#", "(config-if)#", ...
// The mode a sub-mode walks up to when a line does not parse in it (sub-modes -> Config).
// Config and the exec modes have no walk-up parent.
std::optional<Mode> parent(Mode m);

using ModeMask = uint32_t;
constexpr ModeMask mask_of(Mode m) {
  return ModeMask{1} << static_cast<unsigned>(m);
}
constexpr ModeMask kExecModes = mask_of(Mode::UserExec) | mask_of(Mode::PrivExec);
// Privileged exec commands (show, write, copy, clear, debug) also run in config mode and
// every sub-mode, without leaving it, as on the ASA.
constexpr ModeMask kPrivAndConfig = 0xFFFFFFFFu & ~mask_of(Mode::UserExec);
constexpr ModeMask kAllModes = 0xFFFFFFFFu;

// Values bound by a match, by argument name.
class Args {
 public:
  void set(std::string name, std::string value, size_t offset = 0) {
    offsets_[name] = offset;
    values_[std::move(name)] = std::move(value);
  }
  // Where the argument starts in the line, for a '^' marker under a value a handler rejects.
  size_t offset(std::string_view name) const;
  bool has(std::string_view name) const;
  // The raw text of an argument; empty when absent.
  const std::string& str(std::string_view name) const;
  // Typed accessors. The matcher has already validated the type, so these do not fail for an
  // argument declared with that type; for an absent one they return the fallback.
  uint32_t num(std::string_view name, uint32_t fallback = 0) const;
  config::Ipv4 ip(std::string_view name) const;
  config::Mask mask(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, size_t, std::less<>> offsets_;
};

class Session;
class System;

// What a handler sees. Output goes to out; a handler reports a user error by writing the ASA's
// words ("ERROR: ...") to out and returning; nothing throws on user input.
struct Ctx {
  Session& session;
  config::Config& cfg;
  System& sys;
  std::string& out;
  const Args& args;
  bool negated = false;  // the line began with "no"
};

using Handler = std::function<void(Ctx&)>;

struct CommandSpec {
  ModeMask modes;
  std::string syntax;
  std::vector<std::string_view> help;
  Handler handler;
  // "no <syntax>" is accepted and runs the same handler with ctx.negated set. Use a separate
  // spec whose syntax begins with "no " for a no-form that takes fewer arguments.
  bool negatable = false;
  bool hidden = false;  // accepted but not offered by ? or TAB (e.g. PIX spellings)
};

}  // namespace rampart::cli
