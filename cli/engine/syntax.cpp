#include "cli/engine/syntax.hpp"

#include <charconv>
#include <memory>

#include <fmt/format.h>

namespace rampart::cli {

namespace {

// The syntax as a small tree: a sequence of atoms, choices and optional sub-sequences.
struct Element {
  enum class Kind { Atom, Choice, Optional } kind = Kind::Atom;
  std::vector<Token> alternatives;  // Atom: one node; Choice: one per keyword
  std::vector<Element> optional;    // Optional: the bracketed sequence
};

struct Parser {
  std::string_view text;
  const std::vector<std::string_view>& help;
  size_t pos = 0;
  size_t help_index = 0;
  std::string error;

  std::string_view next_help() {
    if (help_index >= help.size()) {
      error = "fewer help strings than tokens";
      return {};
    }
    return help[help_index++];
  }

  // Reads one lexical token: "[", "]", or a word (which may be <...> or {...}).
  std::string_view lex() {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos >= text.size()) return {};
    if (text[pos] == '[' || text[pos] == ']') return text.substr(pos++, 1);
    size_t start = pos;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '[' && text[pos] != ']') ++pos;
    return text.substr(start, pos - start);
  }

  bool atom(std::string_view w, Element& e) {
    if (w.front() == '{') {
      if (w.back() != '}' || w.size() < 3) return fail(w, "unterminated {choice}");
      std::string_view body = w.substr(1, w.size() - 2);
      std::string name;
      if (auto colon = body.find(':'); colon != std::string_view::npos) {
        name = std::string(body.substr(0, colon));
        body = body.substr(colon + 1);
      }
      std::string_view h = next_help();
      e.kind = Element::Kind::Choice;
      for (;;) {
        auto bar = body.find('|');
        auto hbar = h.find('|');
        Token n;
        n.kind = TokenKind::Keyword;
        n.text = std::string(body.substr(0, bar));
        n.help = std::string(h.substr(0, hbar));
        if (!name.empty()) n.binds.push_back(name);
        if (n.text.empty()) return fail(w, "empty choice");
        e.alternatives.push_back(std::move(n));
        if (bar == std::string_view::npos) break;
        if (hbar == std::string_view::npos) return fail(w, "choice help has fewer '|' parts");
        body = body.substr(bar + 1);
        h = h.substr(hbar + 1);
      }
      return error.empty();
    }
    Token n;
    if (w.front() == '<') {
      if (w.back() != '>' || w.size() < 3) return fail(w, "unterminated <argument>");
      std::string_view body = w.substr(1, w.size() - 2);
      auto colon = body.find(':');
      if (colon == std::string_view::npos) return fail(w, "argument needs <name:TYPE>");
      n.binds.push_back(std::string(body.substr(0, colon)));
      std::string_view type = body.substr(colon + 1);
      if (type == "WORD") {
        n.kind = TokenKind::Word;
      } else if (type == "A.B.C.D") {
        n.kind = TokenKind::Ipv4;
      } else if (type == "A.B.C.D|0") {
        n.kind = TokenKind::Ipv4Zero;
        n.text = "A.B.C.D";
      } else if (type == "LINE") {
        n.kind = TokenKind::Line;
      } else if (auto dash = type.find('-'); dash != std::string_view::npos) {
        n.kind = TokenKind::Number;
        uint64_t lo = 0, hi = 0;
        auto r1 = std::from_chars(type.data(), type.data() + dash, lo);
        auto r2 = std::from_chars(type.data() + dash + 1, type.data() + type.size(), hi);
        if (r1.ec != std::errc() || r2.ec != std::errc() || lo > hi || hi > 0xffffffffu)
          return fail(w, "bad number range");
        n.lo = static_cast<uint32_t>(lo);
        n.hi = static_cast<uint32_t>(hi);
        type = {};
        n.text = fmt::format("<{}-{}>", lo, hi);
      } else {
        return fail(w, "unknown argument type");
      }
      if (n.text.empty()) n.text = std::string(type);
    } else {
      n.kind = TokenKind::Keyword;
      n.text = std::string(w);
    }
    n.help = std::string(next_help());
    e.alternatives.push_back(std::move(n));
    return error.empty();
  }

  bool fail(std::string_view w, std::string_view why) {
    if (error.empty()) error = fmt::format("{} at '{}'", why, w);
    return false;
  }

  // Parses a sequence until "]" (nested) or the end.
  bool sequence(std::vector<Element>& out, bool nested) {
    for (;;) {
      std::string_view w = lex();
      if (w.empty()) return nested ? fail("end", "unbalanced '['") : true;
      if (w == "]") return nested ? true : fail(w, "unbalanced ']'");
      Element e;
      if (w == "[") {
        e.kind = Element::Kind::Optional;
        if (!sequence(e.optional, true)) return false;
        if (e.optional.empty()) return fail(w, "empty []");
      } else if (!atom(w, e)) {
        return false;
      }
      out.push_back(std::move(e));
    }
  }
};

// Expands a sequence of elements into every token path it accepts.
void expand(const std::vector<Element>& seq, size_t i, std::vector<Token>& prefix,
            std::vector<std::vector<Token>>& out) {
  if (i == seq.size()) {
    out.push_back(prefix);
    return;
  }
  const Element& e = seq[i];
  if (e.kind == Element::Kind::Optional) {
    expand(seq, i + 1, prefix, out);  // without it
    std::vector<Element> with(e.optional);
    with.insert(with.end(), seq.begin() + static_cast<long>(i) + 1, seq.end());
    expand(with, 0, prefix, out);
    return;
  }
  for (const Token& alt : e.alternatives) {
    prefix.push_back(alt);
    expand(seq, i + 1, prefix, out);
    prefix.pop_back();
  }
}

}  // namespace

rampart::expected<std::vector<std::vector<Token>>, std::string> parse_syntax(
    std::string_view syntax, const std::vector<std::string_view>& help) {
  // A leading "no" may be given without its help string: every no-form shares one help text.
  std::vector<std::string_view> h = help;
  if ((syntax.starts_with("no ") || syntax == "no") &&
      (h.empty() || h.front() != "Negate a command or set its defaults")) {
    size_t atoms = 0;
    Parser counter{syntax, h};
    for (std::string_view w = counter.lex(); !w.empty(); w = counter.lex())
      if (w != "[" && w != "]") ++atoms;
    if (h.size() + 1 == atoms) h.insert(h.begin(), "Negate a command or set its defaults");
  }
  Parser p{syntax, h};
  std::vector<Element> seq;
  if (!p.sequence(seq, false)) return rampart::unexpected(p.error);
  if (p.help_index != h.size())
    return rampart::unexpected(
        fmt::format("{} help strings for {} tokens", h.size(), p.help_index));
  if (seq.empty()) return rampart::unexpected(std::string("empty syntax"));
  std::vector<std::vector<Token>> out;
  std::vector<Token> prefix;
  expand(seq, 0, prefix, out);
  return out;
}

}  // namespace rampart::cli
