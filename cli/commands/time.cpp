// The clock and NTP: clock set (privileged EXEC), clock timezone, clock summer-time, ntp server,
// ntp authenticate, ntp authentication-key, ntp trusted-key; show clock [detail], show ntp
// status, show ntp associations [detail]. The appliance's local time comes from one function,
// time::local_time(); NTP is chronyd's, asked on deferred work (System::ntp()).
#include <charconv>

#include <fmt/format.h>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"
#include "cli/system.hpp"
#include "control/time/clock.hpp"
#include "control/time/ntp_show.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kHelpClock = "Configure time-of-day clock";
constexpr std::string_view kHelpNtp = "Configure NTP";
constexpr std::string_view kHelpShowNtp = "Show network time protocol";
constexpr std::string_view kHelpKeyId = "Key number";

std::optional<int> number(std::string_view s, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

// "hh:mm[:ss]" as minutes or seconds of the day.
std::optional<int> parse_hms(std::string_view s, bool with_seconds) {
  auto c1 = s.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  auto h = number(s.substr(0, c1), 0, 23);
  std::string_view rest = s.substr(c1 + 1);
  auto c2 = rest.find(':');
  if (with_seconds != (c2 != std::string_view::npos)) return std::nullopt;
  auto m = number(rest.substr(0, c2), 0, 59);
  std::optional<int> sec = with_seconds ? number(rest.substr(c2 + 1), 0, 59) : 0;
  if (!h || !m || !sec) return std::nullopt;
  return with_seconds ? (*h * 60 + *m) * 60 + *sec : *h * 60 + *m;
}

// "{MONTH DAY | DAY MONTH}": the ASA takes either order. Returns {month, day}.
std::optional<std::pair<int, int>> parse_month_day(Ctx& c, std::string_view a_name,
                                                   std::string_view b_name) {
  std::string_view a = c.args.str(a_name), b = c.args.str(b_name);
  if (auto m = time::parse_month(a)) {
    if (auto d = number(b, 1, 31)) return std::pair{*m, *d};
    c.session.invalid_input_at(c.out, c.args, b_name);
    return std::nullopt;
  }
  if (auto d = number(a, 1, 31)) {
    if (auto m = time::parse_month(b)) return std::pair{*m, *d};
    c.session.invalid_input_at(c.out, c.args, b_name);
    return std::nullopt;
  }
  c.session.invalid_input_at(c.out, c.args, a_name);
  return std::nullopt;
}

void clock_set(Ctx& c) {
  auto secs = parse_hms(c.args.str("time"), true);
  if (!secs) return c.session.invalid_input_at(c.out, c.args, "time");
  auto md = parse_month_day(c, "a", "b");
  if (!md) return;
  int year = static_cast<int>(c.args.num("year"));
  if (md->second > time::days_in_month(year, md->first))
    return c.session.invalid_input_at(c.out, c.args,
                                      time::parse_month(c.args.str("a")) ? "b" : "a");
  // The time typed is local time: take the zone (and summer time) off to get UTC. Within the
  // hour summer time ends, the earlier reading wins.
  const auto& clk = c.cfg.clock;
  int64_t local_ms = time::civil_to_ms(year, md->first, md->second, 0) + int64_t{*secs} * 1000;
  int64_t utc = local_ms - int64_t{clk.offset_minutes} * 60'000;
  if (time::local_time(clk, utc - (clk.summer ? clk.summer->offset_minutes * 60'000 : 0)).summer)
    utc -= int64_t{clk.summer->offset_minutes} * 60'000;
  c.sys.set_clock(utc);
}

void clock_timezone(Ctx& c) {
  if (c.negated) {
    c.cfg.clock.zone = "UTC";
    c.cfg.clock.offset_minutes = 0;
    c.cfg.clock.timezone_set = false;
    return;
  }
  auto hours = number(
      c.args.str("hours").starts_with('+') ? c.args.str("hours").substr(1) : c.args.str("hours"),
      -23, 23);
  if (!hours) return c.session.invalid_input_at(c.out, c.args, "hours");
  int minutes = static_cast<int>(c.args.num("minutes", 0));
  bool west = c.args.str("hours").starts_with('-');
  c.cfg.clock.zone = c.args.str("zone");
  c.cfg.clock.offset_minutes = *hours * 60 + (west ? -minutes : minutes);
  c.cfg.clock.timezone_set = true;
}

// "W DAY MONTH hh:mm": one edge of a recurring rule; W is 1-4, first or last.
std::optional<config::SummerEdge> recurring_edge(Ctx& c, int n) {
  auto name = [n](std::string_view base) { return fmt::format("{}{}", base, n); };
  config::SummerEdge e;
  std::string w = c.args.str(name("w"));
  if (w == "first")
    e.week = 1;
  else if (w == "last")
    e.week = 5;
  else if (auto v = number(w, 1, 4))
    e.week = *v;
  else
    return c.session.invalid_input_at(c.out, c.args, name("w")), std::nullopt;
  auto day = time::parse_weekday(c.args.str(name("d")));
  if (!day) return c.session.invalid_input_at(c.out, c.args, name("d")), std::nullopt;
  auto month = time::parse_month(c.args.str(name("m")));
  if (!month) return c.session.invalid_input_at(c.out, c.args, name("m")), std::nullopt;
  auto t = parse_hms(c.args.str(name("t")), false);
  if (!t) return c.session.invalid_input_at(c.out, c.args, name("t")), std::nullopt;
  e.weekday = *day;
  e.month = *month;
  e.minute_of_day = *t;
  return e;
}

std::optional<config::SummerEdge> date_edge(Ctx& c, int n) {
  auto name = [n](std::string_view base) { return fmt::format("{}{}", base, n); };
  auto md = parse_month_day(c, name("a"), name("b"));
  if (!md) return std::nullopt;
  auto t = parse_hms(c.args.str(name("t")), false);
  if (!t) return c.session.invalid_input_at(c.out, c.args, name("t")), std::nullopt;
  config::SummerEdge e;
  e.month = md->first;
  e.day = md->second;
  e.year = static_cast<int>(c.args.num(name("y")));
  e.minute_of_day = *t;
  return e;
}

void summer_time(Ctx& c) {
  config::SummerTime s;
  s.zone = c.args.str("zone");
  s.offset_minutes = static_cast<int>(c.args.num("offset", 60));
  s.recurring = c.args.has("recurring");
  if (s.recurring && !c.args.has("w1")) {
    // No rule given: the United States' (second Sunday in March to the first in November).
    s.start = {.week = 2, .weekday = 0, .month = 3, .minute_of_day = 120};
    s.end = {.week = 1, .weekday = 0, .month = 11, .minute_of_day = 120};
  } else {
    auto start = s.recurring ? recurring_edge(c, 1) : date_edge(c, 1);
    if (!start) return;
    auto end = s.recurring ? recurring_edge(c, 2) : date_edge(c, 2);
    if (!end) return;
    s.start = *start;
    s.end = *end;
  }
  c.cfg.clock.summer = s;
}

std::string source_text(TimeSource s) {
  switch (s) {
    case TimeSource::Ntp:
      return "NTP";
    case TimeSource::User:
      return "user configuration";
    case TimeSource::HardwareCalendar:
      break;
  }
  return "hardware calendar";
}

std::string clock_line(const config::ClockSettings& clk, int64_t now_ms) {
  return time::format_clock(time::local_time(clk, now_ms)) + "\n";
}

// The summer-time lines of show clock detail: this year's window.
std::string summer_lines(const config::ClockSettings& clk, int64_t now_ms) {
  auto year = time::local_time(clk, now_ms).year;
  auto w = time::summer_window(clk, year);
  if (!w) return {};
  // Each edge as the clock reads just before it: the start in standard time, the end in
  // summer time ("02:00:00 PST", "02:00:00 PDT").
  config::ClockSettings standard = clk;
  standard.summer.reset();
  time::LocalTime start = time::local_time(standard, w->start_ms);
  time::LocalTime end = time::local_time(standard, w->end_ms + clk.summer->offset_minutes * 60'000);
  end.zone = clk.summer->zone;
  return fmt::format("Summer time starts {}\nSummer time ends {}\n",
                     time::format_clock_seconds(start), time::format_clock_seconds(end));
}

// Asks chronyd on deferred work and renders its answer there, from a copy of the clock
// settings (deferred work never reads the configuration), so that output filters apply to it;
// then, on the session's thread, tells the box whether NTP is synchronized.
using NtpRender =
    std::function<std::string(const time::NtpSnapshot&, const config::ClockSettings&)>;
void ntp_show(Ctx& c, NtpRender render) {
  NtpClient* ntp = c.sys.ntp();
  if (!ntp) {
    // No NTP client on this box (a CLI without rampartd): nothing synchronizes the clock.
    c.out += render(time::NtpSnapshot{}, c.cfg.clock);
    return;
  }
  auto synced = std::make_shared<bool>(false);
  c.session.defer(
      [ntp, synced, render, clock = c.cfg.clock]() {
        auto answer = ntp->query();
        time::NtpSnapshot snap = answer ? *answer : time::NtpSnapshot{};
        *synced = time::ntp_synchronized(snap);
        return render(snap, clock);
      },
      [synced](Session& s, std::string&) { s.appliance().sys().note_ntp(*synced); });
}

}  // namespace

void render_clock(const config::Config& cfg, ConfigWriter& w) {
  const auto& clk = cfg.clock;
  if (clk.timezone_set) {
    int h = clk.offset_minutes / 60, m = std::abs(clk.offset_minutes % 60);
    std::string hours = clk.offset_minutes < 0 && h == 0 ? "-0" : fmt::format("{}", h);
    w.line(m ? fmt::format("clock timezone {} {} {}", clk.zone, hours, m)
             : fmt::format("clock timezone {} {}", clk.zone, hours));
  }
  if (!clk.summer) return;
  const auto& s = *clk.summer;
  auto hhmm = [](int minute) { return fmt::format("{}:{:02}", minute / 60, minute % 60); };
  auto edge = [&](const config::SummerEdge& e) {
    if (s.recurring)
      return fmt::format("{} {} {} {}", e.week == 5 ? "last" : fmt::format("{}", e.week),
                         time::weekday_abbrev(e.weekday), time::month_abbrev(e.month),
                         hhmm(e.minute_of_day));
    return fmt::format("{} {} {} {}", e.day, time::month_abbrev(e.month), e.year,
                       hhmm(e.minute_of_day));
  };
  // [U] the ASA prints the rule whole; its exact form for the default rule is not recorded.
  w.line(fmt::format("clock summer-time {} {} {} {} {}", s.zone, s.recurring ? "recurring" : "date",
                     edge(s.start), edge(s.end), s.offset_minutes));
}

void render_ntp(const config::Config& cfg, ConfigWriter& w) {
  const auto& n = cfg.ntp;
  for (const auto& [id, key] : n.md5_keys)
    w.line(fmt::format("ntp authentication-key {} md5 {}", id, w.secret(key)));
  if (n.authenticate) w.line("ntp authenticate");
  for (uint32_t id : n.trusted_keys) w.line(fmt::format("ntp trusted-key {}", id));
  for (const auto& [addr, s] : n.servers) {
    std::string line = fmt::format("ntp server {}", addr.str());
    if (s.key) line += fmt::format(" key {}", *s.key);
    if (s.source) line += " source " + *s.source;
    if (s.prefer) line += " prefer";
    w.line(line);
  }
}

void register_time(CommandTree& t) {
  t.add({mask_of(Mode::PrivExec),
         "clock set <time:WORD> <a:WORD> <b:WORD> <year:1993-2035>",
         {kHelpClock, "Set the time and date", "Current time (hh:mm:ss)",
          "Day of the month or month", "Month or day of the month", "Year"},
         clock_set});
  t.add({kConfig,
         "clock timezone <zone:WORD> <hours:WORD> [<minutes:0-59>]",
         {kHelpClock, "Configure time zone", "Name of time zone",
          "Hours offset from UTC (-23 to 23)", "Minutes offset from UTC"},
         clock_timezone});
  t.add({kConfig, "no clock timezone", {kHelpNo, kHelpClock, "Configure time zone"}, [](Ctx& c) {
           Ctx n{c.session, c.cfg, c.sys, c.out, c.args, true};
           clock_timezone(n);
         }});
  t.add({kConfig,
         "clock summer-time <zone:WORD> {recurring:recurring} [<w1:WORD> <d1:WORD> <m1:WORD> "
         "<t1:WORD> <w2:WORD> <d2:WORD> <m2:WORD> <t2:WORD> [<offset:1-1440>]]",
         {kHelpClock, "Configure summer (daylight savings) time", "Name of time zone in summer",
          "Configure a recurring summer time", "Week number (1-4, first, last) to start",
          "Weekday to start", "Month to start", "Time to start (hh:mm)",
          "Week number (1-4, first, last) to end", "Weekday to end", "Month to end",
          "Time to end (hh:mm)", "Offset to add in minutes"},
         summer_time});
  t.add({kConfig,
         "clock summer-time <zone:WORD> {date:date} <a1:WORD> <b1:WORD> <y1:1993-2035> <t1:WORD> "
         "<a2:WORD> <b2:WORD> <y2:1993-2035> <t2:WORD> [<offset:1-1440>]",
         {kHelpClock, "Configure summer (daylight savings) time", "Name of time zone in summer",
          "Configure absolute summer time", "Day of the month or month to start",
          "Month or day of the month to start", "Year to start", "Time to start (hh:mm)",
          "Day of the month or month to end", "Month or day of the month to end", "Year to end",
          "Time to end (hh:mm)", "Offset to add in minutes"},
         summer_time});
  t.add({kConfig,
         "no clock summer-time",
         {kHelpNo, kHelpClock, "Configure summer (daylight savings) time"},
         [](Ctx& c) { c.cfg.clock.summer.reset(); }});

  t.add({kConfig,
         "ntp server <address:A.B.C.D> [key <key:1-4294967295>] [source <ifname:WORD>] "
         "[{prefer:prefer}]",
         {kHelpNtp, "Configure NTP server", "IP address of the NTP server",
          "Configure peer authentication key", kHelpKeyId, "Interface for NTP packets",
          "Name of the interface", "Prefer this server over others"},
         [](Ctx& c) {
           auto addr = c.args.ip("address");
           if (c.negated) {
             c.cfg.ntp.servers.erase(addr);
             return;
           }
           config::NtpServer s;
           if (c.args.has("key")) s.key = c.args.num("key");
           if (c.args.has("ifname")) {
             if (!require_nameif(c, c.args.str("ifname"))) return;
             s.source = c.args.str("ifname");
           }
           s.prefer = c.args.has("prefer");
           c.cfg.ntp.servers[addr] = s;
         },
         true});
  t.add({kConfig,
         "ntp authenticate",
         {kHelpNtp, "Authenticate time sources"},
         [](Ctx& c) { c.cfg.ntp.authenticate = !c.negated; },
         true});
  t.add({kConfig,
         "ntp authentication-key <id:1-4294967295> md5 <key:WORD>",
         {kHelpNtp, "Authentication key for trusted time sources", kHelpKeyId, "MD5 authentication",
          "The key (up to 32 characters)"},
         [](Ctx& c) {
           uint32_t id = c.args.num("id");
           if (c.negated) {
             c.cfg.ntp.md5_keys.erase(id);
             return;
           }
           // The ASA's limit on an NTP key; a longer one is refused, never cut.
           if (c.args.str("key").size() > 32) return error(c, "Key length exceeds 32 characters");
           c.cfg.ntp.md5_keys[id] = config::Secret(c.args.str("key"));
         },
         true});
  t.add({kConfig,
         "no ntp authentication-key <id:1-4294967295>",
         {kHelpNo, kHelpNtp, "Authentication key for trusted time sources", kHelpKeyId},
         [](Ctx& c) { c.cfg.ntp.md5_keys.erase(c.args.num("id")); }});
  t.add({kConfig,
         "ntp trusted-key <id:1-4294967295>",
         {kHelpNtp, "Key numbers for trusted time sources", kHelpKeyId},
         [](Ctx& c) {
           if (c.negated)
             c.cfg.ntp.trusted_keys.erase(c.args.num("id"));
           else
             c.cfg.ntp.trusted_keys.insert(c.args.num("id"));
         },
         true});

  t.add({kAllModes,
         "show clock [{detail:detail}]",
         {kHelpShow, "Display the system clock", "Display detailed information"},
         [](Ctx& c) {
           c.out += clock_line(c.cfg.clock, c.sys.now_ms());
           if (!c.args.has("detail")) return;
           if (c.sys.ntp() && !c.cfg.ntp.servers.empty()) {
             // Whether NTP sets the time now is chronyd's to say: ask it off the loop.
             ntp_show(
                 c, [&sys = c.sys](const time::NtpSnapshot& s, const config::ClockSettings& clk) {
                   TimeSource src = time::ntp_synchronized(s) ? TimeSource::Ntp : sys.time_source();
                   return fmt::format("Time source is {}\n", source_text(src)) +
                          summer_lines(clk, sys.now_ms());
                 });
             return;
           }
           c.out += fmt::format("Time source is {}\n", source_text(c.sys.time_source()));
           c.out += summer_lines(c.cfg.clock, c.sys.now_ms());
         }});
  t.add(
      {kPrivAndConfig, "show ntp status", {kHelpShow, kHelpShowNtp, "Show NTP status"}, [](Ctx& c) {
         ntp_show(c, [](const time::NtpSnapshot& s, const config::ClockSettings& clk) {
           return time::render_ntp_status(s, clk);
         });
       }});
  t.add({kPrivAndConfig,
         "show ntp associations [{detail:detail}]",
         {kHelpShow, kHelpShowNtp, "Show NTP associations", "Show detailed information"},
         [](Ctx& c) {
           if (c.args.has("detail"))
             ntp_show(c, [](const time::NtpSnapshot& s, const config::ClockSettings& clk) {
               return time::render_ntp_associations_detail(s, clk);
             });
           else
             ntp_show(c, [](const time::NtpSnapshot& s, const config::ClockSettings&) {
               return time::render_ntp_associations(s);
             });
         }});
}

}  // namespace rampart::cli
