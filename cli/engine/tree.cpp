#include "cli/engine/tree.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "cli/engine/syntax.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kNoHelp = "Negate a command or set its defaults";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool istarts_with(std::string_view word, std::string_view prefix) {
  return word.size() >= prefix.size() && iequals(word.substr(0, prefix.size()), prefix);
}

bool same_token(const Token& a, const Token& b) {
  return a.kind == b.kind && a.text == b.text && a.lo == b.lo && a.hi == b.hi;
}

// Whether a typed (non-keyword) node accepts a word.
bool accepts(const Node& n, std::string_view w) {
  switch (n.kind) {
    case TokenKind::Keyword:
      return false;
    case TokenKind::Number: {
      if (w.empty() || w.size() > 10) return false;
      uint64_t v = 0;
      auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
      return ec == std::errc() && p == w.data() + w.size() && v >= n.lo && v <= n.hi;
    }
    case TokenKind::Ipv4:
      return config::Ipv4::parse(w).has_value();
    case TokenKind::Ipv4Zero:
      return w == "0" || config::Ipv4::parse(w).has_value();
    case TokenKind::Word:
    case TokenKind::Line:
      return true;
  }
  return false;
}

int typed_rank(TokenKind k) {
  switch (k) {
    case TokenKind::Number:
      return 0;
    case TokenKind::Ipv4:
    case TokenKind::Ipv4Zero:
      return 1;
    case TokenKind::Word:
      return 2;
    case TokenKind::Line:
      return 3;
    case TokenKind::Keyword:
      return 4;
  }
  return 5;
}

// One step of the walk: which child of node takes word w.
struct Step {
  const Node* child = nullptr;
  bool ambiguous = false;
};

Step step(const Node& node, std::string_view w) {
  const Node* exact = nullptr;
  std::vector<const Node*> prefix;
  for (const auto& c : node.children) {
    if (c->kind != TokenKind::Keyword) continue;
    if (iequals(c->text, w))
      exact = c.get();
    else if (istarts_with(c->text, w))
      prefix.push_back(c.get());
  }
  if (exact) return {exact, false};
  if (prefix.size() > 1) {
    // Hidden keywords (PIX spellings) never make a visible keyword ambiguous.
    std::vector<const Node*> visible;
    for (auto* p : prefix)
      if (!p->hidden) visible.push_back(p);
    if (visible.size() == 1) return {visible.front(), false};
  }
  if (prefix.size() == 1) return {prefix.front(), false};
  const Node* typed = nullptr;
  for (const auto& c : node.children) {
    if (c->kind == TokenKind::Keyword || !accepts(*c, w)) continue;
    if (!typed || typed_rank(c->kind) < typed_rank(typed->kind)) typed = c.get();
  }
  if (typed) return {typed, false};
  return {nullptr, prefix.size() > 1};
}

struct Walk {
  const Node* node = nullptr;
  MatchStatus status = MatchStatus::Ok;
  size_t offset = 0;
  Args args;
  bool negated = false;
  bool line_consumed = false;
};

Walk walk(const Node* root, std::string_view line, const std::vector<Word>& words, size_t count) {
  Walk w;
  w.node = root;
  for (size_t i = 0; i < count; ++i) {
    Step s = step(*w.node, words[i].text);
    if (!s.child) {
      w.status = s.ambiguous ? MatchStatus::Ambiguous : MatchStatus::NoMatch;
      w.offset = words[i].offset;
      return w;
    }
    if (i == 0 && s.child->kind == TokenKind::Keyword && s.child->text == "no") w.negated = true;
    const Node& c = *s.child;
    if (c.kind == TokenKind::Line) {
      std::string_view rest = line.substr(words[i].offset);
      while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
        rest.remove_suffix(1);
      for (const auto& b : c.binds) w.args.set(b, std::string(rest), words[i].offset);
      w.node = &c;
      w.line_consumed = true;
      return w;
    }
    std::string value = c.kind == TokenKind::Keyword ? c.text : std::string(words[i].text);
    if (c.kind == TokenKind::Ipv4Zero && value == "0") value = "0.0.0.0";  // what handlers read
    for (const auto& b : c.binds) w.args.set(b, value, words[i].offset);
    w.node = &c;
  }
  return w;
}

}  // namespace

CommandTree::CommandTree() {
  for (size_t i = 0; i < static_cast<size_t>(Mode::Count); ++i)
    roots_.push_back(std::make_unique<Node>());
}

CommandTree::~CommandTree() = default;

void CommandTree::add(const CommandSpec& in) {
  auto parsed = parse_syntax(in.syntax, in.help);
  if (!parsed) {
    errors_.push_back(fmt::format("'{}': {}", in.syntax, parsed.error()));
    return;
  }
  owned_.push_back(std::make_unique<CommandSpec>(in));
  const CommandSpec* spec = owned_.back().get();
  for (size_t m = 0; m < static_cast<size_t>(Mode::Count); ++m) {
    if (!(spec->modes & mask_of(static_cast<Mode>(m)))) continue;
    for (const auto& variant : *parsed) {
      add_variant(static_cast<Mode>(m), *spec, variant);
      if (spec->negatable) {
        std::vector<Token> negated;
        Token no;
        no.text = "no";
        no.help = std::string(kNoHelp);
        negated.push_back(std::move(no));
        negated.insert(negated.end(), variant.begin(), variant.end());
        add_variant(static_cast<Mode>(m), *spec, negated);
      }
    }
  }
}

void CommandTree::add_variant(Mode mode, const CommandSpec& spec,
                              const std::vector<Token>& tokens) {
  Node* node = roots_[static_cast<size_t>(mode)].get();
  for (size_t i = 0; i < tokens.size(); ++i) {
    Token tok = tokens[i];
    if (i == 0 && tok.kind == TokenKind::Keyword && tok.text == "no")
      tok.help = std::string(kNoHelp);
    Node* found = nullptr;
    for (auto& c : node->children)
      if (same_token(*c, tok)) found = c.get();
    if (found) {
      if (found->help != tok.help) {
        errors_.push_back(fmt::format("'{}': help for '{}' is \"{}\" here but \"{}\" elsewhere",
                                      spec.syntax, tok.text, tok.help, found->help));
        return;
      }
      if (!spec.hidden) found->hidden = false;
      for (const auto& b : tok.binds)
        if (std::find(found->binds.begin(), found->binds.end(), b) == found->binds.end())
          found->binds.push_back(b);
    } else {
      auto n = std::make_unique<Node>(std::move(tok));
      n->hidden = spec.hidden;
      node->children.push_back(std::move(n));
      found = node->children.back().get();
    }
    node = found;
    if (node->kind == TokenKind::Line && i + 1 != tokens.size()) {
      errors_.push_back(fmt::format("'{}': LINE must be the last token", spec.syntax));
      return;
    }
  }
  if (node->command && node->command != &spec) {
    errors_.push_back(fmt::format("'{}' in mode {}: duplicates '{}'", spec.syntax, mode_name(mode),
                                  node->command->syntax));
    return;
  }
  node->command = &spec;
}

MatchResult CommandTree::match(Mode mode, std::string_view line) const {
  auto words = split_words(line);
  MatchResult r;
  if (words.empty()) {
    r.status = MatchStatus::Incomplete;
    return r;
  }
  Walk w = walk(roots_[static_cast<size_t>(mode)].get(), line, words, words.size());
  r.offset = w.offset;
  r.negated = w.negated;
  if (w.status != MatchStatus::Ok) {
    r.status = w.status;
    return r;
  }
  if (!w.node->command) {
    r.status = MatchStatus::Incomplete;
    return r;
  }
  r.status = MatchStatus::Ok;
  r.command = w.node->command;
  r.args = std::move(w.args);
  return r;
}

std::vector<HelpEntry> CommandTree::help(Mode mode, std::string_view line) const {
  auto words = split_words(line);
  bool partial = !line.empty() && line.back() != ' ' && line.back() != '\t' && !words.empty();
  size_t complete_words = partial ? words.size() - 1 : words.size();
  Walk w = walk(roots_[static_cast<size_t>(mode)].get(), line, words, complete_words);
  std::vector<HelpEntry> out;
  if (w.status != MatchStatus::Ok || w.line_consumed) {
    if (w.line_consumed && w.node->command) out.push_back({"<cr>", ""});
    return out;
  }
  std::vector<const Node*> kids;
  for (const auto& c : w.node->children) {
    if (c->hidden) continue;
    if (partial && (c->kind != TokenKind::Keyword || !istarts_with(c->text, words.back().text)))
      continue;
    kids.push_back(c.get());
  }
  std::sort(kids.begin(), kids.end(), [](const Node* a, const Node* b) {
    bool ka = a->kind == TokenKind::Keyword, kb = b->kind == TokenKind::Keyword;
    if (ka != kb) return !ka;  // arguments first, as the ASA lists them
    return a->text < b->text;
  });
  std::string last;
  for (const Node* k : kids) {
    if (k->text == last) continue;  // a {choice} bound twice in different commands
    last = k->text;
    out.push_back({k->text, k->help});
  }
  if (!partial && w.node->command) out.push_back({"<cr>", ""});
  return out;
}

std::vector<std::string> CommandTree::complete(Mode mode, std::string_view line) const {
  auto words = split_words(line);
  bool partial = !line.empty() && line.back() != ' ' && line.back() != '\t' && !words.empty();
  size_t complete_words = partial ? words.size() - 1 : words.size();
  Walk w = walk(roots_[static_cast<size_t>(mode)].get(), line, words, complete_words);
  std::vector<std::string> out;
  if (w.status != MatchStatus::Ok || w.line_consumed) return out;
  std::string_view prefix = partial ? words.back().text : std::string_view{};
  for (const auto& c : w.node->children)
    if (c->kind == TokenKind::Keyword && !c->hidden && istarts_with(c->text, prefix))
      out.push_back(c->text);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::string> CommandTree::dump(Mode mode) const {
  std::vector<std::string> out;
  std::vector<std::pair<const Node*, std::string>> stack{
      {roots_[static_cast<size_t>(mode)].get(), ""}};
  while (!stack.empty()) {
    auto [n, path] = stack.back();
    stack.pop_back();
    if (n->command) out.push_back(path);
    for (const auto& c : n->children)
      stack.push_back({c.get(), path.empty() ? c->text : path + " " + c->text});
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace rampart::cli
