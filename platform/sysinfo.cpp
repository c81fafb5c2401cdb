#include "platform/sysinfo.hpp"

#include <cctype>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace rampart::platform {

namespace {

std::string first_line(const std::string& path) {
  std::ifstream f(path);
  std::string l;
  std::getline(f, l);
  while (!l.empty() && std::isspace(static_cast<unsigned char>(l.back()))) l.pop_back();
  return l;
}

}  // namespace

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  std::string line, model = "unknown CPU";
  int cpus = 0;
  while (std::getline(f, line)) {
    if (line.starts_with("model name")) {
      ++cpus;
      if (auto c = line.find(':'); c != std::string::npos) model = line.substr(c + 2);
    }
  }
  return fmt::format("{}, {} CPU{}", model, cpus, cpus == 1 ? "" : "s");
}

uint64_t memory_mb() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  uint64_t kb = 0;
  f >> key >> kb;
  return kb / 1024;
}

std::string serial_number() {
  // Virtual machines and white boxes report placeholders; those are not serial numbers.
  std::string dmi = first_line("/sys/class/dmi/id/product_serial");
  bool meaningful = dmi.size() >= 4 && dmi.find("Default") == std::string::npos &&
                    dmi.find("To be filled") == std::string::npos && dmi != "0" &&
                    dmi.find("None") == std::string::npos;
  if (meaningful) return dmi;
  std::string id = first_line("/etc/machine-id");
  if (id.size() >= 11) {
    std::string s = "RMP" + id.substr(0, 8);
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  return "RMP00000000";
}

uint64_t uptime_seconds() {
  std::ifstream f("/proc/uptime");
  double up = 0;
  f >> up;
  return static_cast<uint64_t>(up);
}

std::string build_date(const char* date, const char* time) {
  static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
  std::string_view d(date);
  if (d.size() < 11) return date;
  std::tm tm{};
  tm.tm_mon = static_cast<int>(kMonths.find(d.substr(0, 3)) / 3);
  tm.tm_mday = std::atoi(date + 4);
  tm.tm_year = std::atoi(date + 7) - 1900;
  std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%a %d-%b-%y", &tm);
  return fmt::format("{} {}", buf, std::string_view(time).substr(0, 5));
}

}  // namespace rampart::platform
