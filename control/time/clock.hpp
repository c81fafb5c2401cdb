// The appliance's local time: UTC (the kernel's clock, plus the "clock set" offset) shown in the
// zone of "clock timezone" and "clock summer-time". Every place that prints a wall-clock time
// (show clock, show ntp, syslog timestamps) goes through local_time(); the process's TZ and the
// C library's zone database are never consulted, so the daemon's environment cannot change
// what the console prints.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "control/config/model.hpp"

namespace rampart::time {

struct LocalTime {
  int year = 1970, month = 1, day = 1;  // month 1-12
  int hour = 0, minute = 0, second = 0, millisecond = 0;
  int weekday = 4;   // 0 = Sunday
  std::string zone;  // "PST", or the summer-time zone while it is in effect
  bool summer = false;
};

LocalTime local_time(const config::ClockSettings& clock, int64_t utc_ms);

// The start and end of summer time in a year, as UTC milliseconds. For a southern-hemisphere
// rule the start lies after the end within the year.
struct SummerWindow {
  int64_t start_ms = 0, end_ms = 0;
};
std::optional<SummerWindow> summer_window(const config::ClockSettings& clock, int year);

// "14:03:11.412 PST Sat Dec 5 2026", the form of show clock (the day of the month unpadded).
std::string format_clock(const LocalTime& t);
// "02:00:00 PST Sun Mar 8 2026": the form of show clock detail's summer-time lines.
std::string format_clock_seconds(const LocalTime& t);

// The UTC milliseconds of a civil date and time (proleptic Gregorian), independent of any zone.
int64_t civil_to_ms(int year, int month, int day, int minute_of_day);
int days_in_month(int year, int month);
// The day of the month of the nth (1-4, 5 = last) weekday (0 = Sunday) in a month.
int nth_weekday(int year, int month, int week, int weekday);

std::string_view month_abbrev(int month);      // 1 -> "Jan"
std::string_view weekday_abbrev(int weekday);  // 0 -> "Sun"
// "jan", "January", "mar" -> 1, 1, 3 (the ASA takes a month by its first three letters).
std::optional<int> parse_month(std::string_view word);
std::optional<int> parse_weekday(std::string_view word);

}  // namespace rampart::time
