// A failed system call's error as text, "<what>: <strerror(errno)>", read right after the call.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "platform/expected.hpp"

namespace rampart::platform {

inline std::string errno_text(std::string_view what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// "<what> <path>: <strerror(errno)>" as the error of an expected.
inline rampart::unexpected<std::string> path_failure(std::string_view what, std::string_view path) {
  return rampart::unexpected(std::string(what) + " " + std::string(path) + ": " +
                             std::strerror(errno));
}

}  // namespace rampart::platform
