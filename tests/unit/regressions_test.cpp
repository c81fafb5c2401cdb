// Bugs found by the fuzzers, kept as unit tests (inputs in tests/fuzz/regressions/).
#include <catch2/catch.hpp>

#include "cli/render/running_config.hpp"
#include "platform/ifmap.hpp"
#include "tests/unit/session_helpers.hpp"

TEST_CASE("a PIX interface number with a leading zero is the same interface") {
  CHECK(rampart::platform::canonical_interface_name("ethernet01") == "GigabitEthernet0/1");
  CHECK(rampart::platform::canonical_interface_name("gi0/01") == "GigabitEthernet0/1");
}

TEST_CASE("passwd stored as PBKDF2 loads back") {
  rampart::test::Console c;
  c.run("passwd s3cret");
  auto saved = rampart::cli::render_running_config(c.cfg(), {true, false});
  rampart::test::FakeSystem sys;
  rampart::cli::Appliance again(sys);
  CHECK(again.replace_config(saved).find("ERROR") == std::string::npos);
  CHECK(rampart::cli::render_running_config(again.config(), {true, false}) == saved);
}
