// The load generator's client (tests/bench/ike_load/client.hpp) against the engine in-process:
// it completes what an EzVPN client and a LAN-to-LAN peer complete, and it refuses what a real
// client refuses (a wrong key's HASH_R, a refused user, a tampered message).
#include <catch2/catch.hpp>

#include "tests/bench/ike_load/client.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_load_client_test {

using namespace rampart;
using namespace rampart::ike;
using bench::Client;
using bench::ClientParams;
using bench::Phase;
using test::Lab;

namespace {

bench::RandomFill counter_random() {
  auto state = std::make_shared<uint64_t>(7);
  return [state](uint8_t* out, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
      out[i] = static_cast<uint8_t>(*state >> 56);
    }
  };
}

ClientParams ezvpn(int group = 2) {
  ClientParams p;
  p.dh_group = group;
  p.local_address = config::Ipv4::parse("198.51.100.2")->value;
  return p;
}

// Plays the client against the engine until neither has anything more to say; a filter may
// change what the engine sends before the client sees it.
void converse(Lab& lab, Client& c, std::vector<Bytes> to_engine,
              const std::function<void(Bytes&)>& on_the_wire = {}) {
  for (int round = 0; round < 20 && !to_engine.empty(); ++round) {
    for (auto& b : to_engine) lab.deliver(b);
    to_engine.clear();
    while (!lab.env.sent.empty()) {
      Bytes d = lab.env.take();
      if (on_the_wire) on_the_wire(d);
      for (auto& b : c.receive(d)) to_engine.push_back(std::move(b));
      if (Bytes later = c.take_deferred(); !later.empty()) to_engine.push_back(std::move(later));
    }
  }
}

}  // namespace

TEST_CASE("ike_load client: an EzVPN set-up completes and its goodbye removes the session",
          "[ike_load]") {
  Lab lab;
  Client c(ezvpn(), counter_random());
  converse(lab, c, {c.start()});
  INFO(c.error());
  REQUIRE(c.done());
  CHECK(c.assigned_address() == config::Ipv4::parse("203.0.113.10")->value);
  CHECK(lab.env.logged("PHASE 1 COMPLETED"));
  CHECK(lab.env.logged("User (cisco) authenticated."));
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().ipsec.size() == 1);
  converse(lab, c, c.disconnect());
  CHECK(lab.engine.sas().empty());
}

TEST_CASE("ike_load client: DH groups 14 and 19", "[ike_load]") {
  for (int group : {14, 19}) {
    Lab lab;
    REQUIRE(lab.console
                .run("crypto ikev1 policy 5\nauthentication pre-share\nencryption aes\nhash sha\n"
                     "group " +
                     std::to_string(group) + "\nexit\n")
                .find("ERROR") == std::string::npos);
    Client c(ezvpn(group), counter_random());
    converse(lab, c, {c.start()});
    INFO(group << ": " << c.error());
    CHECK(c.done());
  }
}

TEST_CASE("ike_load client: a tunnel-group without XAUTH: mode-config right after AM3",
          "[ike_load]") {
  Lab lab;
  REQUIRE(lab.console
              .run("tunnel-group EZ ipsec-attributes\nisakmp ikev1-user-authentication none\n"
                   "exit\n")
              .find("ERROR") == std::string::npos);
  ClientParams p = ezvpn();
  p.xauth = false;
  Client c(p, counter_random());
  converse(lab, c, {c.start()});
  INFO(c.error());
  REQUIRE(c.done());
  CHECK(c.assigned_address() == config::Ipv4::parse("203.0.113.10")->value);
  CHECK_FALSE(lab.env.logged("User (cisco) authenticated."));
  CHECK(lab.only_sa().ipsec.size() == 1);
}

TEST_CASE("ike_load client: a wrong group key fails phase 1 on HASH_R", "[ike_load]") {
  Lab lab;
  ClientParams p = ezvpn();
  p.psk = "not-the-key";
  Client c(p, counter_random());
  converse(lab, c, {c.start()});
  CHECK(c.failed());
  CHECK(c.phase() == Phase::Phase1);
  CHECK(c.error() == "HASH_R does not verify");
}

TEST_CASE("ike_load client: a refused user fails in xauth", "[ike_load]") {
  Lab lab;
  ClientParams p = ezvpn();
  p.password = "wrong";
  Client c(p, counter_random());
  converse(lab, c, {c.start()});
  CHECK(c.failed());
  CHECK(c.phase() == Phase::Xauth);
  CHECK(c.error() == "XAUTH refused");
}

TEST_CASE("ike_load client: a tampered protected message is not accepted", "[ike_load]") {
  Lab lab;
  Client c(ezvpn(), counter_random());
  int n = 0;
  // The second message from the engine is the XAUTH request: one bit of its ciphertext changed.
  converse(lab, c, {c.start()}, [&](Bytes& d) {
    if (++n == 2) d.back() ^= 1;
  });
  CHECK_FALSE(c.done());
  CHECK(c.phase() == Phase::Xauth);
  CHECK(c.ignored() >= 1);
}

TEST_CASE("ike_load client: main mode as a LAN-to-LAN peer, then quick mode", "[ike_load]") {
  Lab lab;
  REQUIRE(lab.console
              .run("access-list L2L extended permit ip 192.0.2.0 255.255.255.0 198.51.100.0 "
                   "255.255.255.192\n"
                   "tunnel-group DefaultL2LGroup ipsec-attributes\nikev1 pre-shared-key l2lkey\n"
                   "exit\n")
              .find("ERROR") == std::string::npos);
  ClientParams p = ezvpn();
  p.main_mode = true;
  p.psk = "l2lkey";
  p.remote_net = config::Ipv4::parse("192.0.2.0")->value;
  p.remote_mask = 0xffffff00u;
  Client c(p, counter_random());
  converse(lab, c, {c.start()});
  INFO(c.error());
  CHECK(c.done());
  CHECK(lab.env.logged("PHASE 1 COMPLETED"));
}

TEST_CASE("ike_load percentile: nearest rank", "[ike_load]") {
  std::vector<double> v{5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
  CHECK(bench::percentile(v, 50) == 5);
  CHECK(bench::percentile(v, 90) == 9);
  CHECK(bench::percentile(v, 99) == 10);
  CHECK(bench::percentile(v, 100) == 10);
  CHECK(bench::percentile(v, 0) == 1);
  std::vector<double> none;
  CHECK(bench::percentile(none, 50) == 0);
}
}  // namespace ike_load_client_test
