// Issue 14: the output filters of every show and more command ("| include", "| exclude",
// "| begin", "| grep [-v]", "| count"), as an administrator types them.
#include <catch2/catch.hpp>

#include "tests/unit/session_helpers.hpp"

namespace output_filter_test {

namespace {

constexpr const char* kConfig =
    "hostname fw\n"
    "access-list OUT extended permit tcp any any eq www\n"
    "access-list OUT extended deny ip any any\n"
    "crypto ipsec ikev1 transform-set TS esp-aes esp-sha-hmac\n"
    "crypto map CM 10 set ikev1 transform-set TS\n"
    "crypto map CM 10 set peer 198.51.100.7\n"
    "crypto map CM 10 match address OUT\n";

// The lines of out, in order.
std::vector<std::string> lines_of(const std::string& out) {
  std::vector<std::string> v;
  size_t p = 0;
  while (p < out.size()) {
    size_t e = out.find('\n', p);
    v.push_back(out.substr(p, e - p));
    p = e == std::string::npos ? out.size() : e + 1;
  }
  return v;
}

}  // namespace

TEST_CASE("| include, | exclude and | grep [-v] keep or drop the lines a regex matches",
          "[output-filter]") {
  rampart::test::Console c;
  c.run(kConfig);
  std::string all = c.run("show running-config");
  auto inc = lines_of(c.run("show running-config | include crypto map"));
  REQUIRE(inc.size() == 3);
  for (const auto& l : inc) CHECK(l.starts_with("crypto map CM 10 "));
  CHECK(c.run("show running-config | grep crypto map") ==
        c.run("show running-config | include crypto map"));
  // Abbreviated keywords and command words, as fingers type them.
  CHECK(c.run("sh run | i crypto map") == c.run("show running-config | include crypto map"));
  std::string exc = c.run("show running-config | exclude crypto");
  CHECK(exc.find("crypto") == std::string::npos);
  CHECK(exc.find("access-list OUT extended deny ip any any") != std::string::npos);
  CHECK(c.run("show running-config | grep -v crypto") == exc);
  CHECK(lines_of(exc).size() + lines_of(c.run("show running-config | in crypto")).size() ==
        lines_of(all).size());
  // Extended expressions: alternation, anchors, classes.
  auto alt = lines_of(c.run("show running-config | include ^hostname|deny ip"));
  CHECK(alt ==
        std::vector<std::string>{"hostname fw", "access-list OUT extended deny ip any any "});
}

TEST_CASE("| begin starts at the first match; | count counts", "[output-filter]") {
  rampart::test::Console c;
  c.run(kConfig);
  std::string all = c.run("show running-config");
  std::string begun = c.run("show running-config | begin ^crypto map");
  REQUIRE(!begun.empty());
  CHECK(begun.starts_with("crypto map CM 10 "));
  CHECK(all.ends_with(begun));
  CHECK(c.run("show running-config | b ^crypto map") == begun);
  CHECK(c.run("show running-config | count crypto map") ==
        "Number of lines which match regexp = 3\n");
  CHECK(c.run("show running-config | count") ==
        "Number of lines which match regexp = " + std::to_string(lines_of(all).size()) + "\n");
  CHECK(c.run("show running-config | include no-such-text").empty());
}

TEST_CASE("the expression keeps its trailing blanks, as on the ASA", "[output-filter]") {
  rampart::test::Console c;
  c.run(kConfig);
  // "OUT " (with the blank) matches the access-list lines, not "match address OUT" at the end
  // of a line.
  auto l = lines_of(c.run("show running-config | include OUT "));
  REQUIRE(l.size() == 2);
  CHECK(l[0].starts_with("access-list OUT"));
}

TEST_CASE("a bad filter is refused in the ASA's words and counted", "[output-filter]") {
  rampart::test::Console c;
  c.run(kConfig);
  auto& k = c.app.counters();
  uint64_t invalid = k.invalid_input, incomplete = k.incomplete, rejected = k.rejected;
  std::string prompt = c.s.prompt();
  CHECK(c.run("show running-config | frobnicate x") ==
        std::string(prompt.size() + 22, ' ') +
            "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(c.run("show running-config | include") == "ERROR: % Incomplete command\n");
  CHECK(c.run("show running-config |") == "ERROR: % Incomplete command\n");
  CHECK(c.run("show running-config | include ([") == "ERROR: Invalid regular expression\n");
  CHECK(k.invalid_input == invalid + 1);
  CHECK(k.incomplete == incomplete + 2);
  CHECK(k.rejected == rejected + 1);
}

TEST_CASE("a '|' that belongs to a command is not a filter", "[output-filter]") {
  rampart::test::Console c;
  c.run(kConfig);
  CHECK(c.run("access-list OUT remark web | mail") == "");
  CHECK(c.run("show running-config | include remark") == "access-list OUT remark web | mail\n");
}

TEST_CASE("'?' after the bar lists the filters and what they take", "[output-filter]") {
  rampart::test::Console c;
  std::string h = c.s.help("show running-config | ");
  CHECK(h.find("  begin    Begin with the line that matches\n") != std::string::npos);
  CHECK(h.find("  include  Include lines that match\n") != std::string::npos);
  CHECK(h.find("  grep     Include/exclude lines that match\n") != std::string::npos);
  CHECK(c.s.help("show running-config | in") == "include\n");
  CHECK(c.s.help("show running-config | grep ").find("-v") != std::string::npos);
  CHECK(c.s.help("show running-config | include ").find("LINE") != std::string::npos);
  CHECK(c.s.help("show running-config | zz").find("^") != std::string::npos);
}

TEST_CASE("show startup-config shows what was saved, the same each time, secrets masked",
          "[output-filter]") {
  rampart::test::Console c;
  c.run(std::string(kConfig) +
        "username admin password Adm1n-pw privilege 15\n"
        "enable password En4ble-pw\n"
        "passwd Telnet-pw\n"
        "tunnel-group 198.51.100.7 type ipsec-l2l\n"
        "tunnel-group 198.51.100.7 ipsec-attributes\n"
        " ikev1 pre-shared-key S3cret-psk\n"
        "exit\n"
        "write memory\n");
  std::string first = c.run("show startup-config");
  CHECK(first == c.run("show startup-config"));
  CHECK(first.find("S3cret-psk") == std::string::npos);
  CHECK(first.find("ikev1 pre-shared-key *****") != std::string::npos);
  c.run("hostname changed");
  std::string after = c.run("show startup-config");
  CHECK(after == first);
  CHECK(after.find("hostname fw\n") != std::string::npos);
  CHECK(c.run("show startup-config | include ^hostname") == "hostname fw\n");
}

TEST_CASE("a filter of ordinary characters keeps exactly the lines the same regex keeps",
          "[output-filter]") {
  using rampart::cli::OutputFilter;
  // Searched as text, not by regexec: the lines must be the ones regexec would keep.
  const std::string text =
      "      current outbound spi: 4F2C9A11\n"
      "      current inbound spi : 0A1B2C3D\n"
      "\n"
      "    inbound esp sas:\n"
      "      spi: 0x0A1B2C3D (169552957)\n"
      "SPI in capitals\n"
      "ends in spi";
  for (std::string pattern : {"spi", "current outbound spi", "inbound", "SPI", "esp sas:", "x"}) {
    for (std::string kind : {"include", "exclude", "begin", "count"}) {
      auto plain = OutputFilter::parse(kind + " " + pattern);
      auto regex = OutputFilter::parse(kind + " (" + pattern + ")");  // the same, through regexec
      REQUIRE(plain.filter);
      REQUIRE(regex.filter);
      INFO(kind << " " << pattern);
      CHECK(plain.filter->apply(text) == regex.filter->apply(text));
    }
  }
  auto p = OutputFilter::parse("include spi");
  CHECK(lines_of(p.filter->apply(text)).size() == 4);
  // Special characters keep the regex: "." matches any character, "^" anchors.
  CHECK(lines_of(OutputFilter::parse("include ^SPI").filter->apply(text)).size() == 1);
  CHECK(lines_of(OutputFilter::parse("include s.i").filter->apply(text)).size() == 4);
}
}  // namespace output_filter_test
