// Which SNMPv3 user each polling host may use. On the ASA a v3 user is the host line's that
// names it ("snmp-server host IF ADDR version 3 USER"); snmpd's VACM grants a USM user its view
// from any source, and the kernel's rules cannot read the user (variable-length fields come
// before it). So the rules queue every v3 request of a polling host (platform::NfqueueReader),
// and rampartd lets it on to snmpd only when its msgUserName is that host's user on that
// interface, or empty: the discovery probe (RFC 3414 4) that only learns the engine's ID.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <utility>

#include "platform/expected.hpp"

namespace rampart::snmp {

// The msgUserName of an SNMPv3 message under USM (RFC 3412 6, RFC 3414 2.4), or why not: not
// version 3, another security model, a BER encoding this reader does not take, a name longer
// than 32 octets (SnmpAdminString's limit). Only the headers are read: what follows the user
// name may be cut off.
rampart::expected<std::string, std::string> usm_user_name(std::span<const uint8_t> message);

class V3Gate {
 public:
  // (the interface's address, the host's address), host order -> the user its line names.
  using Users = std::map<std::pair<uint32_t, uint32_t>, std::string>;
  enum class Verdict : uint8_t { Admitted, OtherUser, Malformed };

  V3Gate() = default;
  explicit V3Gate(Users users) : users_(std::move(users)) {}
  // A message from src to dst (host order): with no line for that pair the user is another's.
  Verdict judge(uint32_t dst, uint32_t src, std::span<const uint8_t> message) const;
  bool empty() const { return users_.empty(); }
  bool operator==(const V3Gate&) const = default;

 private:
  Users users_;
};

}  // namespace rampart::snmp
