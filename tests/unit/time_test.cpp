// The clock (local time, clock set/timezone/summer-time, show clock) and NTP (the ntp lines,
// chrony.conf, chronyc's CSV, show ntp). CSV vectors: chronyc 4.3 (Debian 12) against a chronyd
// with "local stratum 8" on 127.0.0.1, MD5 key 1 (captured 2026-12-05).
#include <catch2/catch.hpp>

#include "control/time/chrony.hpp"
#include "control/time/clock.hpp"
#include "control/time/ntp_show.hpp"
#include "tests/unit/session_helpers.hpp"

namespace rampart::test::time_test {
namespace {

constexpr std::string_view kTracking =
    "7F000001,127.0.0.1,9,1796476110.581181427,-0.000001600,-0.000000041,0.000000145,0.094,"
    "-0.002,0.378,0.000006368,0.000001281,0.5,Normal\n";
constexpr std::string_view kSources =
    "^,*,127.0.0.1,8,-1,377,1,-0.000000048,-0.000000089,0.000003219\n";
constexpr std::string_view kNtpData =
    "127.0.0.1,7F000001,123,127.0.0.1,7F000001,Normal,4,Server,8,-1,0,-26,0.000000015,0.000000,"
    "0.000000,7F7F0101,,1796476106.268887542,0.000000089,0.000006368,0.000000035,0.000058369,"
    "0.00,111,111,1111,No,Yes,Kernel,Kernel,10,10,10,10\n";
constexpr std::string_view kUnsynced =
    "00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,"
    "1.000000000,0.0,Not synchronised\n";

int64_t utc(int y, int mo, int d, int h, int mi, int s) {
  return time::civil_to_ms(y, mo, d, h * 60 + mi) + s * 1000;
}

time::NtpSnapshot synced_snapshot() {
  time::NtpSnapshot s;
  s.tracking = *time::parse_tracking(kTracking);
  s.sources = *time::parse_sources(kSources);
  s.data = *time::parse_ntpdata(kNtpData);
  return s;
}

struct FakeNtp : cli::NtpClient {
  rampart::expected<time::NtpSnapshot, std::string> answer = time::NtpSnapshot{};
  mutable int asked = 0;
  rampart::expected<time::NtpSnapshot, std::string> query() const override {
    ++asked;
    return answer;
  }
};

}  // namespace

TEST_CASE("local time: UTC by default, the ASA's show clock form", "[clock]") {
  config::ClockSettings c;
  CHECK(time::format_clock(time::local_time(c, 1795000000000 + 412)) ==
        "11:06:40.412 UTC Wed Nov 18 2026");
}

TEST_CASE("local time: clock timezone and the US summer-time rule", "[clock]") {
  Console con;
  con.run("clock timezone PST -8\nclock summer-time PDT recurring");
  const auto& c = con.cfg().clock;
  CHECK(time::format_clock(time::local_time(c, utc(2026, 12, 5, 22, 3, 11) + 412)) ==
        "14:03:11.412 PST Sat Dec 5 2026");
  CHECK(time::format_clock(time::local_time(c, utc(2026, 7, 4, 19, 0, 0))) ==
        "12:00:00.000 PDT Sat Jul 4 2026");
  // 2026: second Sunday of March 02:00 PST to first Sunday of November 02:00 PDT.
  auto w = time::summer_window(c, 2026);
  REQUIRE(w);
  CHECK(w->start_ms == utc(2026, 3, 8, 10, 0, 0));
  CHECK(w->end_ms == utc(2026, 11, 1, 9, 0, 0));
  CHECK(time::local_time(c, w->start_ms - 1).zone == "PST");
  CHECK(time::local_time(c, w->start_ms).zone == "PDT");
  CHECK(time::local_time(c, w->end_ms).zone == "PST");
}

TEST_CASE("local time: a southern-hemisphere rule and half-hour zones", "[clock]") {
  Console con;
  con.run(
      "clock timezone ACST 9 30\n"
      "clock summer-time ACDT recurring 1 Sun Oct 2:00 1 Sun Apr 3:00 60");
  const auto& c = con.cfg().clock;
  CHECK(c.offset_minutes == 570);
  CHECK(time::local_time(c, utc(2026, 1, 15, 0, 0, 0)).zone == "ACDT");
  CHECK(time::format_clock(time::local_time(c, utc(2026, 6, 15, 0, 0, 0))) ==
        "09:30:00.000 ACST Mon Jun 15 2026");
  con.run("clock timezone NST -3 30");
  CHECK(con.cfg().clock.offset_minutes == -210);
  CHECK(con.section({"clock timezone"}) == "clock timezone NST -3 30\n");
}

TEST_CASE("nth weekday: first, fourth and last", "[clock]") {
  CHECK(time::nth_weekday(2026, 3, 2, 0) == 8);
  CHECK(time::nth_weekday(2026, 11, 1, 0) == 1);
  CHECK(time::nth_weekday(2026, 10, 5, 0) == 25);  // last Sunday of October
  CHECK(time::nth_weekday(2024, 2, 5, 4) == 29);   // last Thursday of a leap February
}

TEST_CASE("clock set: local time in either day order; show clock detail says who set it",
          "[clock]") {
  Console con;
  con.run("clock timezone PST -8\nend");
  CHECK(con.run("show clock detail") ==
        "03:06:40.000 PST Wed Nov 18 2026\nTime source is hardware calendar\n");
  CHECK(con.run("clock set 14:03:11 Dec 5 2026").empty());
  CHECK(con.sys.clock_ms == utc(2026, 12, 5, 22, 3, 11));
  CHECK(con.run("clock set 14:03:11 5 december 2026").empty());
  CHECK(con.sys.clock_ms == utc(2026, 12, 5, 22, 3, 11));
  CHECK(con.run("show clock") == "14:03:11.000 PST Sat Dec 5 2026\n");
  CHECK(con.run("show clock detail") ==
        "14:03:11.000 PST Sat Dec 5 2026\nTime source is user configuration\n");
  con.run("configure terminal\nclock summer-time PDT recurring\nend");
  CHECK(con.run("show clock detail") ==
        "14:03:11.000 PST Sat Dec 5 2026\nTime source is user configuration\n"
        "Summer time starts 02:00:00 PST Sun Mar 8 2026\n"
        "Summer time ends 02:00:00 PDT Sun Nov 1 2026\n");
  // In summer the time typed is summer time.
  con.run("clock set 12:00:00 Jul 4 2026");
  CHECK(con.sys.clock_ms == utc(2026, 7, 4, 19, 0, 0));
}

TEST_CASE("clock: bad input gets the ASA's marker and is counted", "[clock]") {
  Console con;
  con.run("end");
  auto before = con.app.counters().invalid_input;
  for (const char* line : {"clock set 25:00:00 Dec 5 2026", "clock set 12:00 Dec 5 2026",
                           "clock set 12:00:00 Foo 5 2026", "clock set 12:00:00 Feb 30 2026",
                           "clock set 12:00:00 Dec 5 1980"}) {
    INFO(line);
    CHECK(con.run(line).find("ERROR: % Invalid input detected at '^' marker.") !=
          std::string::npos);
  }
  CHECK(con.app.counters().invalid_input == before + 5);
  CHECK(con.sys.clock_ms == 1795000000000);
  con.run("configure terminal");
  CHECK(con.run("clock timezone PST -24").find("Invalid input") != std::string::npos);
  CHECK(con.run("clock summer-time PDT recurring 6 Sun Mar 2:00 1 Sun Nov 2:00")
            .find("Invalid input") != std::string::npos);
  CHECK(con.run("clock summer-time PDT recurring 2 Sun Mar 2:61 1 Sun Nov 2:00")
            .find("Invalid input") != std::string::npos);
  CHECK_FALSE(con.cfg().clock.timezone_set);
  CHECK_FALSE(con.cfg().clock.summer);
}

TEST_CASE("clock: the running-config lines round-trip", "[clock]") {
  Console con;
  con.run(
      "clock timezone CET 1\n"
      "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00\n");
  CHECK(con.section({"clock"}) ==
        "clock timezone CET 1\n"
        "clock summer-time CEST recurring last Sun Mar 2:00 last Sun Oct 3:00 60\n");
  Console again;
  again.run(con.section({"clock"}));
  CHECK(again.cfg().clock == con.cfg().clock);
  con.run("clock summer-time X date 1 Apr 2026 1:30 Oct 2 2026 2:00 30");
  CHECK(con.section({"clock summer-time"}) ==
        "clock summer-time X date 1 Apr 2026 1:30 2 Oct 2026 2:00 30\n");
  con.run("no clock summer-time\nno clock timezone");
  CHECK(con.section({"clock"}).empty());
}

TEST_CASE("ntp lines: model, masked key, saved key", "[ntp]") {
  Console con;
  con.cfg().interfaces["GigabitEthernet0/1"].nameif = "inside";
  CHECK(con.run("ntp authentication-key 1 md5 s3cret-key\n"
                "ntp trusted-key 1\n"
                "ntp authenticate\n"
                "ntp server 192.0.2.123 key 1 source inside prefer\n"
                "ntp server 198.51.100.7\n")
            .empty());
  CHECK(con.section({"ntp"}) ==
        "ntp authentication-key 1 md5 *****\n"
        "ntp authenticate\n"
        "ntp trusted-key 1\n"
        "ntp server 192.0.2.123 key 1 source inside prefer\n"
        "ntp server 198.51.100.7\n");
  std::string saved = cli::render_saved_config(con.cfg());
  CHECK(saved.find("ntp authentication-key 1 md5 s3cret-key\n") != std::string::npos);
  CHECK(cli::render_running_config(con.cfg(), {}).find("s3cret") == std::string::npos);
  con.run("no ntp server 198.51.100.7\nno ntp authentication-key 1\nno ntp authenticate");
  CHECK(con.section({"ntp"}) ==
        "ntp trusted-key 1\nntp server 192.0.2.123 key 1 source inside prefer\n");
}

TEST_CASE("ntp: bad input is refused and counted, never echoing the key", "[ntp]") {
  Console con;
  auto before = con.app.counters().rejected;
  std::string out = con.run("ntp authentication-key 2 md5 " + std::string(33, 'k'));
  CHECK(out == "ERROR: Key length exceeds 32 characters\n");
  CHECK(con.run("ntp server 192.0.2.1 source nowhere") ==
        "ERROR: 'nowhere' is not a valid interface name\n");
  CHECK(con.app.counters().rejected == before + 2);
  CHECK(con.cfg().ntp.md5_keys.empty());
  CHECK(con.cfg().ntp.servers.empty());
  CHECK(con.run("ntp trusted-key 0").find("Invalid input") != std::string::npos);
}

TEST_CASE("chrony.conf: trusted keys authenticate, authenticate requires it", "[ntp]") {
  config::Ntp n;
  n.servers[*config::Ipv4::parse("192.0.2.123")] = {.key = 1, .prefer = true};
  n.servers[*config::Ipv4::parse("192.0.2.124")] = {.key = 2};
  n.md5_keys[1] = config::Secret("abc");
  n.md5_keys[2] = config::Secret("def");
  n.trusted_keys = {1};
  time::ChronyPaths p{"/run/x"};
  std::string off = time::chrony_conf(n, p, {});
  CHECK(off.find("server 192.0.2.123 iburst minpoll 6 maxpoll 10 prefer\n") != std::string::npos);
  CHECK(off.find("authselectmode") == std::string::npos);
  n.authenticate = true;
  std::string on = time::chrony_conf(n, p, {.minpoll = -2, .maxpoll = -2});
  CHECK(on.find("server 192.0.2.123 iburst minpoll -2 maxpoll -2 key 1 prefer\n") !=
        std::string::npos);
  // Key 2 is not trusted: the server is asked without it and never selected.
  CHECK(on.find("server 192.0.2.124 iburst minpoll -2 maxpoll -2\n") != std::string::npos);
  CHECK(on.find("authselectmode require\n") != std::string::npos);
  CHECK(on.find("keyfile /run/x/chrony.keys\n") != std::string::npos);
  CHECK(on.find("bindcmdaddress /run/x/chronyd.sock\n") != std::string::npos);
  CHECK(on.find("port 0\n") != std::string::npos);
  CHECK(time::chrony_keyfile(n) == "1 MD5 ASCII:abc\n2 MD5 ASCII:def\n");
}

TEST_CASE("chronyc CSV: tracking, sources, ntpdata; a changed format is an error", "[ntp]") {
  auto t = time::parse_tracking(kTracking);
  REQUIRE(t);
  CHECK(t->synchronized());
  CHECK(t->ref_address == "127.0.0.1");
  CHECK(t->stratum == 9);
  auto u = time::parse_tracking(kUnsynced);
  REQUIRE(u);
  CHECK_FALSE(u->synchronized());
  auto s = time::parse_sources(kSources);
  REQUIRE(s);
  REQUIRE(s->size() == 1);
  CHECK((*s)[0].state == '*');
  CHECK((*s)[0].reach == 0377);
  CHECK((*s)[0].poll == -1);
  auto d = time::parse_ntpdata(kNtpData);
  REQUIRE(d);
  CHECK((*d)[0].ref_id == 0x7F7F0101);
  CHECK((*d)[0].authenticated);
  CHECK((*d)[0].tests_passed);
  CHECK((*d)[0].precision == -26);
  CHECK_FALSE(time::parse_tracking("7F000001,127.0.0.1,nine,1,2,3,4,5,6,7,8,9,10,Normal"));
  CHECK_FALSE(time::parse_tracking(""));
  CHECK_FALSE(time::parse_sources("^,*,127.0.0.1,8\n"));
  CHECK_FALSE(time::parse_ntpdata("127.0.0.1,7F000001\n"));
}

TEST_CASE("show ntp status and associations in the ASA's formats", "[ntp]") {
  config::ClockSettings utc_clock;
  auto snap = synced_snapshot();
  CHECK(time::render_ntp_status(snap, utc_clock) ==
        "Clock is synchronized, stratum 9, reference is 127.0.0.1\n"
        "nominal freq is 100.0000 Hz, actual freq is 100.0000 Hz, precision is 2**-26\n"
        "reference time is eebe8b4e.94c84e56 (13:08:30.581 UTC Sat Dec 5 2026)\n"
        "clock offset is 0.0016 msec, root delay is 0.01 msec\n"
        "root dispersion is 0.00 msec, peer dispersion is 0.00 msec\n");
  CHECK(time::render_ntp_associations(snap) ==
        "      address         ref clock     st  when  poll reach  delay  offset    disp\n"
        "*~127.0.0.1        127.127.1.1       8     1     1  377    0.0   -0.00     0.0\n"
        " * master (synced), # master (unsynced), + selected, - candidate, ~ configured\n");
  std::string detail = time::render_ntp_associations_detail(snap, utc_clock);
  INFO(detail);
  CHECK(detail.starts_with(
      "127.0.0.1 configured, authenticated, our_master, sane, valid, stratum 8\n"
      "ref ID 127.127.1.1, time eebe8b4a.44d5d05f (13:08:26.268 UTC Sat Dec 5 2026)\n"
      "our mode client, peer mode server, our poll intvl 1, peer poll intvl 1\n"));
  CHECK(detail.find("precision 2**-26, version 4\n") != std::string::npos);
  // chronyd still tracks its old reference but no server is our master: unsynchronized.
  snap.sources[0].state = '?';
  CHECK(time::render_ntp_status(snap, utc_clock)
            .starts_with("Clock is unsynchronized, stratum 16, no reference clock\n"));
  // A server whose key fails: chrony leaves it unselected and unreached.
  snap.tracking = *time::parse_tracking(kUnsynced);
  snap.sources[0].state = '?';
  snap.sources[0].reach = 0;
  snap.data[0].authenticated = false;
  snap.data[0].tests_passed = false;  // chronyd fails test 5 (authentication)
  CHECK(time::render_ntp_status(snap, utc_clock)
            .starts_with("Clock is unsynchronized, stratum 16, no reference clock\n"));
  CHECK(time::render_ntp_associations(snap).find("\n ~127.0.0.1 ") != std::string::npos);
  INFO(time::render_ntp_associations_detail(snap, utc_clock));
  CHECK(time::render_ntp_associations_detail(snap, utc_clock)
            .starts_with("127.0.0.1 configured, insane, invalid, stratum 16\n"));
}

TEST_CASE("show ntp and show clock detail ask the NTP client; NTP takes over the clock", "[ntp]") {
  Console con;
  FakeNtp ntp;
  con.sys.ntp_client = &ntp;
  con.run("ntp server 127.0.0.1\nend\nclock set 10:00:00 Jan 1 2026");
  ntp.answer = synced_snapshot();
  CHECK(con.run("show ntp status").starts_with("Clock is synchronized, stratum 9"));
  CHECK(ntp.asked == 1);
  CHECK(con.run("show ntp associations").find("*~127.0.0.1") != std::string::npos);
  CHECK(con.run("show clock detail").ends_with("Time source is NTP\n"));
  ntp.answer = rampart::unexpected(std::string("chronyc tracking failed"));
  CHECK(con.run("show ntp status")
            .starts_with("Clock is unsynchronized, stratum 16, no reference clock\n"));
}

}  // namespace rampart::test::time_test
