// The engine's sessions journal: a follower reads the SAs touched since its last read, each
// once; one that fell behind what the journal keeps is told to walk everything.
#include <catch2/catch.hpp>

#include "control/ike/session_journal.hpp"
#include "tests/unit/ike_lab.hpp"

namespace session_journal_test {

using rampart::ike::SessionJournal;

TEST_CASE("a follower reads each SA touched since its last read, once", "[sessions_journal]") {
  SessionJournal j;
  uint64_t at = j.end();
  CHECK(j.since(at)->empty());
  j.touch(7);
  j.touch(3);
  j.touch(7);
  CHECK(*j.since(at) == std::vector<uint64_t>{3, 7});
  at = j.end();
  j.touch(5);
  CHECK(*j.since(at) == std::vector<uint64_t>{5});
  CHECK(j.since(j.end())->empty());
}

TEST_CASE("a follower that fell behind the journal is told to walk everything",
          "[sessions_journal]") {
  SessionJournal j;
  const uint64_t at = j.end();
  for (size_t i = 0; i < SessionJournal::kKept; ++i) j.touch(i % 10);
  CHECK(j.since(at).has_value());  // all still kept
  j.touch(1);
  CHECK_FALSE(j.since(at).has_value());
  CHECK(*j.since(j.end() - 1) == std::vector<uint64_t>{1});
}

TEST_CASE("the engine touches an SA when its client address, IPsec SAs or end change",
          "[sessions_journal]") {
  rampart::test::Lab lab;
  const SessionJournal& j = lab.engine.sessions_journal();
  lab.phase1();
  uint64_t at = j.end();
  lab.xauth("cisco", "cisco");  // authorized
  REQUIRE(lab.ack_status() == 1);
  CHECK(j.since(at)->size() == 1);
  const uint64_t index = lab.only_sa().index;
  at = j.end();
  lab.mode_config();  // an address
  CHECK(*j.since(at) == std::vector<uint64_t>{index});
  at = j.end();
  auto qm2 = lab.qm1(0x100, rampart::ike::Bytes{203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  CHECK(j.since(at)->empty());  // a quick mode under way changes nothing yet
  lab.qm3(0x100, *qm2);         // an IPsec SA
  CHECK(*j.since(at) == std::vector<uint64_t>{index});
  at = j.end();
  lab.engine.logoff_name("cisco");  // the end
  CHECK(*j.since(at) == std::vector<uint64_t>{index});
}
}  // namespace session_journal_test
