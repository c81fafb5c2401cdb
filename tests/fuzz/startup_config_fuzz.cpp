// Fuzzes the startup-config loader, then checks that whatever loaded renders and loads again
// without a complaint: a configuration we print must always be one we accept.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/render/running_config.hpp"
#include "cli/session.hpp"
#include "tests/unit/fake_system.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static rampart::test::FakeSystem sys;
  static rampart::cli::Appliance app(sys), again(sys);
  app.replace_config(std::string(reinterpret_cast<const char*>(data), size));
  std::string first = rampart::cli::render_running_config(app.config(), {true, false});
  again.replace_config(first);
  std::string second = rampart::cli::render_running_config(again.config(), {true, false});
  if (first != second) {  // the round trip is broken for this input: show both, then stop
    std::fprintf(stderr, "--- first rendering\n%s\n--- second rendering\n%s\n", first.c_str(),
                 second.c_str());
    std::abort();
  }
  return 0;
}
