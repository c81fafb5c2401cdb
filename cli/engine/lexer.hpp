// Splits a command line into words, remembering where each starts so errors can point at it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rampart::cli {

struct Word {
  std::string_view text;
  size_t offset = 0;
};

// Words are separated by spaces and tabs. There is no quoting: the ASA has none; a command
// that takes free text declares a LINE argument and receives the rest of the line verbatim.
std::vector<Word> split_words(std::string_view line);

}  // namespace rampart::cli
