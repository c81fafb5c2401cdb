// Builds running-config text as blocks: a top-level line with its indented sub-mode lines.
// "show running-config <section>" keeps the blocks whose top-level line starts with the
// section's words, so each section renderer only says what it prints, never how to filter.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "control/config/types.hpp"

namespace rampart::cli {

struct RenderOptions {
  bool reveal_secrets = false;  // true only for the startup-config written to flash
  bool show_defaults = false;   // "show running-config all"
};

class ConfigWriter {
 public:
  explicit ConfigWriter(RenderOptions opt) : opt_(opt) {}
  const RenderOptions& options() const { return opt_; }

  void line(std::string text);  // starts a new block
  // Starts a block that "show running-config <section>" files under section rather than under
  // its own first words: object NAT prints as "object network X" + " nat ...", and belongs to
  // "show running-config nat", not to "show running-config object".
  void line_in(std::string section, std::string text);
  void sub(std::string text);  // " text", part of the current block
  void bang();                 // "!" separator (a block of its own, dropped when filtering)
  // A secret as this rendering shows it: "*****" unless reveal_secrets.
  std::string secret(const config::Secret& s) const;

  // The whole text, or only blocks whose first line starts with one of the prefixes followed
  // by a space or the end of the line.
  std::string text() const;
  std::string filtered(const std::vector<std::string>& prefixes) const;

 private:
  struct Block {
    std::vector<std::string> lines;
    bool separator = false;
    std::string section;  // what filtering matches; the first line when empty
  };
  RenderOptions opt_;
  std::vector<Block> blocks_;
};

}  // namespace rampart::cli
