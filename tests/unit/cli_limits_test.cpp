// Issue 11: what one CLI session may cost the daemon. The line length and the history are
// bounded as on the ASA; the control socket's frames are bounded by the protocol.
#include <catch2/catch.hpp>

#include "firmware/protocol/frame.hpp"
#include "tests/unit/session_helpers.hpp"

namespace cli_limits_test {

using rampart::cli::Session;

TEST_CASE("a command line longer than 512 characters is refused whole and not kept") {
  rampart::test::FakeSystem sys;
  rampart::cli::Appliance app{sys};
  Session s{app, false};  // user EXEC, as a console or SSH session starts
  std::string prompt = s.prompt();
  std::string line = "show version " + std::string(1 << 20, 'a');
  auto r = s.execute(line);
  CHECK(r.output == std::string(prompt.size() + 512, ' ') +
                        "^\nERROR: % Invalid input detected at '^' marker.\n");
  CHECK(s.history().empty());
  // 512 characters are still a line (here an invalid one, marked where it goes wrong).
  std::string at_limit = "ping " + std::string(507, 'x');
  REQUIRE(at_limit.size() == Session::kMaxLineLength);
  s.execute(at_limit);
  REQUIRE(s.history().size() == 1);
  CHECK(s.history().back() == at_limit);
}

TEST_CASE("show history keeps the last 10 lines") {
  rampart::test::FakeSystem sys;
  rampart::cli::Appliance app{sys};
  Session s{app, false};
  for (int i = 0; i < 10000; ++i) s.execute("show clock " + std::to_string(i));
  REQUIRE(s.history().size() == Session::kHistoryLines);
  CHECK(s.history().front() == "show clock 9990");
  CHECK(s.history().back() == "show clock 9999");
  std::string out = s.execute("show history").output;
  CHECK(out.find("  show clock 9991\n") == 0);
  CHECK(out.ends_with("  show clock 9999\n  show history\n"));
}

TEST_CASE("a control-socket frame above 1 MiB is a protocol error; the buffer is given back") {
  using namespace rampart::protocol;
  Decoder d;
  d.feed(encode(Type::Line, std::string(kMaxPayload, 'a')));
  auto f = d.next();
  REQUIRE(f);
  REQUIRE(*f);
  CHECK((*f)->payload.size() == kMaxPayload);
  CHECK(d.buffered() == 0);
  Decoder big;
  big.feed(encode(Type::Line, std::string(kMaxPayload + 1, 'a')).substr(0, 5));
  auto e = big.next();
  REQUIRE_FALSE(e);
  CHECK(e.error() == "frame too large");
}
}  // namespace cli_limits_test
