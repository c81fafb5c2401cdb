// chrony as Rampart's NTP client: the chrony.conf and key file rampartd writes from the ntp
// lines of the configuration, and the parsers of chronyc's CSV answers (-c tracking, sources,
// ntpdata) that show ntp status|associations print from. Pure text in, text out: the daemon
// (firmware/daemon/ntp_service) runs chronyd and chronyc.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/model.hpp"
#include "platform/expected.hpp"

namespace rampart::time {

// A time as chronyc prints it ("1796476110.581181427"), kept whole: a double would lose the
// low bits of the NTP timestamp the ASA prints.
struct Stamp {
  int64_t sec = 0;  // since the epoch; 0: never
  double frac = 0;  // [0, 1)
};

struct ChronyPaths {
  std::string dir;  // chronyd's run directory: conf, keys, socket, pid, drift (mode 0700)
  std::string conf() const { return dir + "/chrony.conf"; }
  std::string keys() const { return dir + "/chrony.keys"; }
  std::string socket() const { return dir + "/chronyd.sock"; }
  std::string pid() const { return dir + "/chronyd.pid"; }
};

// Polling as the ASA does it (64 s to 1024 s); a lab may poll faster (log2 seconds).
struct ChronyPolling {
  int minpoll = 6;
  int maxpoll = 10;
};

// Which servers authenticate: with "ntp authenticate", a server whose key is defined and
// trusted sends and checks MD5; the others stay unauthenticated and chrony
// ("authselectmode require") never selects them, as the ASA never syncs to them.
bool server_authenticates(const config::Ntp& ntp, const config::NtpServer& s);

std::string chrony_conf(const config::Ntp& ntp, const ChronyPaths& paths, ChronyPolling poll);
// "1 MD5 ASCII:secret" per defined key; written mode 0600 (chrony reads it as root).
std::string chrony_keyfile(const config::Ntp& ntp);

// chronyc -c tracking.
struct Tracking {
  uint32_t ref_id = 0;
  std::string ref_address;  // "192.0.2.123"; empty when none
  int stratum = 0;
  Stamp ref_time;
  double system_offset = 0;  // seconds
  double frequency_ppm = 0;
  double root_delay = 0, root_dispersion = 0;  // seconds
  std::string leap;                            // "Normal", "Not synchronised", ...
  bool synchronized() const { return leap != "Not synchronised" && ref_id != 0; }
};
rampart::expected<Tracking, std::string> parse_tracking(std::string_view csv);

// chronyc -c sources: one line a source.
struct Source {
  char mode = '^';   // '^' server, '=' peer, '#' reference clock
  char state = '?';  // '*' synced, '+' combined, '-' not combined, '?' unusable, 'x', '~'
  std::string address;
  int stratum = 0;
  int poll = 0;          // log2 seconds
  unsigned reach = 0;    // the 8-bit register
  int64_t last_rx = -1;  // seconds ago; -1: never
  double offset = 0;     // seconds (adjusted)
  double error = 0;      // seconds
};
rampart::expected<std::vector<Source>, std::string> parse_sources(std::string_view csv);

// chronyc -c ntpdata: what the last packets of each server said.
struct NtpData {
  std::string address;
  std::string leap, mode;
  int version = 0, stratum = 0, poll = 0, precision = 0;
  double root_delay = 0, root_dispersion = 0;
  uint32_t ref_id = 0;
  Stamp ref_time;
  double offset = 0, peer_delay = 0, peer_dispersion = 0;
  bool tests_passed = false;  // all nine of "NTP tests"
  bool authenticated = false;
};
rampart::expected<std::vector<NtpData>, std::string> parse_ntpdata(std::string_view csv);

// A reference ID as the ASA prints a ref clock: an IPv4 address's dotted quad.
std::string ref_id_text(uint32_t id);

}  // namespace rampart::time
