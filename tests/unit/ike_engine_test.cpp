// The IKEv1 engine as responder, driven in-process by a test initiator (tests/unit/
// ike_initiator.hpp) with a fake clock and RNG: the EzVPN flow end to end, and what goes wrong.
#include <catch2/catch.hpp>

#include "control/ike/engine.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/proxy_arp.hpp"
#include "tests/unit/ike_lab.hpp"

namespace ike_engine_test {

using namespace rampart;
using namespace rampart::ike;
using test::Lab;

TEST_CASE("EzVPN client: aggressive mode, XAUTH, mode-config, quick mode") {
  Lab lab;
  lab.phase1();
  CHECK(lab.env.logged("[IKEv1]IP = 198.51.100.2, Connection landed on tunnel_group EZ"));
  CHECK(lab.only_sa().state == P1State::XauthWait);
  lab.xauth("cisco", "cisco");
  CHECK(lab.env.logged("User (cisco) authenticated."));
  CHECK(lab.ack_status() == 1);
  CHECK(lab.only_sa().state == P1State::AmActive);
  // A client that pulls its configuration completes phase 1 with the reply (seed 000's order).
  CHECK_FALSE(lab.env.logged("PHASE 1 COMPLETED"));

  AttributePayload cfg = lab.mode_config();
  CHECK(lab.env.logged("Group = EZ, Username = cisco, IP = 198.51.100.2, PHASE 1 COMPLETED"));
  REQUIRE(cfg.attributes.size() == 3);
  CHECK(cfg.attributes[0].data == Bytes{203, 0, 113, 10});
  CHECK(cfg.attributes[1].data == Bytes{255, 255, 255, 0});
  CHECK(cfg.attributes[2].data == Bytes{192, 0, 2, 53});

  // Quick mode: ESP AES-128/SHA-1 tunnel for the assigned address to anything.
  Transform t{1,
              12,
              {Attribute::tv(4, 1), Attribute::tv(5, 2), Attribute::tv(6, 128), Attribute::tv(1, 1),
               Attribute::tlv(2, test::be32(2147483))}};
  SaPayload sa;
  sa.proposals.push_back(Proposal{1, 3, test::be32(0xc0ffee01), {t}});
  IdPayload idci{1, 0, 0, {203, 0, 113, 10}}, idcr{4, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
  Bytes ni(24, 0x22);
  const uint32_t qm = 0x0e83792e;
  lab.deliver(lab.peer.seal(Exchange::QuickMode, qm,
                            {sa, OpaquePayload{PayloadType::Nonce, ni}, idci, idcr}));
  uint32_t msgid = 0;
  auto qm2 = lab.peer.open(lab.env.take(), msgid, ni);
  CHECK(msgid == qm);
  CHECK(lab.peer.hash_ok);
  const auto& chosen = std::get<SaPayload>(qm2.at(1));
  uint32_t our_spi = 0;
  for (uint8_t b : chosen.proposals.at(0).spi) our_spi = (our_spi << 8) | b;
  Bytes nr = std::get<OpaquePayload>(qm2.at(2)).data;
  bool lifetime_notify = false;
  for (const auto& p : qm2)
    if (const auto* n = std::get_if<NotifyPayload>(&p)) lifetime_notify = n->type == 24576;
  CHECK(lifetime_notify);  // 28800 s is shorter than the offered 2147483 s
  CHECK(lab.env.logged("Overriding Initiator's IPSec rekeying duration from 2147483 to 28800"));

  Bytes h3{0};
  Bytes mid = test::be32(qm);
  h3.insert(h3.end(), mid.begin(), mid.end());
  h3.insert(h3.end(), ni.begin(), ni.end());
  h3.insert(h3.end(), nr.begin(), nr.end());
  lab.deliver(lab.peer.seal(Exchange::QuickMode, qm, {}, {},
                            prf(HashAlg::Sha1, lab.peer.keys.skeyid_a.bytes(), h3)));
  const IkeSa& s = lab.only_sa();
  REQUIRE(s.ipsec.size() == 1);
  const IpsecSa& ips = s.ipsec[0];
  CHECK(ips.outbound.spi == 0xc0ffee01);
  CHECK(ips.inbound.spi == our_spi);
  CHECK(ips.lifetime_seconds == 28800);
  // Both ends derive the same ESP keys (RFC 2409 5.5), each from its own state.
  SecretBytes km =
      quick_mode_keymat(HashAlg::Sha1, lab.peer.keys.skeyid_d, {}, 3, 0xc0ffee01, ni, nr, 36);
  CHECK(Bytes(km.bytes().begin(), km.bytes().begin() + 16) == ips.outbound.encryption_key.bytes());
  CHECK(Bytes(km.bytes().begin() + 16, km.bytes().end()) == ips.outbound.integrity_key.bytes());
  CHECK(lab.env.logged(fmt::format("PHASE 2 COMPLETED (msgid={:08x})", qm)));

  std::string show = lab.console.run("show crypto isakmp sa detail");
  CHECK(show.find("1   IKE Peer: 198.51.100.2\n"
                  "    Type    : user            Role    : responder \n"
                  "    Rekey   : no              State   : AM_ACTIVE \n"
                  "    Encrypt : aes             Hash    : SHA \n"
                  "    Auth    : preshared       Lifetime: 86400 \n"
                  "    Lifetime Remaining: 86400\n") != std::string::npos);
  show = lab.console.run("show vpn-sessiondb remote");
  CHECK(show.find("Username     : cisco                  Index        : 1\n"
                  "Assigned IP  : 203.0.113.10           Public IP    : 198.51.100.2\n") !=
        std::string::npos);
  CHECK(lab.console.run("show ip local pool POOL").find("In Use Addresses:\n203.0.113.10\n") !=
        std::string::npos);
  // The SA pair is in the dataplane, and show crypto ipsec sa reads it there.
  CHECK(lab.sad.size() == 1);
  CHECK(lab.sad.with_inbound(our_spi, [](dataplane::Sad::Entry&) {}));
  show = lab.console.run("show crypto ipsec sa");
  for (const char* line :
       {"interface: outside\n", "    Crypto map tag: DYN, seq num: 10, local addr: 198.51.100.1\n",
        "      local ident (addr/mask/prot/port): (0.0.0.0/0.0.0.0/0/0)\n",
        "      remote ident (addr/mask/prot/port): (203.0.113.10/255.255.255.255/0/0)\n",
        "      current_peer: 198.51.100.2, username: cisco\n",
        "      dynamic allocated peer ip: 203.0.113.10\n",
        "      #pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0\n",
        "      path mtu 1500, ipsec overhead 74, media mtu 1500\n",
        "      current outbound spi: C0FFEE01\n",
        "         transform: esp-aes esp-sha-hmac no compression\n",
        "         in use settings ={RA, Tunnel, IKEv1, }\n",
        "         sa timing: remaining key lifetime (kB/sec): (4608000/28800)\n"}) {
    INFO(std::string(line) + "----\n" + show);
    CHECK(show.find(line) != std::string::npos);
  }

  show = lab.console.run("show crypto ipsec sa detail");
  CHECK(show.find("      #pkts invalid identity (rcv): 0, #pkts invalid len (rcv): 0\n") !=
        std::string::npos);
  CHECK(show.find("      #pkts replay failed (rcv): 0\n") != std::string::npos);
  show = lab.console.run("show crypto ipsec sa identity");
  CHECK(show.find("current_peer: 198.51.100.2") != std::string::npos);
  CHECK(show.find("inbound esp sas") == std::string::npos);
  CHECK(lab.console.run("show crypto ipsec sa map DYN").find("current_peer") != std::string::npos);
  CHECK(lab.console.run("show crypto ipsec sa map OTHER").find("There are no ipsec sas") !=
        std::string::npos);
  CHECK(lab.console.run("show crypto ipsec sa peer 198.51.100.9 detail")
            .find("There are no ipsec sas") != std::string::npos);

  // DPD: an R-U-THERE is answered with the same sequence number.
  NotifyPayload dpd;
  dpd.protocol = 1;
  dpd.type = 36136;
  dpd.spi.assign(lab.peer.ci.begin(), lab.peer.ci.end());
  dpd.spi.insert(dpd.spi.end(), lab.peer.cr.begin(), lab.peer.cr.end());
  dpd.data = test::be32(77);
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x5151, {dpd}));
  auto ack = lab.peer.open(lab.env.take(), msgid);
  CHECK(std::get<NotifyPayload>(ack.at(1)).type == 36137);
  CHECK(std::get<NotifyPayload>(ack.at(1)).data == test::be32(77));

  // The dataplane running out of sequence numbers ends the IPsec SA (RFC 4303 3.3.3): it is
  // removed and the peer is told, the IKE SA stays.
  lab.sad.with_inbound(our_spi, [](dataplane::Sad::Entry& e) {
    e.out->set_next_sequence(IpsecDataplane::kSequenceLimit + 1);
  });
  lab.engine.tick();
  CHECK(lab.sad.size() == 0);
  CHECK(lab.only_sa().ipsec.empty());
  auto gone = lab.peer.open(lab.env.take(), msgid);
  CHECK(std::get<DeletePayload>(gone.at(1)).protocol == 3);
  CHECK(lab.env.logged("deleted: sequence number exhausted"));

  // clear crypto isakmp sa: the peer is told, the address returns to the pool.
  lab.console.run("clear crypto isakmp sa");
  CHECK(lab.engine.sas().empty());
  auto del = lab.peer.open(lab.env.take(), msgid);
  CHECK(std::get<DeletePayload>(del.at(1)).protocol == 1);
  CHECK(lab.console.run("show ip local pool POOL").find("In Use") == std::string::npos);
  CHECK(lab.console.run("show crypto isakmp sa").find("There are no IKEv1 SAs") !=
        std::string::npos);
  CHECK(lab.sad.size() == 0);
  CHECK(lab.console.run("show crypto ipsec sa").find("There are no ipsec sas") !=
        std::string::npos);
}

TEST_CASE("a wrong group key fails the hash check and leaves nothing behind") {
  Lab lab;
  lab.peer.psk = "not-the-key";
  lab.deliver(lab.peer.am1("EZ"));
  lab.deliver(lab.peer.am3(lab.env.take()));
  CHECK(lab.engine.sas().empty());
  CHECK(lab.engine.stats().hash_fails == 1);
  CHECK(lab.env.logged("Hash verification failed"));
  bool logged = false;
  for (const auto& s : lab.env.syslogs) logged |= s.find("%ASA-3-713167") == 0;
  CHECK(logged);
  for (const auto& l : lab.env.lines) CHECK(l.find("cisco123") == std::string::npos);
}

TEST_CASE("three wrong XAUTH passwords end the negotiation") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "wrong1");
  lab.xauth("cisco", "wrong2");
  lab.xauth("cisco", "wrong3");
  CHECK(lab.ack_status() == 0);
  CHECK(lab.engine.stats().auth_fails == 3);
  CHECK(lab.env.logged("User (cisco) authentication rejected."));
  lab.env.t += 1;
  lab.engine.tick();
  CHECK(lab.engine.sas().empty());
  for (const auto& s : lab.env.syslogs) CHECK(s.find("wrong") == std::string::npos);
}

TEST_CASE("no acceptable phase-1 proposal: NO_PROPOSAL_CHOSEN and the ASA's reason") {
  Lab lab;
  lab.peer.group = 5;
  lab.peer.dh = std::move(*DhKey::generate(5));
  lab.deliver(lab.peer.am1("EZ"));
  CHECK(
      lab.env.logged("Phase 1 failure: Mismatched attribute types for class Group Description: "
                     "Rcv'd: Group 5  Cfg'd: Group 2"));
  Bytes n = lab.env.take();
  auto m = parse_message(n.data(), n.size());
  REQUIRE(m);
  CHECK(m->header.exchange == Exchange::Informational);
  CHECK(std::get<NotifyPayload>(m->payloads.at(0)).type == 14);
  CHECK(lab.engine.sas().empty());
  CHECK(lab.engine.stats().responder_fails == 1);
}

TEST_CASE("lost replies: a retransmitted first message gets the same answer, once") {
  Lab lab;
  Bytes am1 = lab.peer.am1("EZ");
  lab.deliver(am1);
  Bytes am2 = lab.env.take();
  lab.deliver(am1);  // the client did not hear us
  CHECK(lab.env.take() == am2);
  CHECK(lab.engine.stats().duplicates == 1);
  // The peer has not proven the key: that answer was its one resend (ike_dos_test.cpp).
  lab.env.t += 2;
  lab.engine.tick();
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.sas().empty());
}

TEST_CASE("aggressive mode can be refused and an unknown group without a default is refused") {
  Lab lab;
  lab.console.run("crypto ikev1 am-disable");
  lab.deliver(lab.peer.am1("EZ"));
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.sas().empty());
  lab.console.run("no crypto ikev1 am-disable");
  lab.deliver(lab.peer.am1("NOSUCHGROUP"));
  CHECK(lab.env.sent.size() == 1);  // a decoy, shaped like a real answer (ike_dos_test.cpp)
  CHECK(lab.env.logged("Can't find a valid tunnel group, aborting..."));
}

TEST_CASE("garbage datagrams are counted and dropped") {
  Lab lab;
  for (size_t n : {0, 1, 27, 28, 100}) {
    Bytes junk(n, 0xab);
    lab.deliver(junk);
  }
  CHECK(lab.engine.sas().empty());
  CHECK(lab.env.sent.empty());
  CHECK(lab.engine.stats().malformed >= 4);
}

TEST_CASE("dead peer detection: a quiet peer is probed, a silent one is deleted") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");  // DPD alone
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.env.sent.clear();
  lab.env.sent_from.clear();
  lab.env.t += 299;
  lab.engine.tick();
  CHECK(lab.env.sent.empty());  // the default threshold for remote access is 300 s
  lab.env.t += 1;
  lab.engine.tick();
  uint32_t msgid = 0;
  auto probe = lab.peer.open(lab.env.take(), msgid);
  const auto& n = std::get<NotifyPayload>(probe.at(1));
  CHECK(n.type == 36136);  // R-U-THERE
  NotifyPayload ack = n;
  ack.type = 36137;
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x600d, {ack}));
  CHECK(lab.engine.sas().begin()->second->dpd.outstanding() == 0);
  // Now silence: probes every retry interval, then the SA goes.
  for (int i = 0; i < 20 && !lab.engine.sas().empty(); ++i) {
    lab.env.t += 300;
    lab.engine.tick();
  }
  CHECK(lab.engine.sas().empty());
  CHECK(lab.env.logged("Heartbeat timeout"));
}

TEST_CASE(
    "dead peer detection: a late answer to an earlier probe, or any message, shows it alive") {
  Lab lab;
  lab.console.run("group-policy EZ attributes\nvpn-idle-timeout none\nexit");
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.env.sent.clear();
  lab.env.sent_from.clear();
  lab.env.t += 300;
  lab.engine.tick();  // the first R-U-THERE
  uint32_t msgid = 0;
  auto first = lab.peer.open(lab.env.take(), msgid);
  NotifyPayload ack = std::get<NotifyPayload>(first.at(1));
  lab.env.t += 2;
  lab.engine.tick();  // unanswered yet: the second, with the next sequence number
  auto second = lab.peer.open(lab.env.take(), msgid);
  CHECK(std::get<NotifyPayload>(second.at(1)).data != ack.data);
  const IkeSa& sa = *lab.engine.sas().begin()->second;
  CHECK(sa.dpd.outstanding() == 2);
  // The answer to the first arrives now (the peer, or we, were busy): the peer is alive.
  ack.type = 36137;
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x600d, {ack}));
  CHECK(sa.dpd.outstanding() == 0);
  // An answer to a probe never sent does not count.
  lab.env.t += 300;
  lab.engine.tick();
  NotifyPayload bogus = std::get<NotifyPayload>(lab.peer.open(lab.env.take(), msgid).at(1));
  bogus.type = 36137;
  bogus.data = {0, 0, 0, 0};
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x600e, {bogus}));
  CHECK(sa.dpd.outstanding() == 1);
  // Any authenticated message does: the peer's own R-U-THERE.
  NotifyPayload theirs = bogus;
  theirs.type = 36136;
  lab.deliver(lab.peer.seal(Exchange::Informational, 0x600f, {theirs}));
  lab.env.t += 2;
  lab.engine.tick();
  CHECK(sa.dpd.outstanding() == 0);
  CHECK_FALSE(lab.env.logged("Heartbeat timeout"));
}

TEST_CASE("INITIAL-CONTACT replaces the peer's previous session") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.mode_config();
  CHECK(lab.engine.sas().size() == 1);
  // The client restarts: new cookies, and INITIAL-CONTACT in AM3.
  test::Initiator again;
  again.ci = {9, 9, 9, 9, 9, 9, 9, 9};
  lab.engine.receive(again.datagram(again.am1("EZ")));
  Bytes am3 = again.am3(lab.env.take());
  auto m = parse_message(am3.data(), am3.size());
  REQUIRE(m);
  NotifyPayload ic;
  ic.protocol = 1;
  ic.type = 24578;
  ic.spi.assign(again.ci.begin(), again.ci.end());
  ic.spi.insert(ic.spi.end(), again.cr.begin(), again.cr.end());
  m->payloads.push_back(ic);
  lab.engine.receive(again.datagram(serialize_message(*m)));
  REQUIRE(lab.engine.sas().size() == 1);
  CHECK(lab.engine.sas().begin()->second->icookie == again.ci);
  // The old session's address went back to the pool.
  CHECK(lab.console.run("show ip local pool POOL").find("In Use") == std::string::npos);
}

TEST_CASE("crypto ikev1 limit max-in-negotiation-sa caps half-open SAs") {
  Lab lab;
  lab.console.run("crypto ikev1 limit max-in-negotiation-sa 2");
  for (uint8_t i = 1; i <= 3; ++i) {
    test::Initiator p;
    p.ci = {i, i, i, i, i, i, i, i};
    lab.engine.receive(p.datagram(p.am1("EZ")));
  }
  CHECK(lab.engine.sas().size() == 2);
  CHECK(lab.engine.stats().system_capacity_fails == 1);
  CHECK(lab.env.logged("Maximum concurrent IKE negotiations exceeded!"));
}

TEST_CASE("NAT-T: detection, the float to 4500, and keepalives when we are behind the NAT") {
  Lab lab;
  lab.peer.natt = true;
  // The client reached us at an address that is not ours: a NAT is in front of the gateway.
  lab.peer.gw_seen = {*config::Ipv4::parse("203.0.113.200"), 500};
  lab.deliver(lab.peer.am1("EZ"));
  lab.deliver(lab.peer.am3(lab.env.take()));
  CHECK(lab.env.logged(
      "Remote end is NOT behind a NAT device     This   end IS behind a NAT device"));
  // The client floats: everything from now on comes to and goes from port 4500.
  lab.peer.me.port = 4500;
  lab.peer.gw.port = 4500;
  lab.xauth("cisco", "cisco");
  CHECK(lab.only_sa().peer.port == 4500);
  CHECK(lab.only_sa().local.port == 4500);
  CHECK(lab.env.sent.back().first.port == 4500);
  lab.ack_status();
  int before = lab.env.keepalives;
  lab.env.t += 20;
  lab.engine.tick();
  CHECK(lab.env.keepalives == before + 1);
  lab.env.t += 5;
  lab.engine.tick();
  CHECK(lab.env.keepalives == before + 1);  // every 20 s, not every tick
}

TEST_CASE("NAT-T: an AM3 that floats to 4500 may hash the endpoints it travels on") {
  // strongSwan floats for AM3 and hashes its own addresses and ports (4500 both ways), vpnc the
  // endpoints of AM1/AM2 (500): neither is a NAT in front of us. A hash of neither still is.
  auto verdict = [](const char* gw_seen, uint16_t port) {
    Lab lab;
    lab.peer.natt = true;
    lab.deliver(lab.peer.am1("EZ"));
    Bytes am2 = lab.env.take();
    lab.peer.me.port = 4500;
    lab.peer.gw.port = 4500;
    lab.peer.gw_seen = {*config::Ipv4::parse(gw_seen), port};
    lab.deliver(lab.peer.am3(am2));
    return lab.env.logged("Remote end is NOT behind a NAT device     This   end is NOT behind");
  };
  CHECK(verdict("198.51.100.1", 4500));
  CHECK(verdict("198.51.100.1", 500));
  CHECK_FALSE(verdict("203.0.113.200", 4500));
}

TEST_CASE("quick mode refusals: a foreign proxy, an unacceptable transform") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.mode_config();
  auto qm1 = [&](uint8_t esp, std::vector<uint8_t> client, uint32_t msgid) {
    Transform t{1, esp, {Attribute::tv(4, 1), Attribute::tv(5, 2)}};
    if (esp == 12) t.attributes.push_back(Attribute::tv(6, 128));
    SaPayload sa;
    sa.proposals.push_back(Proposal{1, 3, test::be32(0xc0ffee02), {t}});
    IdPayload idci{1, 0, 0, client}, idcr{4, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
    lab.deliver(lab.peer.seal(Exchange::QuickMode, msgid,
                              {sa, OpaquePayload{PayloadType::Nonce, Bytes(16, 7)}, idci, idcr}));
    uint32_t got = 0;
    auto reply = lab.peer.open(lab.env.take(), got);
    CHECK(got != msgid);  // an informational, not QM2
    return std::get<NotifyPayload>(reply.at(1)).type;
  };
  // Someone else's address as the client's proxy.
  CHECK(qm1(12, {203, 0, 113, 11}, 0x100) == 18);  // INVALID-ID-INFORMATION
  CHECK(
      lab.env.logged("Rejecting IPSec tunnel: remote proxy 203.0.113.11/255.255.255.255/0/0 "
                     "is not the address assigned to the client (203.0.113.10)"));
  // 3DES where the transform set says AES.
  CHECK(qm1(3, {203, 0, 113, 10}, 0x101) == 14);  // NO-PROPOSAL-CHOSEN
  CHECK(lab.env.logged("All IPSec SA proposals found unacceptable!"));
  CHECK(lab.only_sa().ipsec.empty());
  CHECK(lab.engine.stats().in_p2_rejects == 2);
}

TEST_CASE("our inbound SPIs are unique even when the RNG repeats itself", "[spi]") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 1);
  lab.mode_config();
  // Two quick modes in flight at once; the RNG hands out the same SPI for both (and once more).
  const uint32_t kSame = 0x0badc0de;
  lab.env.rigged_u32 = {kSame, kSame, kSame};
  struct Qm {
    uint32_t msgid, peer_spi;
    Bytes ni, nr;
    uint32_t our_spi = 0;
  };
  std::vector<Qm> qms{{0x11110001, 0xc0ffee01, Bytes(24, 0x22), {}},
                      {0x11110002, 0xc0ffee02, Bytes(24, 0x33), {}}};
  Transform t{1,
              12,
              {Attribute::tv(4, 1), Attribute::tv(5, 2), Attribute::tv(6, 128), Attribute::tv(1, 1),
               Attribute::tlv(2, test::be32(28800))}};
  IdPayload idci{1, 0, 0, {203, 0, 113, 10}}, idcr{4, 0, 0, {0, 0, 0, 0, 0, 0, 0, 0}};
  for (auto& q : qms) {  // QM1 of both before either QM3: SPIs handed out, none installed
    SaPayload sa;
    sa.proposals.push_back(Proposal{1, 3, test::be32(q.peer_spi), {t}});
    lab.deliver(lab.peer.seal(Exchange::QuickMode, q.msgid,
                              {sa, OpaquePayload{PayloadType::Nonce, q.ni}, idci, idcr}));
    uint32_t msgid = 0;
    auto qm2 = lab.peer.open(lab.env.take(), msgid, q.ni);
    REQUIRE(msgid == q.msgid);
    for (uint8_t b : std::get<SaPayload>(qm2.at(1)).proposals.at(0).spi)
      q.our_spi = (q.our_spi << 8) | b;
    q.nr = std::get<OpaquePayload>(qm2.at(2)).data;
  }
  CHECK(qms[0].our_spi == kSame);
  CHECK(qms[1].our_spi != kSame);
  CHECK(qms[1].our_spi >= 0x100);
  for (auto& q : qms) {
    Bytes h3{0};
    Bytes mid = test::be32(q.msgid);
    h3.insert(h3.end(), mid.begin(), mid.end());
    h3.insert(h3.end(), q.ni.begin(), q.ni.end());
    h3.insert(h3.end(), q.nr.begin(), q.nr.end());
    lab.deliver(lab.peer.seal(Exchange::QuickMode, q.msgid, {}, {},
                              prf(HashAlg::Sha1, lab.peer.keys.skeyid_a.bytes(), h3)));
  }
  REQUIRE(lab.only_sa().ipsec.size() == 2);
  CHECK(lab.sad.size() == 2);
  // Each SPI leads to its own SA: the one whose outbound SPI the peer chose with it.
  for (const auto& q : qms) {
    uint32_t out = 0;
    CHECK(lab.sad.with_inbound(q.our_spi, [&](dataplane::Sad::Entry& e) { out = e.spec.spi_out; }));
    CHECK(out == q.peer_spi);
  }
}

TEST_CASE("show vpn-sessiondb detail remote reads the IPsec SA's dataplane counters", "[spi]") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 1);
  lab.mode_config();
  auto qm2 = lab.qm1(0x22220001, {203, 0, 113, 10});
  REQUIRE(qm2.has_value());
  lab.qm3(0x22220001, *qm2);
  REQUIRE(lab.sad.size() == 1);
  // Three 100-byte packets leave through the SA, as a worker would send them.
  uint32_t spi = lab.only_sa().ipsec.at(0).inbound.spi;
  std::vector<uint8_t> inner(100, 0x45), esp(400);
  for (int i = 0; i < 3; ++i)
    lab.sad.with_inbound(spi, [&](dataplane::Sad::Entry& e) {
      REQUIRE(e.out->encap(inner.data(), inner.size(), esp.data(), esp.size()) > 0);
    });
  std::string show = lab.console.run("show vpn-sessiondb detail remote");
  INFO(show);
  CHECK(show.find("IPsec:\n") != std::string::npos);
  CHECK(show.find("  Bytes Tx     : 300                    Bytes Rx     : 0\n") !=
        std::string::npos);
  CHECK(show.find("  Pkts Tx      : 3                      Pkts Rx      : 0\n") !=
        std::string::npos);
}

TEST_CASE("aggressive mode: our shorter lifetime is told on its own after PHASE 1 COMPLETED",
          "[ike]") {
  Lab lab;
  REQUIRE(lab.console.run("crypto ikev1 policy 10\nlifetime 3600\nexit").find("ERROR") ==
          std::string::npos);
  lab.deliver(lab.peer.am1("EZ"));  // offers 86400 s
  Bytes am2 = lab.env.take();
  auto m = parse_message(am2.data(), am2.size());
  REQUIRE(m);
  for (const auto& p : m->payloads) CHECK_FALSE(std::holds_alternative<NotifyPayload>(p));
  lab.deliver(lab.peer.am3(am2));
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 1);
  CHECK(lab.env.sent.empty());  // nothing until the client has its configuration
  lab.mode_config();            // the reply comes first, then the notify
  uint32_t msgid = 0;
  auto info = lab.peer.open(lab.env.take(), msgid);
  CHECK(lab.peer.hash_ok);
  const NotifyPayload* n = nullptr;
  for (const auto& p : info)
    if (const auto* x = std::get_if<NotifyPayload>(&p)) n = x;
  REQUIRE(n);
  CHECK(n->type == 24576);
  CHECK(n->data == Bytes{0x80, 11, 0, 1, 0, 12, 0, 4, 0, 0, 0x0e, 0x10});  // seconds: 3600
  CHECK(lab.env.logged("PHASE 1 COMPLETED"));
  CHECK(lab.env.logged("sending notify message"));
}

TEST_CASE("behind a NAT only the UDP-encapsulated ESP modes are accepted", "[ike]") {
  Lab lab;
  auto offer = [](uint16_t mode) {
    Transform t{1,
                12,
                {Attribute::tv(4, mode), Attribute::tv(5, 2), Attribute::tv(6, 128),
                 Attribute::tv(1, 1), Attribute::tlv(2, test::be32(28800))}};
    SaPayload sa;
    sa.proposals.push_back(Proposal{1, 3, test::be32(0xc0ffee01), {t}});
    return sa;
  };
  const std::vector<std::string> sets{"TRA"};
  CHECK(match_esp(offer(1), lab.console.cfg(), sets, false));
  CHECK_FALSE(match_esp(offer(1), lab.console.cfg(), sets, true));  // plain tunnel mode
  CHECK(match_esp(offer(3), lab.console.cfg(), sets, true));        // UDP-Encapsulated-Tunnel
  CHECK(match_esp(offer(61443), lab.console.cfg(), sets, true));    // its draft number
}

TEST_CASE("a rekey moves neither the clients' generation nor what the SA database reaches",
          "[spi]") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  CHECK(lab.ack_status() == 1);
  uint64_t c0 = lab.engine.clients_generation();
  auto reply = lab.mode_config();
  uint64_t c1 = lab.engine.clients_generation();
  CHECK(c1 != c0);  // the address assigned: the firewall's client set follows now
  Bytes address;
  for (const auto& a : reply.attributes)
    if (a.type == 1) address = a.data;
  REQUIRE(address.size() == 4);
  uint64_t r0 = lab.sad.reach_generation();
  auto qm2 = lab.qm1(0x2001, address);
  REQUIRE(qm2.has_value());
  lab.qm3(0x2001, *qm2);
  REQUIRE(lab.sad.size() == 1);
  uint64_t r1 = lab.sad.reach_generation();
  CHECK(r1 != r0);                        // the client's first SA: its route goes in
  auto again = lab.qm1(0x2002, address);  // the client's phase-2 rekey
  REQUIRE(again.has_value());
  lab.qm3(0x2002, *again);
  REQUIRE(lab.sad.size() == 2);
  CHECK(lab.sad.reach_generation() == r1);
  CHECK(lab.engine.clients_generation() == c1);
  // The two inbound SPIs differ, and both are the SA's (drawn through the SPI index).
  const auto& ipsec = lab.only_sa().ipsec;
  REQUIRE(ipsec.size() == 2);
  CHECK(ipsec[0].inbound.spi != ipsec[1].inbound.spi);
}

TEST_CASE("debug lines say whom they are about: the peer, then its user and tunnel-group") {
  Lab lab;
  lab.phase1();
  lab.xauth("cisco", "cisco");
  lab.ack_status();
  lab.mode_config();
  bool peer_only = false, with_user = false;
  for (const auto& [line, about] : lab.env.about_lines) {
    INFO(line);
    REQUIRE(about);                    // every line of one client's negotiation is about it
    CHECK(about->peer == 0xc6336402);  // 198.51.100.2
    if (line.find("Connection landed on tunnel_group EZ") != std::string::npos)
      peer_only = about->user.empty();
    if (line.find("PHASE 1 COMPLETED") != std::string::npos)
      with_user = about->user == "cisco" && about->group == "EZ";
  }
  CHECK(peer_only);
  CHECK(with_user);
}

TEST_CASE("a client's address on an inside subnet is announced as mode-config gives it out") {
  // The ASA's order (seed 000): the mode-config reply, "Gratuitous ARP sent", PHASE 1 COMPLETED.
  auto lines_of = [](Lab& lab) {
    lab.phase1();
    lab.xauth("cisco", "cisco");
    lab.ack_status();
    lab.mode_config();
    std::vector<std::string> out;
    for (const auto& [line, about] : lab.env.about_lines) out.push_back(line);
    return out;
  };
  auto at = [](const std::vector<std::string>& lines, std::string_view what) {
    for (size_t i = 0; i < lines.size(); ++i)
      if (lines[i].find(what) != std::string::npos) return static_cast<int>(i);
    return -1;
  };
  {
    Lab lab;  // the pool (203.0.113.0/24) is on no interface of the box: nothing to announce
    auto lines = lines_of(lab);
    CHECK(at(lines, "Gratuitous ARP") < 0);
  }
  Lab lab;
  REQUIRE(lab.console
              .run("interface GigabitEthernet0/1\nnameif inside\nsecurity-level 100\n"
                   "ip address 203.0.113.1 255.255.255.0\nno shutdown\nexit\n")
              .find("ERROR") == std::string::npos);
  auto lines = lines_of(lab);
  int garp = at(lines, "Gratuitous ARP sent for 203.0.113.10");
  CHECK(garp > at(lines, "Assigned private IP address 203.0.113.10"));
  CHECK(garp < at(lines, "PHASE 1 COMPLETED"));
  CHECK(proxy_arp_interfaces(lab.console.cfg(), config::Ipv4{0xcb00710a}) ==
        std::vector<std::string>{"GigabitEthernet0/1"});
  // Never the interface's own address, nor on a crypto map's side (the client's), nor on a
  // shut interface.
  CHECK(proxy_arp_interfaces(lab.console.cfg(), config::Ipv4{0xcb007101}).empty());
  REQUIRE(lab.console.run("crypto map MAP interface inside\n").find("ERROR") == std::string::npos);
  CHECK(proxy_arp_interfaces(lab.console.cfg(), config::Ipv4{0xcb00710a}).empty());
  REQUIRE(lab.console.run("crypto map MAP interface outside\n").find("ERROR") == std::string::npos);
  CHECK(proxy_arp_interfaces(lab.console.cfg(), config::Ipv4{0xcb00710a}).size() == 1);
  REQUIRE(lab.console.run("interface GigabitEthernet0/1\nshutdown\nexit\n").find("ERROR") ==
          std::string::npos);
  CHECK(proxy_arp_interfaces(lab.console.cfg(), config::Ipv4{0xcb00710a}).empty());
}

}  // namespace ike_engine_test
