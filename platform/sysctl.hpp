// Kernel parameters of the current network namespace (/proc/sys), by their sysctl name.
#pragma once

#include <string>
#include <string_view>

#include "platform/expected.hpp"

namespace rampart::platform {

// set_sysctl("net.ipv4.ip_forward", "1"); the error names the parameter and errno's words.
rampart::expected<void, std::string> set_sysctl(std::string_view name, std::string_view value);

}  // namespace rampart::platform
