#include "control/time/chrony.hpp"

#include <charconv>
#include <cstdlib>

#include <fmt/format.h>

namespace rampart::time {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::vector<std::string_view> lines(std::string_view s) {
  std::vector<std::string_view> out;
  for (auto l : split(s, '\n'))
    if (!l.empty()) out.push_back(l);
  return out;
}

// A field that must be a number; the CSV comes from chronyc, but a version that changed its
// columns must give an error, not a wrong show.
struct FieldReader {
  const std::vector<std::string_view>& f;
  std::string error;
  bool ok() const { return error.empty(); }
  long integer(size_t i, int base = 10) {
    long v = 0;
    auto s = f[i];
    if (!s.empty() && s[0] == '+') s.remove_prefix(1);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size()) fail(i);
    return v;
  }
  double real(size_t i) {
    std::string s(f[i]);
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) fail(i);
    return v;
  }
  Stamp stamp(size_t i) {
    auto s = f[i];
    auto dot = s.find('.');
    Stamp t;
    auto whole = s.substr(0, dot);
    auto [p, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), t.sec);
    if (ec != std::errc() || p != whole.data() + whole.size()) fail(i);
    if (dot != std::string_view::npos) {
      std::string frac = "0" + std::string(s.substr(dot));
      char* end = nullptr;
      t.frac = std::strtod(frac.c_str(), &end);
      if (end != frac.c_str() + frac.size()) fail(i);
    }
    return t;
  }
  void fail(size_t i) {
    if (error.empty()) error = fmt::format("field {} is not a number: '{}'", i + 1, f[i]);
  }
};

}  // namespace

bool server_authenticates(const config::Ntp& ntp, const config::NtpServer& s) {
  return ntp.authenticate && s.key && ntp.md5_keys.contains(*s.key) &&
         ntp.trusted_keys.contains(*s.key);
}

std::string chrony_conf(const config::Ntp& ntp, const ChronyPaths& paths, ChronyPolling poll) {
  std::string c = "# Written by rampartd from the ntp lines of the configuration.\n";
  for (const auto& [addr, s] : ntp.servers) {
    c += fmt::format("server {} iburst minpoll {} maxpoll {}", addr.str(), poll.minpoll,
                     poll.maxpoll);
    if (server_authenticates(ntp, s)) c += fmt::format(" key {}", *s.key);
    if (s.prefer) c += " prefer";
    c += "\n";
  }
  c += fmt::format("keyfile {}\n", paths.keys());
  // "ntp authenticate": only servers that authenticate may be selected.
  if (ntp.authenticate) c += "authselectmode require\n";
  // A client only: the ASA serves no time, and chronyc reaches chronyd by its own socket.
  c += "port 0\ncmdport 0\n";
  c += fmt::format("bindcmdaddress {}\npidfile {}\n", paths.socket(), paths.pid());
  c += fmt::format("driftfile {}/chrony.drift\n", paths.dir);
  // A box that boots far off steps at once, as the ASA does on its first NTP update.
  c += "makestep 1 3\n";
  return c;
}

std::string chrony_keyfile(const config::Ntp& ntp) {
  std::string k;
  for (const auto& [id, key] : ntp.md5_keys)
    k += fmt::format("{} MD5 ASCII:{}\n", id, key.reveal());
  return k;
}

rampart::expected<Tracking, std::string> parse_tracking(std::string_view csv) {
  auto ls = lines(csv);
  if (ls.size() != 1) return rampart::unexpected(std::string("tracking: expected one line"));
  auto f = split(ls[0], ',');
  if (f.size() < 14) return rampart::unexpected(fmt::format("tracking: {} fields", f.size()));
  FieldReader r{f, {}};
  Tracking t;
  t.ref_id = static_cast<uint32_t>(r.integer(0, 16));
  t.ref_address = std::string(f[1]);
  t.stratum = static_cast<int>(r.integer(2));
  t.ref_time = r.stamp(3);
  t.system_offset = r.real(4);
  t.frequency_ppm = r.real(7);
  t.root_delay = r.real(10);
  t.root_dispersion = r.real(11);
  t.leap = std::string(f[13]);
  if (!r.ok()) return rampart::unexpected("tracking: " + r.error);
  return t;
}

rampart::expected<std::vector<Source>, std::string> parse_sources(std::string_view csv) {
  std::vector<Source> out;
  for (auto line : lines(csv)) {
    auto f = split(line, ',');
    if (f.size() < 10 || f[0].size() != 1 || f[1].size() != 1)
      return rampart::unexpected(fmt::format("sources: bad line '{}'", line));
    FieldReader r{f, {}};
    Source s;
    s.mode = f[0][0];
    s.state = f[1][0];
    s.address = std::string(f[2]);
    s.stratum = static_cast<int>(r.integer(3));
    s.poll = static_cast<int>(r.integer(4));
    s.reach = static_cast<unsigned>(r.integer(5, 8));  // chronyc prints the register in octal
    long rx = r.integer(6);
    s.last_rx = rx >= 0xFFFFFFFFL ? -1 : rx;  // chronyc prints 2^32-1 for "never"
    s.offset = r.real(7);
    s.error = r.real(9);
    if (!r.ok()) return rampart::unexpected("sources: " + r.error);
    out.push_back(std::move(s));
  }
  return out;
}

rampart::expected<std::vector<NtpData>, std::string> parse_ntpdata(std::string_view csv) {
  std::vector<NtpData> out;
  for (auto line : lines(csv)) {
    auto f = split(line, ',');
    if (f.size() < 28) return rampart::unexpected(fmt::format("ntpdata: {} fields", f.size()));
    FieldReader r{f, {}};
    NtpData d;
    d.address = std::string(f[0]);
    d.leap = std::string(f[5]);
    d.version = static_cast<int>(r.integer(6));
    d.mode = std::string(f[7]);
    d.stratum = static_cast<int>(r.integer(8));
    d.poll = static_cast<int>(r.integer(9));
    d.precision = static_cast<int>(r.integer(11));
    d.root_delay = r.real(13);
    d.root_dispersion = r.real(14);
    d.ref_id = static_cast<uint32_t>(r.integer(15, 16));
    d.ref_time = r.stamp(17);
    d.offset = r.real(18);
    d.peer_delay = r.real(19);
    d.peer_dispersion = r.real(20);
    d.tests_passed = f[23] == "111" && f[24] == "111" && f[25] == "1111";
    d.authenticated = f[27] == "Yes";
    if (!r.ok()) return rampart::unexpected("ntpdata: " + r.error);
    out.push_back(std::move(d));
  }
  return out;
}

std::string ref_id_text(uint32_t id) {
  return fmt::format("{}.{}.{}.{}", id >> 24, (id >> 16) & 0xff, (id >> 8) & 0xff, id & 0xff);
}

}  // namespace rampart::time
