// XAUTH through an aaa-server group (issue 13), in-process: the engine asks the tunnel-group's
// authentication-server-group through its Environment, a scripted aaa::Service answers at once
// or later, and what the server authorized (address, group-policy, timeouts) shapes the session;
// remote-access sessions are accounted (Start, Interim, Stop) to the accounting-server-group.
#include <catch2/catch.hpp>

#include "control/ike/session_filter.hpp"
#include "dataplane/esp/esp_sa.hpp"
#include "tests/unit/ike_lab.hpp"
#include "tests/unit/scripted_aaa.hpp"

namespace ike_aaa_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;
using test::ScriptedAaa;
using Kind = aaa::AccountingRecord::Kind;

namespace {

const config::Ipv4 kServer{0xc0000205};  // 192.0.2.5
const Bytes kFramed{203, 0, 113, 50};

// The lab with a RADIUS group deciding for tunnel-group EZ and accounting to it.
struct AaaLab : Lab {
  ScriptedAaa server;
  AaaLab() {
    env.aaa = &server;
    REQUIRE(console
                .run("access-list SALES-ONLY extended permit ip any 192.0.2.0 255.255.255.0\n"
                     "aaa-server RAD protocol radius\n"
                     "aaa-server RAD (outside) host 192.0.2.5\nkey s3cret\nexit\n"
                     "group-policy SALES internal\ngroup-policy SALES attributes\n"
                     "dns-server value 192.0.2.54\nvpn-filter value SALES-ONLY\nexit\n"
                     "tunnel-group EZ general-attributes\nauthentication-server-group RAD\n"
                     "accounting-server-group RAD\nexit\n")
                .find("ERROR") == std::string::npos);
  }
  bool syslogged(std::string_view needle) const {
    for (const auto& s : env.syslogs)
      if (s.find(needle) != std::string::npos) return true;
    return false;
  }
  // A second client, bob from 198.51.100.3, through phase 1 and XAUTH.
  void bob_logs_in() {
    peer = test::Initiator{};
    peer.me = {config::Ipv4{0xc6336403}, 500};
    peer.ci = {9, 9, 9, 9, 9, 9, 9, 3};
    phase1();
    xauth("bob", "pw2");
    CHECK(status() == 1);
  }
  // The status the engine sent after XAUTH, if it sent one (not a new XAUTH request).
  std::optional<uint16_t> status() {
    if (env.sent.empty()) return std::nullopt;
    // A look at the message without consuming the initiator's IV chain.
    auto ivs = peer.ivs;
    uint32_t msgid = 0;
    auto p = peer.open(env.sent.front().second, msgid);
    peer.ivs = std::move(ivs);
    if (std::get<AttributePayload>(p.at(1)).type != 3) return std::nullopt;
    return ack_status();
  }
};

aaa::AuthResult accept_with(std::optional<std::string> policy) {
  aaa::AuthResult r{aaa::Outcome::Accepted, {}, kServer, false, {}};
  r.authz.framed_ip = config::Ipv4{0xcb007132};  // 203.0.113.50
  r.authz.framed_mask = config::Mask{0xffffff00};
  r.authz.group_policy = std::move(policy);
  r.authz.classes = {"OU=SALES;"};
  return r;
}

// Packets from the client through the SA the engine holds (sequence numbers 1, 2, ...).
void client_sends(Lab& lab, const IpsecSa& ips, int packets = 1) {
  CHECK(test::client_packet_decrypts(lab, ips, packets));
}

uint64_t inbound_bytes(Lab& lab, const IpsecSa& ips) {
  uint64_t b = 0;
  lab.sad.with(ips.id, [&](const dataplane::Sad::Entry& e) { b = e.in->counters().bytes; });
  return b;
}

}  // namespace

TEST_CASE("XAUTH through a RADIUS group applies the framed address and the class group-policy",
          "[ike][aaa]") {
  AaaLab lab;
  lab.server.script = accept_with("SALES");
  lab.phase1();
  lab.xauth("alice", "pw1");
  REQUIRE(lab.server.asked.size() == 1);
  const aaa::AuthRequest& q = lab.server.asked[0];
  CHECK(q.group == "RAD");
  CHECK_FALSE(q.fallback_local);
  CHECK(q.purpose == aaa::Purpose::VpnUser);
  CHECK(q.user == "alice");
  CHECK(q.password.reveal() == "pw1");
  CHECK(q.tunnel_group == "EZ");
  CHECK(q.client == config::Ipv4{0xc6336402});
  CHECK(lab.status() == 1);
  // 113004 is the AAA service's line (one per answer); the engine does not repeat it.
  CHECK_FALSE(lab.syslogged("113004"));
  CHECK(lab.syslogged("AAA group policy for user alice is being set to SALES"));
  AttributePayload mc = lab.mode_config();
  CHECK(mc.attributes.at(0).data == kFramed);
  CHECK(mc.attributes.at(1).data == Bytes{255, 255, 255, 0});
  CHECK(mc.attributes.at(2).data == Bytes{192, 0, 2, 54});  // SALES's DNS, not EZ's
  CHECK(lab.only_sa().group_policy == "SALES");
  std::string show = lab.console.run("show vpn-sessiondb detail remote");
  CHECK(show.find("Assigned IP  : 203.0.113.50") != std::string::npos);
  CHECK(show.find("Group Policy : SALES") != std::string::npos);
  CHECK(show.find("  Filter Name  : SALES-ONLY") != std::string::npos);
  // No pool address was taken.
  CHECK(lab.console.run("show ip local pool POOL").find("In Use") == std::string::npos);
  // Accounting: one Start, to RAD, with the session's 8-hex-digit id and the Class.
  REQUIRE(lab.server.count(Kind::Start) == 1);
  const auto& start = lab.server.records[0];
  CHECK(start.group == "RAD");
  CHECK(start.session_id.size() == 8);
  CHECK(start.session_id.find_first_not_of("0123456789ABCDEF") == std::string::npos);
  CHECK(start.user == "alice");
  CHECK(start.framed_ip == config::Ipv4{0xcb007132});
  CHECK(start.classes == std::vector<std::string>{"OU=SALES;"});
  // The same address for a second client is refused while alice holds it.
  lab.bob_logs_in();
  AttributePayload req;
  req.type = 1;
  req.identifier = 8;
  req.attributes = {Attribute::tlv(1, {})};
  lab.deliver(lab.peer.seal(Exchange::Transaction, 0x2222, {req}));
  CHECK(lab.env.sent.empty());
  CHECK(lab.env.logged("Address 203.0.113.50 of user bob is in use by another session"));
}

TEST_CASE("each accounted session has an Acct-Session-Id of its own", "[ike][aaa]") {
  AaaLab lab;
  lab.server.script = accept_with("SALES");
  lab.phase1();
  lab.xauth("alice", "pw1");
  CHECK(lab.status() == 1);
  lab.mode_config();
  lab.env.sent.clear();  // what followed alice's configuration (her lifetime notify)
  // A second client, from another address, given another framed address.
  lab.server.script.authz.framed_ip = config::Ipv4{0xcb007133};  // 203.0.113.51
  lab.bob_logs_in();
  lab.mode_config();
  REQUIRE(lab.server.count(Kind::Start) == 2);
  const auto& a = lab.server.records[0];
  const auto& b = lab.server.records[1];
  CHECK(a.user == "alice");
  CHECK(b.user == "bob");
  CHECK(b.session_id.size() == 8);
  CHECK(a.session_id != b.session_id);
}

TEST_CASE("a group-policy the server names that does not exist leaves the tunnel-group's",
          "[ike][aaa]") {
  AaaLab lab;
  lab.server.script = accept_with("NOSUCH");
  lab.phase1();
  lab.xauth("alice", "pw1");
  CHECK(lab.status() == 1);
  CHECK(lab.only_sa().group_policy == "EZ");
  CHECK(lab.env.logged("Group policy NOSUCH from the AAA server does not exist, using EZ"));
}

TEST_CASE("a rejected user is asked again; the third rejection fails XAUTH", "[ike][aaa]") {
  AaaLab lab;
  lab.server.script = {aaa::Outcome::Rejected, "", kServer, false, {}};
  lab.phase1();
  lab.xauth("alice", "wrong");
  CHECK_FALSE(lab.status().has_value());  // a new XAUTH request, not a status
  CHECK_FALSE(lab.syslogged("113005"));   // the AAA service's line
  lab.server.script = accept_with(std::nullopt);
  lab.xauth("alice", "right");
  CHECK(lab.status() == 1);
  CHECK(lab.server.asked.size() == 2);
  CHECK(lab.only_sa().authorized);

  AaaLab refused;
  refused.server.script = {aaa::Outcome::Rejected, "", kServer, false, {}};
  refused.phase1();
  refused.xauth("alice", "1");
  refused.xauth("alice", "2");
  refused.xauth("alice", "3");
  CHECK(refused.status() == 0);
  CHECK(refused.engine.stats().auth_fails == 3);
  CHECK(refused.server.records.empty());
}

TEST_CASE("no server answering fails XAUTH at once", "[ike][aaa]") {
  AaaLab lab;
  lab.server.script = {aaa::Outcome::NoServer, "", std::nullopt, false, {}};
  lab.phase1();
  lab.xauth("alice", "pw");
  CHECK(lab.status() == 0);
  CHECK(lab.server.asked.size() == 1);
  CHECK_FALSE(lab.syslogged("113005"));  // the AAA service's line
  lab.engine.tick();
  CHECK(lab.engine.sas().empty());
}

TEST_CASE("authentication-server-group G LOCAL asks with the local fallback", "[ike][aaa]") {
  AaaLab lab;
  lab.console.run(
      "tunnel-group EZ general-attributes\nauthentication-server-group RAD LOCAL\nexit");
  lab.server.script = {aaa::Outcome::Accepted, "", std::nullopt, true, {}};
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.server.asked.size() == 1);
  CHECK(lab.server.asked[0].group == "RAD");
  CHECK(lab.server.asked[0].fallback_local);
  CHECK(lab.status() == 1);
  CHECK_FALSE(lab.syslogged("113012"));  // the AAA service answered from LOCAL, and logs it
}

TEST_CASE("while the server thinks, a repeated reply is not asked twice and timers run",
          "[ike][aaa]") {
  AaaLab lab;
  lab.server.hold = true;
  lab.server.script = accept_with("SALES");
  lab.phase1();
  uint32_t msgid = 0;
  auto req = lab.peer.open(lab.env.take(), msgid);
  AttributePayload reply;
  reply.type = 2;
  reply.identifier = std::get<AttributePayload>(req.at(1)).identifier;
  reply.attributes = {Attribute::tlv(16521, Bytes{'a', 'l', 'i', 'c', 'e'}),
                      Attribute::tlv(16522, Bytes{'p', 'w', '1'})};
  Bytes sealed = lab.peer.seal(Exchange::Transaction, msgid, {reply});
  lab.deliver(sealed);
  CHECK(lab.env.sent.empty());
  REQUIRE(lab.server.held.size() == 1);
  // The client sends its reply again: dropped, the server is not asked again.
  lab.deliver(sealed);
  CHECK(lab.server.asked.size() == 1);
  CHECK(lab.env.sent.empty());
  // The engine's timers go on meanwhile (nothing to resend: the client answered).
  lab.env.t += 5;
  lab.engine.tick();
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.sas().size() == 1);
  // The answer comes: the status goes out, and is resent until acknowledged.
  lab.server.answer_held();
  REQUIRE(lab.env.sent.size() == 1);
  lab.env.t += 5;
  lab.engine.tick();
  CHECK(lab.env.sent.size() == 2);
  lab.env.sent.erase(lab.env.sent.begin());
  lab.env.sent_from.erase(lab.env.sent_from.begin());
  CHECK(lab.status() == 1);
  CHECK(lab.only_sa().authorized);
}

TEST_CASE("an answer for an SA that is gone is dropped", "[ike][aaa]") {
  AaaLab lab;
  lab.server.hold = true;
  lab.phase1();
  lab.xauth("alice", "pw1");
  CHECK(lab.engine.clear() == 1);
  lab.env.sent.clear();
  lab.server.answer_held();
  CHECK(lab.engine.sas().empty());
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.stats().internal_errors == 0);
  CHECK(lab.env.logged("AAA answer for session 1 that is gone, dropped"));
  CHECK(lab.server.records.empty());
  // An engine gone before the answer is not called back.
  auto env = std::make_unique<test::FakeEnv>();
  ScriptedAaa late;
  late.hold = true;
  env->aaa = &late;
  {
    test::Console console;
    REQUIRE(console.run(test::kConfig).find("ERROR") == std::string::npos);
    Engine engine{console.cfg(), *env};
    test::Initiator client;
    engine.receive(client.datagram(client.am1("EZ")));
    engine.receive(client.datagram(client.am3(env->take())));
    uint32_t msgid = 0;
    auto req = client.open(env->take(), msgid);
    AttributePayload reply;
    reply.type = 2;
    reply.identifier = std::get<AttributePayload>(req.at(1)).identifier;
    reply.attributes = {Attribute::tlv(16521, Bytes{'a'}), Attribute::tlv(16522, Bytes{'b'})};
    engine.receive(client.datagram(client.seal(Exchange::Transaction, msgid, {reply})));
    REQUIRE(late.held.size() == 1);
  }
  late.answer_held();  // must not touch the destroyed engine
  CHECK(env->sent.empty());
}

TEST_CASE("an answer after the tunnel-group was removed ends the negotiation", "[ike][aaa]") {
  AaaLab lab;
  lab.server.hold = true;
  lab.server.script = accept_with("SALES");
  lab.phase1();
  lab.xauth("alice", "pw1");
  INFO(lab.console.run("no tunnel-group EZ"));
  REQUIRE_FALSE(lab.console.cfg().tunnel_groups.contains("EZ"));
  lab.server.answer_held();
  CHECK(lab.env.sent.empty());  // no status for a group that is gone
  CHECK(lab.env.logged("Tunnel group was removed during the negotiation, aborting"));
  lab.engine.tick();
  CHECK(lab.engine.sas().empty());
  CHECK(lab.server.records.empty());
}

TEST_CASE("an answer from a group the tunnel-group no longer names is not trusted", "[ike][aaa]") {
  AaaLab lab;
  lab.server.hold = true;
  lab.server.script = accept_with("SALES");
  lab.phase1();
  lab.xauth("alice", "pw1");
  lab.console.run(
      "aaa-server OTHER protocol radius\nexit\n"
      "tunnel-group EZ general-attributes\nauthentication-server-group OTHER\nexit");
  REQUIRE(lab.console.cfg().tunnel_groups.at("EZ").general.authentication_server_group == "OTHER");
  lab.server.answer_held();
  CHECK_FALSE(lab.status().has_value());  // asked again
  CHECK_FALSE(lab.only_sa().authorized);
  CHECK(lab.env.logged("Authentication server group changed during the request"));
}

TEST_CASE("the server's Session-Timeout and Idle-Timeout end the session", "[ike][aaa]") {
  AaaLab lab;
  auto r = accept_with(std::nullopt);
  r.authz.session_timeout = 90;
  lab.server.script = r;
  lab.phase1();
  lab.xauth("alice", "pw");
  REQUIRE(lab.status() == 1);
  lab.mode_config();
  lab.env.t += 89;
  lab.engine.tick();
  CHECK(lab.engine.sas().size() == 1);
  lab.env.t += 1;
  lab.engine.tick();
  CHECK(lab.engine.sas().empty());
  REQUIRE(lab.server.count(Kind::Stop) == 1);
  CHECK(lab.server.records.back().terminate_cause == "Session-Timeout");
  CHECK(lab.server.records.back().session_seconds == 90);

  AaaLab idle;
  r = accept_with(std::nullopt);
  r.authz.idle_timeout = 40;  // shorter than the group-policy's 30 minutes
  idle.server.script = r;
  idle.phase1();
  idle.xauth("alice", "pw");
  REQUIRE(idle.status() == 1);
  idle.mode_config();
  idle.engine.tick();
  idle.env.t += 40;
  idle.engine.tick();
  CHECK(idle.engine.sas().empty());
  REQUIRE(idle.server.count(Kind::Stop) == 1);
  CHECK(idle.server.records.back().terminate_cause == "Idle-Timeout");
}

TEST_CASE("the server's simultaneous-logins limit applies", "[ike][aaa]") {
  AaaLab lab;
  auto r = accept_with(std::nullopt);
  r.authz.framed_ip.reset();
  r.authz.simultaneous_logins = 0;
  lab.server.script = r;
  lab.phase1();
  lab.xauth("alice", "pw");
  CHECK(lab.status() == 0);
  CHECK(lab.env.logged("may not log in (vpn-simultaneous-logins 0)"));
}

TEST_CASE("accounting: Stop carries the traffic of every IPsec SA, rekeyed ones too",
          "[ike][aaa]") {
  AaaLab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit\n");
  lab.console.cfg().aaa_servers["RAD"].interim_accounting_update = 1;
  auto r = accept_with(std::nullopt);
  r.authz.framed_ip.reset();
  lab.server.script = r;
  lab.phase1();
  lab.xauth("alice", "pw");
  REQUIRE(lab.status() == 1);
  lab.mode_config();
  REQUIRE(lab.server.count(Kind::Start) == 1);
  const std::string id = lab.server.records[0].session_id;
  auto qm2 = lab.qm1(0x100, Bytes{203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  lab.qm3(0x100, *qm2);
  client_sends(lab, lab.only_sa().ipsec.at(0), 2);
  const uint64_t first = inbound_bytes(lab, lab.only_sa().ipsec.at(0));
  REQUIRE(first > 0);
  // The client rekeys phase 2: a new SA pair; the old one goes with the client's delete.
  auto qm2b = lab.qm1(0x201, Bytes{203, 0, 113, 10});
  REQUIRE(qm2b.has_value());
  lab.qm3(0x201, *qm2b);
  REQUIRE(lab.only_sa().ipsec.size() == 2);
  client_sends(lab, lab.only_sa().ipsec.at(1));
  const uint64_t second = inbound_bytes(lab, lab.only_sa().ipsec.at(1));
  const IpsecSa old = lab.only_sa().ipsec.at(0);
  DeletePayload del;
  del.protocol = 3;
  del.spi_size = 4;
  del.spis.push_back(test::be32(lab.only_sa().ipsec.at(0).outbound.spi));
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x300, {del}));
  REQUIRE(lab.only_sa().ipsec.size() == 1);
  // What the client sent on the old SA just before its delete still decrypts while the SA
  // drains, and counts.
  CHECK(test::client_packet_decrypts(lab, old, 1, 2));
  const uint64_t late = inbound_bytes(lab, old);
  REQUIRE(late > first);
  // An Interim after an hour, with the same id.
  lab.env.t += 3600;
  lab.engine.tick();
  REQUIRE(lab.server.count(Kind::Interim) == 1);
  CHECK(lab.server.records.back().session_id == id);
  CHECK(lab.server.records.back().in_packets == 4);
  // vpn-sessiondb logoff: Stop, Admin-Reset, every packet and byte.
  lab.console.run("vpn-sessiondb logoff name alice");
  CHECK(lab.engine.sas().empty());
  REQUIRE(lab.server.count(Kind::Stop) == 1);
  const auto& stop = lab.server.records.back();
  CHECK(stop.kind == Kind::Stop);
  CHECK(stop.session_id == id);
  CHECK(stop.terminate_cause == "Admin-Reset");
  CHECK(stop.in_packets == 4);
  CHECK(stop.in_octets == late + second);
  CHECK(stop.user == "alice");
}

TEST_CASE("accounting: the client's delete is User-Request; a phase-1 rekey keeps the id",
          "[ike][aaa]") {
  AaaLab lab;
  auto r = accept_with(std::nullopt);
  r.authz.framed_ip.reset();
  lab.server.script = r;
  lab.phase1();
  lab.xauth("alice", "pw");
  REQUIRE(lab.status() == 1);
  lab.mode_config();
  REQUIRE(lab.server.count(Kind::Start) == 1);
  const std::string id = lab.server.records[0].session_id;
  const uint64_t old_index = lab.only_sa().index;
  // A new IKE SA from the same client and user: the session goes on under the same id.
  lab.peer = test::Initiator{};
  lab.peer.ci = {7, 7, 7, 7, 7, 7, 7, 7};
  lab.peer.ni = Bytes(32, 0x77);
  lab.phase1();
  lab.xauth("alice", "pw");
  REQUIRE(lab.status() == 1);
  lab.mode_config();
  CHECK(lab.server.count(Kind::Start) == 1);
  // The session kept its index; the replaced IKE SA, under another, ends without a Stop.
  uint64_t replaced = 0;
  for (const auto& [idx, sa] : lab.engine.sas())
    if (sa->p1_rekey.replaced_by() == old_index) replaced = idx;
  REQUIRE(replaced != 0);
  CHECK(lab.engine.logoff_index(replaced) == 1);
  CHECK(lab.server.count(Kind::Stop) == 0);
  // The client deletes the new IKE SA: the Stop, User-Request, same id.
  DeletePayload del;
  del.protocol = 1;
  del.spi_size = 16;
  Bytes spi(16);
  std::copy(lab.peer.ci.begin(), lab.peer.ci.end(), spi.begin());
  std::copy(lab.peer.cr.begin(), lab.peer.cr.end(), spi.begin() + 8);
  del.spis.push_back(spi);
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x400, {del}));
  // Gone with the message, no tick needed: its address is back in the pool at once (a burst of
  // short sessions drained a 41-address pool within one tick: tests/bench/aaa_logins.sh).
  CHECK(lab.engine.sas().empty());
  REQUIRE(lab.server.count(Kind::Stop) == 1);
  CHECK(lab.server.records.back().session_id == id);
  CHECK(lab.server.records.back().terminate_cause == "User-Request");
}

TEST_CASE("no accounting without an accounting-server-group, and the local database as before",
          "[ike][aaa]") {
  Lab lab;
  ScriptedAaa server;
  server.script = {aaa::Outcome::Accepted, "", std::nullopt, true, {}};
  lab.env.aaa = &server;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  REQUIRE(lab.ack_status() == 1);
  lab.mode_config();
  CHECK(server.asked.at(0).group == "LOCAL");
  CHECK(server.records.empty());
}

TEST_CASE("a server's Filter-Id supersedes the group-policy's vpn-filter",
          "[ike][aaa][fw-vpnfilter]") {
  AaaLab lab;
  lab.console.run("access-list USER-F extended permit icmp any any");
  auto r = accept_with("SALES");
  r.authz.filter_acl = "USER-F";
  lab.server.script = r;
  lab.phase1();
  lab.xauth("alice", "pw1");
  CHECK(lab.status() == 1);
  lab.mode_config();
  const IkeSa& sa = lab.only_sa();
  CHECK(sa.group_policy == "SALES");
  CHECK(session_vpn_filter(lab.console.cfg(), sa) == "USER-F");
  std::string show = lab.console.run("show vpn-sessiondb detail remote");
  CHECK(show.find("  Filter Name  : USER-F\n") != std::string::npos);
  // Without a Filter-Id the group-policy's filter applies; with neither, none.
  IkeSa plain;
  plain.group_policy = "SALES";
  CHECK(session_vpn_filter(lab.console.cfg(), plain) == "SALES-ONLY");
  plain.group_policy = "DfltGrpPolicy";
  CHECK_FALSE(session_vpn_filter(lab.console.cfg(), plain));
}

TEST_CASE("a Filter-Id naming no access-list of this box refuses the session (113030)",
          "[ike][aaa][fw-vpnfilter]") {
  AaaLab lab;
  auto r = accept_with("SALES");
  r.authz.filter_acl = "NO-SUCH-ACL";
  lab.server.script = r;
  lab.phase1();
  const uint64_t fails = lab.engine.stats().responder_fails;
  lab.xauth("alice", "pw1");
  CHECK(lab.status() == 0);
  CHECK(lab.engine.stats().responder_fails == fails + 1);
  CHECK(lab.syslogged("113030"));
  CHECK(lab.syslogged(
      "Group EZ User alice IP 198.51.100.2 User ACL NO-SUCH-ACL from AAA doesn't exist on the "
      "device, terminating connection."));
  CHECK_FALSE(lab.only_sa().authorized);  // no mode-config, no quick mode: ended on the ack
}

// ---- password-management: an expired password changed in XAUTH ------------------------------

namespace {

// The engine's next XAUTH request; the client answers it with attrs (a NEXT-PIN, say).
std::vector<Attribute> answer_request(AaaLab& lab, std::vector<Attribute> attrs) {
  uint32_t msgid = 0;
  auto req = lab.peer.open(lab.env.take(), msgid);
  const auto& a = std::get<AttributePayload>(req.at(1));
  REQUIRE(a.type == 1);  // CFG_REQUEST
  AttributePayload reply;
  reply.type = 2;
  reply.identifier = a.identifier;
  reply.attributes = std::move(attrs);
  lab.deliver(lab.peer.seal(Exchange::Transaction, msgid, {reply}));
  return a.attributes;
}

Attribute next_pin(std::string_view pw) {
  return Attribute::tlv(16528, Bytes(pw.begin(), pw.end()));
}

bool has(const std::vector<Attribute>& attrs, uint16_t type) {
  return std::any_of(attrs.begin(), attrs.end(),
                     [&](const Attribute& a) { return a.type == type; });
}

bool logs_show(const AaaLab& lab, std::string_view secret) {
  for (const auto& l : lab.env.lines)
    if (l.find(secret) != std::string::npos) return true;
  for (const auto& l : lab.env.syslogs)
    if (l.find(secret) != std::string::npos) return true;
  return false;
}

const aaa::AuthResult kExpired{
    aaa::Outcome::PasswordExpired, "Password expired", kServer, false, {}};

}  // namespace

TEST_CASE("password-management: an expired password is changed through a second XAUTH request",
          "[ike][aaa]") {
  AaaLab lab;
  lab.console.run("tunnel-group EZ general-attributes\npassword-management\nexit");
  lab.server.script = kExpired;
  lab.phase1();
  lab.xauth("alice", "0ld-Secret");
  REQUIRE(lab.server.asked.size() == 1);
  CHECK(lab.server.asked[0].mschapv2);
  CHECK(lab.server.asked[0].new_password.empty());
  // Not a status: a request for the new password, with a message, and no user password.
  CHECK_FALSE(lab.status().has_value());
  lab.server.script = accept_with(std::nullopt);
  const auto asked = answer_request(lab, {next_pin("n3w-Secret")});
  CHECK(has(asked, 16528));  // XAUTH-NEXT-PIN
  CHECK(has(asked, 16524));  // XAUTH-MESSAGE
  CHECK_FALSE(has(asked, 16522));
  REQUIRE(lab.server.asked.size() == 2);
  const aaa::AuthRequest& change = lab.server.asked[1];
  CHECK(change.user == "alice");
  CHECK(change.password.reveal() == "0ld-Secret");
  CHECK(change.new_password.reveal() == "n3w-Secret");
  CHECK(change.mschapv2);
  CHECK_FALSE(change.fallback_local);
  CHECK(change.group == "RAD");
  CHECK(lab.status() == 1);
  CHECK(lab.only_sa().authorized);
  CHECK_FALSE(lab.only_sa().transaction.holds_password());
  CHECK(lab.env.logged("User (alice) password expired, asking the client for a new password"));
  CHECK_FALSE(logs_show(lab, "0ld-Secret"));
  CHECK_FALSE(logs_show(lab, "n3w-Secret"));
}

TEST_CASE("password-management: a refused change asks again from the start", "[ike][aaa]") {
  AaaLab lab;
  lab.console.run("tunnel-group EZ general-attributes\npassword-management\nexit");
  lab.server.script = kExpired;
  lab.phase1();
  lab.xauth("alice", "0ld");
  // The server refuses the change (E=709), or says "expired" again: never a second prompt.
  answer_request(lab, {next_pin("n3w")});
  REQUIRE(lab.server.asked.size() == 2);
  CHECK_FALSE(lab.status().has_value());
  const auto again = answer_request(lab, {Attribute::tlv(16521, Bytes{'a', 'l', 'i', 'c', 'e'}),
                                          Attribute::tlv(16522, Bytes{'0', 'l', 'd'})});
  CHECK(has(again, 16522));  // the user and password question again
  CHECK_FALSE(has(again, 16528));
  REQUIRE(lab.server.asked.size() == 3);
  CHECK(lab.server.asked[2].new_password.empty());
  CHECK(lab.engine.stats().auth_fails == 1);
}

TEST_CASE("password-management: a reply without a new password, or for another user, is refused",
          "[ike][aaa]") {
  for (bool other_user : {false, true}) {
    AaaLab lab;
    lab.console.run("tunnel-group EZ general-attributes\npassword-management\nexit");
    lab.server.script = kExpired;
    lab.phase1();
    lab.xauth("alice", "0ld");
    std::vector<Attribute> reply;
    if (other_user) reply = {Attribute::tlv(16521, Bytes{'b', 'o', 'b'}), next_pin("n3w")};
    answer_request(lab, reply);
    CHECK(lab.server.asked.size() == 1);  // no change was asked for
    CHECK(lab.engine.stats().auth_fails == 1);
    CHECK(lab.env.logged("User (alice) gave no new password for the expired one"));
    CHECK_FALSE(lab.only_sa().transaction.holds_password());
  }
}

TEST_CASE("without password-management: PAP, and an expired password is a refusal", "[ike][aaa]") {
  AaaLab lab;
  lab.server.script = kExpired;
  lab.phase1();
  lab.xauth("alice", "0ld");
  REQUIRE(lab.server.asked.size() == 1);
  CHECK_FALSE(lab.server.asked[0].mschapv2);
  CHECK_FALSE(lab.only_sa().transaction.holds_password());
  const auto again = answer_request(lab, {});
  CHECK(has(again, 16522));
  CHECK_FALSE(has(again, 16528));
  // The (empty) answer went to the server as a login, not as a change.
  REQUIRE(lab.server.asked.size() == 2);
  CHECK(lab.server.asked[1].new_password.empty());
  CHECK(lab.engine.stats().auth_fails == 2);
}
}  // namespace ike_aaa_test
