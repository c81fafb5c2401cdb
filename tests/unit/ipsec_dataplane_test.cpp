// The engine's link to the SA database: what an IPsec SA becomes there (sa_spec), the two-step
// install of a responder, draining, the read-backs the timers act on, and inbound SPIs that no
// two negotiations share. Without a database every call says so and changes nothing.
#include <catch2/catch.hpp>

#include <set>
#include <vector>

#include "control/ike/ipsec_dataplane.hpp"

namespace ipsec_dataplane_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

const config::Ipv4 kClient{0xc0000264};  // 192.0.2.100

// A remote-access SA behind a NAT: 198.51.100.1:4500 <-> 198.51.100.2:4500, its IPsec SA for
// the client's assigned address to anything, AES-128 + HMAC-SHA1.
struct Fixture {
  config::Config cfg;
  IkeSa sa;
  IpsecSa ips;
  Fixture() {
    sa.index = 7;
    sa.local = {config::Ipv4{0xc6336401}, 4500};
    sa.peer = {config::Ipv4{0xc6336402}, 4500};
    sa.remote_access = true;
    sa.assigned = kClient;
    ips.id = 11;
    ips.udp_encapsulated = true;
    ips.local = {config::Ipv4{0}, config::Mask{0}};
    ips.remote = {kClient, config::Mask{0xffffffffu}};
    ips.inbound = {0x1000, SecretBytes(Bytes(16, 1)), SecretBytes(Bytes(20, 2))};
    ips.outbound = {0x2000, SecretBytes(Bytes(16, 3)), SecretBytes(Bytes(20, 4))};
  }
};

}  // namespace

TEST_CASE("sa_spec: endpoints, encapsulation and the client flag", "[ike][ipsec_dataplane]") {
  Fixture f;
  f.cfg.crypto.replay_window = 128;
  dataplane::SaSpec s = sa_spec(f.cfg, f.sa, f.ips);
  CHECK(s.id == 11);
  CHECK(s.spi_in == 0x1000);
  CHECK(s.spi_out == 0x2000);
  CHECK(s.keys_in.encryption == Bytes(16, 1));
  CHECK(s.keys_out.integrity == Bytes(20, 4));
  CHECK(s.local_port == 4500);
  CHECK(s.peer_port == 4500);
  CHECK(s.replay_window == 128);
  CHECK(s.remote_ts.address == kClient.value);
  CHECK(s.client);  // the assigned address/32: answered for on the inside

  // Plain ESP: no ports. A proxy wider than the assigned address is routed, never impersonated.
  f.ips.udp_encapsulated = false;
  f.ips.remote.mask = config::Mask{0xffffff00u};
  s = sa_spec(f.cfg, f.sa, f.ips);
  CHECK(s.local_port == 0);
  CHECK(s.peer_port == 0);
  CHECK(!s.client);
  // A LAN-to-LAN SA is never a client's, whatever its proxy.
  f.ips.remote.mask = config::Mask{0xffffffffu};
  f.sa.remote_access = false;
  CHECK(!sa_spec(f.cfg, f.sa, f.ips).client);
}

TEST_CASE("without an SA database nothing is installed and nothing waits",
          "[ike][ipsec_dataplane]") {
  Fixture f;
  IpsecDataplane d(f.cfg);
  CHECK(!d.add_inbound(f.sa, f.ips));
  bool keyed = false;
  CHECK(!d.go_live(f.sa, f.ips, {}, [&] { keyed = true; }));
  CHECK(!keyed);
  CHECK(!d.encrypt_rule(f.ips));
  CHECK(!d.traffic(f.ips.id));
  CHECK(d.carries_traffic(f.ips.id));  // a rekey has nothing to wait for
  CHECK(!d.volume_soft_limit(f.ips));
  CHECK(!d.expired(f.ips));
  d.retire(f.ips.id, 5, {}, {});
  d.drain(10);
}

TEST_CASE("a responder's SA decrypts first, then goes live, then drains",
          "[ike][ipsec_dataplane]") {
  Fixture f;
  dataplane::Sad sad;
  IpsecDataplane d(f.cfg);
  d.attach(&sad);
  REQUIRE(d.add_inbound(f.sa, f.ips));
  CHECK(sad.inbound_spi_in_use(0x1000));
  CHECK(*d.encrypt_rule(f.ips) == 0);  // nothing leaves on it yet

  std::vector<std::string> trace;
  bool keyed = false;
  auto r = d.go_live(
      f.sa, f.ips, [&](const std::string& l) { trace.push_back(l); }, [&] { keyed = true; });
  REQUIRE(r);
  CHECK(r->has_value());
  CHECK(keyed);
  CHECK(!trace.empty());
  CHECK(*d.encrypt_rule(f.ips) == 11);

  // Read back: nothing carried yet, far from every limit.
  auto t = d.traffic(f.ips.id);
  REQUIRE(t);
  CHECK(t->in_packets == 0);
  CHECK(!d.carries_traffic(f.ips.id));
  CHECK(!d.volume_soft_limit(f.ips));
  CHECK(!d.expired(f.ips));
  // Its sequence numbers run out: it must end (RFC 4303 3.3.3).
  sad.with_inbound(0x1000, [](dataplane::Sad::Entry& e) {
    e.out->set_next_sequence(IpsecDataplane::kSequenceLimit + 1);
  });
  CHECK(d.expired(f.ips) == "sequence number exhausted");

  // Retired: nothing leaves on it, it still decrypts until its time, then it is gone.
  d.retire(f.ips.id, 100, {}, {});
  CHECK(*d.encrypt_rule(f.ips) == 0);
  CHECK(sad.inbound_spi_in_use(0x1000));
  d.drain(99);
  CHECK(sad.size() == 1);
  d.drain(100);
  CHECK(sad.size() == 0);
}

TEST_CASE("a quick mode given up takes its inbound half with it", "[ike][ipsec_dataplane]") {
  Fixture f;
  dataplane::Sad sad;
  IpsecDataplane d(f.cfg);
  d.attach(&sad);
  QuickModeExchange q;
  q.sa = f.ips;
  q.inbound_installed = d.add_inbound(f.sa, q.sa);
  REQUIRE(q.inbound_installed);
  // The same inbound SPI twice is refused, never replaced.
  CHECK(!d.add_inbound(f.sa, q.sa));
  d.forget(q);
  CHECK(sad.size() == 0);
  CHECK(!sad.inbound_spi_in_use(0x1000));
}

TEST_CASE("inbound SPIs: never reserved, installed or held by another negotiation",
          "[ike][ipsec_dataplane]") {
  Fixture f;
  dataplane::Sad sad;
  IpsecDataplane d(f.cfg);
  d.attach(&sad);
  REQUIRE(d.add_inbound(f.sa, f.ips));  // 0x1000 installed
  std::set<std::pair<uint64_t, uint32_t>> held;
  auto holds = [&](uint64_t index, uint32_t spi) { return held.contains({index, spi}); };
  // The random source: reserved values, the installed SPI, then fresh ones.
  std::vector<uint32_t> draws = {0, 0xff, 0x1000, 0x3000, 0x3000, 0x4000};
  size_t next = 0;
  auto random = [&] { return draws.at(next++); };
  uint32_t first = d.draw_inbound_spi(1, holds, random);
  CHECK(first == 0x3000);
  held.insert({1, first});
  // Held by SA 1's quick mode: another negotiation does not get it.
  CHECK(d.draw_inbound_spi(2, holds, random) == 0x4000);
  // Once SA 1 no longer holds it, it may be drawn again.
  held.clear();
  draws = {0x3000};
  next = 0;
  CHECK(d.draw_inbound_spi(3, holds, random) == 0x3000);
}

}  // namespace ipsec_dataplane_test
