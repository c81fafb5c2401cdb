// SNMP: the AgentX codec (RFC 2741), the MIB tree and its Get/GetNext/GetBulk ordering, the
// snmpd.conf rampartd writes, and the snmp-server lines. The AgentX vectors are built from the
// RFC's layouts (5.1 OIDs, 6.1 header, 6.2.5-7 requests) in both byte orders.
#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "control/logging/logger.hpp"
#include "control/snmp/agentx.hpp"
#include "control/snmp/ber.hpp"
#include "control/snmp/mib.hpp"
#include "control/snmp/session_threshold.hpp"
#include "control/snmp/snmpd_conf.hpp"
#include "control/snmp/statistics.hpp"
#include "control/snmp/v3_gate.hpp"
#include "platform/nfqueue.hpp"
#include "tests/unit/session_helpers.hpp"

namespace rampart::test::snmp_test {
namespace {

using snmp::Oid;
using snmp::Type;
namespace ax = snmp::agentx;

// A request as snmpd sends it: header, then search ranges; `big` picks the byte order.
std::vector<uint8_t> request(ax::PduType type, bool big, const std::vector<std::pair<Oid, Oid>>& r,
                             uint16_t non_rep = 0, uint16_t max_rep = 0, bool include = false) {
  std::vector<uint8_t> body;
  auto u16 = [&](uint16_t v) {
    if (big) {
      body.push_back(static_cast<uint8_t>(v >> 8));
      body.push_back(static_cast<uint8_t>(v));
    } else {
      body.push_back(static_cast<uint8_t>(v));
      body.push_back(static_cast<uint8_t>(v >> 8));
    }
  };
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i)
      body.push_back(static_cast<uint8_t>(v >> (big ? 24 - 8 * i : 8 * i)));
  };
  auto oid = [&](const Oid& o, bool inc) {
    // The 1.3.6.1.x prefix form, as net-snmp sends it.
    bool prefixed = o.size() >= 5 && o[0] == 1 && o[1] == 3 && o[2] == 6 && o[3] == 1 && o[4] < 256;
    body.push_back(static_cast<uint8_t>(prefixed ? o.size() - 5 : o.size()));
    body.push_back(static_cast<uint8_t>(prefixed ? o[4] : 0));
    body.push_back(inc ? 1 : 0);
    body.push_back(0);
    for (size_t i = prefixed ? 5 : 0; i < o.size(); ++i) u32(o[i]);
  };
  if (type == ax::PduType::GetBulk) {
    u16(non_rep);
    u16(max_rep);
  }
  for (const auto& [start, end] : r) {
    oid(start, include);
    oid(end, false);
  }
  std::vector<uint8_t> pdu = {1, static_cast<uint8_t>(type),
                              static_cast<uint8_t>(big ? ax::kFlagNetworkByteOrder : 0), 0};
  std::vector<uint8_t> tail = std::move(body);
  body.clear();
  u32(7);  // session
  u32(8);  // transaction
  u32(9);  // packet
  u32(static_cast<uint32_t>(tail.size()));
  pdu.insert(pdu.end(), body.begin(), body.end());
  pdu.insert(pdu.end(), tail.begin(), tail.end());
  return pdu;
}

snmp::Snapshot two_interfaces() {
  snmp::Snapshot s;
  snmp::InterfaceRow out;
  out.hw = "GigabitEthernet0/0";
  out.nameif = "outside";
  out.admin_up = out.oper_up = true;
  out.in_octets = (uint64_t{1} << 32) + 5;  // past Counter32: wraps there, not in ifHC*
  out.out_packets = 42;
  snmp::InterfaceRow in;
  in.hw = "GigabitEthernet0/1";
  in.nameif = "inside";
  s.interfaces = {out, in};
  s.ra_sessions = 1;
  s.ra_users = 1;
  s.ike_tunnels = 1;
  s.ike = {{3, 0xcb007101, 0xcb007102, 300, 400}};
  snmp::TunnelRow t;
  t.index = 77;
  t.ike_index = 3;
  t.local = 0xcb007101;
  t.remote = 0xcb007102;
  t.in_octets = 1000;
  t.out_octets = 2000;
  t.in_packets = 10;
  t.out_packets = 20;
  t.life_seconds = 28800;
  t.life_kilobytes = 4608000;
  t.active_seconds = 5;
  s.tunnels = {t};
  return s;
}

const Oid kIfDescr1 = {1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1};

TEST_CASE("agentx: requests parse in either byte order, with prefixed OIDs", "[snmp]") {
  for (bool big : {true, false}) {
    auto pdu = request(ax::PduType::GetNext, big, {{kIfDescr1, {1, 3, 6, 1, 2, 1, 3}}});
    auto q = ax::parse(pdu);
    REQUIRE(q);
    CHECK(q->header.type == ax::PduType::GetNext);
    CHECK(q->header.session_id == 7);
    CHECK(q->header.transaction_id == 8);
    CHECK(q->header.packet_id == 9);
    REQUIRE(q->ranges.size() == 1);
    CHECK(q->ranges[0].start == kIfDescr1);
    CHECK(q->ranges[0].end == Oid{1, 3, 6, 1, 2, 1, 3});
  }
  auto bulk = ax::parse(request(ax::PduType::GetBulk, true, {{kIfDescr1, {}}}, 0, 10));
  REQUIRE(bulk);
  CHECK(bulk->max_repetitions == 10);
  CHECK(bulk->ranges[0].end.empty());
}

TEST_CASE("agentx: truncated and oversized PDUs are errors that say where", "[snmp]") {
  auto pdu = request(ax::PduType::Get, true, {{kIfDescr1, {}}});
  for (size_t cut : {size_t{3}, size_t{19}, size_t{24}, pdu.size() - 1}) {
    std::vector<uint8_t> part(pdu.begin(), pdu.begin() + static_cast<ptrdiff_t>(cut));
    CHECK_FALSE(ax::parse(part));
  }
  auto huge = pdu;
  huge[16] = 0x7f;  // payload length far past our limit
  auto h = ax::parse_header(huge.data(), huge.size());
  REQUIRE_FALSE(h);
  CHECK(h.error().find("payload length") != std::string::npos);
  auto v2 = pdu;
  v2[0] = 2;
  CHECK_FALSE(ax::parse(v2));
}

TEST_CASE("agentx: a response we build parses back, values intact", "[snmp]") {
  ax::Header to;
  to.session_id = 1;
  to.transaction_id = 2;
  to.packet_id = 3;
  std::vector<snmp::VarBind> vbs = {
      {{1, 3, 6, 1, 2, 1, 2, 1, 0}, snmp::Value::integer(-3)},
      {kIfDescr1, snmp::Value::string("abcde")},
      {{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1}, snmp::Value::counter64(0x1234567890ull)},
      {{1, 2}, snmp::Value::ip(0xc0000201)},
      {{1, 3}, snmp::Value::object({1, 3, 6, 1, 4, 1, 9})},
      {{1, 4}, snmp::Value::exception(Type::EndOfMibView)},
  };
  auto q = ax::parse(ax::response_pdu(to, ax::Error::NoError, 0, vbs));
  REQUIRE(q);
  CHECK(q->header.type == ax::PduType::Response);
  CHECK(q->header.packet_id == 3);
  CHECK(q->varbinds == vbs);
}

TEST_CASE("mib: get, getnext and the end of the view", "[snmp]") {
  auto tree = snmp::build_tree(two_interfaces());
  ax::Request get;
  get.header.type = ax::PduType::Get;
  get.ranges = {{kIfDescr1, false, {}},
                {{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 9}, false, {}},
                {{1, 3, 6, 1, 2, 1, 99}, false, {}}};
  auto a = snmp::answer(tree, get);
  REQUIRE(a.size() == 3);
  CHECK(a[0].value == snmp::Value::string("Adaptive Security Appliance 'outside' interface"));
  CHECK(a[1].value.type == Type::NoSuchInstance);
  CHECK(a[2].value.type == Type::NoSuchObject);

  ax::Request next;
  next.header.type = ax::PduType::GetNext;
  // ifInOctets.1 then ifInOctets.2; the Counter32 keeps the low 32 bits.
  next.ranges = {{{1, 3, 6, 1, 2, 1, 2, 2, 1, 10}, false, {}}};
  a = snmp::answer(tree, next);
  CHECK(a[0].name == Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1});
  CHECK(a[0].value == snmp::Value::counter32(5));
  // ifHCInOctets has all 64 bits.
  next.ranges = {{{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6}, false, {}}};
  CHECK(snmp::answer(tree, next)[0].value == snmp::Value::counter64((uint64_t{1} << 32) + 5));
  // An included start is answered itself; a bound stops the walk.
  next.ranges = {{kIfDescr1, true, {}}};
  CHECK(snmp::answer(tree, next)[0].name == kIfDescr1);
  next.ranges = {{kIfDescr1, false, {1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2}}};
  CHECK(snmp::answer(tree, next)[0].value.type == Type::EndOfMibView);
  next.ranges = {{{1, 3, 6, 1, 4, 1, 9, 9, 999}, false, {}}};
  CHECK(snmp::answer(tree, next)[0].value.type == Type::EndOfMibView);
}

TEST_CASE("mib: the tree is in OID order and holds the VPN counts", "[snmp]") {
  auto tree = snmp::build_tree(two_interfaces());
  CHECK(tree.at({1, 3, 6, 1, 2, 1, 2, 1, 0}) == snmp::Value::integer(2));
  CHECK(tree.at({1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 2}) == snmp::Value::string("inside"));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 392, 1, 3, 1, 0}) == snmp::Value::gauge32(1));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 1, 1, 0}) == snmp::Value::gauge32(1));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 5, 77}) ==
        snmp::Value::string(std::string("\xcb\x00\x71\x02", 4)));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 39, 77}) == snmp::Value::counter32(2000));
  // cipSecTunInPkts (.32) and cipSecTunOutPkts (.45).
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 32, 77}) == snmp::Value::counter32(10));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 45, 77}) == snmp::Value::counter32(20));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 9, 77}) == snmp::Value::integer(28800));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 10, 77}) == snmp::Value::integer(500));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 2, 3, 1, 8, 3}) ==
        snmp::Value::string(std::string("\xcb\x00\x71\x02", 4)));
  CHECK(tree.at({1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 2, 3, 1, 27, 3}) == snmp::Value::counter32(400));
  // Walking by getnext from the root visits every object once, in order.
  ax::Request next;
  next.header.type = ax::PduType::GetNext;
  next.ranges = {{{1, 3, 6, 1}, false, {}}};
  size_t visited = 0;
  Oid last;
  for (;;) {
    auto vb = snmp::answer(tree, next)[0];
    if (vb.value.type == Type::EndOfMibView) break;
    CHECK(last < vb.name);
    last = vb.name;
    next.ranges[0].start = vb.name;
    ++visited;
  }
  CHECK(visited == tree.size());
}

TEST_CASE("mib: getbulk repeats row by row and stops at the end of the view", "[snmp]") {
  auto tree = snmp::build_tree(two_interfaces());
  ax::Request bulk;
  bulk.header.type = ax::PduType::GetBulk;
  bulk.non_repeaters = 1;
  bulk.max_repetitions = 3;
  bulk.ranges = {{{1, 3, 6, 1, 2, 1, 2, 1}, false, {}},                    // ifNumber
                 {{1, 3, 6, 1, 2, 1, 2, 2, 1, 2}, false, {}},              // ifDescr column
                 {{1, 3, 6, 1, 4, 1, 9, 9, 392, 1, 6, 1, 0}, false, {}}};  // the last
  auto a = snmp::answer(tree, bulk);
  // 1 non-repeater, then 2 per repetition; the second range is at its end from the first
  // repetition, and the walk stops once every range is at its end (2 repetitions here).
  REQUIRE(a.size() == 1 + 2 * 3);
  CHECK(a[0].name == Oid{1, 3, 6, 1, 2, 1, 2, 1, 0});
  CHECK(a[1].name == kIfDescr1);
  CHECK(a[2].value.type == Type::EndOfMibView);
  CHECK(a[3].name == Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 2});
  CHECK(a[5].name == Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 3, 1});
}

TEST_CASE("mib: an answer never outgrows one response PDU", "[snmp]") {
  // 20 ranges x 64 repetitions of a full tree asked for 75 KB (found by agentx_pdu_fuzz): the
  // answer is shortened from its end so that the Response still parses (RFC 3416 4.2.3).
  auto tree = snmp::build_tree(two_interfaces());
  ax::Request bulk;
  bulk.header.type = ax::PduType::GetBulk;
  bulk.max_repetitions = 64;
  bulk.ranges.assign(20, {{1, 3, 6, 1, 2}, false, {}});
  auto a = snmp::answer(tree, bulk);
  size_t bytes = ax::kResponseFixed;
  for (const auto& vb : a) bytes += ax::encoded_size(vb);
  CHECK(bytes <= ax::kMaxPayload);
  CHECK(a.size() > 1000);  // shortened, not emptied
  auto back = ax::parse(ax::response_pdu(bulk.header, ax::Error::NoError, 0, a));
  REQUIRE(back);
  CHECK(back->varbinds == a);
}

TEST_CASE("mib: a Get or GetNext too big for one PDU is answered tooBig", "[snmp]") {
  // RFC 3416 4.2.1: a Get is answered whole or not at all. 1,000 ifDescr instances (each about
  // 100 bytes answered) do not fit 64 KB; the master is told tooBig, error-index 0, no varbinds.
  auto tree = snmp::build_tree(two_interfaces());
  ax::Request get;
  get.header.type = ax::PduType::Get;
  get.ranges.assign(1000, {kIfDescr1, false, {}});
  CHECK(snmp::answer(tree, get).size() < 1000);
  auto r = snmp::respond(tree, get);
  CHECK(r.error == ax::Error::TooBig);
  CHECK(r.varbinds.empty());
  auto back = ax::parse(ax::response_pdu(get.header, r.error, 0, r.varbinds));
  REQUIRE(back);
  CHECK(back->error == ax::Error::TooBig);
  // The same for GetNext; a few ranges are answered whole.
  get.header.type = ax::PduType::GetNext;
  CHECK(snmp::respond(tree, get).error == ax::Error::TooBig);
  get.ranges.resize(10);
  r = snmp::respond(tree, get);
  CHECK(r.error == ax::Error::NoError);
  CHECK(r.varbinds.size() == 10);
  // A GetBulk is shortened instead (the test above).
  get.header.type = ax::PduType::GetBulk;
  get.max_repetitions = 64;
  get.ranges.assign(20, {{1, 3, 6, 1, 2}, false, {}});
  r = snmp::respond(tree, get);
  CHECK(r.error == ax::Error::NoError);
  CHECK(r.varbinds.size() > 1000);
}

TEST_CASE("mib: tunnel notifications carry snmpTrapOID first", "[snmp]") {
  auto start = snmp::tunnel_start_varbinds(77, 28800, 4608000);
  REQUIRE(start.size() == 3);
  CHECK(start[0].name == ax::kSnmpTrapOid);
  CHECK(start[0].value == snmp::Value::object(snmp::kCipSecTunnelStart));
  CHECK(start[1].name == Oid{1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 9, 77});  // LifeTime
  CHECK(start[2].name == Oid{1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 8, 77});  // LifeSize
  auto stop = snmp::tunnel_stop_varbinds(77, 500);
  CHECK(stop[1] == snmp::VarBind{{1, 3, 6, 1, 4, 1, 9, 9, 171, 1, 3, 2, 1, 10, 77},
                                 snmp::Value::integer(500)});
  CHECK(stop[0].value == snmp::Value::object(snmp::kCipSecTunnelStop));
  auto down = snmp::link_varbinds(3, true, false);
  REQUIRE(down.size() == 4);
  CHECK(down[0].value == snmp::Value::object(snmp::kLinkDown));
  CHECK(down[1] == snmp::VarBind{{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3}, snmp::Value::integer(3)});
  CHECK(down[2] == snmp::VarBind{{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 3}, snmp::Value::integer(1)});
  CHECK(down[3] == snmp::VarBind{{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 3}, snmp::Value::integer(2)});
  CHECK(snmp::link_varbinds(3, true, true)[0].value == snmp::Value::object(snmp::kLinkUp));
  auto warm = snmp::warm_start_varbinds();
  REQUIRE(warm.size() == 1);
  CHECK(warm[0] ==
        snmp::VarBind{ax::kSnmpTrapOid, snmp::Value::object(Oid{1, 3, 6, 1, 6, 3, 1, 1, 5, 2})});
  auto pdu = ax::parse(ax::notify_pdu(1, 2, stop));
  REQUIRE(pdu);
  CHECK(pdu->header.type == ax::PduType::Notify);
}

TEST_CASE("mib: ciscoRasTooManySessions carries the counts, the capacity and the threshold",
          "[snmp][session-limit]") {
  snmp::Snapshot s = two_interfaces();
  s.l2l_sessions = 1;
  s.ra_users = 1;
  s.max_sessions = 2;
  const Oid cras = {1, 3, 6, 1, 4, 1, 9, 9, 392};
  auto at = [&](std::initializer_list<uint32_t> tail) {
    Oid o = cras;
    o.insert(o.end(), tail);
    return o;
  };
  // OIDs and types as CISCO-REMOTE-ACCESS-MONITOR-MIB defines them: the notification is
  // ciscoRasMonitorMIBNotifs.1, its OBJECTS in its order (two Gauge32, three Integer32).
  auto v = snmp::too_many_sessions_varbinds(s);
  REQUIRE(v.size() == 6);
  CHECK(v[0] ==
        snmp::VarBind{ax::kSnmpTrapOid, snmp::Value::object({1, 3, 6, 1, 4, 1, 9, 9, 392, 0, 1})});
  CHECK(v[1] == snmp::VarBind{at({1, 3, 1, 0}), snmp::Value::gauge32(2)});  // crasNumSessions
  CHECK(v[2] == snmp::VarBind{at({1, 3, 3, 0}), snmp::Value::gauge32(1)});  // crasNumUsers
  CHECK(v[3] == snmp::VarBind{at({1, 1, 1, 0}), snmp::Value::integer(2)});  // MaxSessionsSupp.
  CHECK(v[4] == snmp::VarBind{at({1, 1, 2, 0}), snmp::Value::integer(2)});  // MaxUsersSupp.
  CHECK(v[5] == snmp::VarBind{at({1, 6, 1, 0}), snmp::Value::integer(2)});  // crasThrMaxSessions
  // The same objects are polled; without a limit they say 0, the MIB's "none".
  auto tree = snmp::build_tree(s);
  for (size_t i = 1; i < v.size(); ++i) CHECK(tree.at(v[i].name) == v[i].value);
  auto none = snmp::build_tree(two_interfaces());
  CHECK(none.at(at({1, 1, 1, 0})) == snmp::Value::integer(0));
  CHECK(none.at(at({1, 6, 1, 0})) == snmp::Value::integer(0));
  s.max_sessions = 0xffffffffu;  // past Integer32: its most
  CHECK(snmp::build_tree(s).at(at({1, 6, 1, 0})) == snmp::Value::integer(0x7fffffff));
}

TEST_CASE("session threshold: one trap per episode at the limit, at most one a minute",
          "[snmp][session-limit]") {
  snmp::SessionThreshold t;
  CHECK_FALSE(t.due(5, std::nullopt, 100));  // the first look learns the count: no news
  CHECK(t.due(6, std::nullopt, 101));        // a session refused: the trap
  CHECK(t.disarmed());
  // A flood of refused clients while the box stays full: nothing more.
  uint64_t refused = 6;
  for (uint64_t now = 102; now < 400; ++now) CHECK_FALSE(t.due(++refused, false, now));
  // Below the limit again: re-armed, and the next refusal is news.
  CHECK_FALSE(t.due(refused, true, 400));
  CHECK_FALSE(t.disarmed());
  CHECK(t.due(++refused, std::nullopt, 401));
  // Sessions going up and down around the limit: not more than one trap in a minute.
  CHECK_FALSE(t.due(refused, true, 402));
  CHECK_FALSE(t.due(++refused, std::nullopt, 403));
  CHECK_FALSE(t.due(++refused, std::nullopt, 460));
  CHECK(t.due(++refused, std::nullopt, 461));
  // Refusals while nobody listened are no news when someone does again.
  CHECK_FALSE(t.due(refused, true, 600));
  t.forget();
  refused += 100;
  CHECK_FALSE(t.due(refused, std::nullopt, 601));
  CHECK(t.due(++refused, std::nullopt, 602));
}

TEST_CASE("ber: a v2c GetRequest as X.690 lays it out", "[snmp]") {
  // SEQUENCE { INTEGER 1, OCTET STRING "ab", GetRequest { id 300, 0, 0,
  //   { { 1.3.6.1.2.1.11.1.0, NULL } } } }
  auto m = snmp::ber::get_request("ab", 300, {{1, 3, 6, 1, 2, 1, 11, 1, 0}});
  const std::vector<uint8_t> want = {0x30, 0x23, 0x02, 0x01, 0x01, 0x04, 0x02, 'a',  'b',  0xa0,
                                     0x1a, 0x02, 0x02, 0x01, 0x2c, 0x02, 0x01, 0x00, 0x02, 0x01,
                                     0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01,
                                     0x02, 0x01, 0x0b, 0x01, 0x00, 0x05, 0x00};
  CHECK(m == want);
  CHECK(snmp::ber::message_size(m.data(), m.size()) == m.size());
  CHECK(snmp::ber::message_size(m.data(), m.size() - 1) == 0);
}

TEST_CASE("ber: a Response's counters; other requests, errors and bad encodings refused",
          "[snmp]") {
  // Response id 7: snmpInPkts.0 = Counter32 200 (two octets, leading zero), an OID of a
  // multi-octet arc = Counter64 2^32, and a noSuchObject left out.
  const std::vector<uint8_t> r = {
      0x30, 0x3a, 0x02, 0x01, 0x01, 0x04, 0x02, 0x61, 0x62, 0xa2, 0x31, 0x02, 0x01, 0x07, 0x02,
      0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x26, 0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02,
      0x01, 0x0b, 0x01, 0x00, 0x41, 0x02, 0x00, 0xc8, 0x30, 0x0c, 0x06, 0x03, 0x2b, 0x81, 0x00,
      0x46, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x30, 0x06, 0x06, 0x02, 0x2b, 0x06, 0x80, 0x00};
  auto v = snmp::ber::parse_response(r.data(), r.size(), 7);
  REQUIRE(v);
  CHECK(v->size() == 2);
  CHECK(v->at({1, 3, 6, 1, 2, 1, 11, 1, 0}) == 200);
  CHECK(v->at({1, 3, 128}) == (uint64_t{1} << 32));
  CHECK_FALSE(snmp::ber::parse_response(r.data(), r.size(), 8));  // another request's
  for (size_t cut = 1; cut < r.size(); ++cut)
    CHECK_FALSE(snmp::ber::parse_response(r.data(), r.size() - cut, 7));
  auto err = r;
  err[16] = 0x05;  // error-status genErr
  CHECK_FALSE(snmp::ber::parse_response(err.data(), err.size(), 7));
}

TEST_CASE("statistics: rampartd's own queries are not counted; the ASA's layout", "[snmp]") {
  std::map<snmp::Oid, uint64_t> v;
  auto at = [&](uint32_t c, uint64_t n) { v[{1, 3, 6, 1, 2, 1, 11, c, 0}] = n; };
  // Two queries of ours before this one (17 variables each), this one counted in as a packet
  // and a Get; managers sent 5 Gets, 4 GetNexts, 2 GetBulks and 1 bad community.
  at(1, 2 + 1 + 5 + 4 + 2 + 1);
  at(2, 2 + 11);
  at(4, 1);
  at(13, 2 * 17 + 40);
  at(15, 2 + 1 + 5);
  at(16, 4);
  at(28, 2 + 11);
  at(29, 3);
  auto s = snmp::statistics_from(v, 2);
  CHECK(s.in_packets == 12);
  CHECK(s.get_requests == 5);
  CHECK(s.get_nexts == 4);
  CHECK(s.get_bulks == 2);
  CHECK(s.bad_community_names == 1);
  CHECK(s.requested_variables == 40);
  CHECK(s.out_packets == 11);
  CHECK(s.responses == 11);
  CHECK(s.traps == 3);
  // Fewer than ours (snmpd restarted under us): never below zero.
  CHECK(snmp::statistics_from({}, 5) == snmp::Statistics{});
  snmp::Statistics sum = s;
  sum += s;
  CHECK(sum.in_packets == 24);
  CHECK(sum.traps == 6);
  CHECK(snmp::render_statistics(s) ==
        "12 SNMP packets input\n"
        "    0 Bad SNMP version errors\n"
        "    1 Unknown community name\n"
        "    0 Illegal operation for community name supplied\n"
        "    0 Encoding errors\n"
        "    40 Number of requested variables\n"
        "    0 Number of altered variables\n"
        "    5 Get-request PDUs\n"
        "    4 Get-next PDUs\n"
        "    2 Get-bulk PDUs\n"
        "    0 Set-request PDUs (Not supported)\n"
        "11 SNMP packets output\n"
        "    0 Too big errors (Maximum packet size 1500)\n"
        "    0 No such name errors\n"
        "    0 Bad values errors\n"
        "    0 General errors\n"
        "    11 Response PDUs\n"
        "    3 Trap PDUs\n");
}

TEST_CASE("snmp-server lines: model, masked secrets, ASA errors", "[snmp]") {
  Console con;
  con.cfg().interfaces["GigabitEthernet0/1"].nameif = "inside";
  con.cfg().interfaces["GigabitEthernet0/1"].address = config::Ipv4{0xc6336401};
  CHECK(con.run("snmp-server group NMS v3 priv\n"
                "snmp-server user ops NMS v3 auth sha authpass1 priv aes 128 privpass1\n"
                "snmp-server host inside 198.51.100.50 poll community s3cret version 2c\n"
                "snmp-server host inside 198.51.100.51 version 3 ops\n"
                "snmp-server host inside 198.51.100.52 trap community t3rap udp-port 1162\n"
                "snmp-server location Rack 4, row 2\n"
                "snmp-server contact noc@example.com\n"
                "snmp-server community gl0bal\n"
                "snmp-server enable traps ipsec start stop\n"
                "snmp-server enable traps snmp linkup\n")
            .empty());
  std::string shown = con.section({"snmp-server"});
  CHECK(shown ==
        "snmp-server group NMS v3 priv\n"
        "snmp-server user ops NMS v3 auth sha ***** priv aes 128 *****\n"
        "snmp-server host inside 198.51.100.50 poll community ***** version 2c\n"
        "snmp-server host inside 198.51.100.51 version 3 ops\n"
        "snmp-server host inside 198.51.100.52 trap community ***** udp-port 1162\n"
        "snmp-server location Rack 4, row 2\n"
        "snmp-server contact noc@example.com\n"
        "snmp-server community *****\n"
        "snmp-server enable traps snmp linkup\n"
        "snmp-server enable traps ipsec start stop\n");
  for (const char* secret : {"s3cret", "t3rap", "gl0bal", "authpass1", "privpass1"})
    CHECK(shown.find(secret) == std::string::npos);
  // Bad input: the ASA's words, counted.
  auto before = con.app.counters();
  CHECK(con.run("snmp-server host dmz 198.51.100.9\n") ==
        "ERROR: 'dmz' is not a valid interface name\n");
  CHECK(con.run("snmp-server host inside 198.51.100.9 version 4\n").find("Invalid input") !=
        std::string::npos);
  CHECK(con.run("snmp-server host inside 198.51.100.9 version 3\n") ==
        "ERROR: % Incomplete command\n");
  CHECK(con.run("snmp-server user bob NOPE v3\n") == "ERROR: Group NOPE does not exist\n");
  CHECK(con.run("snmp-server user bob NMS v3 auth md5 short\n") ==
        "ERROR: Authentication password must be at least 8 characters\n");
  CHECK(con.run("snmp-server community bad\"quote\n").starts_with("ERROR: "));
  auto after = con.app.counters();
  CHECK(after.rejected == before.rejected + 4);
  CHECK(after.invalid_input == before.invalid_input + 1);
  CHECK(after.incomplete == before.incomplete + 1);
  // no forms.
  CHECK(con.run("no snmp-server host inside 198.51.100.52\n"
                "no snmp-server enable traps ipsec stop\n"
                "no snmp-server location\n"
                "no snmp-server community\n"
                "no snmp-server enable\n")
            .empty());
  shown = con.section({"snmp-server", "no snmp-server"});
  CHECK(shown.find("198.51.100.52") == std::string::npos);
  CHECK(shown.find("snmp-server enable traps ipsec start\n") != std::string::npos);
  CHECK(shown.find("location") == std::string::npos);
  CHECK(shown.find("no snmp-server enable\n") != std::string::npos);
}

TEST_CASE("snmp-server user: the command accounting (111008) masks the USM passwords", "[snmp]") {
  CHECK(logging::mask_secrets("snmp-server user ops NMS v3 auth sha Auth-Pass-1 priv aes 128 "
                              "Priv-Pass-1") ==
        "snmp-server user ops NMS v3 auth sha ***** priv aes 128 *****");
  CHECK(
      logging::mask_secrets("snmp-server user ops NMS v3 auth md5 AuthPass1 priv 3des PrivPass1") ==
      "snmp-server user ops NMS v3 auth md5 ***** priv 3des *****");
  CHECK(logging::mask_secrets("snmp-server host inside 192.0.2.1 community c0mm version 2c") ==
        "snmp-server host inside 192.0.2.1 community ***** version 2c");
}

TEST_CASE("snmpd.conf: listens and answers only as configured; secrets only here", "[snmp]") {
  Console con;
  con.cfg().interfaces["GigabitEthernet0/1"].nameif = "inside";
  con.cfg().interfaces["GigabitEthernet0/1"].address = config::Ipv4{0xc6336401};  // .100.1
  con.run(
      "snmp-server group NMS v3 priv\n"
      "snmp-server user ops NMS v3 auth sha authpass1 priv aes 128 privpass1\n"
      "snmp-server host inside 198.51.100.50 poll community s3cret version 2c\n"
      "snmp-server host inside 198.51.100.51 version 3 ops\n"
      "snmp-server host inside 198.51.100.52 trap community t3rap udp-port 1162\n");
  snmp::SnmpdPaths p{"/run/x"};
  std::string conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "selfS3cret");
  CHECK(conf.find("agentAddress unix:/run/x/query.sock,udp:198.51.100.1:161\n") !=
        std::string::npos);
  // rampartd's own community: on the unix socket only, for the snmp group only.
  CHECK(conf.find("com2secunix self /run/x/query.sock \"selfS3cret\"\n") != std::string::npos);
  CHECK(conf.find("access gself \"\" v2c noauth exact stats none none\n") != std::string::npos);
  CHECK(conf.find("view stats included .1.3.6.1.2.1.11\n") != std::string::npos);
  CHECK(conf.find("selfS3cret") == conf.rfind("selfS3cret"));
  CHECK(conf.find("agentXSocket unix:/run/x/agentx.sock\n") != std::string::npos);
  CHECK(conf.find("com2sec s1 198.51.100.50/32 \"s3cret\"\n") != std::string::npos);
  CHECK(conf.find("group g1 v2c s1\n") != std::string::npos);
  CHECK(conf.find("createUser \"ops\" SHA \"authpass1\" AES \"privpass1\"\n") != std::string::npos);
  CHECK(conf.find("access g2 \"\" usm priv exact asa none none\n") != std::string::npos);
  // Trap-only hosts get notifications and no access; polling-only hosts no notifications.
  CHECK(conf.find("trap2sink 198.51.100.52:1162") == std::string::npos);
  CHECK(conf.find("trapsink -profile asa 198.51.100.52:1162 t3rap\n") != std::string::npos);
  CHECK(conf.find("198.51.100.52/32") == std::string::npos);
  CHECK(conf.find("asa 198.51.100.50") == std::string::npos);
  // No "snmp-server enable traps snmp ...": snmpd's coldStart, authenticationFailure and
  // net-snmp's own notifications are filtered out, and authentication failures not counted as
  // traps at all.
  CHECK(conf.find("notificationFilter asa .1.3 0xffff included\n") != std::string::npos);
  for (const char* oid : {".1.3.6.1.6.3.1.1.5.1 ", ".1.3.6.1.6.3.1.1.5.3 ", ".1.3.6.1.6.3.1.1.5.4 ",
                          ".1.3.6.1.6.3.1.1.5.5 ", ".1.3.6.1.4.1.8072 "})
    CHECK(conf.find(fmt::format("notificationFilter asa {}0xffff excluded\n", oid)) !=
          std::string::npos);
  CHECK(conf.find("authtrapenable 2\n") != std::string::npos);
  con.run("snmp-server enable traps snmp linkup coldstart\n");
  conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "selfS3cret");
  CHECK(conf.find("asa .1.3.6.1.6.3.1.1.5.1 ") == std::string::npos);
  CHECK(conf.find("asa .1.3.6.1.6.3.1.1.5.4 ") == std::string::npos);
  CHECK(conf.find("asa .1.3.6.1.6.3.1.1.5.3 0xffff excluded\n") != std::string::npos);
  CHECK(conf.find("asa .1.3.6.1.4.1.8072 0xffff excluded\n") != std::string::npos);
  // An snmpd started again while the box runs: its coldStart held back all the same, the rest
  // as configured.
  conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "selfS3cret", false);
  CHECK(conf.find("asa .1.3.6.1.6.3.1.1.5.1 0xffff excluded\n") != std::string::npos);
  CHECK(conf.find("asa .1.3.6.1.6.3.1.1.5.4 ") == std::string::npos);
  CHECK(snmp::snmpd_wanted(con.cfg()));
  con.run("no snmp-server enable\n");
  CHECK_FALSE(snmp::snmpd_wanted(con.cfg()));
}

TEST_CASE("snmpd.conf: a v3 user with 3des privacy is kept but never served, with a warning",
          "[snmp]") {
  // net-snmp's USM has no 3DES: the user must not reach snmpd quietly as DES (a weaker cipher
  // than configured), nor be dropped from the configuration an ASA's startup-config carries.
  Console con;
  con.cfg().interfaces["GigabitEthernet0/1"].nameif = "inside";
  con.cfg().interfaces["GigabitEthernet0/1"].address = config::Ipv4{0xc6336401};
  CHECK(con.run("snmp-server group NMS v3 priv\n"
                "snmp-server user old NMS v3 auth sha authpass1 priv 3des privpass1\n") ==
        "WARNING: 3DES privacy is not available on this platform; user old will not be served "
        "until it uses des or aes\n");
  con.run("snmp-server host inside 198.51.100.51 version 3 old\n");
  CHECK(con.section({"snmp-server user"}) ==
        "snmp-server user old NMS v3 auth sha ***** priv 3des *****\n");
  snmp::SnmpdPaths p{"/run/x"};
  std::string conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "self");
  CHECK(conf.find("\"old\"") == std::string::npos);  // no createUser, no VACM group
  CHECK(conf.find("-u old") == std::string::npos);   // no trap session
  CHECK(conf.find("privpass1") == std::string::npos);
  CHECK(conf.find(" DES ") == std::string::npos);
  // Changed to AES, it is served.
  CHECK(con.run("snmp-server user old NMS v3 auth sha authpass1 priv aes 256 privpass1\n").empty());
  conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "self");
  CHECK(conf.find("createUser \"old\" SHA \"authpass1\" AES256 \"privpass1\"\n") !=
        std::string::npos);
}

TEST_CASE("snmpd.conf: a v3 user is known to snmpd only when a host line names it", "[snmp]") {
  // ASA: "snmp-server user" defines a user, "snmp-server host IF ADDR version 3 USER" lets a
  // host use it. A user on no host line must not be usable from anywhere.
  Console con;
  con.cfg().interfaces["GigabitEthernet0/1"].nameif = "inside";
  con.cfg().interfaces["GigabitEthernet0/1"].address = config::Ipv4{0xc6336401};
  con.run(
      "snmp-server group NMS v3 priv\n"
      "snmp-server user ops NMS v3 auth sha authpass1 priv aes 128 privpass1\n"
      "snmp-server user spare NMS v3 auth sha sparepass1 priv aes 128 sparepriv1\n"
      "snmp-server user traps NMS v3 auth sha trappass1 priv aes 128 trappriv1\n"
      "snmp-server host inside 198.51.100.51 poll version 3 ops\n"
      "snmp-server host inside 198.51.100.52 trap version 3 traps\n");
  snmp::SnmpdPaths p{"/run/x"};
  std::string conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "self");
  CHECK(conf.find("createUser \"ops\" SHA") != std::string::npos);
  CHECK(conf.find("group g1 usm \"ops\"\n") != std::string::npos);
  // On no host line: not in snmpd at all (unknown user name, no password oracle).
  CHECK(conf.find("spare") == std::string::npos);
  // On a trap line only: its notifications, and no VACM group, so no poll reads anything.
  CHECK(conf.find("trapsess -profile asa -v 3 -u traps ") != std::string::npos);
  CHECK(conf.find("usm \"traps\"") == std::string::npos);
  // Named on a polling line later, it is served.
  con.run("snmp-server host inside 198.51.100.53 poll version 3 spare\n");
  conf = snmp::snmpd_conf(con.cfg(), p, "9.8(4)", "self");
  CHECK(conf.find("createUser \"spare\" SHA \"sparepass1\" AES \"sparepriv1\"\n") !=
        std::string::npos);
}

TEST_CASE("snmp rules: each interface admits its own polling hosts in their version", "[snmp]") {
  Console con;
  auto& in = con.cfg().interfaces["GigabitEthernet0/1"];
  in.nameif = "inside";
  in.address = config::Ipv4{0xc0000201};  // 192.0.2.1
  auto& out = con.cfg().interfaces["GigabitEthernet0/0"];
  out.nameif = "outside";
  out.address = config::Ipv4{0xc6336401};                     // 198.51.100.1
  con.cfg().interfaces["GigabitEthernet0/2"].nameif = "dmz";  // no address: nothing listens
  con.run(
      "snmp-server group NMS v3 priv\n"
      "snmp-server user ops NMS v3 auth sha authpass1 priv aes 128 privpass1\n"
      "snmp-server user old NMS v3 auth sha authpass1 priv 3des privpass1\n"
      "snmp-server host inside 192.0.2.10 poll community s3cret version 2c\n"
      "snmp-server host inside 192.0.2.11 community s3cret version 2c\n"
      "snmp-server host inside 192.0.2.12 poll version 3 ops\n"
      "snmp-server host inside 192.0.2.13 poll version 3 old\n"        // 3des: not served
      "snmp-server host inside 192.0.2.14 trap community t3rap\n"      // trap only
      "snmp-server host outside 198.51.100.9 poll community s3cret\n"  // version 1
      "snmp-server host dmz 192.0.2.99 poll community s3cret version 2c\n");
  auto dev = [](const std::string& hw) { return hw == "GigabitEthernet0/1" ? "eth1" : "eth0"; };
  using B = platform::SnmpBinding;
  CHECK(snmp::snmp_bindings(con.cfg(), dev) ==
        std::vector<B>{{"198.51.100.1", {"eth0", "eth0-vpn"}, {"198.51.100.9"}, 0},
                       {"192.0.2.1", {"eth1", "eth1-vpn"}, {"192.0.2.10", "192.0.2.11"}, 1},
                       {"192.0.2.1", {"eth1", "eth1-vpn"}, {"192.0.2.12"}, 3}});
  // The script: an accept per message header form, then one counted drop for the rest.
  std::string s = platform::snmp_rules_script(
      {{"192.0.2.1", {"eth1", "eth1-vpn"}, {"192.0.2.10", "192.0.2.11"}, 1}});
  CHECK(s ==
        "add table ip rampart_snmp\n"
        "add counter ip rampart_snmp refused\n"
        "add counter ip rampart_snmp v3_unchecked\n"
        "add chain ip rampart_snmp input\n"
        "delete chain ip rampart_snmp input\n"
        "add chain ip rampart_snmp v3_user\n"
        "delete chain ip rampart_snmp v3_user\n"
        "add chain ip rampart_snmp v3_user\n"
        "add rule ip rampart_snmp v3_user counter name v3_unchecked drop\n"
        "add chain ip rampart_snmp input { type filter hook input priority -290 ; policy accept ; "
        "}\n"
        "add rule ip rampart_snmp input ip daddr 192.0.2.1 udp dport 161 iifname { \"eth1\", "
        "\"eth1-vpn\" } ip saddr { 192.0.2.10, 192.0.2.11 } @th,64,8 0x30 @th,72,8 < 0x80 "
        "@th,80,24 0x020101 accept\n"
        "add rule ip rampart_snmp input ip daddr 192.0.2.1 udp dport 161 iifname { \"eth1\", "
        "\"eth1-vpn\" } ip saddr { 192.0.2.10, 192.0.2.11 } @th,64,16 0x3081 @th,88,24 0x020101 "
        "accept\n"
        "add rule ip rampart_snmp input ip daddr 192.0.2.1 udp dport 161 iifname { \"eth1\", "
        "\"eth1-vpn\" } ip saddr { 192.0.2.10, 192.0.2.11 } @th,64,16 0x3082 @th,96,24 0x020101 "
        "accept\n"
        "add rule ip rampart_snmp input udp dport 161 counter name refused drop\n");
  // Version 3: the same matches, but the request goes to the chain of rampartd's user check.
  std::string v3 = platform::snmp_rules_script({{"192.0.2.1", {"eth1"}, {"192.0.2.12"}, 3}});
  CHECK(v3.find("@th,80,24 0x020103 goto v3_user\n") != std::string::npos);
  CHECK(v3.find(" accept\n") == std::string::npos);
  // The user check's table: the v3 polling host that snmpd serves, with its line's user.
  CHECK(snmp::v3_polling_users(con.cfg()) ==
        snmp::V3Gate::Users{{{0xc0000201, 0xc000020c}, "ops"}});
  // SNMP off, or no polling host: the table goes.
  std::string off = "add table ip rampart_snmp\ndelete table ip rampart_snmp\n";
  CHECK(platform::snmp_rules_script({}) == off);
  con.run("no snmp-server enable\n");
  CHECK(snmp::snmp_bindings(con.cfg(), dev).empty());
  CHECK(snmp::v3_polling_users(con.cfg()).empty());
  con.run("snmp-server enable\n");
  CHECK(snmp::snmp_bindings(con.cfg(), dev).size() == 3);
  // An interface's address changes: the rules follow it.
  in.address = config::Ipv4{0xc0000202};
  CHECK(snmp::snmp_bindings(con.cfg(), dev)[1].address == "192.0.2.2");
}

// SNMPv3 messages as net-snmp's snmpget sends them (captured from snmpget 5.9.3 to a local
// socket): the discovery probe, with no user and no engine ID, and a GetRequest of user "ops"
// (authPriv, SHA and AES) to engine 80001f888012345678.
std::vector<uint8_t> from_hex(std::string_view h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}
const std::vector<uint8_t> kDiscovery = from_hex(
    "303e020103301102041c07efc8020300ffe30401040201030410300e0400020100020100040004000400301404"
    "000400a00e0204049f89d80201000201003000");
const std::vector<uint8_t> kOpsGet = from_hex(
    "30770201033011020413ac4029020300ffe30401070201030430302e040980001f88801234567802010002010004"
    "036f7073040c726cdc8b2565347f27adc21b04084684ca9f8658eaae042d5df92300b93890a53b720ad6557b99ee"
    "6e32f069cb5d69e18b7146dbb5cd27db59348b83051f1c3c50b40b3e24");

TEST_CASE("v3 gate: msgUserName of net-snmp's messages; other versions and encodings refused",
          "[snmp]") {
  CHECK(snmp::usm_user_name(kDiscovery).value() == "");
  CHECK(snmp::usm_user_name(kOpsGet).value() == "ops");
  // Only the headers are read: a message cut just after the user name still names it.
  auto cut = std::vector<uint8_t>(kOpsGet.begin(), kOpsGet.begin() + 50);
  CHECK(snmp::usm_user_name(cut).value() == "ops");
  cut.pop_back();  // the name itself cut short
  CHECK(!snmp::usm_user_name(cut));
  // A v2c GetRequest: msgVersion 1.
  CHECK(snmp::usm_user_name(snmp::ber::get_request("public", 1, {Oid{1, 3, 6, 1}})).error() ==
        "not SNMPv3");
  // Another security model (msgSecurityModel's value is the byte before msgSecurityParameters).
  auto model = kOpsGet;
  model[23] = 2;
  CHECK(snmp::usm_user_name(model).error() == "not the USM security model");
  // A name of 33 octets: over SnmpAdminString's 32.
  // (The message cut before its user name, the lengths around it stretched to hold it.)
  std::vector<uint8_t> long_name(kOpsGet.begin(), kOpsGet.begin() + 45);
  long_name[25] = long_name[27] = 0x7f;
  long_name.insert(long_name.end(), {0x04, 33});
  long_name.insert(long_name.end(), 33, 'a');
  CHECK(snmp::usm_user_name(long_name).error() == "bad msgUserName");
  // Lengths that point past the bytes, or in more than four octets.
  for (auto bad : {from_hex("3084ffffffff020103"), from_hex("3085000000000102"), from_hex("30"),
                   from_hex("3003020103"), from_hex("30050201033000")})
    CHECK(!snmp::usm_user_name(bad));
}

TEST_CASE("v3 gate: a host polls with its own line's user only", "[snmp]") {
  const uint32_t itf = 0xc0000201, host = 0xc000020c, other = 0xc000020d;
  snmp::V3Gate gate({{{itf, host}, "ops"}, {{itf, other}, "audit"}});
  using V = snmp::V3Gate::Verdict;
  CHECK(gate.judge(itf, host, kOpsGet) == V::Admitted);
  CHECK(gate.judge(itf, host, kDiscovery) == V::Admitted);
  CHECK(gate.judge(itf, other, kOpsGet) == V::OtherUser);  // another line's user
  CHECK(gate.judge(itf, other, kDiscovery) == V::Admitted);
  CHECK(gate.judge(0xc6336401, host, kOpsGet) == V::OtherUser);    // not this interface's line
  CHECK(gate.judge(itf, 0xc0000263, kDiscovery) == V::OtherUser);  // no line at all
  CHECK(gate.judge(itf, host, from_hex("3003020101")) == V::Malformed);
}

TEST_CASE("nfqueue: the UDP datagram of an IPv4 packet", "[snmp]") {
  // 192.0.2.12:40000 -> 192.0.2.1:161, UDP length 8 + 3.
  auto pkt = from_hex("4500001f000000004011aaaac000020cc00002019c4000a1000b0000616263");
  platform::QueuedDatagram d;
  REQUIRE(platform::parse_udp4(pkt, d));
  CHECK(d.src == 0xc000020c);
  CHECK(d.dst == 0xc0000201);
  CHECK(d.sport == 40000);
  CHECK(d.dport == 161);
  CHECK(std::string(d.payload.begin(), d.payload.end()) == "abc");
  auto frag = pkt;
  frag[7] = 1;  // offset 8: not the first fragment
  CHECK(!platform::parse_udp4(frag, d));
  auto tcp = pkt;
  tcp[9] = 6;
  CHECK(!platform::parse_udp4(tcp, d));
  CHECK(!platform::parse_udp4(std::span(pkt).first(27), d));  // the UDP header cut short
}

}  // namespace
}  // namespace rampart::test::snmp_test
