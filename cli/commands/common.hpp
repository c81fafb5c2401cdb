// Small helpers shared by the command sections.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "cli/engine/command.hpp"
#include "cli/session.hpp"
#include "control/config/model.hpp"

namespace rampart::cli {

// Help texts of tokens that many sections share; one definition so they never disagree.
inline constexpr std::string_view kHelpNo = "Negate a command or set its defaults";
inline constexpr std::string_view kHelpShow = "Show running system information";
inline constexpr std::string_view kHelpCrypto =
    "Configure IPSec, ISAKMP, Certification Authority, key";
inline constexpr std::string_view kHelpClear = "Reset functions";
inline constexpr std::string_view kHelpRunning = "Show the current operating configuration";
inline constexpr std::string_view kHelpStartup = "Show the startup configuration";
inline constexpr std::string_view kHelpIp = "Configure IP address pools";

constexpr ModeMask kConfig = mask_of(Mode::Config);

// The ASA's generic rejection of a value the grammar accepted but the box does not.
inline void error(Ctx& c, std::string_view text) {
  c.out += fmt::format("ERROR: {}\n", text);
  if (auto* k = c.session.counters()) ++k->rejected;
}
// A flash command's refusal in the ASA's "%Error opening disk0:/x (reason)" form, counted.
inline void flash_error(Ctx& c, std::string_view text) {
  c.out += text;
  if (auto* k = c.session.counters()) ++k->rejected;
}
inline void warning(Ctx& c, std::string_view text) {
  c.out += fmt::format("WARNING: {}\n", text);
}
inline void info(Ctx& c, std::string_view text) {
  c.out += fmt::format("INFO: {}\n", text);
}

// "no X" clears an optional setting; "X value" sets it.
template <typename T, typename V>
void set_or_reset(std::optional<T>& field, bool negated, V&& value) {
  if (negated)
    field.reset();
  else
    field = std::forward<V>(value);
}

// The interface whose nameif is given, or an ASA error and nullptr.
inline const config::Interface* require_nameif(Ctx& c, const std::string& nameif) {
  const config::Interface* itf = c.cfg.interface_by_nameif(nameif);
  if (!itf) error(c, fmt::format("'{}' is not a valid interface name", nameif));
  return itf;
}

}  // namespace rampart::cli
