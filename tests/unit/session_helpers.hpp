// Drives a session the way a console does, for command tests.
#pragma once

#include <string>
#include <thread>

#include "cli/render/running_config.hpp"
#include "cli/session.hpp"
#include "tests/unit/fake_system.hpp"

namespace rampart::test {

struct Console {
  FakeSystem sys;
  cli::Appliance app{sys};
  cli::Session s{app, true};

  Console() { s.enter({cli::Mode::Config}); }
  // Runs lines; returns everything they printed.
  std::string run(const std::string& lines) {
    std::string out;
    size_t p = 0;
    while (p < lines.size()) {
      size_t e = lines.find('\n', p);
      if (e == std::string::npos) e = lines.size();
      out += s.execute(lines.substr(p, e - p)).output;
      p = e + 1;
    }
    return out;
  }
  std::string section(std::vector<std::string> prefixes) {
    return cli::render_section(app.config(), cli::RenderOptions{}, prefixes);
  }
  config::Config& cfg() { return app.config(); }
};

// What the deferred work of a session's command returns, run on a thread of its own as the
// server runs it, and what the session then makes of it.
inline std::string run_elsewhere(cli::Session& s, cli::Session::Work w) {
  std::string result;
  std::thread t([&] { result = w(); });
  t.join();
  return s.finish_deferred(std::move(result)).output;
}

}  // namespace rampart::test
