// The logging subsystem: the message table, levels, the buffer, per-message overrides, rate
// limits, the local and wire formats, the CLI's "logging ..." lines and "show logging".
#include <catch2/catch.hpp>

#include "control/config/model.hpp"
#include "control/logging/logger.hpp"
#include "control/logging/messages.hpp"
#include "tests/unit/session_helpers.hpp"

namespace logging_test {

using namespace rampart;

namespace {

// A logger over a configuration the test edits, on a clock the test moves.
struct Bench {
  int64_t now = 1795000000;  // Nov 18 2026 ...
  config::Config cfg;
  logging::Logger log{[this] { return now; }};
  Bench() {
    cfg.logging.enable = true;
    cfg.logging.buffered.level = 7;
    log.configure(cfg);
  }
  void apply() { log.configure(cfg); }
};

// Records what the logger would send to the hosts.
struct Recorder : logging::Transport {
  std::vector<std::pair<size_t, std::string>>* sent;
  explicit Recorder(std::vector<std::pair<size_t, std::string>>* s) : sent(s) {}
  void configure(const std::vector<config::LoggingHost>&) override {}
  void send(size_t host, std::string line) override { sent->emplace_back(host, std::move(line)); }
  void poll() override {}
  std::vector<logging::HostStatus> status() const override { return {}; }
};

}  // namespace

TEST_CASE("every message in the table has an id, a level 0-7 and a format", "[logging]") {
  REQUIRE(!logging::messages().empty());
  uint32_t prev = 0;
  for (const auto& m : logging::messages()) {
    INFO(m.id);
    CHECK(m.id >= 100000);
    CHECK(m.id <= 999999);
    CHECK(m.id > prev);  // sorted, each once: find_message relies on it
    CHECK(m.level >= 0);
    CHECK(m.level <= 7);
    CHECK(!m.format.empty());
    CHECK(logging::find_message(m.id) == &m);
    prev = m.id;
  }
  CHECK(logging::find_message(999999) == nullptr);
}

TEST_CASE("levels are named as the ASA names them", "[logging]") {
  CHECK(logging::level_name(0) == "emergencies");
  CHECK(logging::level_name(6) == "informational");
  CHECK(logging::level_name(7) == "debugging");
  CHECK(logging::level_name(8).empty());
  CHECK(logging::parse_level("5") == 5);
  CHECK(logging::parse_level("warnings") == 4);
  CHECK(!logging::parse_level("8"));
  CHECK(!logging::parse_level("loud"));
}

TEST_CASE("text formats from the table; a mismatched call yields the format", "[logging]") {
  CHECK(logging::text(111008, "enable_15", "hostname fw") ==
        "User 'enable_15' executed the 'hostname fw' command.");
  CHECK(logging::text(605005, "192.0.2.10", "ssh", "admin") ==
        "Login permitted from 192.0.2.10/ssh for user \"admin\"");
  CHECK(logging::text(111008) == "User '{}' executed the '{}' command.");  // no throw
}

TEST_CASE("the buffer takes messages at its level and below, in the ASA's line form", "[logging]") {
  Bench b;
  b.cfg.logging.buffered.level = 5;
  b.apply();
  CHECK(logging::syslog(b.log, 111008, "enable_15", "hostname fw"));    // level 5
  CHECK(!logging::syslog(b.log, 111009, "enable_15", "show version"));  // level 7
  REQUIRE(b.log.buffer().size() == 1);
  CHECK(b.log.buffer()[0] == "%ASA-5-111008: User 'enable_15' executed the 'hostname fw' command.");
  CHECK(b.log.stats().buffer_logged == 1);
  b.cfg.logging.timestamp = true;
  b.apply();
  logging::syslog(b.log, 113021, "bob");
  CHECK(b.log.buffer().back().starts_with("Nov 18 2026 "));
  CHECK(b.log.buffer().back().find(": %ASA-3-113021: Attempted console login failed. User bob") !=
        std::string::npos);
  // Timestamps are the appliance's local time: "clock timezone PST -8".
  b.cfg.clock.zone = "PST";
  b.cfg.clock.offset_minutes = -8 * 60;
  b.cfg.clock.timezone_set = true;
  b.apply();
  logging::syslog(b.log, 113021, "bob");
  CHECK(b.log.buffer().back().starts_with("Nov 18 2026 03:06:40: "));
  b.log.clear_buffer();
  CHECK(b.log.buffer().empty());
}

TEST_CASE("nothing is logged without logging enable", "[logging]") {
  Bench b;
  b.cfg.logging.enable = false;
  b.apply();
  CHECK(!b.log.emit(113021, "bob"));
  CHECK(b.log.buffer().empty());
}

TEST_CASE("the buffer is bounded by its size: the oldest messages go", "[logging]") {
  Bench b;
  b.cfg.logging.buffer_size = 4096;
  b.apply();
  for (int i = 0; i < 200; ++i)
    logging::syslog(b.log, 111009, "enable_15", fmt::format("cmd {}", i));
  auto buf = b.log.buffer();
  size_t bytes = 0;
  for (const auto& l : buf) bytes += l.size();
  CHECK(bytes <= 4096);
  CHECK(buf.size() < 200);
  CHECK(buf.back().ends_with("cmd 199"));
  CHECK(buf.front().find("cmd 0") == std::string::npos);
  CHECK(b.log.stats().buffer_logged == 200);
}

TEST_CASE("logging message N level L and no logging message N", "[logging]") {
  Bench b;
  b.cfg.logging.buffered.level = 5;
  b.cfg.logging.message_levels[111009] = 3;  // now an error: the buffer takes it
  b.apply();
  CHECK(b.log.level_of(111009) == 3);
  logging::syslog(b.log, 111009, "u", "show version");
  REQUIRE(b.log.buffer().size() == 1);
  CHECK(b.log.buffer()[0].starts_with("%ASA-3-111009: "));
  b.cfg.logging.disabled.insert(111009);
  b.apply();
  CHECK(!logging::syslog(b.log, 111009, "u", "show version"));
  CHECK(b.log.stats().disabled == 1);
  CHECK(b.log.buffer().size() == 1);
}

TEST_CASE("a rate limit lets N messages through per interval", "[logging]") {
  Bench b;
  b.cfg.logging.rate_limits.push_back({2, 10, -1, 113021});
  b.apply();
  CHECK(b.log.emit(113021, "a"));
  CHECK(b.log.emit(113021, "b"));
  CHECK(!b.log.emit(113021, "c"));
  CHECK(b.log.emit(111008, "other message, no limit"));
  b.now += 10;  // the next interval
  CHECK(b.log.emit(113021, "d"));
  CHECK(b.log.stats().rate_limited == 1);
  // By level: every level-5 message shares one limit.
  b.cfg.logging.rate_limits = {{1, 60, 5, 0}};
  b.apply();
  CHECK(logging::syslog(b.log, 111008, "u", "x"));
  CHECK(!logging::syslog(b.log, 111010, "u", "CLI", "0.0.0.0", "x"));
  CHECK(b.log.emit(113021, "level 3: not limited"));
}

TEST_CASE("a logging list takes its levels and message ranges", "[logging]") {
  Bench b;
  b.cfg.logging.buffered = {-1, "ops"};
  b.cfg.logging.lists["ops"] = {{.level = 3}, {.first = 111008, .last = 111010}};
  b.apply();
  CHECK(b.log.emit(113021, "level 3"));
  CHECK(logging::syslog(b.log, 111009, "u", "show clock"));         // level 7, in the range
  CHECK(!logging::syslog(b.log, 113012, "authentication", "bob"));  // level 6, not in it
}

TEST_CASE("syslog hosts get <PRI>, the timestamp and the device-id as the ASA sends them",
          "[logging]") {
  Bench b;
  std::vector<std::pair<size_t, std::string>> sent;
  b.log.set_transport(std::make_unique<Recorder>(&sent));
  b.cfg.logging.trap.level = 6;
  b.cfg.logging.hosts.push_back({"inside", *config::Ipv4::parse("192.0.2.50")});
  b.apply();
  logging::syslog(b.log, 111008, "enable_15", "hostname fw");
  REQUIRE(sent.size() == 1);
  // local4 (20) * 8 + notifications (5)
  CHECK(sent[0].second ==
        "<165>%ASA-5-111008: User 'enable_15' executed the 'hostname fw' command.");
  logging::syslog(b.log, 111009, "u", "show version");  // debugging: the buffer's, not the trap's
  CHECK(sent.size() == 1);
  b.cfg.logging.timestamp = true;
  b.cfg.logging.facility = 23;
  b.cfg.logging.device_id = config::Logging::DeviceId::Hostname;
  b.cfg.system.hostname = "fw";
  b.apply();
  b.log.emit(113021, "bob");
  REQUIRE(sent.size() == 2);
  CHECK(sent[1].second.starts_with("<187>Nov 18 2026 "));
  CHECK(sent[1].second.find(" fw : %ASA-3-113021: ") != std::string::npos);
  b.cfg.logging.hosts[0].emblem = true;
  b.apply();
  b.log.emit(113021, "bob");
  REQUIRE(sent.size() == 3);
  CHECK(sent[2].second.starts_with("<187>1: fw: Nov 18 "));
  CHECK(sent[2].second.find(" UTC: %ASA-3-113021: ") != std::string::npos);
}

TEST_CASE("secrets in a logged command are masked", "[logging]") {
  CHECK(logging::mask_secrets("username bob password s3cret privilege 15") ==
        "username bob password ***** privilege 15");
  CHECK(logging::mask_secrets("aaa-server T (inside) host 192.0.2.134 key tacacskey") ==
        "aaa-server T (inside) host 192.0.2.134 key *****");
  CHECK(logging::mask_secrets("ntp authentication-key 1 md5 ntpsecret") ==
        "ntp authentication-key ***** md5 *****");
  CHECK(logging::mask_secrets("hostname fw") == "hostname fw");
}

TEST_CASE("logging commands, running-config and show logging", "[logging]") {
  test::Console c;
  c.run(
      "interface GigabitEthernet0/1\n nameif inside\n ip address 192.0.2.1 255.255.255.0\n"
      " exit");
  std::string out = c.run(
      "logging enable\nlogging timestamp\nlogging buffer-size 8192\nlogging buffered "
      "informational\nlogging trap 5\nlogging monitor debugging\nlogging host inside 192.0.2.50\n"
      "logging host inside 192.0.2.51 tcp/1470\nlogging device-id hostname\n"
      "logging message 111009 level 6\nno logging message 113012\nlogging list ops level errors\n"
      "logging list ops message 111008-111010\nlogging rate-limit 10 60 message 113021\n"
      "logging permit-hostdown");
  CHECK(out.empty());
  CHECK(c.section({"logging"}) ==
        "logging enable\n"
        "logging timestamp\n"
        "logging list ops level errors\n"
        "logging list ops message 111008-111010\n"
        "logging buffer-size 8192\n"
        "logging monitor debugging\n"
        "logging buffered informational\n"
        "logging trap notifications\n"
        "logging device-id hostname\n"
        "logging host inside 192.0.2.50\n"
        "logging host inside 192.0.2.51 6/1470\n"
        "logging permit-hostdown\n"
        "logging message 111009 level informational\n"
        "logging rate-limit 10 60 message 113021\n");
  // A section's lines begin with its word: the "no" form is in the whole configuration.
  CHECK(cli::render_running_config(c.cfg(), cli::RenderOptions{})
            .find("logging permit-hostdown\nno logging message 113012\nlogging message 111009") !=
        std::string::npos);
  // The configuration commands above were logged (111008 and 111010 at notifications).
  c.run("hostname fw");
  std::string show = c.run("show logging");
  CHECK(show.starts_with(
      "Syslog logging: enabled\n    Facility: 20\n    Timestamp logging: enabled\n"));
  CHECK(show.find("    Buffer logging: level informational, ") != std::string::npos);
  CHECK(show.find("    Trap logging: level notifications, facility 20, ") != std::string::npos);
  CHECK(show.find("        Logging to inside 192.0.2.50\n") != std::string::npos);
  CHECK(show.find("        Logging to inside 192.0.2.51 tcp/1470 Not connected") !=
        std::string::npos);
  CHECK(show.find("    Permit-hostdown logging: enabled\n") != std::string::npos);
  // The device-id of a "hostname" command's own message is the name it replaced.
  CHECK(show.find(
            "rampart : %ASA-5-111008: User 'enable_15' executed the 'hostname fw' command.\n") !=
        std::string::npos);
  CHECK(show.find("%ASA-5-111010: User 'enable_15', running 'CLI' from IP 0.0.0.0, executed "
                  "'hostname fw'\n") != std::string::npos);
  CHECK(c.run("show logging message 111009") ==
        "syslog 111009: default-level debugging, current-level informational (enabled)\n");
  CHECK(c.run("show logging message 113012") ==
        "syslog 113012: default-level informational (disabled)\n");
  CHECK(c.run("show logging message all")
            .find("syslog 605005: default-level informational "
                  "(enabled)\n") != std::string::npos);
  c.run("clear logging buffer");
  // What is left is the logging of "clear logging buffer" itself (typed in configuration mode:
  // 111008 and 111010).
  auto left = c.app.logger().buffer();
  REQUIRE(left.size() == 2);
  CHECK(
      left[0].ends_with("%ASA-5-111008: User 'enable_15' executed the 'clear logging buffer' "
                        "command."));
}

TEST_CASE("bad logging input gets the ASA's words and is counted", "[logging]") {
  test::Console c;
  c.run("interface GigabitEthernet0/1\n nameif inside\n exit");
  auto before = c.app.counters().invalid_input;
  std::string out = c.run("logging buffered loud");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(c.app.counters().invalid_input == before + 1);
  out = c.run("logging host inside 192.0.2.50 sctp/9");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  out = c.run("logging host nowhere 192.0.2.50");
  CHECK(out == "ERROR: 'nowhere' is not a valid interface name\n");
  out = c.run("logging message 123456 level 3");
  CHECK(out == "ERROR: syslog 123456 is not a message this box sends\n");
  out = c.run("logging list L message 111010-111008");
  CHECK(out.find("ERROR: % Invalid input detected at '^' marker.") != std::string::npos);
  CHECK(c.cfg().logging.hosts.empty());
  CHECK(c.cfg().logging.lists.empty());
}

TEST_CASE("terminal monitor shows messages at the monitor level on that session only",
          "[logging]") {
  test::Console c;
  cli::Session quiet{c.app, true};
  c.run("logging enable\nlogging monitor notifications\nterminal monitor");
  c.app.deliver_posted_debug();
  c.s.pending_async.clear();
  c.run("hostname fw");
  c.app.deliver_posted_debug();
  REQUIRE(c.s.pending_async.size() == 2);  // 111008 and 111010; 111009 is debugging
  CHECK(c.s.pending_async[0] ==
        "%ASA-5-111008: User 'enable_15' executed the 'hostname fw' command.");
  CHECK(quiet.pending_async.empty());
}

TEST_CASE("logging console shows messages at its level on the console line only", "[logging]") {
  test::Console c;
  c.s.console_line = true;  // as the server marks the serial console's login
  cli::Session ssh{c.app, true};
  c.run("logging enable\nlogging console notifications");
  c.app.deliver_posted_debug();
  c.s.pending_async.clear();
  c.run("hostname fw");
  c.app.deliver_posted_debug();
  REQUIRE(c.s.pending_async.size() == 2);  // 111008 and 111010; 111009 is debugging
  CHECK(c.s.pending_async[0] ==
        "%ASA-5-111008: User 'enable_15' executed the 'hostname fw' command.");
  CHECK(ssh.pending_async.empty());  // not the console: nothing, terminal monitor or not
  CHECK(c.app.logger().stats().console_logged >= 2);
  // Off again: the console line stays quiet.
  c.run("no logging console");
  c.app.deliver_posted_debug();
  c.s.pending_async.clear();
  c.run("hostname fw2");
  c.app.deliver_posted_debug();
  CHECK(c.s.pending_async.empty());
}

TEST_CASE("logging host takes format emblem with or without a port", "[logging]") {
  test::Console c;
  c.run("interface GigabitEthernet0/1\n nameif inside\n exit");
  CHECK(c.run("logging host inside 192.0.2.52 format emblem\n"
              "logging host inside 192.0.2.53 udp/1514 format emblem") == "");
  CHECK(c.section({"logging host"}) ==
        "logging host inside 192.0.2.52 format emblem\n"
        "logging host inside 192.0.2.53 17/1514 format emblem\n");
  CHECK(c.run("logging host inside 192.0.2.54 tcp/1470 format emblem") ==
        "ERROR: EMBLEM format is supported only over UDP\n");
}
}  // namespace logging_test
