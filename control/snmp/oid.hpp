// SNMP object identifiers and values as Rampart's MIB tree holds them: the types AgentX carries
// (RFC 2741 5.4), nothing of BER (snmpd speaks BER to managers; Rampart speaks AgentX to snmpd).
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace rampart::snmp {

using Oid = std::vector<uint32_t>;

// "1.3.6.1.2.1.2.1.0" for logs and tests.
std::string oid_text(const Oid& oid);
// True when `oid` lies at or below `prefix`.
bool oid_under(const Oid& oid, const Oid& prefix);

// RFC 2741 5.4 VarBind types.
enum class Type : uint16_t {
  Integer = 2,
  OctetString = 4,
  Null = 5,
  ObjectIdentifier = 6,
  IpAddress = 64,
  Counter32 = 65,
  Gauge32 = 66,
  TimeTicks = 67,
  Counter64 = 70,
  NoSuchObject = 128,
  NoSuchInstance = 129,
  EndOfMibView = 130,
};

struct Value {
  Type type = Type::Null;
  uint64_t number = 0;  // Integer (as int32 bits), Counter32/64, Gauge32, TimeTicks, IpAddress
  std::string octets;   // OctetString
  Oid oid;              // ObjectIdentifier
  bool operator==(const Value&) const = default;

  static Value integer(int32_t v) { return {Type::Integer, static_cast<uint32_t>(v), {}, {}}; }
  static Value string(std::string s) { return {Type::OctetString, 0, std::move(s), {}}; }
  static Value counter32(uint64_t v) { return {Type::Counter32, v & 0xffffffffu, {}, {}}; }
  static Value counter64(uint64_t v) { return {Type::Counter64, v, {}, {}}; }
  static Value gauge32(uint64_t v) {
    return {Type::Gauge32, v > 0xffffffffu ? 0xffffffffu : v, {}, {}};
  }
  static Value ticks(uint32_t v) { return {Type::TimeTicks, v, {}, {}}; }
  static Value ip(uint32_t v) { return {Type::IpAddress, v, {}, {}}; }
  static Value object(Oid o) { return {Type::ObjectIdentifier, 0, {}, std::move(o)}; }
  static Value exception(Type t) { return {t, 0, {}, {}}; }
};

struct VarBind {
  Oid name;
  Value value;
  bool operator==(const VarBind&) const = default;
};

}  // namespace rampart::snmp
