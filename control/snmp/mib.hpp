// Rampart's MIB objects: a snapshot of the interfaces and VPN sessions, taken once per request,
// turned into a sorted tree (OID -> value), and the Get/GetNext/GetBulk answers over it
// (RFC 2741 7.2.3). No sockets: the tests build snapshots and ask the tree.
//
// Served (numeric OIDs; README "SNMP" lists them with their names):
//   IF-MIB        ifNumber 1.3.6.1.2.1.2.1; ifTable 1.3.6.1.2.1.2.2.1.{1-8,10,11,13,14,16,17,19,20}
//                 ifXTable 1.3.6.1.2.1.31.1.1.1.{1,6,7,10,11,15}
//   CISCO-REMOTE-ACCESS-MONITOR-MIB 1.3.6.1.4.1.9.9.392.1.3.{1,3,26,29}, crasMaxSessions-
//                 and crasMaxUsersSupportable 1.3.6.1.4.1.9.9.392.1.1.{1,2},
//                 crasThrMaxSessions 1.3.6.1.4.1.9.9.392.1.6.1
//   CISCO-IPSEC-FLOW-MONITOR-MIB    cikeGlobalActiveTunnels 1.3.6.1.4.1.9.9.171.1.2.1.1,
//                 cikeTunnelTable 1.3.6.1.4.1.9.9.171.1.2.3.1.{4,8,19,27},
//                 cipSecGlobalActiveTunnels 1.3.6.1.4.1.9.9.171.1.3.1.1,
//                 cipSecTunnelTable 1.3.6.1.4.1.9.9.171.1.3.2.1.{2,3,4,5,8,9,10,26,32,39,45}
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "control/snmp/agentx.hpp"
#include "control/snmp/oid.hpp"

namespace rampart::snmp {

struct InterfaceRow {
  std::string hw;      // "GigabitEthernet0/0"
  std::string nameif;  // "outside"; empty when none
  bool admin_up = false, oper_up = false;
  uint32_t mtu = 1500;
  uint64_t speed_mbps = 0;
  std::string mac;  // six octets; empty when unknown
  uint64_t in_octets = 0, in_packets = 0, in_errors = 0, in_discards = 0;
  uint64_t out_octets = 0, out_packets = 0, out_errors = 0, out_discards = 0;
};

// One IPsec SA pair as cipSecTunnelTable shows it.
struct TunnelRow {
  uint32_t index = 0;      // cipSecTunIndex: the SA's conn_id, stable while it lives
  uint32_t ike_index = 0;  // the session index of its IKE SA
  uint32_t local = 0, remote = 0;
  uint64_t in_octets = 0, out_octets = 0;
  uint32_t life_kilobytes = 0, life_seconds = 0;
  uint64_t active_seconds = 0;
  uint64_t in_packets = 0, out_packets = 0;  // authenticated in, sent out (the SA's counters)
};

// One IKE SA as cikeTunnelTable shows it.
struct IkeRow {
  uint32_t index = 0;  // cikeTunIndex: the session index
  uint32_t local = 0, remote = 0;
  uint64_t in_octets = 0, out_octets = 0;  // IKE messages
};

struct Snapshot {
  std::vector<InterfaceRow> interfaces;  // ifIndex = position + 1
  uint32_t ra_sessions = 0;              // remote-access sessions up
  uint32_t ra_users = 0;                 // distinct users among them
  uint32_t l2l_sessions = 0;
  // vpn-sessiondb max-session-limit; 0: none. The MIB's crasMax*Supportable say 0 for "no
  // arbitrary limit", and crasThrMaxSessions 0 for "no threshold": Rampart has no other.
  uint32_t max_sessions = 0;
  uint32_t ike_tunnels = 0;  // IKE SAs established
  std::vector<IkeRow> ike;
  std::vector<TunnelRow> tunnels;
};

using Tree = std::map<Oid, Value>;

// The subtrees Rampart registers with the master.
const std::vector<Oid>& registered_subtrees();
Tree build_tree(const Snapshot& s);

// ifDescr as the ASA words it [U: the wording seen in ASA walks; no Cisco sample in the corpora].
std::string if_descr(const InterfaceRow& r);

// The varbinds answering a Get, GetNext or GetBulk, as many as fit one Response PDU.
std::vector<VarBind> answer(const Tree& tree, const agentx::Request& q);
// The Response's error and varbinds: answer()'s, except that a Get or GetNext is answered whole
// or not at all (RFC 3416 4.2.1, 4.2.2: tooBig, error-index 0, no varbinds); only a GetBulk's
// answer may be shortened (4.2.3).
struct Response {
  agentx::Error error = agentx::Error::NoError;
  std::vector<VarBind> varbinds;
};
Response respond(const Tree& tree, const agentx::Request& q);

// OIDs of the notifications Rampart sends (CISCO-IPSEC-FLOW-MONITOR-MIB cipMIBNotifications).
inline const Oid kCipSecTunnelStart = {1, 3, 6, 1, 4, 1, 9, 9, 171, 2, 0, 7};
inline const Oid kCipSecTunnelStop = {1, 3, 6, 1, 4, 1, 9, 9, 171, 2, 0, 8};
// The objects each notification carries (the MIB's OBJECTS clauses): cipSecTunLifeTime (.9)
// and cipSecTunLifeSize (.8) on start, cipSecTunActiveTime (.10, hundredths of seconds) on
// stop.
std::vector<VarBind> tunnel_start_varbinds(uint32_t index, uint32_t life_seconds,
                                           uint32_t life_kilobytes);
std::vector<VarBind> tunnel_stop_varbinds(uint32_t index, uint32_t active_hundredths);

// CISCO-REMOTE-ACCESS-MONITOR-MIB ciscoRasTooManySessions (ciscoRasMonitorMIBNotifs 1):
// crasNumSessions, crasNumUsers, crasMaxSessionsSupportable, crasMaxUsersSupportable and
// crasThrMaxSessions, as s has them.
inline const Oid kCiscoRasTooManySessions = {1, 3, 6, 1, 4, 1, 9, 9, 392, 0, 1};
std::vector<VarBind> too_many_sessions_varbinds(const Snapshot& s);

// IF-MIB linkDown/linkUp (RFC 2863 ifMIBNotifications, sent as SNMPv2-MIB's snmpTraps
// .5.3/.5.4): ifIndex, ifAdminStatus and ifOperStatus of the interface that changed.
inline const Oid kLinkDown = {1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
inline const Oid kLinkUp = {1, 3, 6, 1, 6, 3, 1, 1, 5, 4};
std::vector<VarBind> link_varbinds(uint32_t if_index, bool admin_up, bool oper_up);
// SNMPv2-MIB warmStart (1.3.6.1.6.3.1.1.5.2): the agent started again, its configuration
// unaltered (RFC 3418).
std::vector<VarBind> warm_start_varbinds();

}  // namespace rampart::snmp
