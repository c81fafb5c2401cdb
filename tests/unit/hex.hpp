// Bytes written as hex in a test ("0a1b 2c3d": blanks between bytes are skipped).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::test {

inline std::vector<uint8_t> hex(std::string_view h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size();) {
    if (h[i] == ' ') {
      ++i;
      continue;
    }
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
    i += 2;
  }
  return out;
}

}  // namespace rampart::test
