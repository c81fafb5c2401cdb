// The engine's SA table: every look-up index follows its SAs through arrival, a NAT-T move, XAUTH
// naming the user, a phase-1 rekey's index swap and removal, so that no look-up finds an SA that
// is gone or misses one that is there.
#include <catch2/catch.hpp>

#include <algorithm>

#include "control/ike/sa_table.hpp"

namespace sa_table_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

const config::Ipv4 kPeerA{0xc6336402};  // 198.51.100.2
const config::Ipv4 kPeerB{0xc6336403};  // 198.51.100.3

// A responder SA of peer:port with cookies derived from seed.
std::unique_ptr<IkeSa> sa_of(SaTable& t, config::Ipv4 peer, uint16_t port, uint8_t seed) {
  auto sa = std::make_unique<IkeSa>();
  sa->index = t.next_index();
  sa->icookie.fill(seed);
  sa->rcookie.fill(static_cast<uint8_t>(seed + 100));
  sa->peer = {peer, port};
  return sa;
}

std::vector<uint64_t> indexes(const std::vector<IkeSa*>& sas) {
  std::vector<uint64_t> out;
  for (const IkeSa* s : sas) out.push_back(s->index);
  return out;
}

}  // namespace

TEST_CASE("SA table: cookies, half-open SAs and the peer index", "[ike][sa_table]") {
  SaTable t;
  IkeSa& a = t.adopt(sa_of(t, kPeerA, 500, 1));
  IkeSa& b = t.adopt(sa_of(t, kPeerA, 4500, 2));
  IkeSa& c = t.adopt(sa_of(t, kPeerB, 500, 3));
  CHECK(t.size() == 3);
  CHECK(a.index == 1);
  CHECK(c.index == 3);
  CHECK(t.find(a.icookie, a.rcookie) == &a);
  CHECK(t.find(a.icookie, b.rcookie) == nullptr);  // both cookies must match
  CHECK(t.find_half_open(b.icookie, b.peer) == &b);
  CHECK(t.find_half_open(b.icookie, a.peer) == nullptr);  // another port: another client
  CHECK(indexes(t.of_peer(kPeerA)) == std::vector<uint64_t>{1, 2});
  CHECK(indexes(t.of_peer(kPeerB)) == std::vector<uint64_t>{3});

  t.mark_established(b, 100);
  CHECK(t.find_half_open(b.icookie, b.peer) == nullptr);  // no longer half-open
  t.mark_established(b, 200);                             // counted once
  CHECK(t.established() == 1);
  CHECK(b.established == 200);

  // NAT-T: the peer moved; the address index follows.
  t.move_peer(c, {kPeerA, 4500});
  CHECK(c.peer == Endpoint{kPeerA, 4500});
  CHECK(indexes(t.of_peer(kPeerA)) == std::vector<uint64_t>{1, 2, 3});
  CHECK(t.of_peer(kPeerB).empty());

  t.erase(2);
  CHECK(t.get(2) == nullptr);
  CHECK(t.established() == 0);
  CHECK(indexes(t.of_peer(kPeerA)) == std::vector<uint64_t>{1, 3});
  CHECK(t.next_index() == 4);  // an index is never given out again
}

TEST_CASE("SA table: users, and a rekey's index swap", "[ike][sa_table]") {
  SaTable t;
  IkeSa& old = t.adopt(sa_of(t, kPeerA, 500, 1));
  IkeSa& fresh = t.adopt(sa_of(t, kPeerB, 500, 2));
  t.set_username(old, "alice");
  CHECK(t.user_count("alice") == 1);
  CHECK(indexes(t.of_user("alice")) == std::vector<uint64_t>{1});
  t.set_username(fresh, "bob");
  t.set_username(fresh, "alice");  // renamed: out of bob's, into alice's
  CHECK(t.user_count("bob") == 0);
  CHECK(indexes(t.of_user("alice")) == std::vector<uint64_t>{1, 2});

  // The session keeps its number: the two SAs trade indexes and every look-up follows.
  t.swap_indexes(fresh, old);
  CHECK(fresh.index == 1);
  CHECK(old.index == 2);
  CHECK(t.get(1) == &fresh);
  CHECK(t.get(2) == &old);
  CHECK(t.find(fresh.icookie, fresh.rcookie) == &fresh);
  CHECK(t.find(old.icookie, old.rcookie) == &old);
  CHECK(t.of_peer(kPeerB) == std::vector<IkeSa*>{&fresh});
  CHECK(t.of_peer(kPeerA) == std::vector<IkeSa*>{&old});

  t.erase(old.index);
  CHECK(t.of_user("alice") == std::vector<IkeSa*>{&fresh});
  CHECK(t.of_peer(kPeerA).empty());
  CHECK(t.find(fresh.icookie, fresh.rcookie) == &fresh);
  t.erase(99);  // gone already: nothing
  CHECK(t.size() == 1);
}

}  // namespace sa_table_test
