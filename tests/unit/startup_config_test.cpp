// show startup-config: the saved file's own text, its secrets masked as show running-config
// masks them, the same on every call. [startup]
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

namespace startup_config_test {

using rampart::test::Console;

namespace {

// Every occurrence of from in text replaced by to.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  for (size_t p = text.find(from); p != std::string::npos; p = text.find(from, p + to.size()))
    text.replace(p, from.size(), to);
  return text;
}

void configure(Console& c) {
  c.run(
      "hostname fw1\ntunnel-group EZ type remote-access\ntunnel-group EZ ipsec-attributes\n"
      "ikev1 pre-shared-key s3cr3t-key\nexit\nusername admin password Adm1nPass privilege 15");
}

}  // namespace

TEST_CASE("show startup-config prints the saved text with its secrets masked", "[startup]") {
  Console c;
  CHECK(c.run("show startup-config") == "No Configuration\n");
  configure(c);
  c.run("write memory");
  REQUIRE(c.sys.has_startup);
  const std::string saved = c.sys.startup;
  REQUIRE(saved.find(" ikev1 pre-shared-key s3cr3t-key\n") != std::string::npos);
  std::string shown = c.run("show startup-config");
  // The file byte for byte, but for the key.
  CHECK(shown == replaced(saved, "s3cr3t-key", "*****"));
  CHECK(shown.find("s3cr3t-key") == std::string::npos);
  // The same every time: no re-rendering (no new checksum, no new password salt).
  CHECK(c.run("show startup-config") == shown);
  // What is saved, not what runs: a change not written is not shown.
  c.run("hostname fw2");
  CHECK(c.run("show startup-config").find("hostname fw1\n") != std::string::npos);
}

TEST_CASE("show startup-config masks secrets in a file written by hand", "[startup]") {
  Console c;
  // A file copied in (no renderer wrote it): its own layout and comments stay, the key does not.
  c.sys.startup =
      ": hand-written\nhostname fw9\ntunnel-group EZ type remote-access\n"
      "tunnel-group EZ ipsec-attributes\n  ikev1 pre-shared-key  0ther-Key\n";
  c.sys.has_startup = true;
  std::string shown = c.run("show startup-config");
  CHECK(shown.starts_with(": hand-written\nhostname fw9\n"));
  CHECK(shown.find("0ther-Key") == std::string::npos);
  CHECK(shown.find("  ikev1 pre-shared-key *****\n") != std::string::npos);
}

TEST_CASE("show checksum is the running configuration's, as write memory prints it", "[startup]") {
  Console c;
  configure(c);
  const std::string sum = c.run("show checksum");
  REQUIRE(sum.starts_with("Cryptochecksum: "));
  CHECK(c.run("write memory").find(sum) != std::string::npos);
  // The 32 digits that end show running-config.
  std::string digits = sum.substr(16);
  std::erase(digits, ' ');
  std::erase(digits, '\n');
  CHECK(c.run("show running-config").find("Cryptochecksum:" + digits + "\n") != std::string::npos);
  // It follows the running configuration, saved or not.
  c.run("hostname fw2");
  CHECK(c.run("show checksum") != sum);
  CHECK(c.run("show checksum").size() == sum.size());
}
}  // namespace startup_config_test
