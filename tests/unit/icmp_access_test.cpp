// icmp permit|deny: the ASA's control of ICMP to the box, as typed, shown and removed. [icmp]
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

namespace icmp_access_test {

using rampart::test::Console;

namespace {

void interfaces(Console& c) {
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\n"
      "interface GigabitEthernet0/1\nnameif inside\nip address 192.0.2.1 255.255.255.0\nexit");
}

const std::string kInvalid = "ERROR: % Invalid input detected at '^' marker.\n";

}  // namespace

TEST_CASE("icmp rules are kept in order and shown as the ASA", "[icmp]") {
  Console c;
  interfaces(c);
  CHECK(c.run("icmp permit host 198.51.100.50 echo outside") == "");
  CHECK(c.run("icmp permit 198.51.100.0 255.255.255.192 0 outside") == "");
  CHECK(c.run("icmp deny any outside") == "");
  CHECK(c.run("icmp permit any unreachable inside") == "");
  CHECK(c.run("icmp deny any outside") == "");  // again: kept once
  CHECK(c.section({"icmp"}) ==
        "icmp permit host 198.51.100.50 echo outside\n"
        "icmp permit 198.51.100.0 255.255.255.192 echo-reply outside\n"
        "icmp deny any outside\n"
        "icmp permit any unreachable inside\n");
  c.run("no icmp permit 198.51.100.0 255.255.255.192 echo-reply outside");
  CHECK(c.section({"icmp"}) ==
        "icmp permit host 198.51.100.50 echo outside\n"
        "icmp deny any outside\n"
        "icmp permit any unreachable inside\n");
  // A renamed interface takes its rules along; a removed nameif takes them away.
  c.run("interface GigabitEthernet0/1\nnameif lan\nexit");
  CHECK(c.section({"icmp"}).find("icmp permit any unreachable lan\n") != std::string::npos);
  c.run("clear configure icmp");
  CHECK(c.section({"icmp"}) == "");
}

TEST_CASE("bad icmp lines get the ASA's words and change nothing", "[icmp]") {
  Console c;
  interfaces(c);
  const std::string prompt = "rampart(config)# ";
  auto caret_at = [&](const std::string& line, const std::string& word) {
    return std::string(prompt.size() + line.find(word), ' ') + "^\n" + kInvalid;
  };
  // Each line with the word the caret must point at.
  const std::pair<std::string, std::string> bad[] = {
      {"icmp permit any bogus outside", "bogus"},
      {"icmp permit any echo outside x", "x"},
      {"icmp permit host 198.51.100.999 outside", "198.51.100.999"},
      {"icmp permit 198.51.100.1 255.255.255.0 outside", "255."},  // host bits set
      {"icmp permit 198.51.100.0 255.0.255.0 outside", "255."},    // not a mask
  };
  for (const auto& [line, word] : bad) {
    INFO(line);
    CHECK(c.run(line) == caret_at(line, word));
  }
  CHECK(c.run("icmp permit any").ends_with(kInvalid));
  CHECK(c.run("icmp permit any dmz").starts_with("ERROR: "));  // no such nameif
  CHECK(c.section({"icmp"}) == "");
}
}  // namespace icmp_access_test
