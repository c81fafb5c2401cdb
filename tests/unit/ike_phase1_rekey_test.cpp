// Phase-1 rekey (issue 17): a client's new IKE SA (vpnc's, at 80 % of the lifetime we told it)
// takes over its session without a disconnect; for a LAN-to-LAN peer we start the new phase 1
// ourselves at 95 % of the lifetime. The IPsec SAs, the address, the accounting session and the
// login count go on; the old IKE SA goes quietly.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/unit/ike_lab.hpp"

namespace ike_phase1_rekey_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

namespace {

const Bytes kClient{203, 0, 113, 10};

size_t count_syslog(const test::FakeEnv& env, std::string_view id) {
  return static_cast<size_t>(
      std::count_if(env.syslogs.begin(), env.syslogs.end(),
                    [&](const std::string& s) { return s.find(id) != std::string::npos; }));
}

// A vpnc-like client up with one IPsec SA, phase-1 lifetime 600 s (ours, shorter than its
// offer: it is told so in RESPONDER-LIFETIME), one login allowed.
void connect(Lab& lab) {
  lab.console.run(
      "crypto ikev1 policy 10\nlifetime 600\nexit\n"
      "group-policy EZ attributes\nvpn-idle-timeout none\nvpn-simultaneous-logins 1\nexit");
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  lab.mode_config();
  auto qm2 = lab.qm1(0x100, kClient, {}, 3600);
  REQUIRE(qm2.has_value());
  lab.qm3(0x100, *qm2);
  REQUIRE(lab.only_sa().ipsec.size() == 1);
  lab.env.sent.clear();
  lab.env.sent_from.clear();
}

// The client's phase-1 rekey from the same address and port: aggressive mode without
// INITIAL-CONTACT, XAUTH again (as user), no mode-config. Returns the old client (its keys).
// Aggressive mode of a new IKE SA up to XAUTH's request; returns the old client.
test::Initiator phase1_again(Lab& lab, Cookie ci) {
  lab.env.sent.clear();  // a DPD of the old SA, perhaps
  lab.env.sent_from.clear();
  test::Initiator old = std::move(lab.peer);
  lab.peer = test::Initiator{};
  lab.peer.ci = ci;
  lab.phase1();
  return old;
}

test::Initiator new_phase1(Lab& lab, Cookie ci, const std::string& user,
                           const std::string& password) {
  test::Initiator old = phase1_again(lab, ci);
  lab.xauth(user, password);
  REQUIRE(lab.ack_status() == 1);
  return old;
}

test::Initiator rekey(Lab& lab) {
  return new_phase1(lab, {9, 8, 7, 6, 5, 4, 3, 2}, "cisco", "cisco");
}

DeletePayload ike_delete(const test::Initiator& of) {
  DeletePayload del;
  del.protocol = 1;
  del.spi_size = 16;
  Bytes cookies(of.ci.begin(), of.ci.end());
  cookies.insert(cookies.end(), of.cr.begin(), of.cr.end());
  del.spis.push_back(cookies);
  return del;
}

const IkeSa* sa_with(Lab& lab, const Cookie& ci) {
  for (const auto& [idx, sa] : lab.engine.sas())
    if (sa->icookie == ci) return sa.get();
  return nullptr;
}

}  // namespace

TEST_CASE("at vpn-sessiondb max-session-limit a client's phase-1 rekey is no new session",
          "[ike][p1rekey][session-limit]") {
  Lab lab;
  lab.console.run("vpn-sessiondb max-session-limit 1");
  connect(lab);
  lab.env.t += 480;
  lab.engine.tick();
  rekey(lab);  // XAUTH status 1: the session goes on on the new SA
  CHECK(lab.engine.stats().refused_session_limit == 0);
  CHECK(count_syslog(lab.env, "113029") == 0);
}

TEST_CASE("a client's phase-1 rekey takes over its session", "[ike][rekey][p1rekey]") {
  Lab lab;
  connect(lab);
  const uint64_t first = lab.only_sa().index;
  const uint32_t spi = lab.only_sa().ipsec[0].inbound.spi;
  const size_t installed = lab.sad.size();
  lab.env.t += 480;  // vpnc: 80 % of 600
  lab.engine.tick();
  test::Initiator old = rekey(lab);
  // Phase 1 completes at once and the client gets the lifetime notify it waits for (vpnc gives
  // up without a packet after its XAUTH).
  REQUIRE(!lab.env.sent.empty());
  uint32_t msgid = 0;
  auto notify = lab.peer.open(lab.env.take(), msgid);
  CHECK(std::get<NotifyPayload>(notify.at(1)).type == 24576);
  REQUIRE(lab.engine.sas().size() == 2);
  const IkeSa* fresh = sa_with(lab, lab.peer.ci);
  REQUIRE(fresh);
  CHECK(fresh->state == P1State::AmActive);
  REQUIRE(fresh->ipsec.size() == 1);
  CHECK(fresh->ipsec[0].inbound.spi == spi);
  CHECK(fresh->assigned == config::Ipv4{0xcb00710a});
  // The session keeps its index: the new SA has it, the replaced one another.
  CHECK(fresh->index == first);
  const IkeSa* replaced = sa_with(lab, old.ci);
  REQUIRE(replaced);
  CHECK(replaced->p1_rekey.replaced_by() == first);
  CHECK(lab.sad.size() == installed);
  CHECK_FALSE(lab.env.logged("Port Preempted"));  // one login allowed, and it is the same one
  std::string show = lab.console.run("show crypto isakmp sa");
  CHECK(show.find("   Active SA: 1\n    Rekey SA: 1 (") != std::string::npos);
  CHECK(show.find("Total IKE SA: 2\n") != std::string::npos);
  CHECK(show.find("Rekey   : yes") != std::string::npos);
  std::string sessions = lab.console.run("show vpn-sessiondb remote");
  CHECK(std::count(sessions.begin(), sessions.end(), '\n') > 3);
  CHECK(sessions.find("Index        : " + std::to_string(first)) != std::string::npos);
  CHECK(sessions.find("Index        : " + std::to_string(replaced->index)) == std::string::npos);
  // The client deletes "its old IKE SA" through the new one, naming the new one's cookies, as
  // Debian's vpnc 0.5.3 does: the old SA goes, no disconnect, no IPsec SA lost, the address
  // still held.
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x4444, {ike_delete(lab.peer)}));
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().ipsec.size() == 1);
  CHECK(lab.sad.size() == installed);
  CHECK(count_syslog(lab.env, "113019") == 0);
  CHECK(lab.console.run("show ip local pool POOL").find("In Use Addresses:\n203.0.113.10\n") !=
        std::string::npos);
  CHECK(lab.console.run("show crypto isakmp sa").find("    Rekey SA: 0 (") != std::string::npos);
  // Past the first SA's lifetime the session goes on: its new SA has a lifetime of its own.
  lab.env.t += 200;
  lab.engine.tick();
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().ipsec.size() == 1);
  CHECK_FALSE(lab.env.logged("P1 lifetime expired"));
}

TEST_CASE("a quick mode a client starts on its new IKE SA before re-XAUTH waits for it",
          "[ike][rekey][p1rekey]") {
  Lab lab;
  connect(lab);
  lab.env.t += 480;
  lab.engine.tick();
  phase1_again(lab, {9, 8, 7, 6, 5, 4, 3, 2});
  Bytes xauth_request = lab.env.take();
  // The client knows its address: its phase-2 rekey goes on the new SA at once.
  CHECK_FALSE(lab.qm1(0x200, kClient, {}, 3600).has_value());
  CHECK(lab.env.logged("Delay Quick Mode processing"));
  lab.env.sent.insert(lab.env.sent.begin(), {lab.peer.gw, xauth_request});
  lab.env.sent_from.insert(lab.env.sent_from.begin(), lab.peer.gw);
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  // Through XAUTH, the new SA has the session's address: the quick mode is answered.
  CHECK(lab.env.logged("Resume Quick Mode processing, Cert/Trans Exch/RM DSID completed"));
  std::optional<std::vector<Payload>> qm2;
  while (!lab.env.sent.empty() && !qm2) {
    Bytes d = lab.env.take();
    uint32_t msgid = 0;
    auto m = parse_message(d.data(), d.size());
    if (!m || m->header.exchange != Exchange::QuickMode) continue;
    qm2 = lab.peer.open(d, msgid, lab.qm_ni);
    CHECK(msgid == 0x200);
  }
  REQUIRE(qm2.has_value());
  lab.qm3(0x200, *qm2);
  const IkeSa* fresh = sa_with(lab, lab.peer.ci);
  REQUIRE(fresh);
  CHECK(fresh->ipsec.size() == 2);  // the SA it rekeys, handed over, and the new one
}

TEST_CASE("a client deleting its old IKE SA on the old SA keeps the session",
          "[ike][rekey][p1rekey]") {
  Lab lab;
  connect(lab);
  lab.env.t += 480;
  lab.engine.tick();
  test::Initiator old = rekey(lab);
  lab.deliver(old.seal(Exchange::Informational, 0x4747, {ike_delete(old)}));
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().icookie == lab.peer.ci);
  CHECK(lab.only_sa().ipsec.size() == 1);
  CHECK(count_syslog(lab.env, "113019") == 0);
}

TEST_CASE("a replaced IKE SA the client keeps is deleted by us, quietly", "[ike][rekey][p1rekey]") {
  Lab lab;
  connect(lab);
  lab.env.t += 480;
  lab.engine.tick();
  test::Initiator old = rekey(lab);
  lab.env.sent.clear();
  lab.env.sent_from.clear();
  for (int s = 0; s < 16; ++s) {
    lab.env.t += 1;
    lab.engine.tick();
  }
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().icookie == lab.peer.ci);
  CHECK(lab.only_sa().ipsec.size() == 1);
  // The old client was told (an IKE delete under the old keys), nothing else went.
  REQUIRE(lab.env.sent.size() == 1);
  uint32_t msgid = 0;
  auto del = old.open(lab.env.take(), msgid);
  CHECK(std::get<DeletePayload>(del.at(1)).protocol == 1);
  CHECK(count_syslog(lab.env, "113019") == 0);
}

TEST_CASE("a new phase 1 with INITIAL-CONTACT or another user is no rekey",
          "[ike][rekey][p1rekey]") {
  Lab lab;
  connect(lab);
  lab.console.run(
      "username other password other-pw\n"
      "group-policy EZ attributes\nvpn-simultaneous-logins 3\nexit");
  // Another user from the same address and port (a NAT reusing a mapping): two sessions.
  test::Initiator first = new_phase1(lab, {4, 4, 4, 4, 4, 4, 4, 4}, "other", "other-pw");
  REQUIRE(lab.engine.sas().size() == 2);
  for (const auto& [idx, sa] : lab.engine.sas()) CHECK(sa->p1_rekey.replaced_by() == 0);
  const IkeSa* second = sa_with(lab, lab.peer.ci);
  REQUIRE(second);
  CHECK(second->ipsec.empty());
  CHECK_FALSE(second->assigned.has_value());
  CHECK(sa_with(lab, first.ci)->ipsec.size() == 1);
  // An IKE Delete naming the first user's SA, sent on the second's, ends nothing.
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x4545, {ike_delete(first)}));
  CHECK(lab.engine.sas().size() == 2);
  CHECK(lab.env.logged("IKE Delete for an SA this peer does not hold, ignored"));
  // Its own SA's delete ends it, and only it.
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x4546, {ike_delete(lab.peer)}));
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.only_sa().icookie == first.ci);
}

namespace {

// Two sites, as in ike_l2l_test, with a phase-1 lifetime of 600 s on both.
std::string site(const std::string& me, const std::string& peer, const std::string& lan,
                 const std::string& far) {
  return "interface GigabitEthernet0/0\nnameif outside\nip address " + me +
         " 255.255.255.192\nexit\naccess-list L2L extended permit ip " + lan + " " + far +
         "\ncrypto ipsec ikev1 transform-set T2 esp-aes-256 esp-sha-hmac\n"
         "crypto map MAP 10 match address L2L\ncrypto map MAP 10 set peer " +
         peer +
         "\ncrypto map MAP 10 set ikev1 transform-set T2\ncrypto map MAP interface outside\n"
         "crypto ikev1 enable outside\ncrypto ikev1 policy 10\nauthentication pre-share\n"
         "encryption aes-256\nhash sha\ngroup 14\nlifetime 600\nexit\ntunnel-group " +
         peer + " type ipsec-l2l\ntunnel-group " + peer +
         " ipsec-attributes\nikev1 pre-shared-key between-sites\nexit\n"
         "group-policy SITE internal\ngroup-policy SITE attributes\nvpn-idle-timeout none\nexit\n"
         "tunnel-group " +
         peer + " general-attributes\ndefault-group-policy SITE\nexit\n";
}

struct Site {
  test::Console console;
  test::FakeEnv env;
  Engine engine{console.cfg(), env};
  Site(const std::string& cfg, uint64_t seed) {
    env.seed = seed;
    REQUIRE(console.run(cfg).find("ERROR") == std::string::npos);
    console.app.set_ike(&engine);
  }
  ~Site() { console.app.set_ike(nullptr); }
};

void carry(Site& from, Site& to) {
  while (!from.env.sent.empty()) {
    auto [dst, data] = from.env.sent.front();
    Endpoint src = from.env.sent_from.front();
    from.env.sent.erase(from.env.sent.begin());
    from.env.sent_from.erase(from.env.sent_from.begin());
    to.engine.receive(Datagram{dst, src, "outside", data});
  }
}

// Carries datagrams both ways until both are quiet; with a_lost, what a sends never arrives.
void shuttle(Site& a, Site& b, bool a_lost = false) {
  for (int round = 0; round < 50 && (!a.env.sent.empty() || !b.env.sent.empty()); ++round) {
    if (a_lost) {
      a.env.sent.clear();
      a.env.sent_from.clear();
    }
    carry(a, b);
    carry(b, a);
  }
}

// One second on both clocks, and what either sends.
void second(Site& a, Site& b, bool a_lost = false) {
  a.env.t += 1;
  b.env.t += 1;
  a.engine.tick();
  b.engine.tick();
  shuttle(a, b, a_lost);
}

const Selector lan_a{*config::Ipv4::parse("192.0.2.0"), config::Mask::from_prefix(24)};
const Selector lan_b{*config::Ipv4::parse("198.51.100.128"), config::Mask::from_prefix(26)};

struct Pair {
  Site a{site("198.51.100.1", "198.51.100.2", "192.0.2.0 255.255.255.0",
              "198.51.100.128 255.255.255.192"),
         11};
  Site b{site("198.51.100.2", "198.51.100.1", "198.51.100.128 255.255.255.192",
              "192.0.2.0 255.255.255.0"),
         12};
  uint32_t spi = 0;
  Pair() {
    REQUIRE(a.engine.initiate("MAP", 10, lan_a, lan_b));
    shuttle(a, b);
    REQUIRE(a.engine.sas().size() == 1);
    REQUIRE(a.engine.sas().begin()->second->ipsec.size() == 1);
    spi = a.engine.sas().begin()->second->ipsec[0].inbound.spi;
  }
};

size_t ipsec_on(const Engine& e) {
  size_t n = 0;
  for (const auto& [idx, sa] : e.sas()) n += sa->ipsec.size();
  return n;
}

}  // namespace

TEST_CASE("a LAN-to-LAN IKE SA is rekeyed by us before its lifetime ends",
          "[ike][rekey][p1rekey]") {
  Pair p;
  const uint64_t first = p.a.engine.sas().begin()->first;
  // Nothing before 92.5 %; by 95 % a new main mode, without INITIAL-CONTACT.
  for (int s = 0; s < 554; ++s) second(p.a, p.b);
  CHECK_FALSE(p.a.env.logged("Rekeying Phase 1"));
  CHECK_FALSE(p.b.env.logged("Rekeying Phase 1"));
  for (int s = 0; s < 17 && p.a.engine.sas().size() < 2; ++s) second(p.a, p.b);
  // Either end may start it (both run the timer, with jitter); the other answers.
  CHECK((p.a.env.logged("IKE Initiator: Rekeying Phase 1, Intf outside, IKE Peer 198.51.100.2") ||
         p.b.env.logged("IKE Initiator: Rekeying Phase 1, Intf outside, IKE Peer 198.51.100.1")));
  CHECK_FALSE(p.b.env.logged("constructing initial contact notify payload"));
  // Both ends: two IKE SAs, the IPsec SA moved to the new one, the old one replaced.
  for (Engine* e : {&p.a.engine, &p.b.engine}) {
    REQUIRE(e->sas().size() == 2);
    CHECK(ipsec_on(*e) == 1);
    size_t replaced = 0;
    for (const auto& [idx, sa] : e->sas()) {
      if (sa->p1_rekey.replaced_by())
        ++replaced;
      else
        CHECK(sa->ipsec.size() == 1);
    }
    CHECK(replaced == 1);
  }
  CHECK(p.a.engine.sas().at(first)->p1_rekey.replaced_by() == 0);  // the tunnel kept its index
  CHECK(p.a.engine.sas().at(first)->ipsec.size() == 1);
  CHECK(p.a.console.run("show crypto isakmp sa").find("    Rekey SA: 1 (") != std::string::npos);
  // The old SAs go (deleted by one end, the other told); the tunnel stays, same SPIs.
  for (int s = 0; s < 16; ++s) second(p.a, p.b);
  for (Engine* e : {&p.a.engine, &p.b.engine}) {
    REQUIRE(e->sas().size() == 1);
    CHECK(e->sas().begin()->second->ipsec.size() == 1);
    CHECK(e->sas().begin()->second->state == P1State::MmActive);
  }
  CHECK(p.a.engine.sas().begin()->second->ipsec[0].inbound.spi == p.spi);
  // Past the first SA's hard lifetime nothing is lost, and the new SA is rekeyed in its turn.
  for (int s = 0; s < 600; ++s) second(p.a, p.b);
  CHECK(p.a.engine.sas().size() == 1);
  CHECK(ipsec_on(p.a.engine) + ipsec_on(p.b.engine) >= 2);
  CHECK_FALSE(p.a.env.logged("P1 lifetime expired"));
  CHECK_FALSE(p.b.env.logged("P1 lifetime expired"));
}

TEST_CASE("a phase-1 rekey the peer never answers is tried again until the SA ends",
          "[ike][rekey][p1rekey]") {
  Pair p;
  // Without DPD, which would end the tunnel first once A's messages are lost.
  p.a.console.run("tunnel-group 198.51.100.2 ipsec-attributes\nisakmp keepalive disable\nexit");
  p.b.console.run("tunnel-group 198.51.100.1 ipsec-attributes\nisakmp keepalive disable\nexit");
  for (Site* s : {&p.a, &p.b}) s->console.run("crypto ikev1 policy 10\nlifetime 3600\nexit");
  // The tunnel above came up with 600 s: it is rekeyed onto a 3600 s SA first.
  for (int s = 0; s < 600; ++s) second(p.a, p.b);
  REQUIRE(p.a.engine.sas().size() == 1);
  REQUIRE(p.a.engine.sas().begin()->second->choice.lifetime_seconds == 3600);
  int starts = 0;
  for (int s = 0; s < 3601; ++s) {
    second(p.a, p.b, /*lost=*/s >= 3000);
    for (test::FakeEnv* env : {&p.a.env, &p.b.env}) {
      for (const auto& l : env->lines) starts += l.find("Rekeying Phase 1") != std::string::npos;
      env->lines.clear();
    }
  }
  CHECK(starts >= 3);  // the first try, and more after each timed out
  // The old SA ended at its lifetime, and no half-open rekey is left behind.
  for (int s = 0; s < 61; ++s) second(p.a, p.b, true);
  CHECK(p.a.engine.sas().empty());
  CHECK(p.b.engine.sas().empty());
}

TEST_CASE("both sites starting a phase-1 rekey at once keep one tunnel", "[ike][rekey][p1rekey]") {
  Pair p;
  for (int s = 0; s < 550; ++s) second(p.a, p.b);
  // Nothing is carried until both ends have started their own rekey: the main modes cross.
  for (int s = 0; s < 30; ++s) {
    if (p.a.env.logged("Rekeying Phase 1") && p.b.env.logged("Rekeying Phase 1")) break;
    for (Site* x : {&p.a, &p.b}) {
      x->env.t += 1;
      x->engine.tick();
    }
  }
  REQUIRE(p.a.env.logged("Rekeying Phase 1"));
  REQUIRE(p.b.env.logged("Rekeying Phase 1"));
  shuttle(p.a, p.b);
  for (int s = 0; s < 20; ++s) second(p.a, p.b);
  // One IKE SA left on each side, carrying the one IPsec SA pair, still keyed alike.
  for (Engine* e : {&p.a.engine, &p.b.engine}) {
    REQUIRE(e->sas().size() == 1);
    REQUIRE(e->sas().begin()->second->ipsec.size() == 1);
  }
  const IpsecSa& x = p.a.engine.sas().begin()->second->ipsec[0];
  const IpsecSa& y = p.b.engine.sas().begin()->second->ipsec[0];
  CHECK(x.inbound.spi == p.spi);
  CHECK(x.outbound.spi == y.inbound.spi);
  CHECK(x.inbound.spi == y.outbound.spi);
}
}  // namespace ike_phase1_rekey_test
