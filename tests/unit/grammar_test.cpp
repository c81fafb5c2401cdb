// The whole grammar, as registered by every section: no registration errors (a token's help is
// the same wherever it appears, every token has help, no duplicate commands), and every mode
// has its way out.
#include <catch2/catch.hpp>

#include <algorithm>

#include "cli/session.hpp"
#include "tests/unit/fake_system.hpp"

namespace grammar_test {

using namespace rampart::cli;

TEST_CASE("every section registers cleanly") {
  rampart::test::FakeSystem sys;
  Appliance app(sys);
  std::string errors;
  for (const auto& e : app.tree().errors()) errors += e + "\n";
  CHECK(errors == "");
}

TEST_CASE("every mode can be left, and config sub-modes reach show and end") {
  rampart::test::FakeSystem sys;
  Appliance app(sys);
  for (int m = 0; m < static_cast<int>(Mode::Count); ++m) {
    auto cmds = app.tree().dump(static_cast<Mode>(m));
    INFO(mode_name(static_cast<Mode>(m)));
    CHECK(std::find(cmds.begin(), cmds.end(), "exit") != cmds.end());
    if (m >= static_cast<int>(Mode::Config)) {
      CHECK(std::find(cmds.begin(), cmds.end(), "end") != cmds.end());
      CHECK(std::find(cmds.begin(), cmds.end(), "show running-config") != cmds.end());
    }
  }
}

TEST_CASE("help is never empty for a visible token") {
  rampart::test::FakeSystem sys;
  Appliance app(sys);
  // Walk each mode's first level through the public help interface.
  for (int m = 0; m < static_cast<int>(Mode::Count); ++m) {
    for (const auto& e : app.tree().help(static_cast<Mode>(m), "")) {
      INFO(e.word);
      if (e.word != "<cr>") CHECK(!e.help.empty());
    }
  }
}
}  // namespace grammar_test
