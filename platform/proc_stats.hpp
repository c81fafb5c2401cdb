// CPU, memory and thread figures from /proc, for show cpu usage, show memory and show process.
// Parsing is apart from reading so that the unit tests feed it text.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rampart::platform {

// One line of /proc/stat ("cpu" or "cpuN"): jiffies spent busy and in total since boot.
struct CpuTimes {
  uint64_t busy = 0;
  uint64_t total = 0;
};

// The whole machine first, then each core, as /proc/stat lists them.
std::vector<CpuTimes> parse_proc_stat(std::string_view text);
std::vector<CpuTimes> read_proc_stat();

// Samples of /proc/stat taken about once a second; the ASA's three averages are the busy share
// between the newest sample and the one taken 5 s, 60 s and 300 s before (or the oldest kept).
class CpuHistory {
 public:
  // Adds a sample taken at now (seconds); ignores one less than a second after the last.
  void add(uint64_t now, std::vector<CpuTimes> sample);
  // Percent busy over the last window seconds, per entry of the sample (machine, then cores);
  // empty until two samples exist.
  std::vector<int> usage(uint64_t window) const;

 private:
  struct Sample {
    uint64_t at;
    std::vector<CpuTimes> times;
  };
  std::deque<Sample> samples_;
};

struct MemoryInfo {
  uint64_t total = 0;  // bytes (MemTotal)
  uint64_t free = 0;   // bytes (MemAvailable, what the box can still use)
};
std::optional<MemoryInfo> parse_meminfo(std::string_view text);
std::optional<MemoryInfo> read_meminfo();

// One thread of this process (/proc/self/task/N): its id, name and CPU time.
struct ThreadInfo {
  int tid = 0;
  std::string name;
  uint64_t runtime_ms = 0;  // user + system time
  char state = '?';         // R, S, D...
};
// /proc/self/task/N/stat's fields after the name: the name is in parentheses and may hold any
// character, so the text is split at the last ')'.
std::optional<ThreadInfo> parse_task_stat(std::string_view text, long clock_ticks);
std::vector<ThreadInfo> read_threads();

}  // namespace rampart::platform
