// Parses a command's syntax string (see command.hpp for the language) together with its help
// strings into the token sequences it accepts: optional parts and {choices} expand into
// variants, so the tree only ever stores plain token paths.
#pragma once

#include <string>
#include <string_view>
#include <vector>
#include "platform/expected.hpp"

#include "cli/engine/tree.hpp"

namespace rampart::cli {

rampart::expected<std::vector<std::vector<Token>>, std::string> parse_syntax(
    std::string_view syntax, const std::vector<std::string_view>& help);

}  // namespace rampart::cli
