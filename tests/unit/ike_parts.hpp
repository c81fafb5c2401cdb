// The IKE engine's shared parts wired as the engine wires them, for the tests of one part alone
// (the wire, an exchange object): the fake environment, counters, log, SA table, sessions
// journal and wire, and established IKE SAs with fixed keys, so that two IkeParts hold two
// views of one SA and can talk to each other.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"
#include "control/ike/session_journal.hpp"
#include "tests/unit/ike_initiator.hpp"

namespace rampart::test {

struct IkeParts {
  FakeEnv env;
  ike::IkeStats stats;
  ike::IkeLog log{env};
  ike::SaTable sas;
  ike::SessionJournal journal;
  ike::IkeWire wire{env, stats, log, sas, journal};

  // An established aggressive-mode SA of the peer 198.51.100.<host> with us at 198.51.100.1 on
  // "outside", keyed alike on both sides, in the table.
  ike::IkeSa& established(ike::Cookie icookie = {1, 2, 3, 4, 5, 6, 7, 8}, uint8_t host = 2) {
    auto s = std::make_unique<ike::IkeSa>();
    s->index = sas.next_index();
    s->icookie = icookie;
    s->rcookie = {8, 7, 6, 5, 4, 3, 2, 1};
    s->peer = {*config::Ipv4::parse("198.51.100." + std::to_string(host)), 500};
    s->local = {*config::Ipv4::parse("198.51.100.1"), 500};
    s->nameif = "outside";
    s->aggressive = true;
    s->state = ike::P1State::AmActive;
    s->established = 1;
    s->keys.encryption_key = ike::SecretBytes(ike::Bytes(16, 0x11));
    s->keys.skeyid_a = ike::SecretBytes(ike::Bytes(20, 0x22));
    s->keys.skeyid_d = ike::SecretBytes(ike::Bytes(20, 0x44));
    s->phase1_iv = ike::Bytes(16, 0x33);
    return sas.adopt(std::move(s));
  }
  bool syslogged(std::string_view id) const {
    for (const auto& l : env.syslogs)
      if (l.find(id) != std::string::npos) return true;
    return false;
  }
};

}  // namespace rampart::test
