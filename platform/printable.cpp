#include "platform/printable.hpp"

#include <fmt/format.h>

namespace rampart::platform {

std::string printable(std::string_view peer_bytes) {
  std::string out;
  out.reserve(peer_bytes.size());
  for (char c : peer_bytes) {
    auto b = static_cast<unsigned char>(c);
    // The backslash is escaped too, so that "\x0a" typed by a peer stays distinguishable.
    if (b >= 0x20 && b < 0x7f && b != '\\')
      out += c;
    else
      out += fmt::format("\\x{:02x}", b);
  }
  return out;
}

}  // namespace rampart::platform
