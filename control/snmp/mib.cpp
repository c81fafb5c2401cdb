#include "control/snmp/mib.hpp"

#include <algorithm>

namespace rampart::snmp {

namespace {

const Oid kInterfaces = {1, 3, 6, 1, 2, 1, 2};          // IF-MIB interfaces group
const Oid kIfXEntry = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1};  // IF-MIB ifXEntry
const Oid kCras = {1, 3, 6, 1, 4, 1, 9, 9, 392};        // CISCO-REMOTE-ACCESS-MONITOR-MIB
const Oid kCipsec = {1, 3, 6, 1, 4, 1, 9, 9, 171};      // CISCO-IPSEC-FLOW-MONITOR-MIB

Oid join(const Oid& base, std::initializer_list<uint32_t> tail) {
  Oid o = base;
  o.insert(o.end(), tail);
  return o;
}

// RFC 2863: ifType ethernetCsmacd(6); ifAdminStatus/ifOperStatus up(1), down(2).
constexpr int32_t kEthernet = 6;
int32_t status(bool up) {
  return up ? 1 : 2;
}

// IPSIPAddress (CISCO-IPSEC-FLOW-MONITOR-MIB): an OCTET STRING of four, network order.
Value address(uint32_t a) {
  return Value::string(std::string{static_cast<char>(a >> 24), static_cast<char>(a >> 16),
                                   static_cast<char>(a >> 8), static_cast<char>(a)});
}

void add_interfaces(Tree& t, const std::vector<InterfaceRow>& rows) {
  t[join(kInterfaces, {1, 0})] = Value::integer(static_cast<int32_t>(rows.size()));
  const Oid entry = join(kInterfaces, {2, 1});
  for (size_t i = 0; i < rows.size(); ++i) {
    const InterfaceRow& r = rows[i];
    uint32_t ix = static_cast<uint32_t>(i + 1);
    auto col = [&](uint32_t c, Value v) { t[join(entry, {c, ix})] = std::move(v); };
    col(1, Value::integer(static_cast<int32_t>(ix)));
    col(2, Value::string(if_descr(r)));
    col(3, Value::integer(kEthernet));
    col(4, Value::integer(static_cast<int32_t>(r.mtu)));
    // ifSpeed is a Gauge32 in bits per second; past 4294967295 it stays there (ifHighSpeed).
    col(5, Value::gauge32(r.speed_mbps * 1'000'000));
    col(6, Value::string(r.mac));
    col(7, Value::integer(status(r.admin_up)));
    col(8, Value::integer(status(r.oper_up)));
    col(10, Value::counter32(r.in_octets));
    col(11, Value::counter32(r.in_packets));
    col(13, Value::counter32(r.in_discards));
    col(14, Value::counter32(r.in_errors));
    col(16, Value::counter32(r.out_octets));
    col(17, Value::counter32(r.out_packets));
    col(19, Value::counter32(r.out_discards));
    col(20, Value::counter32(r.out_errors));
    auto xcol = [&](uint32_t c, Value v) { t[join(kIfXEntry, {c, ix})] = std::move(v); };
    // ifName: the nameif [U: ASA walks show the nameif; no Cisco sample in the corpora].
    xcol(1, Value::string(r.nameif.empty() ? r.hw : r.nameif));
    xcol(6, Value::counter64(r.in_octets));
    xcol(7, Value::counter64(r.in_packets));
    xcol(10, Value::counter64(r.out_octets));
    xcol(11, Value::counter64(r.out_packets));
    xcol(15, Value::gauge32(r.speed_mbps));
  }
}

// The ciscoRasTooManySessions objects: the counts, the capacity and the threshold. Every
// user needs a session, so the session limit bounds the users too.
std::vector<VarBind> session_load(const Snapshot& s) {
  const int32_t max = static_cast<int32_t>(std::min<uint32_t>(s.max_sessions, 0x7fffffff));
  return {{join(kCras, {1, 3, 1, 0}), Value::gauge32(s.ra_sessions + s.l2l_sessions)},
          {join(kCras, {1, 3, 3, 0}), Value::gauge32(s.ra_users)},
          {join(kCras, {1, 1, 1, 0}), Value::integer(max)},   // crasMaxSessionsSupportable
          {join(kCras, {1, 1, 2, 0}), Value::integer(max)},   // crasMaxUsersSupportable
          {join(kCras, {1, 6, 1, 0}), Value::integer(max)}};  // crasThrMaxSessions
}

void add_sessions(Tree& t, const Snapshot& s) {
  for (auto& vb : session_load(s)) t[vb.name] = std::move(vb.value);  // crasNumSessions, ...
  const Oid activity = join(kCras, {1, 3});
  t[join(activity, {26, 0})] = Value::gauge32(s.ra_sessions);         // crasIPSecNumSessions
  t[join(activity, {29, 0})] = Value::gauge32(s.l2l_sessions);        // crasL2LNumSessions
  t[join(kCipsec, {1, 2, 1, 1, 0})] = Value::gauge32(s.ike_tunnels);  // cikeGlobalActiveTunnels
  const Oid ike_entry = join(kCipsec, {1, 2, 3, 1});
  for (const IkeRow& r : s.ike) {
    auto col = [&](uint32_t c, Value v) { t[join(ike_entry, {c, r.index})] = std::move(v); };
    col(4, address(r.local));                 // cikeTunLocalAddr
    col(8, address(r.remote));                // cikeTunRemoteAddr
    col(19, Value::counter32(r.in_octets));   // cikeTunInOctets
    col(27, Value::counter32(r.out_octets));  // cikeTunOutOctets
  }
  t[join(kCipsec, {1, 3, 1, 1, 0})] =
      Value::gauge32(s.tunnels.size());  // cipSecGlobalActiveTunnels
  const Oid entry = join(kCipsec, {1, 3, 2, 1});
  for (const TunnelRow& r : s.tunnels) {
    auto col = [&](uint32_t c, Value v) { t[join(entry, {c, r.index})] = std::move(v); };
    col(2, Value::integer(static_cast<int32_t>(r.ike_index)));       // cipSecTunIkeTunnelIndex
    col(3, Value::integer(1));                                       // cipSecTunIkeTunnelAlive true
    col(4, address(r.local));                                        // cipSecTunLocalAddr
    col(5, address(r.remote));                                       // cipSecTunRemoteAddr
    col(8, Value::integer(static_cast<int32_t>(r.life_kilobytes)));  // cipSecTunLifeSize
    col(9, Value::integer(static_cast<int32_t>(r.life_seconds)));    // cipSecTunLifeTime
    col(10, Value::integer(static_cast<int32_t>(
                std::min<uint64_t>(r.active_seconds * 100, 0x7fffffff))));  // cipSecTunActiveTime
    col(26, Value::counter32(r.in_octets));                                 // cipSecTunInOctets
    col(32, Value::counter32(r.in_packets));                                // cipSecTunInPkts
    col(39, Value::counter32(r.out_octets));                                // cipSecTunOutOctets
    col(45, Value::counter32(r.out_packets));                               // cipSecTunOutPkts
  }
}

// The first object after `start` (at it too with include) and before `end` (none: no bound).
VarBind next_in(const Tree& t, const Oid& start, bool include, const Oid& end) {
  auto it = include ? t.lower_bound(start) : t.upper_bound(start);
  if (it == t.end() || (!end.empty() && !(it->first < end)))
    return {start, Value::exception(Type::EndOfMibView)};
  return {it->first, it->second};
}

VarBind exact(const Tree& t, const Oid& name) {
  auto it = t.find(name);
  if (it != t.end()) return {name, it->second};
  // An instance of an object we have (a row that is not there) or no such object at all.
  // Known: another instance of the same object (same column, same length) exists.
  bool column_known = false;
  if (name.size() > 1) {
    Oid column(name.begin(), name.end() - 1);
    for (auto i = t.lower_bound(column);
         i != t.end() && oid_under(i->first, column) && !column_known; ++i)
      column_known = i->first.size() == name.size();
  }
  return {name, Value::exception(column_known ? Type::NoSuchInstance : Type::NoSuchObject)};
}

}  // namespace

std::string if_descr(const InterfaceRow& r) {
  return "Adaptive Security Appliance '" + (r.nameif.empty() ? r.hw : r.nameif) + "' interface";
}

const std::vector<Oid>& registered_subtrees() {
  static const std::vector<Oid> s = {kInterfaces, kIfXEntry, kCras, kCipsec};
  return s;
}

Tree build_tree(const Snapshot& s) {
  Tree t;
  add_interfaces(t, s.interfaces);
  add_sessions(t, s);
  return t;
}

std::vector<VarBind> answer(const Tree& t, const agentx::Request& q) {
  std::vector<VarBind> out;
  // One Response PDU holds kMaxPayload bytes, and a request of many ranges (a GetBulk's
  // repetitions above all) can ask for more: what does not fit is left off the end, as RFC 3416
  // 4.2.3 has an agent shorten a GetBulk answer, rather than a PDU snmpd would refuse whole.
  size_t room = agentx::kMaxPayload - agentx::kResponseFixed;
  auto fits = [&](VarBind vb) {
    size_t n = agentx::encoded_size(vb);
    if (n > room) return false;
    room -= n;
    out.push_back(std::move(vb));
    return true;
  };
  switch (q.header.type) {
    case agentx::PduType::Get:
      for (const auto& r : q.ranges)
        if (!fits(exact(t, r.start))) break;
      break;
    case agentx::PduType::GetNext:
      for (const auto& r : q.ranges)
        if (!fits(next_in(t, r.start, r.include, r.end))) break;
      break;
    case agentx::PduType::GetBulk: {
      // RFC 2741 7.2.3.3: the non-repeaters once, then the rest row by row, each repetition
      // going on from the previous answer, until max-repetitions or every one is at its end.
      size_t n = std::min<size_t>(q.non_repeaters, q.ranges.size());
      for (size_t i = 0; i < n; ++i)
        if (!fits(next_in(t, q.ranges[i].start, q.ranges[i].include, q.ranges[i].end))) return out;
      std::vector<agentx::Range> cur(q.ranges.begin() + static_cast<ptrdiff_t>(n), q.ranges.end());
      for (unsigned rep = 0; rep < q.max_repetitions && !cur.empty(); ++rep) {
        bool any = false;
        for (auto& r : cur) {
          VarBind vb = next_in(t, r.start, r.include, r.end);
          any = any || vb.value.type != Type::EndOfMibView;
          r.start = vb.name;
          r.include = false;
          if (!fits(std::move(vb))) return out;
        }
        if (!any) break;
      }
      break;
    }
    default:
      break;
  }
  return out;
}

Response respond(const Tree& t, const agentx::Request& q) {
  std::vector<VarBind> vbs = answer(t, q);
  bool whole = q.header.type == agentx::PduType::Get || q.header.type == agentx::PduType::GetNext;
  if (whole && vbs.size() < q.ranges.size()) return {agentx::Error::TooBig, {}};
  return {agentx::Error::NoError, std::move(vbs)};
}

std::vector<VarBind> tunnel_start_varbinds(uint32_t index, uint32_t life_seconds,
                                           uint32_t life_kilobytes) {
  const Oid entry = join(kCipsec, {1, 3, 2, 1});
  return {{agentx::kSnmpTrapOid, Value::object(kCipSecTunnelStart)},
          {join(entry, {9, index}), Value::integer(static_cast<int32_t>(life_seconds))},
          {join(entry, {8, index}), Value::integer(static_cast<int32_t>(life_kilobytes))}};
}

std::vector<VarBind> tunnel_stop_varbinds(uint32_t index, uint32_t active_hundredths) {
  const Oid entry = join(kCipsec, {1, 3, 2, 1});
  return {
      {agentx::kSnmpTrapOid, Value::object(kCipSecTunnelStop)},
      {join(entry, {10, index}),
       Value::integer(static_cast<int32_t>(std::min<uint32_t>(active_hundredths, 0x7fffffff)))}};
}

std::vector<VarBind> too_many_sessions_varbinds(const Snapshot& s) {
  std::vector<VarBind> out{{agentx::kSnmpTrapOid, Value::object(kCiscoRasTooManySessions)}};
  for (auto& vb : session_load(s)) out.push_back(std::move(vb));
  return out;
}

std::vector<VarBind> link_varbinds(uint32_t if_index, bool admin_up, bool oper_up) {
  const Oid entry = join(kInterfaces, {2, 1});
  return {{agentx::kSnmpTrapOid, Value::object(oper_up ? kLinkUp : kLinkDown)},
          {join(entry, {1, if_index}), Value::integer(static_cast<int32_t>(if_index))},
          {join(entry, {7, if_index}), Value::integer(status(admin_up))},
          {join(entry, {8, if_index}), Value::integer(status(oper_up))}};
}

std::vector<VarBind> warm_start_varbinds() {
  const Oid warm_start = {1, 3, 6, 1, 6, 3, 1, 1, 5, 2};
  return {{agentx::kSnmpTrapOid, Value::object(warm_start)}};
}

}  // namespace rampart::snmp
