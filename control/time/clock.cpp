#include "control/time/clock.hpp"

#include <array>
#include <cctype>

#include <fmt/format.h>

namespace rampart::time {

namespace {

constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerDay = 86'400'000;

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                       "Thu", "Fri", "Sat"};

// Days since 1970-01-01 of a civil date (Howard Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2));
}

int weekday_of(int year, int month, int day) {
  int64_t d = days_from_civil(year, month, day);
  return static_cast<int>(((d % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
}

// An edge as local wall-clock milliseconds ("as if UTC") in a given year.
int64_t edge_local_ms(const config::SummerEdge& e, bool recurring, int year) {
  int day = recurring ? nth_weekday(year, e.month, e.week, e.weekday) : e.day;
  return civil_to_ms(recurring ? year : e.year, e.month, day, e.minute_of_day);
}

bool in_summer(const config::ClockSettings& c, int64_t utc_ms, int year) {
  auto w = summer_window(c, year);
  if (!w) return false;
  if (w->start_ms <= w->end_ms) return utc_ms >= w->start_ms && utc_ms < w->end_ms;
  return utc_ms >= w->start_ms || utc_ms < w->end_ms;  // southern hemisphere
}

}  // namespace

int64_t civil_to_ms(int year, int month, int day, int minute_of_day) {
  return days_from_civil(year, month, day) * kMsPerDay + minute_of_day * kMsPerMinute;
}

int days_in_month(int year, int month) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[static_cast<size_t>(month - 1)];
}

int nth_weekday(int year, int month, int week, int weekday) {
  int first = weekday_of(year, month, 1);
  int day = 1 + (weekday - first + 7) % 7 + 7 * (week - 1);
  while (day > days_in_month(year, month)) day -= 7;  // "last" (5), or a 5th that is not
  return day;
}

std::optional<SummerWindow> summer_window(const config::ClockSettings& c, int year) {
  if (!c.summer) return std::nullopt;
  const config::SummerTime& s = *c.summer;
  if (!s.recurring && (s.start.year > year || s.end.year < year)) return std::nullopt;
  int64_t std_offset = c.offset_minutes * kMsPerMinute;
  // The start is given in standard time, the end in summer time (as IOS and the ASA read it).
  SummerWindow w;
  w.start_ms = edge_local_ms(s.start, s.recurring, year) - std_offset;
  w.end_ms = edge_local_ms(s.end, s.recurring, year) - std_offset - s.offset_minutes * kMsPerMinute;
  if (!s.recurring && s.start.year != s.end.year) {
    // A date window spanning years: clip it to this one.
    if (s.start.year < year) w.start_ms = civil_to_ms(year, 1, 1, 0) - std_offset;
    if (s.end.year > year) w.end_ms = civil_to_ms(year + 1, 1, 1, 0) - std_offset;
  }
  return w;
}

LocalTime local_time(const config::ClockSettings& c, int64_t utc_ms) {
  int64_t local = utc_ms + c.offset_minutes * kMsPerMinute;
  int y, m, d;
  civil_from_days(local >= 0 ? local / kMsPerDay : (local - kMsPerDay + 1) / kMsPerDay, y, m, d);
  LocalTime t;
  t.zone = c.zone;
  if (in_summer(c, utc_ms, y)) {
    t.summer = true;
    t.zone = c.summer->zone;
    local += c.summer->offset_minutes * kMsPerMinute;
  }
  int64_t days = local >= 0 ? local / kMsPerDay : (local - kMsPerDay + 1) / kMsPerDay;
  int64_t in_day = local - days * kMsPerDay;
  civil_from_days(days, t.year, t.month, t.day);
  t.weekday = weekday_of(t.year, t.month, t.day);
  t.hour = static_cast<int>(in_day / 3'600'000);
  t.minute = static_cast<int>(in_day / kMsPerMinute % 60);
  t.second = static_cast<int>(in_day / 1000 % 60);
  t.millisecond = static_cast<int>(in_day % 1000);
  return t;
}

std::string format_clock(const LocalTime& t) {
  return fmt::format("{:02}:{:02}:{:02}.{:03} {} {} {} {} {}", t.hour, t.minute, t.second,
                     t.millisecond, t.zone, weekday_abbrev(t.weekday), month_abbrev(t.month), t.day,
                     t.year);
}

std::string format_clock_seconds(const LocalTime& t) {
  return fmt::format("{:02}:{:02}:{:02} {} {} {} {} {}", t.hour, t.minute, t.second, t.zone,
                     weekday_abbrev(t.weekday), month_abbrev(t.month), t.day, t.year);
}

std::string_view month_abbrev(int month) {
  return month >= 1 && month <= 12 ? kMonths[static_cast<size_t>(month - 1)] : "???";
}

std::string_view weekday_abbrev(int weekday) {
  return weekday >= 0 && weekday <= 6 ? kWeekdays[static_cast<size_t>(weekday)] : "???";
}

namespace {
// Matches word against names by their first three letters, case-insensitively; the word must
// be a prefix of the full name's three-letter abbreviation or longer.
std::optional<int> match_abbrev(std::string_view word, auto const& names, int base) {
  if (word.size() < 3) return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i) {
    bool same = true;
    for (size_t k = 0; k < 3; ++k)
      same = same && std::tolower(static_cast<unsigned char>(word[k])) ==
                         std::tolower(static_cast<unsigned char>(names[i][k]));
    if (same) return static_cast<int>(i) + base;
  }
  return std::nullopt;
}
}  // namespace

std::optional<int> parse_month(std::string_view word) {
  return match_abbrev(word, kMonths, 1);
}

std::optional<int> parse_weekday(std::string_view word) {
  return match_abbrev(word, kWeekdays, 0);
}

}  // namespace rampart::time
