// The TCP syslog hostdown rule: 414003 once when a TCP server goes down, 414004 once when it
// comes back, and new connections denied meanwhile unless "logging permit-hostdown".
#include <catch2/catch.hpp>

#include "control/logging/hostdown.hpp"

namespace logging_hostdown_test {

using namespace rampart;

namespace {

config::LoggingHost tcp_host(uint32_t address) {
  return {"inside", config::Ipv4{address}, true, 1470, false};
}

logging::HostStatus state(bool connected, bool down) {
  logging::HostStatus s;
  s.connected = connected;
  s.down = down;
  return s;
}

}  // namespace

TEST_CASE("hostdown: 414003 once per outage, 414004 on restore", "[logging][hostdown]") {
  config::Logging cfg;
  cfg.hosts = {tcp_host(0xC0000205)};  // 192.0.2.5
  logging::HostdownWatch w;
  // Connecting for the first time is not down.
  CHECK(w.update(cfg, {state(false, false)}).empty());
  CHECK_FALSE(w.deny_new());
  CHECK(w.update(cfg, {state(true, false)}).empty());
  auto e = w.update(cfg, {state(false, true)});
  REQUIRE(e.size() == 1);
  CHECK(e[0].id == 414003);
  CHECK(e[0].text ==
        "TCP Syslog Server inside:192.0.2.5/1470 not responding. New connections are denied "
        "based on logging permit-hostdown policy");
  CHECK(w.deny_new());
  // Retries that fail again say nothing more.
  CHECK(w.update(cfg, {state(false, true)}).empty());
  CHECK(w.update(cfg, {state(false, true)}).empty());
  CHECK(w.deny_new());
  e = w.update(cfg, {state(true, false)});
  REQUIRE(e.size() == 1);
  CHECK(e[0].id == 414004);
  CHECK(e[0].text == "TCP Syslog Server inside:192.0.2.5/1470 - Connection restored");
  CHECK_FALSE(w.deny_new());
  CHECK(w.update(cfg, {state(true, false)}).empty());
}

TEST_CASE("hostdown: permit-hostdown keeps new connections flowing", "[logging][hostdown]") {
  config::Logging cfg;
  cfg.hosts = {tcp_host(0xC0000205)};
  cfg.permit_hostdown = true;
  logging::HostdownWatch w;
  auto e = w.update(cfg, {state(false, true)});
  REQUIRE(e.size() == 1);
  CHECK(e[0].text.find("New connections are permitted based on") != std::string::npos);
  CHECK_FALSE(w.deny_new());
  // Unset while the server is still down: denied from now on, no second 414003.
  cfg.permit_hostdown = false;
  CHECK(w.update(cfg, {state(false, true)}).empty());
  CHECK(w.deny_new());
}

TEST_CASE("hostdown: UDP hosts and removed hosts never hold the box closed",
          "[logging][hostdown]") {
  config::Logging cfg;
  config::LoggingHost udp{"inside", config::Ipv4{0xC0000206}, false, 514, false};
  cfg.hosts = {udp, tcp_host(0xC0000205)};
  logging::HostdownWatch w;
  // A UDP host reported down (it cannot be, but the watch must not trust that) is ignored.
  CHECK(w.update(cfg, {state(true, true), state(false, true)}).size() == 1);
  CHECK(w.deny_new());
  // "no logging host inside 192.0.2.5": the box opens again without a 414004.
  cfg.hosts = {udp};
  CHECK(w.update(cfg, {state(true, false)}).empty());
  CHECK_FALSE(w.deny_new());
  // A status list shorter than the configuration (the transport not yet told): no crash.
  cfg.hosts = {udp, tcp_host(0xC0000205)};
  CHECK(w.update(cfg, {state(true, false)}).empty());
}
}  // namespace logging_hostdown_test
