// show asp drop reads the packet workers' counters as the sum of their blocks: two workers'
// counts add up on one row, a stopped worker's stay, clear asp drop starts the drops from zero
// while the workers keep writing only their own blocks, and an encapsulation failure has its
// own row.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "tests/unit/ike_lab.hpp"

namespace asp_drop_test {

using namespace rampart;
using dataplane::Count;

namespace {

std::string asp_row(std::string_view what, uint64_t n) {
  return fmt::format("  {:<66}{:>12}\n", what, n);
}

}  // namespace

TEST_CASE("show asp drop sums the workers' blocks; clear asp drop starts them from zero",
          "[worker][asp]") {
  test::Lab lab;
  auto& counters = lab.sad.counters();
  auto w1 = counters.attach(), w2 = counters.attach();
  w1->add(Count::NoSa, 3);
  w2->add(Count::TunnelPending, 2);
  w1->add(Count::NoAdjacency, 4);
  w2->add(Count::NoAdjacency, 5);
  w2->add(Count::EncapFailed, 7);
  w1->add(Count::Frames, 1000);  // an event, not a drop: no row
  std::string out = lab.console.run("show asp drop");
  CHECK(out.find(asp_row("IPSEC tunnel is down (ipsec-tun-down)", 5)) != std::string::npos);
  CHECK(out.find(asp_row("No valid adjacency (no-adjacency)", 9)) != std::string::npos);
  CHECK(out.find(asp_row("CTM returned error (ctm-error)", 7)) != std::string::npos);
  CHECK(out.find("ipsec-too-big") == std::string::npos);
  CHECK(out.find("Last clearing: Never") != std::string::npos);

  // A worker that stops (a port change restarts them) hands its counts over.
  counters.detach(w1);
  out = lab.console.run("show asp drop");
  CHECK(out.find(asp_row("No valid adjacency (no-adjacency)", 9)) != std::string::npos);

  lab.console.run("clear asp drop");
  out = lab.console.run("show asp drop");
  CHECK(out.find("no-adjacency") == std::string::npos);
  CHECK(out.find("ctm-error") == std::string::npos);
  CHECK(out.find("Last clearing: Never") == std::string::npos);
  w2->add(Count::NoAdjacency);
  out = lab.console.run("show asp drop");
  CHECK(out.find(asp_row("No valid adjacency (no-adjacency)", 1)) != std::string::npos);
  CHECK(counters.read()[Count::Frames] == 1000);
  counters.detach(w2);
}
}  // namespace asp_drop_test
