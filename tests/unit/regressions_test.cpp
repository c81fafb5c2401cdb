// Bugs found by the fuzzers, kept as unit tests (inputs in tests/fuzz/regressions/).
#include <catch2/catch.hpp>

#include "cli/render/running_config.hpp"
#include "platform/ifmap.hpp"
#include "tests/unit/session_helpers.hpp"

namespace regressions_test {

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

TEST_CASE("renaming an interface carries every reference; removing the name removes them") {
  rampart::test::Console c;
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.0\nexit\n"
      "route outside 0.0.0.0 0.0.0.0 198.51.100.62\nmtu outside 1400\ncrypto ikev1 enable outside\n"
      "crypto map M interface outside\nssh 198.51.100.0 255.255.255.0 outside\n"
      "interface GigabitEthernet0/0\nnameif edge\nexit");
  const auto& cfg = c.cfg();
  CHECK(cfg.routes.begin()->nameif == "edge");
  CHECK(cfg.system.mtu.at("edge") == 1400);
  CHECK(cfg.crypto.isakmp_enabled.contains("edge"));
  CHECK(cfg.crypto.maps.at("M").interface == "edge");
  CHECK(cfg.management.ssh.begin()->nameif == "edge");
  auto saved = rampart::cli::render_running_config(cfg, {true, false});
  rampart::test::FakeSystem sys;
  rampart::cli::Appliance again(sys);
  CHECK(again.replace_config(saved).find("ERROR") == std::string::npos);
  c.run("interface GigabitEthernet0/0\nno nameif\nexit");
  CHECK(cfg.routes.empty());
  CHECK(cfg.system.mtu.empty());
  CHECK(cfg.crypto.isakmp_enabled.empty());
  CHECK(!cfg.crypto.maps.at("M").interface);
  CHECK(cfg.management.ssh.empty());
}

TEST_CASE("PIX 'interface ethernet1 100full shutdown' shuts the interface") {
  rampart::test::Console c;
  c.run("interface ethernet1 100full shutdown\ninterface ethernet0 100full");
  CHECK(c.cfg().interfaces.at("GigabitEthernet0/1").shutdown);
  CHECK_FALSE(c.cfg().interfaces.at("GigabitEthernet0/0").shutdown);
  CHECK(c.s.mode() == rampart::cli::Mode::Config);  // the PIX form enters no sub-mode
}

TEST_CASE("show running-config all shows the defaults a plain show hides") {
  rampart::test::Console c;
  CHECK(c.run("show running-config").find("console timeout 0") == std::string::npos);
  CHECK(c.run("show running-config all").find("console timeout 0") != std::string::npos);
}
}  // namespace regressions_test
