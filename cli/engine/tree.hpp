// The command tree: every registered command, merged token by token per mode, and the matcher
// that walks it. Matching reports where a line stops making sense, so the caller can draw the
// ASA's '^' marker under the right character.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/engine/command.hpp"
#include "cli/engine/lexer.hpp"

namespace rampart::cli {

// Ipv4Zero: an IPv4 address or "0" for 0.0.0.0, the PIX's shorthand the ASA keeps where an
// address and mask may both be zero ("route outside 0 0 GW", "ssh 0 0 outside").
enum class TokenKind : uint8_t { Keyword, Number, Word, Ipv4, Ipv4Zero, Line };

// One token of a command as declared: what it matches and how it is described.
struct Token {
  TokenKind kind = TokenKind::Keyword;
  std::string text;  // keyword text; for arguments the display form ("<1-65535>", "WORD", ...)
  // Argument names the matched value is bound to. Commands that share a token position may
  // name it differently ("<name:WORD>", "<group:WORD>"); the node is shared and binds all.
  // Keywords bind only when they come from a {choice}.
  std::vector<std::string> binds;
  uint32_t lo = 0, hi = 0;
  std::string help;
};

// A token in the tree, shared by every command that has it at this position.
struct Node : Token {
  Node() = default;
  explicit Node(Token t) : Token(std::move(t)) {}
  bool hidden = false;
  const CommandSpec* command = nullptr;  // a command ends here
  std::vector<std::unique_ptr<Node>> children;
};

enum class MatchStatus : uint8_t { Ok, NoMatch, Incomplete, Ambiguous };

struct MatchResult {
  MatchStatus status = MatchStatus::NoMatch;
  size_t offset = 0;  // character offset in the line of the first rejected token
  const CommandSpec* command = nullptr;
  Args args;
  bool negated = false;
};

struct HelpEntry {
  std::string word;  // "crypto", "<1-65535>", "WORD", "<cr>"
  std::string help;
};

class CommandTree {
 public:
  CommandTree();
  ~CommandTree();
  CommandTree(const CommandTree&) = delete;
  CommandTree& operator=(const CommandTree&) = delete;
  CommandTree(CommandTree&&) noexcept = default;
  CommandTree& operator=(CommandTree&&) noexcept = default;

  // Registers a command in each of its modes. A syntax or help-count error, or a token whose
  // help differs from the help already registered for the same token, is a programming error:
  // it is recorded in errors() (a unit test asserts there are none) and the command is skipped.
  void add(const CommandSpec& spec);
  const std::vector<std::string>& errors() const { return errors_; }

  MatchResult match(Mode mode, std::string_view line) const;
  // Entries for '?': after a space, what may come next; inside a word, the keywords it starts.
  std::vector<HelpEntry> help(Mode mode, std::string_view line) const;
  // Words that complete the last (partial) token of line; empty when it is not a keyword spot.
  std::vector<std::string> complete(Mode mode, std::string_view line) const;
  // Every command syntax registered for a mode, for tests and "show parser dump"-style checks.
  std::vector<std::string> dump(Mode mode) const;

 private:
  void add_variant(Mode mode, const CommandSpec& spec, const std::vector<Token>& tokens);
  std::vector<std::unique_ptr<Node>> roots_;  // one per Mode (index = Mode), "no" is a keyword
  std::vector<std::unique_ptr<CommandSpec>> owned_;
  std::vector<std::string> errors_;
};

}  // namespace rampart::cli
