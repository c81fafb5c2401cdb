// A control-socket client's unsent output (firmware/daemon/output_queue.hpp): what goes out is
// what came in, in order, however it is taken.
#include <catch2/catch.hpp>

#include <string>

#include "firmware/daemon/output_queue.hpp"

namespace output_queue_test {

using rampart::firmware::OutputQueue;

TEST_CASE("the output queue sends what it was given, in order, in any slices", "[server]") {
  OutputQueue q;
  CHECK(q.empty());
  std::string given, sent;
  for (int i = 0; i < 2000; ++i) {
    std::string piece = std::to_string(i) + std::string(static_cast<size_t>(i % 97), 'x') + "\n";
    q.append(piece);
    given += piece;
    // Sent a slice now and then, of sizes that are no multiple of anything.
    if (i % 3 == 0) {
      size_t n = std::min(q.size(), static_cast<size_t>(i * 7 % 1013 + 1));
      sent += q.unsent().substr(0, n);
      q.consumed(n);
    }
    REQUIRE(q.size() == given.size() - sent.size());
  }
  while (!q.empty()) {
    size_t n = std::min<size_t>(q.size(), 4093);
    sent += q.unsent().substr(0, n);
    q.consumed(n);
  }
  CHECK(sent == given);
  CHECK(q.unsent().empty());
  q.append("again");
  CHECK(q.unsent() == "again");
}

}  // namespace output_queue_test
