#include "firmware/protocol/frame.hpp"

#include <algorithm>

namespace rampart::protocol {

namespace {

void put_u32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

uint32_t get_u32(std::string_view s) {
  return (uint32_t{static_cast<uint8_t>(s[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[2])} << 8) | uint32_t{static_cast<uint8_t>(s[3])};
}

constexpr size_t kKeepCapacity = 64 * 1024;

bool known(uint8_t t) {
  return (t >= 1 && t <= 5) || (t >= 10 && t <= 15);
}

}  // namespace

std::string encode(Type type, std::string_view payload) {
  std::string out;
  out.reserve(5 + payload.size());
  out += static_cast<char>(type);
  put_u32(out, static_cast<uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

rampart::expected<std::optional<Frame>, std::string> Decoder::next() {
  if (buf_.size() < 5) return std::optional<Frame>{};
  uint8_t t = static_cast<uint8_t>(buf_[0]);
  if (!known(t)) return rampart::unexpected(std::string("unknown frame type"));
  uint32_t len = get_u32(std::string_view(buf_).substr(1, 4));
  if (len > kMaxPayload) return rampart::unexpected(std::string("frame too large"));
  if (buf_.size() < 5 + static_cast<size_t>(len)) return std::optional<Frame>{};
  Frame f{static_cast<Type>(t), buf_.substr(5, len)};
  buf_.erase(0, 5 + static_cast<size_t>(len));
  // A large frame leaves a large buffer behind; give it back once it has been taken.
  if (buf_.capacity() > kKeepCapacity && buf_.size() <= kKeepCapacity) buf_.shrink_to_fit();
  return std::optional<Frame>{std::move(f)};
}

std::string output_payload(int pager_lines, std::string_view text) {
  std::string out;
  put_u32(out, static_cast<uint32_t>(pager_lines));
  out.append(text);
  return out;
}

std::vector<std::string> output_payloads(int pager_lines, std::string_view text) {
  constexpr size_t kMaxText = kMaxPayload - 4;  // the pager header's four bytes
  std::vector<std::string> out;
  do {
    size_t n = std::min(text.size(), kMaxText);
    if (n < text.size())
      if (size_t nl = text.rfind('\n', n - 1); nl != std::string_view::npos) n = nl + 1;
    out.push_back(output_payload(pager_lines, text.substr(0, n)));
    text.remove_prefix(n);
  } while (!text.empty());
  return out;
}

bool parse_output(std::string_view payload, int& pager_lines, std::string& text) {
  if (payload.size() < 4) return false;
  pager_lines = static_cast<int>(get_u32(payload));
  text = std::string(payload.substr(4));
  return true;
}

std::string prompt_payload(bool secret, std::string_view text) {
  std::string out(1, secret ? '\1' : '\0');
  out.append(text);
  return out;
}

}  // namespace rampart::protocol
