#include "platform/proc_stats.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace rampart::platform {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The numbers of a line, separated by blanks.
std::vector<uint64_t> numbers(std::string_view s) {
  std::vector<uint64_t> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    // A token that is not an unsigned number (tpgid's -1) holds its place as 0.
    uint64_t v = 0;
    if (j > i) {
      if (std::from_chars(s.data() + i, s.data() + j, v).ec != std::errc()) v = 0;
      out.push_back(v);
    }
    i = j;
  }
  return out;
}

}  // namespace

std::vector<CpuTimes> parse_proc_stat(std::string_view text) {
  std::vector<CpuTimes> out;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.starts_with("cpu")) continue;
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    auto v = numbers(line.substr(sp));
    if (v.size() < 4) continue;
    CpuTimes t;
    for (size_t i = 0; i < v.size() && i < 8; ++i) t.total += v[i];
    uint64_t idle = v[3] + (v.size() > 4 ? v[4] : 0);
    t.busy = t.total - idle;
    out.push_back(t);
  }
  return out;
}

std::vector<CpuTimes> read_proc_stat() {
  return parse_proc_stat(slurp("/proc/stat"));
}

void CpuHistory::add(uint64_t now, std::vector<CpuTimes> sample) {
  if (!samples_.empty() && now < samples_.back().at + 1) return;
  samples_.push_back({now, std::move(sample)});
  // Five minutes and a little more: the oldest window's start must stay.
  while (samples_.size() > 2 && samples_.front().at + 305 < now) samples_.pop_front();
}

std::vector<int> CpuHistory::usage(uint64_t window) const {
  if (samples_.size() < 2) return {};
  const Sample& last = samples_.back();
  const Sample* first = &samples_.front();
  for (const auto& s : samples_)
    if (s.at + window >= last.at) {
      first = &s;
      break;
    }
  if (first == &last) first = &samples_[samples_.size() - 2];
  std::vector<int> out;
  for (size_t i = 0; i < last.times.size() && i < first->times.size(); ++i) {
    uint64_t total = last.times[i].total - first->times[i].total;
    uint64_t busy = last.times[i].busy - first->times[i].busy;
    out.push_back(total ? static_cast<int>((busy * 100 + total / 2) / total) : 0);
  }
  return out;
}

std::optional<MemoryInfo> parse_meminfo(std::string_view text) {
  MemoryInfo m;
  bool total = false, avail = false;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    auto v = numbers(line.substr(colon + 1));
    if (v.empty()) continue;
    std::string_view key = line.substr(0, colon);
    if (key == "MemTotal") m.total = v[0] * 1024, total = true;
    if (key == "MemAvailable") m.free = v[0] * 1024, avail = true;
  }
  if (!total || !avail || m.free > m.total) return std::nullopt;
  return m;
}

std::optional<MemoryInfo> read_meminfo() {
  return parse_meminfo(slurp("/proc/meminfo"));
}

std::optional<ThreadInfo> parse_task_stat(std::string_view text, long clock_ticks) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  ThreadInfo t;
  if (std::from_chars(text.data(), text.data() + open, t.tid).ec != std::errc()) {
    auto v = numbers(text.substr(0, open));
    if (v.empty()) return std::nullopt;
    t.tid = static_cast<int>(v[0]);
  }
  t.name = std::string(text.substr(open + 1, close - open - 1));
  std::string_view rest = text.substr(close + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.empty()) return std::nullopt;
  t.state = rest.front();
  // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
  auto v = numbers(rest.substr(1));
  if (v.size() < 12 || clock_ticks <= 0) return std::nullopt;
  t.runtime_ms = (v[10] + v[11]) * 1000 / static_cast<uint64_t>(clock_ticks);
  return t;
}

std::vector<ThreadInfo> read_threads() {
  std::vector<ThreadInfo> out;
  std::error_code ec;
  long hz = ::sysconf(_SC_CLK_TCK);
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task", ec))
    if (auto t = parse_task_stat(slurp(e.path().string() + "/stat"), hz)) out.push_back(*t);
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.tid < b.tid; });
  return out;
}

}  // namespace rampart::platform
