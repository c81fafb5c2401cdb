#include "control/time/ntp_show.hpp"

#include <cmath>

#include <fmt/format.h>

#include "control/time/clock.hpp"

namespace rampart::time {

namespace {

constexpr int64_t kNtpEpochOffset = 2208988800;  // RFC 5905: 1900-01-01 to 1970-01-01
constexpr double kNominalHz = 100.0;             // the tick the ASA's show ntp status names

const NtpData* data_for(const NtpSnapshot& s, const std::string& address) {
  for (const auto& d : s.data)
    if (d.address == address) return &d;
  return nullptr;
}

std::string when_text(const Source& src) {
  return src.last_rx < 0 ? "-" : fmt::format("{}", src.last_rx);
}

// The association's tally: '*' our master (synced), '#' master (unsynced), '+' selected,
// '-' candidate, ' ' none; '~' always (every server is configured).
char tally(const Source& src, bool synced) {
  switch (src.state) {
    case '*':
      return synced ? '*' : '#';
    case '+':
      return '+';
    case '-':
      return '-';
    default:
      return ' ';
  }
}

std::string paren_time(const Stamp& t, const config::ClockSettings& clock) {
  if (t.sec <= 0) return "00000000.00000000 (00:00:00.000 UTC Mon Jan 1 1900)";
  int64_t ms = t.sec * 1000 + static_cast<int64_t>(t.frac * 1000);
  return fmt::format("{} ({})", ntp_timestamp_hex(t), format_clock(local_time(clock, ms)));
}

}  // namespace

bool ntp_synchronized(const NtpSnapshot& s) {
  if (!s.tracking.synchronized()) return false;
  for (const auto& src : s.sources)
    if (src.state == '*') return true;
  return false;
}

std::string ntp_timestamp_hex(const Stamp& t) {
  auto seconds = static_cast<uint64_t>(t.sec + kNtpEpochOffset);  // wraps in 2036, as NTP's era
  auto frac = static_cast<uint64_t>(t.frac * 4294967296.0);
  return fmt::format("{:08x}.{:08x}", seconds & 0xffffffffu, frac & 0xffffffffu);
}

std::string render_ntp_status(const NtpSnapshot& s, const config::ClockSettings& clock) {
  const Tracking& t = s.tracking;
  std::string o;
  if (ntp_synchronized(s))
    o += fmt::format("Clock is synchronized, stratum {}, reference is {}\n", t.stratum,
                     t.ref_address.empty() ? ref_id_text(t.ref_id) : t.ref_address);
  else
    o += "Clock is unsynchronized, stratum 16, no reference clock\n";
  // chrony's frequency is how fast the kernel clock runs uncorrected, in ppm.
  double actual = kNominalHz * (1.0 + t.frequency_ppm / 1e6);
  const NtpData* master = nullptr;
  for (const auto& src : s.sources)
    if (src.state == '*') master = data_for(s, src.address);
  int precision = master ? master->precision : -20;
  o += fmt::format("nominal freq is {:.4f} Hz, actual freq is {:.4f} Hz, precision is 2**{}\n",
                   kNominalHz, actual, precision);
  o += fmt::format("reference time is {}\n", paren_time(t.ref_time, clock));
  // chrony's "system time offset" is how far the clock is ahead of NTP time; the ASA prints
  // the correction, the other sign.
  o += fmt::format("clock offset is {:.4f} msec, root delay is {:.2f} msec\n",
                   -t.system_offset * 1e3, t.root_delay * 1e3);
  o += fmt::format("root dispersion is {:.2f} msec, peer dispersion is {:.2f} msec\n",
                   t.root_dispersion * 1e3, master ? master->peer_dispersion * 1e3 : 0.0);
  return o;
}

std::string render_ntp_associations(const NtpSnapshot& s) {
  std::string o =
      "      address         ref clock     st  when  poll reach  delay  offset    disp\n";
  bool synced = ntp_synchronized(s);
  for (const auto& src : s.sources) {
    const NtpData* d = data_for(s, src.address);
    std::string ref = d ? ref_id_text(d->ref_id) : "0.0.0.0";
    int stratum = d && src.reach ? d->stratum : 16;
    o += fmt::format("{}~{:<17}{:<15}{:>4}{:>6}{:>6}{:>5o}{:>7.1f}{:>8.2f}{:>8.1f}\n",
                     tally(src, synced), src.address, ref, stratum, when_text(src),
                     1L << std::max(src.poll, 0), src.reach, d ? d->peer_delay * 1e3 : 0.0,
                     src.offset * 1e3, src.error * 1e3);
  }
  o += " * master (synced), # master (unsynced), + selected, - candidate, ~ configured\n";
  return o;
}

std::string render_ntp_associations_detail(const NtpSnapshot& s,
                                           const config::ClockSettings& clock) {
  std::string o;
  bool synced = ntp_synchronized(s);
  for (const auto& src : s.sources) {
    const NtpData* d = data_for(s, src.address);
    std::string words = "configured";
    if (d && d->authenticated) words += ", authenticated";
    char t = tally(src, synced);
    if (t == '*') words += ", our_master";
    if (t == '#') words += ", master (unsynced)";
    if (t == '+') words += ", selected";
    if (t == '-') words += ", candidate";
    bool sane = d && d->tests_passed;
    bool valid = sane && src.reach != 0 && d->stratum < 16;
    words += sane ? ", sane" : ", insane";
    words += valid ? ", valid" : ", invalid";
    int stratum = d && src.reach ? d->stratum : 16;
    o += fmt::format("{} {}, stratum {}\n", src.address, words, stratum);
    o += fmt::format("ref ID {}, time {}\n", d ? ref_id_text(d->ref_id) : "0.0.0.0",
                     paren_time(d ? d->ref_time : Stamp{}, clock));
    int peer_poll = d ? d->poll : src.poll;
    o += fmt::format("our mode client, peer mode server, our poll intvl {}, peer poll intvl {}\n",
                     1L << std::max(src.poll, 0), 1L << std::max(peer_poll, 0));
    double root_delay = d ? d->root_delay * 1e3 : 0, root_disp = d ? d->root_dispersion * 1e3 : 0;
    double delay = d ? d->peer_delay * 1e3 : 0, disp = d ? d->peer_dispersion * 1e3 : 0;
    // RFC 5905 root distance: half the delay plus the dispersion, up to the reference.
    double sync_dist = (root_delay + delay) / 2 + root_disp + disp;
    o += fmt::format("root delay {:.2f} msec, root disp {:.2f}, reach {:o}, sync dist {:.3f}\n",
                     root_delay, root_disp, src.reach, sync_dist);
    o += fmt::format("delay {:.2f} msec, offset {:.4f} msec, dispersion {:.2f}\n", delay,
                     src.offset * 1e3, disp);
    o += fmt::format("precision 2**{}, version {}\n", d ? d->precision : 0, d ? d->version : 4);
  }
  return o;
}

}  // namespace rampart::time
