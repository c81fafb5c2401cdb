// Round trip: "show running-config" fed into a fresh appliance yields the identical
// "show running-config", for both seeds and for a large generated configuration that uses
// every kind of command the model holds. Also: loading reports nothing for our own output.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cli/render/running_config.hpp"
#include "cli/session.hpp"
#include "tests/unit/fake_system.hpp"

namespace roundtrip_test {

using namespace rampart;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream f(std::string(RAMPART_SOURCE_DIR) + "/tests/fixtures/" + name);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string show_run(cli::Appliance& app) {
  return cli::render_running_config(app.config(), cli::RenderOptions{});
}

// Loads text into a fresh appliance and returns its running-config.
std::string load_and_render(const std::string& text, std::string* report = nullptr) {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  std::string r = app.replace_config(text);
  if (report) *report = r;
  return show_run(app);
}

// The ERROR and WARNING lines of a load report (INFO notices are not complaints).
std::string complaints(const std::string& report) {
  std::string out;
  std::istringstream in(report);
  for (std::string l; std::getline(in, l);)
    if (l.starts_with("ERROR") || l.starts_with("WARNING")) out += l + "\n";
  return out;
}

void check_round_trip(const std::string& text) {
  std::string first = load_and_render(text);
  std::string report;
  std::string second = load_and_render(first, &report);
  CHECK(complaints(report) == "");  // our own output loads without a single complaint
  CHECK(second == first);
}

}  // namespace

// A configuration with every kind of section, n of each keyed object.
std::string generated_config(int n) {
  std::string c;
  c += "hostname gen-fw\ndomain-name example.test\n";
  c += "interface GigabitEthernet0/0\n nameif outside\n security-level 0\n"
       " ip address 198.51.100.1 255.255.255.192\n no shutdown\n";
  c += "interface GigabitEthernet0/1\n nameif inside\n security-level 100\n"
       " ip address 192.0.2.1 255.255.255.0\n no shutdown\n";
  c += "route outside 0.0.0.0 0.0.0.0 198.51.100.62 1\n";
  c += "crypto ipsec ikev1 transform-set TS-AES esp-aes esp-sha-hmac\n";
  c += "crypto ipsec ikev1 transform-set TS-3DES esp-3des esp-md5-hmac\n";
  c += "crypto ipsec security-association lifetime seconds 3600\n";
  c += "crypto dynamic-map DYN 10 set ikev1 transform-set TS-AES TS-3DES\n";
  c += "crypto dynamic-map DYN 10 set reverse-route\n";
  c += "crypto ikev1 enable outside\n";
  for (int i = 1; i <= n; ++i) {
    int a = i % 250 + 1, b = i / 250 % 250;
    c += fmt::format(
        "access-list ACL{} extended permit ip 192.0.2.0 255.255.255.0 198.51.{}.{} "
        "255.255.255.255\n",
        i, 100 + b % 2, a);
    c += fmt::format("access-list SPLIT{} standard permit 192.0.2.0 255.255.255.0\n", i);
    if (i <= 250)
      c += fmt::format("ip local pool POOL{} 203.0.113.{}-203.0.113.{} mask 255.255.255.0\n", i, i,
                       i);
    c += fmt::format("crypto map MAP {} match address ACL{}\n", i, i);
    c += fmt::format("crypto map MAP {} set peer 198.51.{}.{}\n", i, 100 + b % 2, a);
    c += fmt::format("crypto map MAP {} set ikev1 transform-set TS-AES\n", i);
    c += fmt::format("crypto map MAP {} set pfs group{}\n", i, i % 2 ? 2 : 5);
    c += fmt::format("crypto map MAP {} set security-association lifetime seconds {}\n", i,
                     3600 + i);
    c += fmt::format(
        "crypto ikev1 policy {}\n authentication pre-share\n encryption {}\n"
        " hash {}\n group {}\n lifetime {}\n",
        i,
        i % 3 == 0   ? "aes-256"
        : i % 3 == 1 ? "aes"
                     : "3des",
        i % 2 ? "sha" : "md5", i % 2 ? 2 : 5, 3600 * (i % 24 + 1));
    c += fmt::format(
        "group-policy GP{} internal\ngroup-policy GP{} attributes\n"
        " dns-server value 192.0.2.53\n vpn-idle-timeout {}\n"
        " vpn-tunnel-protocol ikev1\n split-tunnel-policy tunnelspecified\n"
        " split-tunnel-network-list value SPLIT{}\n default-domain value "
        "site{}.example.test\n",
        i, i, 30 + i % 60, i, i);
    c += fmt::format("username user{} password pw-{} privilege {}\n", i, i, i % 15 + 1);
    c += fmt::format("username user{} attributes\n vpn-group-policy GP{}\n", i, i);
    c += fmt::format(
        "tunnel-group TG{} type remote-access\ntunnel-group TG{} general-attributes\n"
        " address-pool POOL{}\n default-group-policy GP{}\n"
        "tunnel-group TG{} ipsec-attributes\n ikev1 pre-shared-key key-{}\n",
        i, i, (i - 1) % 250 + 1, i, i, i);
    c += fmt::format("tunnel-group 198.51.{}.{} type ipsec-l2l\n", 100 + b % 2, a);
  }
  c += "crypto map MAP 65535 ipsec-isakmp dynamic DYN\ncrypto map MAP interface outside\n";
  c += "aaa-server RAD protocol radius\naaa-server RAD (inside) host 192.0.2.134\n key radkey\n";
  c += "aaa authentication ssh console LOCAL\nssh 192.0.2.0 255.255.255.0 inside\nssh timeout 10\n";
  c += "vpn-sessiondb max-session-limit 250\n";
  return c;
}

TEST_CASE("seed 000 (ASA 8.3) round-trips") {
  check_round_trip(fixture("seed000-asa83.cfg"));
}

TEST_CASE("seed 004 (PIX 6.3) round-trips after migration") {
  check_round_trip(fixture("seed004-pix63.cfg"));
}

TEST_CASE("a large generated configuration loads cleanly and round-trips") {
  std::string text = generated_config(300);
  std::string report;
  std::string first = load_and_render(text, &report);
  CHECK(complaints(report) == "");
  std::string second = load_and_render(first);
  CHECK(second == first);
  // Everything generated is in the model: a sample of each kind.
  CHECK(first.find("tunnel-group TG300 ipsec-attributes") != std::string::npos);
  CHECK(first.find("crypto ikev1 policy 300") != std::string::npos);
  CHECK(first.find("ip local pool POOL250 ") != std::string::npos);
  CHECK(first.find("username user300 ") != std::string::npos);
  CHECK(first.find("\nvpn-sessiondb max-session-limit 250\n") != std::string::npos);
}

TEST_CASE("secrets are masked in show running-config and kept for the startup-config") {
  test::FakeSystem sys;
  cli::Appliance app(sys);
  app.replace_config(generated_config(2));
  std::string shown = show_run(app);
  CHECK(shown.find("key-1") == std::string::npos);
  CHECK(shown.find("radkey") == std::string::npos);
  CHECK(shown.find("ikev1 pre-shared-key *****") != std::string::npos);
  std::string saved = cli::render_running_config(app.config(), cli::RenderOptions{true, false});
  CHECK(saved.find("ikev1 pre-shared-key key-1") != std::string::npos);
  // The saved form restores the same secrets.
  test::FakeSystem sys2;
  cli::Appliance app2(sys2);
  CHECK(complaints(app2.replace_config(saved)) == "");
  CHECK(cli::render_running_config(app2.config(), cli::RenderOptions{true, false}) == saved);
}
}  // namespace roundtrip_test
