// Every syslog message Rampart emits, in one table: the ASA's id, its default severity level
// and its text as an fmt format ("%ASA-<level>-<id>: " is added by the logger). Call sites name
// the id and pass the arguments; the table is the one place where wording and level live, so
// "logging message N level L", "show logging message all" and the README's list agree with what
// the box says. tests/check_syslog_ids.sh fails when code logs an id the table lacks.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace rampart::logging {

struct MessageDef {
  uint32_t id;
  int level;                // 0 emergencies ... 7 debugging
  std::string_view format;  // fmt syntax, the ASA's words
};

// The table, sorted by id.
std::span<const MessageDef> messages();
const MessageDef* find_message(uint32_t id);

// Severity levels as the ASA names them: 0 "emergencies" ... 7 "debugging".
std::string_view level_name(int level);
// A level as typed: 0-7 or its name (abbreviations are the CLI's business, not this one).
std::optional<int> parse_level(std::string_view word);

// The text of message id with args, from the table. A format the arguments do not fit (a
// programming error) yields the format itself rather than throwing on the logging path.
std::string vtext(uint32_t id, fmt::format_args args);
template <class... A>
std::string text(uint32_t id, const A&... args) {
  return vtext(id, fmt::make_format_args(args...));
}

}  // namespace rampart::logging
