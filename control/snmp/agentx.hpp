// AgentX (RFC 2741): the PDUs a subagent exchanges with its master (net-snmp's snmpd), parsed
// and built as values. Pure bytes in, bytes out: the daemon (firmware/daemon/snmp_service)
// owns the socket. We send in network byte order (flag NETWORK_BYTE_ORDER); we read either order,
// as the master may answer in its own (RFC 2741 5.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "control/snmp/oid.hpp"
#include "platform/expected.hpp"

namespace rampart::snmp::agentx {

// RFC 2741 6.1: h.type.
enum class PduType : uint8_t {
  Open = 1,
  Close = 2,
  Register = 3,
  Unregister = 4,
  Get = 5,
  GetNext = 6,
  GetBulk = 7,
  TestSet = 8,
  CommitSet = 9,
  UndoSet = 10,
  CleanupSet = 11,
  Notify = 12,
  Ping = 13,
  Response = 18,
};

// RFC 2741 6.1: h.flags.
inline constexpr uint8_t kFlagNonDefaultContext = 0x08;
inline constexpr uint8_t kFlagNetworkByteOrder = 0x10;
inline constexpr size_t kHeaderSize = 20;
// Our limit on one PDU: snmpd's requests are a few hundred bytes; a longer length field is a
// broken or hostile peer, and the session is dropped rather than buffering it.
inline constexpr uint32_t kMaxPayload = 64 * 1024;

// RFC 2741 6.2.16: res.error.
enum class Error : uint16_t {
  NoError = 0,
  TooBig = 1,
  GenErr = 5,
  NotWritable = 17,
  OpenFailed = 256,
  NotOpen = 257,
  ParseError = 266,
  DuplicateRegistration = 263,
  ProcessingError = 268,
};

struct Header {
  PduType type = PduType::Response;
  uint8_t flags = kFlagNetworkByteOrder;
  uint32_t session_id = 0, transaction_id = 0, packet_id = 0;
  uint32_t payload_length = 0;
};

// One search range of Get/GetNext/GetBulk (RFC 2741 5.2): start (with its include bit), end
// (empty: no bound).
struct Range {
  Oid start;
  bool include = false;
  Oid end;
};

// A PDU from the master, as far as a read-only subagent needs it.
struct Request {
  Header header;
  std::vector<Range> ranges;      // Get, GetNext, GetBulk
  uint16_t non_repeaters = 0;     // GetBulk
  uint16_t max_repetitions = 0;   // GetBulk
  uint32_t sys_uptime = 0;        // Response
  Error error = Error::NoError;   // Response
  uint16_t error_index = 0;       // Response
  std::vector<VarBind> varbinds;  // Response
};

// The header of a PDU: its payload length tells the reader how much more to wait for.
rampart::expected<Header, std::string> parse_header(const uint8_t* data, size_t size);
// A whole PDU (header and payload).
rampart::expected<Request, std::string> parse(const std::vector<uint8_t>& pdu);

// PDUs we send. Each takes the header fields the exchange needs.
std::vector<uint8_t> open_pdu(uint32_t packet_id, uint8_t timeout, const Oid& id,
                              const std::string& descr);
std::vector<uint8_t> close_pdu(uint32_t session_id, uint32_t packet_id);
std::vector<uint8_t> register_pdu(uint32_t session_id, uint32_t packet_id, const Oid& subtree,
                                  uint8_t priority);
std::vector<uint8_t> notify_pdu(uint32_t session_id, uint32_t packet_id,
                                const std::vector<VarBind>& varbinds);
std::vector<uint8_t> ping_pdu(uint32_t session_id, uint32_t packet_id);
// The answer to a request: same session, transaction and packet ids.
std::vector<uint8_t> response_pdu(const Header& to, Error error, uint16_t index,
                                  const std::vector<VarBind>& varbinds);
// The bytes a varbind takes in a PDU; a Response's payload is kResponseFixed more than its
// varbinds' (res.sysUpTime, res.error, res.index).
size_t encoded_size(const VarBind& vb);
inline constexpr size_t kResponseFixed = 8;

// snmpTrapOID.0 and sysUpTime.0 (SNMPv2-MIB), the first varbinds of a Notify.
inline const Oid kSnmpTrapOid = {1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
inline const Oid kSysUpTime = {1, 3, 6, 1, 2, 1, 1, 3, 0};

}  // namespace rampart::snmp::agentx
