// The SA database's outbound lookup (an index: host entries by address, prefixes longest first)
// against the definition it implements, a walk over every SA keeping the most specific remote
// side (earliest SA on a tie) whose selectors both match.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <future>
#include <initializer_list>
#include <random>
#include <thread>
#include <utility>

#include "dataplane/sad/sad.hpp"

namespace sad_test {

using namespace rampart::dataplane;

namespace {

SaSpec spec(uint64_t id, Selector4 local, Selector4 remote) {
  SaSpec s;
  s.id = id;
  s.spi_in = 0x1000 + static_cast<uint32_t>(id);
  s.spi_out = 0x2000 + static_cast<uint32_t>(id);
  s.keys_in = {EspCipher::AesCbc128, EspAuth::HmacSha1, std::vector<uint8_t>(16, 1),
               std::vector<uint8_t>(20, 2)};
  s.keys_out = s.keys_in;
  s.local = 0xc6336401;
  s.peer = 0xc6336402;
  s.local_ts = local;
  s.remote_ts = remote;
  return s;
}

uint64_t linear(const std::vector<SaSpec>& specs, uint32_t src, uint32_t dst) {
  const SaSpec* best = nullptr;
  // In id order: the most specific remote side wins, and of equally specific ones the newest
  // (a rekey's successor).
  for (const auto& s : specs)
    if (s.local_ts.contains(src) && s.remote_ts.contains(dst) &&
        (!best || s.remote_ts.mask >= best->remote_ts.mask))
      best = &s;
  return best ? best->id : 0;
}

uint64_t indexed(Sad& sad, uint32_t src, uint32_t dst) {
  uint64_t id = 0;
  sad.with_outbound(src, dst, [&](Sad::Entry& e) { id = e.spec.id; });
  return id;
}

uint32_t mask(int prefix) {
  return prefix == 0 ? 0 : ~((1u << (32 - prefix)) - 1);
}

}  // namespace

TEST_CASE("an SA's entry keeps what each direction reads on lines of its own", "[sad]") {
  // The batch brings in the spec's first line and the direction's line, nothing else: what a
  // packet reads must be there, and the two directions' workers must not write one line.
  Sad::Entry e;
  const auto at = [&](const void* field) {
    return static_cast<size_t>(static_cast<const char*>(field) - reinterpret_cast<char*>(&e));
  };
  const auto line = [&](const void* field, size_t size) {
    size_t first = at(field) / 64, last = (at(field) + size - 1) / 64;
    return first == last ? first : ~size_t{0};  // ~0: straddles two lines
  };
  CHECK(reinterpret_cast<uintptr_t>(&e) % 64 == 0);
  for (auto [field, size] : std::initializer_list<std::pair<const void*, size_t>>{
           {&e.spec.local, 8},
           {&e.spec.local_port, 4},
           {&e.spec.local_ts, sizeof(Selector4)},
           {&e.spec.remote_ts, sizeof(Selector4)}})
    CHECK(line(field, size) == 0);
  const size_t in = line(&e.in, sizeof e.in), out = line(&e.out, sizeof e.out);
  CHECK(in != 0);
  CHECK(out != 0);
  CHECK(in != out);
  CHECK(line(&e.in_busy, sizeof e.in_busy) == in);
  CHECK(line(&e.invalid_identity, 8) == in);
  CHECK(line(&e.out_busy, sizeof e.out_busy) == out);
  CHECK(line(&e.prefrag_ok, 8) == out);
  CHECK(line(&e.postfrag_ok, 8) == out);
  CHECK(at(&e.spec.keys_in) >= 64);  // the keys, read once, off the packets' line
}

TEST_CASE("SPD outbound lookup equals the linear definition", "[sad]") {
  std::mt19937 rng(7);
  // A small address space so that selectors overlap often: 192.0.2.0/24 inside, clients and
  // remote sites in 203.0.113.0/24.
  auto inside = [&] { return static_cast<uint32_t>(0xc0000200u | (rng() & 0x1f)); };
  auto remote = [&] { return static_cast<uint32_t>(0xcb007100u | (rng() & 0x3f)); };
  for (int round = 0; round < 20; ++round) {
    Sad sad;
    std::vector<SaSpec> specs;
    int n = 1 + static_cast<int>(rng() % 40);
    for (int i = 1; i <= n; ++i) {
      int lp = std::array{0, 24, 27, 32}[rng() % 4];
      int rp = std::array{0, 24, 26, 28, 30, 32, 32, 32}[rng() % 8];
      Selector4 l{inside() & mask(lp), mask(lp)}, r{remote() & mask(rp), mask(rp)};
      specs.push_back(spec(static_cast<uint64_t>(i), l, r));
      REQUIRE(sad.add(specs.back()));
    }
    // Remove a few, as SAs come and go.
    for (int k = 0; k < n / 4; ++k) {
      uint64_t id = 1 + rng() % static_cast<uint64_t>(n);
      sad.remove(id);
      std::erase_if(specs, [&](const SaSpec& s) { return s.id == id; });
    }
    for (int q = 0; q < 2000; ++q) {
      uint32_t src = inside(), dst = remote();
      INFO("round " << round << " src " << std::hex << src << " dst " << dst);
      REQUIRE(indexed(sad, src, dst) == linear(specs, src, dst));
    }
    // The workers' batch look-up (in stages) finds the same.
    std::array<uint32_t, Sad::kMaxBatch> srcs, dsts;
    std::array<Sad::Entry*, Sad::kMaxBatch> found;
    for (int b = 0; b < 20; ++b) {
      for (size_t i = 0; i < srcs.size(); ++i) srcs[i] = inside(), dsts[i] = remote();
      sad.with_outbound_batch(srcs, dsts, found, [&] {
        for (size_t i = 0; i < srcs.size(); ++i)
          REQUIRE((found[i] ? found[i]->spec.id : 0) == linear(specs, srcs[i], dsts[i]));
      });
    }
  }
}

TEST_CASE("SPD: a hub's hundreds of sites are chosen as the linear definition chooses", "[sad]") {
  // Sites in 198.18.0.0/15 (an in-process range) under several masks at once, overlapping: /16
  // and /20 summaries, /24 sites, /28 pieces of them, a default route; the inside
  // 192.0.2.0/24 whole or in halves. Some SAs rekeyed (a second SA with the same selectors),
  // some retired, some removed.
  std::mt19937 rng(11);
  auto site = [&] { return static_cast<uint32_t>(0xc6120000u | (rng() & 0x1ffff)); };
  auto inside = [&] { return static_cast<uint32_t>(0xc0000200u | (rng() & 0xff)); };
  Sad sad;
  std::vector<SaSpec> specs;
  uint64_t id = 0;
  for (int i = 0; i < 600; ++i) {
    int rp = std::array{0, 16, 20, 24, 24, 24, 24, 28}[rng() % 8];
    int lp = std::array{24, 24, 25}[rng() % 3];
    Selector4 r{site() & mask(rp), mask(rp)}, l{inside() & mask(lp), mask(lp)};
    specs.push_back(spec(++id, l, r));
    REQUIRE(sad.add(specs.back()));
    if (rng() % 8 == 0) {  // its rekey's successor, beside it
      specs.push_back(spec(++id, l, r));
      REQUIRE(sad.add(specs.back()));
    }
  }
  for (int k = 0; k < 100; ++k) {
    uint64_t gone = 1 + rng() % id;
    if (k % 2)
      sad.retire(gone);
    else
      sad.remove(gone);
    std::erase_if(specs, [&](const SaSpec& s) { return s.id == gone; });
  }
  for (int q = 0; q < 20000; ++q) {
    uint32_t src = inside(), dst = site();
    INFO("src " << std::hex << src << " dst " << dst);
    REQUIRE(indexed(sad, src, dst) == linear(specs, src, dst));
  }
  // The encrypt rule of exactly these proxies: the newest live SA that has them.
  for (const SaSpec& s : specs) {
    uint64_t newest = 0;
    for (const SaSpec& o : specs)
      if (o.local_ts.address == s.local_ts.address && o.local_ts.mask == s.local_ts.mask &&
          o.remote_ts.address == s.remote_ts.address && o.remote_ts.mask == s.remote_ts.mask)
        newest = std::max(newest, o.id);
    REQUIRE(sad.encrypt_rule(s.local_ts, s.remote_ts) == newest);
  }
  // Once they have all gone, nothing is chosen.
  for (const SaSpec& s : specs) sad.remove(s.id);
  for (int q = 0; q < 1000; ++q) REQUIRE(indexed(sad, inside(), site()) == 0);
}

TEST_CASE("SPD: a batch finds the inbound SA of each SPI, none for an unknown one", "[sad]") {
  Sad sad;
  for (uint64_t id = 1; id <= 300; ++id) REQUIRE(sad.add(spec(id, {0, 0}, {0xcb007100, mask(24)})));
  for (uint64_t id = 1; id <= 300; id += 3) sad.remove(id);
  std::array<uint32_t, 40> spis;
  std::array<Sad::Entry*, 40> found;
  for (size_t i = 0; i < spis.size(); ++i) spis[i] = static_cast<uint32_t>(0x1000 + 1 + i * 7);
  sad.with_inbound_batch(spis, found, [&] {
    for (size_t i = 0; i < spis.size(); ++i) {
      uint64_t id = spis[i] - 0x1000;
      bool present = id <= 300 && (id - 1) % 3 != 0;
      INFO("spi " << std::hex << spis[i]);
      REQUIRE((found[i] != nullptr) == present);
      if (present) REQUIRE(found[i]->spec.id == id);
    }
  });
}

TEST_CASE("SPD: a rekey beside an SA of the same host, peer and kind changes no reach", "[sad]") {
  Sad sad;
  SaSpec old_sa = spec(1, {0, 0}, {0xcb007105, 0xffffffff});
  old_sa.client = true;
  uint64_t g0 = sad.reach_generation();
  REQUIRE(sad.add(old_sa));
  uint64_t g1 = sad.reach_generation();
  CHECK(g1 != g0);
  SaSpec fresh = old_sa;  // the rekey: new SPIs, same selectors, peer and kind
  fresh.id = 2;
  fresh.spi_in = 0x2000;
  fresh.spi_out = 0x2001;
  REQUIRE(sad.add(fresh));
  sad.remove(1);
  CHECK(sad.reach_generation() == g1);
  SaSpec moved = fresh;  // the same address from another peer: its routes' gateway may change
  moved.id = 3;
  moved.spi_in = 0x3000;
  moved.spi_out = 0x3001;
  moved.peer = fresh.peer + 1;
  REQUIRE(sad.add(moved));
  CHECK(sad.reach_generation() != g1);
  uint64_t g2 = sad.reach_generation();
  sad.remove(2);
  CHECK(sad.reach_generation() != g2);
  uint64_t g3 = sad.reach_generation();
  sad.remove(3);  // the host's last SA
  CHECK(sad.reach_generation() != g3);
  uint64_t g4 = sad.reach_generation();
  REQUIRE(sad.add(spec(4, {0xc0000200, 0xffffff00}, {0xc6336480, 0xffffffc0})));
  CHECK(sad.reach_generation() != g4);  // a site's prefix
}

TEST_CASE("SPD knows the clients' host addresses and says when it changed", "[sad]") {
  Sad sad;
  uint64_t g0 = sad.generation();
  SaSpec client = spec(1, {0, 0}, {0xcb007105, 0xffffffff});
  client.client = true;
  REQUIRE(sad.add(client));
  REQUIRE(sad.add(spec(2, {0xc0000200, 0xffffff00}, {0xc6336480, 0xffffffc0})));
  // A site whose selector is one host (192.0.2.10, say an inside address it claims) is routed
  // to, never answered for on the inside.
  REQUIRE(sad.add(spec(3, {0xc0000200, 0xffffff00}, {0xc000020a, 0xffffffff})));
  CHECK(sad.generation() != g0);
  // Only the client: not 198.51.100.129 inside a site's prefix, nor a site's host selector.
  CHECK(sad.remote_hosts() == std::vector<uint32_t>{0xcb007105});
  uint64_t g1 = sad.generation();
  sad.remove(1);
  CHECK(sad.generation() != g1);
  CHECK(sad.remote_hosts().empty());
}

TEST_CASE("an inbound SPI already in use is refused, the SA holding it untouched", "[sad]") {
  Sad sad;
  Selector4 any{0, 0}, client{0xcb00710a, 0xffffffff};
  REQUIRE(sad.add(spec(1, any, client)));
  auto twin = spec(2, any, {0xcb00710b, 0xffffffff});
  twin.spi_in = spec(1, any, client).spi_in;
  auto r = sad.add(twin);
  REQUIRE(!r);
  CHECK(r.error() == "inbound SPI 0x00001001 already in use");
  CHECK(sad.size() == 1);
  CHECK(sad.inbound_spi_in_use(0x1001));
  uint64_t id = 0;
  CHECK(sad.with_inbound(0x1001, [&](Sad::Entry& e) { id = e.spec.id; }));
  CHECK(id == 1);
  // The same id twice is refused as well (its index entries would point at a freed SA).
  auto again = spec(1, any, client);
  again.spi_in = 0x7777;
  CHECK(!sad.add(again));
  CHECK(!sad.inbound_spi_in_use(0x7777));
  // Once the first SA is gone, its SPI may be used again.
  sad.remove(1);
  CHECK(!sad.inbound_spi_in_use(0x1001));
  CHECK(sad.add(twin));
}

TEST_CASE("an install tells its steps in the order it takes them, outbound first", "[sad]") {
  Sad sad;
  std::vector<std::string> lines;
  size_t outbound_at = 0;
  Sad::Trace trace = [&](const std::string& l) { lines.push_back(l); };
  SaSpec s = spec(5, {0, 0}, {0xcb00710a, 0xffffffff});
  s.client = true;
  s.lifetime_seconds = 28800;
  REQUIRE(sad.add(s, trace, [&] { outbound_at = lines.size(); }));
  auto starts = [](const std::string& l, std::string_view head) { return l.rfind(head, 0) == 0; };
  REQUIRE(lines.size() == 19);
  CHECK(lines[0] ==
        "IPSEC: New embryonic SA created @ 0x00000005, Direction: outbound, SPI: 0x00002005, "
        "Session ID: 0x00000005, Tunnel type: ra, Protocol: esp, Lifetime: 28800 seconds");
  CHECK(lines[1] == "IPSEC: Completed host OBSA update, SPI 0x00002005");
  CHECK(lines[4] ==
        "IPSEC: New outbound encrypt rule, SPI 0x00002005, source: 0.0.0.0, mask: 0.0.0.0, "
        "protocol: 0, port: 0, destination: 203.0.113.10, mask: 255.255.255.255, protocol: 0, "
        "port: 0");
  CHECK(lines[5] == "IPSEC: Completed outbound encrypt rule, SPI 0x00002005, Rule ID: 0x00000005");
  // The outer header the SA's packets leave with: from us to the peer, plain ESP here.
  CHECK(starts(lines[6],
               "IPSEC: New outbound permit rule, SPI 0x00002005, source: 198.51.100.1, mask: "
               "255.255.255.255, protocol: 50, port: 0, destination: 198.51.100.2"));
  CHECK(outbound_at == 8);  // the outbound SA and its rules are ready, the inbound not yet
  CHECK(lines[8] == "IPSEC: Completed host IBSA update, SPI 0x00001005");
  CHECK(starts(lines[11], "IPSEC: Updating outbound VPN context 0x00000005, SPI 0x00002005"));
  // The index takes the outbound rules, then the inbound ones are told.
  CHECK(lines[13] == "IPSEC: Completed outbound inner rule, SPI 0x00002005, Rule ID: 0x00000005");
  CHECK(lines[14] ==
        "IPSEC: Completed outbound outer SPD rule, SPI 0x00002005, Rule ID: 0x00000005");
  CHECK(lines[15] ==
        "IPSEC: New inbound tunnel flow rule, SPI 0x00001005, source: 203.0.113.10, mask: "
        "255.255.255.255, protocol: 0, port: 0, destination: 0.0.0.0, mask: 0.0.0.0, protocol: "
        "0, port: 0");
  CHECK(starts(lines[17],
               "IPSEC: New inbound decrypt rule, SPI 0x00001005, source: "
               "198.51.100.2, mask: 255.255.255.255, protocol: 50"));
  CHECK(lines[18] == "IPSEC: Completed inbound decrypt rule, SPI 0x00001005, Rule ID: 0x00000005");
  // Refused (the inbound SPI is taken): nothing is told, nothing is added.
  lines.clear();
  outbound_at = 99;
  SaSpec twin = spec(6, {0, 0}, {0xcb00710b, 0xffffffff});
  twin.spi_in = s.spi_in;
  CHECK_FALSE(sad.add(twin, trace, [&] { outbound_at = 0; }));
  CHECK(lines.empty());
  CHECK(outbound_at == 99);
  CHECK(sad.size() == 1);
}

TEST_CASE("a responder's SA decrypts from QM2 and encrypts only once live", "[sad]") {
  Sad sad;
  SaSpec old_sa = spec(1, {0, 0}, {0xcb00710a, 0xffffffff});
  old_sa.client = true;
  REQUIRE(sad.add(old_sa));
  const uint64_t reach = sad.reach_generation(), hosts = sad.generation();
  // The rekey's SA at QM2: its inbound SPI is found, traffic still leaves on the old SA, and
  // nothing that follows the outbound side (routes, proxy ARP) moves.
  SaSpec fresh = spec(2, {0, 0}, {0xcb00710a, 0xffffffff});
  fresh.client = true;
  REQUIRE(sad.add_inbound(fresh));
  CHECK(sad.inbound_spi_in_use(fresh.spi_in));
  uint64_t found = 0;
  CHECK(sad.with_inbound(fresh.spi_in, [&](Sad::Entry& e) { found = e.spec.id; }));
  CHECK(found == 2);
  CHECK(indexed(sad, 0xc000020a, 0xcb00710a) == 1);
  CHECK(sad.reach_generation() == reach);
  CHECK(sad.generation() == hosts);
  // No key stays in the entry: the contexts hold them.
  CHECK(sad.with(2, [](const Sad::Entry& e) {
    CHECK(e.spec.keys_in.encryption.empty());
    CHECK(e.spec.keys_out.integrity.empty());
  }));
  // The encrypt rule for these proxies is still the old SA's.
  CHECK(sad.encrypt_rule(fresh.local_ts, fresh.remote_ts) == 1);
  // QM3: live, with an install's trace, outbound first; the newer SA now carries the traffic.
  std::vector<std::string> lines;
  bool told = false;
  CHECK(sad.go_live(
      2, [&](const std::string& l) { lines.push_back(l); }, [&] { told = true; }));
  CHECK(told);
  REQUIRE(lines.size() == 19);
  CHECK(lines[1] == "IPSEC: Completed host OBSA update, SPI 0x00002002");
  CHECK(indexed(sad, 0xc000020a, 0xcb00710a) == 2);
  CHECK(sad.encrypt_rule(fresh.local_ts, fresh.remote_ts) == 2);
  CHECK(sad.encrypt_rule(fresh.local_ts, {0xcb00710b, 0xffffffff}) == 0);   // nobody's
  CHECK(sad.encrypt_rule({0xc0000200, 0xffffff00}, fresh.remote_ts) == 0);  // other proxies
  CHECK(sad.go_live(2));                                                    // again: nothing more
  CHECK_FALSE(sad.go_live(9));
  // A quick mode that never completes: its SA goes without ever having been outbound.
  SaSpec abandoned = spec(3, {0, 0}, {0xcb00710b, 0xffffffff});
  abandoned.client = true;
  REQUIRE(sad.add_inbound(abandoned));
  const uint64_t reach2 = sad.reach_generation();
  sad.remove(3);
  CHECK_FALSE(sad.inbound_spi_in_use(abandoned.spi_in));
  CHECK(sad.reach_generation() == reach2);
  CHECK(sad.remote_hosts() == std::vector<uint32_t>{0xcb00710a});
  // Its SPI refused twice, as add refuses it.
  REQUIRE(sad.add_inbound(abandoned));
  CHECK_FALSE(sad.add_inbound(abandoned));
}

TEST_CASE("a retired SA sends nothing and still decrypts until removed", "[sad]") {
  Sad sad;
  SaSpec s = spec(1, {0, 0}, {0xcb00710a, 0xffffffff});
  s.client = true;
  REQUIRE(sad.add(s));
  const uint64_t reach = sad.reach_generation();
  sad.retire(1);
  CHECK(indexed(sad, 0xc000020a, 0xcb00710a) == 0);
  CHECK(sad.inbound_spi_in_use(s.spi_in));
  CHECK(sad.remote_hosts().empty());
  CHECK(sad.reach_generation() != reach);
  sad.retire(1);  // again: nothing more
  sad.remove(1);
  CHECK_FALSE(sad.inbound_spi_in_use(s.spi_in));
  CHECK(sad.size() == 0);
}

TEST_CASE("an SA's two directions run on two workers at once", "[sad]") {
  Sad sad;
  SaSpec s = spec(1, {0, 0}, {0xcb007105, 0xffffffff});
  s.client = true;
  REQUIRE(sad.add(s));
  // One worker holds the SA's inbound side (a batch being decrypted) while another sends on
  // it: the sender does not wait for the receiver.
  std::promise<void> holding, sent;
  std::thread receiver([&] {
    sad.with_inbound(s.spi_in, [&](Sad::Entry&) {
      holding.set_value();
      (void)sent.get_future().wait_for(std::chrono::seconds(5));
    });
  });
  holding.get_future().wait();
  std::thread sender([&] {
    sad.with_outbound(0xc0000201, 0xcb007105, [](Sad::Entry&) {});
    sent.set_value();
  });
  auto done = std::async(std::launch::async, [&] { sender.join(); });
  CHECK(done.wait_for(std::chrono::seconds(4)) == std::future_status::ready);
  receiver.join();
  done.wait();
}
}  // namespace sad_test
