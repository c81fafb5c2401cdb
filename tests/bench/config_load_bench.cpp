// Benchmark (not a test): loads a generated 10,000-line configuration into a fresh appliance
// and renders it back, printing the time of each. Nothing here asserts on a time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include <fmt/format.h>

#include "cli/render/running_config.hpp"
#include "cli/session.hpp"
#include "control/aaa/password.hpp"
#include "tests/unit/fake_system.hpp"

namespace {

// About 10,000 lines across every section: each iteration writes 20 lines.
std::string generate(int groups, const std::string& hash) {
  std::string c =
      "hostname bench-fw\ncrypto ipsec ikev1 transform-set TS esp-aes esp-sha-hmac\ninterface "
      "GigabitEthernet0/0\n nameif outside\n"
      " ip address 198.51.100.1 255.255.255.192\n";
  for (int i = 1; i <= groups; ++i) {
    int a = i % 250 + 1;
    c += fmt::format(
        "access-list ACL{} extended permit ip 192.0.2.0 255.255.255.0 host 198.51.100.{}\n", i, a);
    c += fmt::format("crypto map MAP {} match address ACL{}\n", i, i);
    c += fmt::format("crypto map MAP {} set peer 198.51.100.{}\n", i, a);
    c += fmt::format("crypto map MAP {} set pfs group5\n", i);
    c += fmt::format(
        "crypto ikev1 policy {}\n authentication pre-share\n encryption aes\n hash sha\n group 2\n",
        i);
    c += fmt::format(
        "group-policy GP{} internal\ngroup-policy GP{} attributes\n dns-server value 192.0.2.53\n",
        i, i);
    // One stored hash for all: the benchmark measures loading, not PBKDF2.
    c += fmt::format("username user{} password {} pbkdf2\n", i, hash);
    c += fmt::format("access-list ACL{} remark entry {}\n", i, i);
    c += fmt::format("crypto map MAP {} set ikev1 transform-set TS\n", i);
    c += fmt::format(
        "tunnel-group TG{} type remote-access\ntunnel-group TG{} general-attributes\n"
        " default-group-policy GP{}\ntunnel-group TG{} ipsec-attributes\n"
        " ikev1 pre-shared-key key{}\n",
        i, i, i, i, i);
  }
  return c;
}

}  // namespace

int main() {
  std::string text = generate(500, rampart::aaa::hash_password("bench").hash);
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  rampart::test::FakeSystem sys;
  rampart::cli::Appliance app(sys);
  auto t0 = std::chrono::steady_clock::now();
  std::string report = app.replace_config(text);
  auto t1 = std::chrono::steady_clock::now();
  std::string shown = rampart::cli::render_running_config(app.config(), {});
  auto t2 = std::chrono::steady_clock::now();
  double load = std::chrono::duration<double>(t1 - t0).count();
  double render = std::chrono::duration<double>(t2 - t1).count();
  size_t errors = 0;
  for (size_t p = report.find("ERROR"); p != std::string::npos; p = report.find("ERROR", p + 1))
    ++errors;
  std::printf("configuration: %zu lines (%zu bytes), %zu errors while loading\n", lines,
              text.size(), errors);
  std::printf("load:   %.3f s  (%.0f lines/s)\n", load, static_cast<double>(lines) / load);
  std::printf("render: %.3f s  (%zu bytes of show running-config)\n", render, shown.size());
  return 0;
}
