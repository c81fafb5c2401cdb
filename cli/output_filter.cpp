#include "cli/output_filter.hpp"

#include <regex.h>

#include <array>
#include <cctype>
#include <optional>

#include <fmt/format.h>

namespace rampart::cli {

// POSIX extended expressions (regcomp): the ASA's filter syntax (. * + ? | () [] ^ $ {x,})
// without a backtracking engine that a hostile pattern could keep busy.
// A pattern of ordinary characters alone (most filters: "| include crypto map") matches where
// its text occurs, as regexec would find it: searched as a substring, which costs a fraction of
// regexec per line (10,000 SAs of show crypto ipsec sa are 400,000 lines).
struct OutputFilter::Regex {
  regex_t re{};
  bool compiled = false;
  std::optional<std::string> literal;
  ~Regex() {
    if (compiled) regfree(&re);
  }
};

namespace {

struct Keyword {
  std::string_view word;
  OutputFilter::Kind kind;
  std::string_view help;
};

// As the ASA lists them after "| ?" (append and redirect, which write the output to a file,
// are not offered). "count" is IOS's [U]: the ASA releases in the references have no sample.
constexpr std::array<Keyword, 5> kKeywords{{
    {"begin", OutputFilter::Kind::Begin, "Begin with the line that matches"},
    {"count", OutputFilter::Kind::Count, "Count number of lines which match regular expression"},
    {"exclude", OutputFilter::Kind::Exclude, "Exclude lines that match"},
    {"grep", OutputFilter::Kind::Include, "Include/exclude lines that match"},
    {"include", OutputFilter::Kind::Include, "Include lines that match"},
}};

bool blank(char c) {
  return c == ' ' || c == '\t';
}

// Whether a POSIX extended expression is its own text: none of its characters is special.
bool ordinary(std::string_view pattern) {
  return pattern.find_first_of("\\^$.[]|()*+?{}") == std::string_view::npos;
}

// The keyword a typed word abbreviates, if exactly one (matched case-insensitively).
const Keyword* keyword_for(std::string_view typed, bool& ambiguous) {
  const Keyword* found = nullptr;
  ambiguous = false;
  for (const auto& k : kKeywords) {
    if (typed.size() > k.word.size()) continue;
    bool prefix = true;
    for (size_t i = 0; i < typed.size() && prefix; ++i)
      prefix = static_cast<char>(std::tolower(static_cast<unsigned char>(typed[i]))) == k.word[i];
    if (!prefix) continue;
    if (found) ambiguous = true;
    found = &k;
  }
  return ambiguous ? nullptr : found;
}

}  // namespace

OutputFilter::OutputFilter(Kind k, std::unique_ptr<Regex> re) : kind_(k), re_(std::move(re)) {}
OutputFilter::~OutputFilter() = default;
OutputFilter::OutputFilter(OutputFilter&&) noexcept = default;
OutputFilter& OutputFilter::operator=(OutputFilter&&) noexcept = default;

OutputFilter::Parsed OutputFilter::parse(std::string_view text) {
  Parsed p;
  size_t pos = 0;
  while (pos < text.size() && blank(text[pos])) ++pos;
  size_t end = pos;
  while (end < text.size() && !blank(text[end])) ++end;
  p.offset = pos;
  if (pos == text.size()) {
    p.status = Parsed::Status::Incomplete;
    return p;
  }
  bool ambiguous = false;
  const Keyword* k = keyword_for(text.substr(pos, end - pos), ambiguous);
  if (!k) return p;  // Invalid at the keyword
  Kind kind = k->kind;
  // The expression: after the keyword and one blank, to the end of the line.
  size_t expr = end < text.size() ? end + 1 : end;
  if (k->word == "grep") {
    size_t w = expr;
    while (w < text.size() && blank(text[w])) ++w;
    if (text.substr(w).starts_with("-v") && (w + 2 == text.size() || blank(text[w + 2]))) {
      kind = Kind::Exclude;
      expr = w + 2 < text.size() ? w + 3 : w + 2;
    }
  }
  std::string_view pattern = text.substr(expr);
  p.offset = expr;
  if (pattern.empty() && kind != Kind::Count) {
    p.status = Parsed::Status::Incomplete;
    return p;
  }
  std::unique_ptr<Regex> re;
  if (!pattern.empty()) {
    re = std::make_unique<Regex>();
    re->compiled = regcomp(&re->re, std::string(pattern).c_str(), REG_EXTENDED | REG_NOSUB) == 0;
    if (re->compiled && ordinary(pattern)) re->literal = std::string(pattern);
    if (!re->compiled) {
      p.status = Parsed::Status::BadRegex;
      return p;
    }
  }
  p.status = Parsed::Status::Ok;
  p.filter.emplace(OutputFilter(kind, std::move(re)));
  return p;
}

bool OutputFilter::matches(std::string_view line) const {
  if (!re_) return true;
  if (re_->literal) return line.find(*re_->literal) != std::string_view::npos;
  // REG_STARTEND (glibc, the BSDs): the line where it lies, with no copy to terminate it.
  regmatch_t range{0, static_cast<regoff_t>(line.size())};
  return regexec(&re_->re, line.data(), 0, &range, REG_STARTEND) == 0;
}

std::string OutputFilter::apply(std::string_view output) const {
  std::string out;
  size_t count = 0;
  bool begun = false;
  size_t p = 0;
  while (p < output.size()) {
    size_t nl = output.find('\n', p);
    size_t e = nl == std::string_view::npos ? output.size() : nl;
    std::string_view line = output.substr(p, e - p);
    std::string_view with_nl = output.substr(p, (nl == std::string_view::npos ? e : nl + 1) - p);
    p = e + 1;
    switch (kind_) {
      case Kind::Include:
        if (matches(line)) out += with_nl;
        break;
      case Kind::Exclude:
        if (!matches(line)) out += with_nl;
        break;
      case Kind::Begin:
        begun = begun || matches(line);
        if (begun) out += with_nl;
        break;
      case Kind::Count:
        count += matches(line) ? 1 : 0;
        break;
    }
  }
  if (kind_ == Kind::Count) out = fmt::format("Number of lines which match regexp = {}\n", count);
  return out;
}

std::vector<HelpEntry> output_filter_help(std::string_view partial) {
  size_t pos = 0;
  while (pos < partial.size() && blank(partial[pos])) ++pos;
  size_t end = pos;
  while (end < partial.size() && !blank(partial[end])) ++end;
  std::string_view word = partial.substr(pos, end - pos);
  std::vector<HelpEntry> out;
  if (end == partial.size()) {  // the keyword itself, whole or begun
    for (const auto& k : kKeywords)
      if (k.word.starts_with(word)) out.push_back({std::string(k.word), std::string(k.help)});
    return out;
  }
  bool ambiguous = false;
  const Keyword* k = keyword_for(word, ambiguous);
  if (!k) return out;
  if (k->word == "grep") out.push_back({"-v", "Exclude lines that match"});
  if (k->word == "count") out.push_back({"<cr>", ""});
  out.push_back({"LINE", "Regular Expression"});
  return out;
}

size_t output_filter_bar(const CommandTree& tree, Mode mode, std::string_view line) {
  size_t bar = line.find('|');
  if (bar == std::string_view::npos) return bar;
  std::string_view head = line.substr(0, bar);
  while (!head.empty() && blank(head.back())) head.remove_suffix(1);
  for (std::optional<Mode> m = mode; m; m = parent(*m)) {
    MatchResult r = tree.match(*m, head);
    if (r.status != MatchStatus::Ok) continue;
    std::string_view syntax = r.command->syntax;
    bool shows = syntax.starts_with("show ") || syntax == "show" || syntax.starts_with("more ");
    return shows ? bar : std::string_view::npos;
  }
  return std::string_view::npos;
}

}  // namespace rampart::cli
