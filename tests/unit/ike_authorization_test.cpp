// What a peer may do before and after it has proven who it is (issue 11): XAUTH is the
// tunnel-group's decision, a remote-access client speaks only for its assigned address, limits
// on IPsec SAs, and the engine's safety against configuration changes mid-negotiation.
#include <catch2/catch.hpp>

#include "tests/unit/ike_lab.hpp"

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

const Bytes kInsideHost{192, 0, 2, 10};
const Bytes kFirstPoolAddress{203, 0, 113, 10}, kNextPoolAddress{203, 0, 113, 11};

// Phase 1 through XAUTH and mode-config: the client holds 203.0.113.10.
void connect(Lab& lab) {
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  REQUIRE(lab.mode_config().attributes.at(0).data == kFirstPoolAddress);
}

}  // namespace

TEST_CASE("a client proposing plain pre-shared key still has to pass XAUTH", "[ike][security]") {
  Lab lab;
  lab.peer.auth_method = 1;  // pre-shared key, not XAUTHInitPreShared
  lab.phase1();
  CHECK(lab.only_sa().state == P1State::XauthWait);
  CHECK_FALSE(lab.only_sa().authorized);
  Bytes xauth_request = lab.env.take();  // the engine asks for the user's credentials
  // The client ignores it and goes straight to mode-config and quick mode: neither is served.
  AttributePayload req;
  req.type = 1;
  req.identifier = 7;
  req.attributes = {Attribute::tlv(1, {})};
  lab.deliver(lab.peer.seal(Exchange::Transaction, 0x1234, {req}));
  CHECK(lab.env.sent.empty());
  CHECK_FALSE(lab.qm1(0x100, kFirstPoolAddress).has_value());
  CHECK(lab.sad.size() == 0);
  CHECK(lab.only_sa().ipsec.empty());
  CHECK(lab.console.run("show ip local pool POOL").find("In Use") == std::string::npos);
  // With XAUTH the same client gets on.
  lab.env.sent.insert(lab.env.sent.begin(), {lab.peer.gw, xauth_request});
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 1);
  CHECK(lab.only_sa().authorized);
}

TEST_CASE("ikev1-user-authentication none lets a client skip XAUTH", "[ike][security]") {
  Lab lab;
  lab.console.run(
      "tunnel-group EZ ipsec-attributes\nisakmp ikev1-user-authentication none\nexit\n");
  lab.phase1();
  CHECK(lab.only_sa().authorized);
  CHECK(lab.only_sa().state == P1State::AmActive);
}

TEST_CASE("a remote-access client speaks only for the address it was given", "[ike][security]") {
  Lab lab;
  connect(lab);
  // An inside host, the pool's next address, a subnet around its own: refused with
  // INVALID-ID-INFORMATION, nothing installed.
  for (auto [client, mask] : {std::pair{kInsideHost, Bytes{}}, std::pair{kNextPoolAddress, Bytes{}},
                              std::pair{kFirstPoolAddress, Bytes{255, 255, 255, 0}}}) {
    CHECK_FALSE(lab.qm1(0x200 + client[3] + mask.size(), client, mask).has_value());
    CHECK(lab.qm_refused_with(18));
  }
  CHECK(lab.sad.size() == 0);
  CHECK(
      lab.env.logged("Rejecting IPSec tunnel: remote proxy 192.0.2.10/255.255.255.255/0/0 is "
                     "not the address assigned to the client (203.0.113.10)"));
  // Its own address works.
  auto qm2 = lab.qm1(0x300, kFirstPoolAddress);
  REQUIRE(qm2.has_value());
  lab.qm3(0x300, *qm2);
  CHECK(lab.sad.size() == 1);
}

TEST_CASE("a client that skipped mode-config has no address to speak for", "[ike][security]") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  CHECK_FALSE(lab.qm1(0x400, kInsideHost).has_value());
  CHECK(lab.qm_refused_with(18));
  CHECK_FALSE(lab.qm1(0x401, kFirstPoolAddress).has_value());
  CHECK(lab.sad.size() == 0);
  CHECK(lab.env.logged("is not the address assigned to the client (none)"));
}

TEST_CASE("quick mode cannot pile up IPsec SAs or make one that never expires", "[ike][security]") {
  Lab lab;
  connect(lab);
  // A lifetime of 0 seconds is no acceptable proposal.
  CHECK_FALSE(lab.qm1(0x500, kFirstPoolAddress, {}, 0).has_value());
  CHECK(lab.qm_refused_with(14));  // NO_PROPOSAL_CHOSEN
  // The same proxies over and over: the newest and the one it rekeys stay, older ones go.
  for (uint32_t id = 0x600; id < 0x600 + 20; ++id) {
    auto qm2 = lab.qm1(id, kFirstPoolAddress);
    REQUIRE(qm2.has_value());
    lab.qm3(id, *qm2);
  }
  CHECK(lab.only_sa().ipsec.size() == 2);
  CHECK(lab.sad.size() == 2);
  for (const auto& ips : lab.only_sa().ipsec) CHECK(ips.lifetime_seconds == 3600);
}

TEST_CASE("NAT detection uses the endpoints AM3's NAT-D hashes cover", "[ike][security]") {
  // The client is behind a NAT (its own address is not the one we see) and already floats to
  // 4500 for AM3, as vpnc does; the appliance has a public address.
  Lab lab;
  lab.peer.natt = true;
  Endpoint private_client{*config::Ipv4::parse("10.0.0.2"), 500};
  lab.deliver(lab.peer.am1("EZ"));
  Bytes am2 = lab.env.take();
  Endpoint seen = lab.peer.me;
  lab.peer.me = private_client;  // what the client hashes as itself
  Bytes am3 = lab.peer.am3(am2);
  lab.peer.me = {seen.address, 4500};
  lab.peer.gw.port = 4500;
  lab.deliver(am3);
  CHECK(lab.env.logged(
      "Remote end IS behind a NAT device     This   end is NOT behind a NAT device"));
  CHECK_FALSE(lab.only_sa().nat_local);
  CHECK(lab.only_sa().nat_peer);
  int before = lab.env.keepalives;
  lab.env.t += 60;
  lab.engine.tick();
  CHECK(lab.env.keepalives == before);  // only the one behind the NAT keeps it open
}
