#include "cli/render/writer.hpp"

namespace rampart::cli {

void ConfigWriter::line(std::string text) {
  blocks_.push_back({{std::move(text)}, false, {}});
}

void ConfigWriter::line_in(std::string section, std::string text) {
  blocks_.push_back({{std::move(text)}, false, std::move(section)});
}

void ConfigWriter::sub(std::string text) {
  if (blocks_.empty() || blocks_.back().separator) blocks_.push_back({});
  blocks_.back().lines.push_back(" " + std::move(text));
}

void ConfigWriter::bang() {
  blocks_.push_back({{"!"}, true, {}});
}

std::string ConfigWriter::secret(const config::Secret& s) const {
  return opt_.reveal_secrets ? s.reveal() : std::string(config::Secret::masked);
}

std::string ConfigWriter::text() const {
  std::string out;
  for (const auto& b : blocks_)
    for (const auto& l : b.lines) out += l + "\n";
  return out;
}

std::string ConfigWriter::filtered(const std::vector<std::string>& prefixes) const {
  auto wanted = [&](const std::string& first) {
    for (const auto& p : prefixes)
      if (first.starts_with(p) && (first.size() == p.size() || first[p.size()] == ' ')) return true;
    return false;
  };
  // A "!" that follows a kept block is kept too, as the ASA prints its interface blocks.
  std::string out;
  bool kept_previous = false;
  for (const auto& b : blocks_) {
    if (b.separator) {
      if (kept_previous) out += "!\n";
      kept_previous = false;
      continue;
    }
    kept_previous = !b.lines.empty() && wanted(b.section.empty() ? b.lines.front() : b.section);
    if (kept_previous)
      for (const auto& l : b.lines) out += l + "\n";
  }
  return out;
}

}  // namespace rampart::cli
