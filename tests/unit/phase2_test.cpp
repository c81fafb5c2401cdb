// Phase 2 (control/ike/phase2) apart from the engine: which IKE SA may start another IPsec SA,
// and each IPsec SA's life by the clock: our rekey at the soft lifetime, a quick mode that never
// finished (its rekey tried again), the hard lifetime (the peer told), and what goes with an IKE
// SA. Quick mode's messages themselves are driven through the engine (ike_engine_test,
// ike_rekey_test, ike_l2l_test).
#include <catch2/catch.hpp>

#include "control/ike/phase2.hpp"
#include "control/ike/timers.hpp"
#include "tests/unit/ike_lab.hpp"
#include "tests/unit/ike_parts.hpp"

namespace phase2_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

struct Side : test::IkeParts {
  test::Console console;
  Informational info{env, stats, log, sas, wire, [](IkeSa&, size_t, std::string_view, bool) {}};
  SessionAccounting accounting{console.cfg(), env};
  Phase2 phase2{console.cfg(), env, stats, log, sas, journal, wire, info, accounting};
  IkeSa& sa;
  Side() : sa(make()) { REQUIRE(console.run(test::kConfig).find("ERROR") == std::string::npos); }
  IkeSa& make() {
    IkeSa& s = established();
    s.tunnel_group = "EZ";
    s.authorized = true;
    return s;
  }
  // An established IPsec SA of the client 203.0.113.10, up since established_at.
  IpsecSa& tunnel(uint32_t id, uint64_t established_at, uint32_t lifetime) {
    IpsecSa ips;
    ips.id = id;
    ips.transform_set = "TRA";
    ips.local = Selector{*config::Ipv4::parse("0.0.0.0"), config::Mask{0}};
    ips.remote = Selector{*config::Ipv4::parse("203.0.113.10")};
    ips.inbound.spi = 0x1000 + id;
    ips.outbound.spi = 0x2000 + id;
    ips.established_at = established_at;
    ips.lifetime_seconds = lifetime;
    sa.ipsec.push_back(ips);
    return sa.ipsec.back();
  }
};

}  // namespace

TEST_CASE("phase 2: another IPsec SA only for an authorized IKE SA under its limits",
          "[ike][phase2][security]") {
  Side s;
  s.sa.authorized = false;
  CHECK_FALSE(s.phase2.admitted(s.sa));
  CHECK(s.stats.in_drop == 1);
  s.sa.authorized = true;
  CHECK(s.phase2.admitted(s.sa));
  for (uint32_t i = 1; i <= 128; ++i) s.tunnel(i, 1000, 28800);
  CHECK_FALSE(s.phase2.admitted(s.sa));  // an authenticated peer filling our memory and the SPD
  CHECK(s.stats.in_p2_rejects == 1);
  CHECK(s.env.logged("Rejecting IPSec tunnel: the peer already has 128 IPsec SAs"));
  s.sa.ipsec.clear();
  for (uint32_t m = 1; m <= QuickModes::kMax; ++m)
    s.sa.quick_modes.add(m, std::make_shared<QuickModeExchange>());
  CHECK_FALSE(s.phase2.admitted(s.sa));
  CHECK(s.env.logged("Too many quick modes in progress, dropping"));
}

TEST_CASE("phase 2: the hard lifetime ends an SA and tells the peer", "[ike][phase2]") {
  Side s;
  s.tunnel(1, 1000, 100);
  s.tunnel(2, 1050, 100);
  s.sa.ipsec[0].rekeying = s.sa.ipsec[1].rekeying = true;  // no rekey of ours in the way
  const uint64_t generation = s.phase2.generation();
  s.env.t = 1099;
  s.phase2.timers(s.sa, s.env.t);
  CHECK(s.sa.ipsec.size() == 2);
  s.env.t = 1100;
  s.phase2.timers(s.sa, s.env.t);
  REQUIRE(s.sa.ipsec.size() == 1);
  CHECK(s.sa.ipsec[0].id == 2);
  CHECK(s.stats.out_p2_sa_delete == 1);
  CHECK(s.env.sent.size() == 1);  // the delete, naming our inbound SPI
  CHECK(s.env.logged("IPSec SA with SPI 0x00001001 deleted: lifetime expired"));
  CHECK(s.phase2.generation() != generation);
  int deleted_syslogs = 0;
  for (const auto& l : s.env.syslogs) deleted_syslogs += l.find("602304") != std::string::npos;
  CHECK(deleted_syslogs == 2);  // inbound and outbound
}

TEST_CASE("phase 2: our rekey starts at the soft lifetime, and is tried again if unanswered",
          "[ike][phase2][rekey]") {
  Side s;
  IpsecSa& old = s.tunnel(1, 1000, 28800);
  old.rekey_at = 1500;
  s.env.t = 1499;
  s.phase2.timers(s.sa, s.env.t);
  CHECK(s.sa.quick_modes.empty());
  s.env.t = 1500;
  s.phase2.timers(s.sa, s.env.t);
  REQUIRE(s.sa.quick_modes.size() == 1);  // our QM1 for its successor
  CHECK(s.sa.ipsec[0].rekeying);
  CHECK(s.env.sent.size() == 1);
  CHECK(s.sa.sent.awaiting());
  // The peer never answers: after the half-open time the quick mode goes and the rekey waits
  // kRekeyRetry before it starts again.
  s.env.t = 1500 + timers::kHalfOpen;
  s.phase2.timers(s.sa, s.env.t);
  CHECK(s.sa.quick_modes.empty());
  CHECK_FALSE(s.sa.ipsec[0].rekeying);
  CHECK(s.sa.ipsec[0].rekey_at == s.env.t + timers::kRekeyRetry);
}

TEST_CASE("phase 2: what an IKE SA takes with it leaves the dataplane", "[ike][phase2]") {
  Side s;
  s.tunnel(1, 1000, 28800);
  const uint64_t generation = s.phase2.generation();
  s.phase2.forget(s.sa);
  CHECK(s.phase2.generation() != generation);  // every SA that goes is seen
  CHECK(s.env.sent.empty());                   // the peer is told by the IKE delete, not here
}

}  // namespace phase2_test
