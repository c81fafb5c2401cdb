#include "platform/ifmap.hpp"

#include <cctype>
#include <charconv>
#include <vector>

#include <fmt/format.h>

namespace rampart::platform {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 4) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// "0/1" -> {0, 1}
std::optional<std::pair<int, int>> slot_port(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto a = s.substr(0, slash), b = s.substr(slash + 1);
  if (!all_digits(a) || !all_digits(b)) return std::nullopt;
  int x = 0, y = 0;
  std::from_chars(a.data(), a.data() + a.size(), x);
  std::from_chars(b.data(), b.data() + b.size(), y);
  return std::pair{x, y};
}

}  // namespace

std::optional<std::string> canonical_interface_name(std::string_view typed) {
  std::string t;
  for (char c : typed)
    if (c != ' ') t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t i = 0;
  while (i < t.size() && std::isalpha(static_cast<unsigned char>(t[i]))) ++i;
  std::string_view type(t.data(), i), rest(t.data() + i, t.size() - i);
  if (type.empty() || rest.empty()) return std::nullopt;
  // PIX 6.3 names NICs "ethernetN"; the ASA that converts it calls them GigabitEthernet0/N.
  if (std::string_view("ethernet").starts_with(type) && all_digits(rest)) {
    int port = 0;
    std::from_chars(rest.data(), rest.data() + rest.size(), port);  // "01" is port 1
    return fmt::format("GigabitEthernet0/{}", port);
  }
  auto sp = slot_port(rest);
  if (!sp) return std::nullopt;
  if (std::string_view("gigabitethernet").starts_with(type))
    return fmt::format("GigabitEthernet{}/{}", sp->first, sp->second);
  if (std::string_view("management").starts_with(type))
    return fmt::format("Management{}/{}", sp->first, sp->second);
  return std::nullopt;
}

std::optional<std::string> InterfaceMap::parse(std::string_view text, InterfaceMap& out) {
  int n = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++n;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string_view> words;
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      size_t s = i;
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
      if (i > s) words.push_back(line.substr(s, i - s));
    }
    if (words.empty()) continue;
    auto name = words.size() == 2 ? canonical_interface_name(words[0]) : std::nullopt;
    if (!name) return fmt::format("line {}: expected \"<interface> <device>\"", n);
    out.by_cli_[*name] = std::string(words[1]);
  }
  return std::nullopt;
}

std::string InterfaceMap::device_for(const std::string& cli_name) const {
  if (auto it = by_cli_.find(cli_name); it != by_cli_.end()) return it->second;
  auto slash = cli_name.rfind('/');
  std::string port = slash == std::string::npos ? "" : cli_name.substr(slash + 1);
  if (cli_name.starts_with("GigabitEthernet0/")) return "eth" + port;
  if (cli_name.starts_with("Management0/")) return "mgmt" + port;
  return lower(cli_name);  // never matches a real device: reported as missing when applied
}

std::optional<std::string> InterfaceMap::cli_name_for(const std::string& device) const {
  for (const auto& [cli, dev] : by_cli_)
    if (dev == device) return cli;
  if (device.starts_with("eth") && all_digits(std::string_view(device).substr(3))) {
    std::string candidate = "GigabitEthernet0/" + device.substr(3);
    if (!by_cli_.contains(candidate)) return candidate;
  }
  return std::nullopt;
}

}  // namespace rampart::platform
