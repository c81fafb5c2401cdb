// The ASA's output filters: "show ... | include|exclude|begin|grep [-v] REGEX" and "| count
// [REGEX]", on every show and more command. The expression is everything after the keyword and
// one blank, trailing blanks included (the ASA takes them as part of it, unquoted).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/engine/tree.hpp"

namespace rampart::cli {

class OutputFilter {
 public:
  enum class Kind { Include, Exclude, Begin, Count };

  struct Parsed;
  // Parses what follows the '|' (the text up to the end of the line, unmodified).
  static Parsed parse(std::string_view text);

  // The output as the filter lets it through. Every line is matched alone, its newline not
  // part of it; "begin" passes everything from the first line that matches.
  std::string apply(std::string_view output) const;

  Kind kind() const { return kind_; }
  ~OutputFilter();
  OutputFilter(OutputFilter&&) noexcept;
  OutputFilter& operator=(OutputFilter&&) noexcept;

 private:
  struct Regex;
  OutputFilter(Kind k, std::unique_ptr<Regex> re);
  bool matches(std::string_view line) const;
  Kind kind_;
  std::unique_ptr<Regex> re_;  // null: "count" with no expression counts every line
};

struct OutputFilter::Parsed {
  enum class Status { Ok, Invalid, Incomplete, BadRegex };
  Status status = Status::Invalid;
  size_t offset = 0;  // where the refused word starts, in the text given to parse()
  std::optional<OutputFilter> filter;
};

// '?' help after the '|': the filter keywords, or what a keyword takes next. partial: the text
// after the '|' up to the '?'.
std::vector<HelpEntry> output_filter_help(std::string_view partial);

// Where a show or more command's filter starts: the first '|' of the line, when the words before
// it run a show or more command in this mode. npos otherwise (the '|' is the command's own:
// a remark, a banner, a regex).
size_t output_filter_bar(const CommandTree& tree, Mode mode, std::string_view line);

}  // namespace rampart::cli
