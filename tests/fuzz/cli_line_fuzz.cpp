// Fuzzes the CLI as a console sees it: every line goes through the lexer, the matcher, the
// handlers, help and completion, in whatever mode the previous lines left the session.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cli/session.hpp"
#include "tests/unit/fake_system.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The grammar is built once; each input starts from the factory configuration.
  static rampart::test::FakeSystem sys;
  static rampart::cli::Appliance app(sys);
  app.reset_to_defaults();
  rampart::cli::Session s(app, true);
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t p = 0;
  while (p <= text.size()) {
    size_t e = text.find('\n', p);
    if (e == std::string::npos) e = text.size();
    std::string line = text.substr(p, e - p);
    s.help(line);
    s.complete(line);
    s.execute(line);
    if (s.closed()) break;
    p = e + 1;
  }
  return 0;
}
