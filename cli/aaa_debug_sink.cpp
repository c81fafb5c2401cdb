#include "cli/aaa_debug_sink.hpp"

namespace rampart::cli {

aaa::DebugSink aaa_debug_sink(Appliance& app, DebugFacility f) {
  // on() is an atomic flag the debug commands keep, asked from the clients' worker threads;
  // the user is the one whose call runs on the posting thread (aaa::DebugUserScope).
  return {[&app, f] { return app.debugging(f); },
          [&app, f](std::string l) {
            app.post_debug(f, kDebugAaaSession, aaa::DebugUserScope::current(), std::move(l));
          },
          [&app, f](std::string l) {
            app.post_debug(f, kDebugAaaDecode, aaa::DebugUserScope::current(), std::move(l));
          }};
}

}  // namespace rampart::cli
