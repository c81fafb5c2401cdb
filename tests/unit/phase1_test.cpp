// Phase 1 (control/ike/phase1) apart from the engine, against the test initiator: aggressive
// mode to completion handed to the engine (its completed hook), a group name nobody has
// answered with a decoy whose HASH_R proves no key, am-disable, and admission's half-open limit.
// The dispatch table, the message rules and the session that follows are the engine's
// (ike_engine_test and the rest drive those).
#include <catch2/catch.hpp>

#include "control/ike/phase1.hpp"
#include "tests/unit/ike_lab.hpp"
#include "tests/unit/ike_parts.hpp"

namespace phase1_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

struct Side : test::IkeParts {
  test::Console console;
  Informational info{env, stats, log, sas, wire, [](IkeSa&, size_t, std::string_view, bool) {}};
  std::vector<uint64_t> completed, removed;
  Phase1 phase1{console.cfg(),
                env,
                stats,
                log,
                sas,
                wire,
                info,
                {[this](uint64_t index, EndReason, bool) {
                   removed.push_back(index);
                   sas.erase(index);
                 },
                 [this](IkeSa& sa) { completed.push_back(sa.index); },
                 [this](uint64_t index, DhOutcome o) { phase1.dh_done(index, std::move(o)); }}};
  test::Initiator peer;
  Side() { REQUIRE(console.run(test::kConfig).find("ERROR") == std::string::npos); }

  // A message the initiator sent, handed to handler as dispatch would (AM3 comes in the clear).
  template <class Handler>
  Outcome deliver(const Bytes& data, IkeSa* sa, Handler handler) {
    auto m = parse_message(data.data(), data.size());
    REQUIRE(m);
    const Datagram d = peer.datagram(data);
    if (sa) wire.begin(*sa, d, *m);
    Outcome o = handler(Received{d, *m, sa, m->payloads, {}, m->header.message_id, false});
    if (sa) wire.end();
    return o;
  }
  Outcome am1(const std::string& group) {
    return deliver(peer.am1(group), nullptr,
                   [&](const Received& in) { return phase1.aggressive_1(in); });
  }
  IkeSa& only_sa() {
    REQUIRE(sas.size() == 1);
    return *sas.all().begin()->second;
  }
};

}  // namespace

TEST_CASE("phase 1: aggressive mode alone, to the engine's completed hook", "[ike][phase1]") {
  Side s;
  REQUIRE(s.am1("EZ").kind == Outcome::Kind::Done);
  IkeSa& sa = s.only_sa();
  CHECK(sa.tunnel_group == "EZ");
  CHECK(sa.remote_access);
  CHECK(sa.state == P1State::AmWaitMsg3);
  REQUIRE(s.env.sent.size() == 1);  // AM2: the DH ran in line (FakeEnv)
  const Bytes am3 = s.peer.am3(s.env.take());
  CHECK(s.peer.hash_ok);  // our HASH_R proves the group's key
  REQUIRE(s.deliver(am3, &sa, [&](const Received& in) { return s.phase1.aggressive_3(in); }).kind ==
          Outcome::Kind::Done);
  CHECK(s.completed == std::vector<uint64_t>{sa.index});
  CHECK(sa.established != 0);
  CHECK_FALSE(sa.p1);  // the exchange's material (the DH private value) is gone
  CHECK(s.env.logged("Connection landed on tunnel_group EZ"));
  CHECK_FALSE(s.env.logged("PHASE 1 COMPLETED"));  // the engine says when (report_established)
  s.phase1.report_established(sa);
  s.phase1.report_established(sa);
  int lines = 0;
  for (const auto& l : s.env.lines) lines += l.find("PHASE 1 COMPLETED") != std::string::npos;
  CHECK(lines == 1);
}

TEST_CASE("phase 1: a group nobody has is answered alike, with a HASH_R that proves no key",
          "[ike][phase1][security]") {
  Side s;
  REQUIRE(s.am1("NO-SUCH-GROUP").kind == Outcome::Kind::Done);
  IkeSa& sa = s.only_sa();
  REQUIRE(sa.p1);
  CHECK(sa.p1->decoy);
  REQUIRE(s.env.sent.size() == 1);  // an AM2 all the same
  const Bytes am3 = s.peer.am3(s.env.take());
  CHECK_FALSE(s.peer.hash_ok);
  Outcome o = s.deliver(am3, &sa, [&](const Received& in) { return s.phase1.aggressive_3(in); });
  CHECK(o.kind == Outcome::Kind::Failed);
  CHECK(s.completed.empty());
}

TEST_CASE("phase 1: am-disable drops aggressive mode before it is read", "[ike][phase1]") {
  Side s;
  s.console.run("crypto ikev1 am-disable\n");
  const Bytes am1 = s.peer.am1("EZ");
  auto m = parse_message(am1.data(), am1.size());
  REQUIRE(m);
  const Datagram d = s.peer.datagram(am1);
  CHECK_FALSE(s.phase1.aggressive_allowed(Received{d, *m, nullptr, m->payloads, {}, 0, false}));
  CHECK(s.stats.in_drop == 1);
  CHECK(s.env.logged("Aggressive Mode is disabled"));
}

TEST_CASE("phase 1: past the half-open limit a new negotiation is refused until one settles",
          "[ike][phase1][security]") {
  Side s;
  s.console.run("crypto ikev1 limit max-in-negotiation-sa 1\n");
  const Datagram d = s.peer.datagram({});
  REQUIRE(s.phase1.admit(d));
  REQUIRE(s.am1("EZ").kind == Outcome::Kind::Done);  // now half-open
  CHECK_FALSE(s.phase1.admit(d));
  CHECK(s.env.logged("Maximum concurrent IKE negotiations exceeded!"));
  s.phase1.settle(s.only_sa());
  CHECK(s.phase1.admit(d));
}

}  // namespace phase1_test
