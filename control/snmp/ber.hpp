// The little of SNMP's BER (RFC 3416 PDUs in RFC 1901 v2c messages) that rampartd needs to ask
// snmpd for its own counters over a unix socket: a GetRequest out, and the integers and
// counters of its Response back. Everything else a Response may hold is refused as malformed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "control/snmp/oid.hpp"
#include "platform/expected.hpp"

namespace rampart::snmp::ber {

// An SNMPv2c GetRequest for `oids`.
std::vector<uint8_t> get_request(std::string_view community, int32_t request_id,
                                 const std::vector<Oid>& oids);

// The size of the whole message that starts at `data` (its outer SEQUENCE's tag, length and
// contents), or 0 while fewer bytes than its header say have arrived. Stream transports are
// framed by it.
size_t message_size(const uint8_t* data, size_t size);

// The numeric values of a Response to `request_id`: INTEGER, Counter32, Gauge32, Counter64 and
// TimeTicks by name. An error-status other than noError, another request id, a bad encoding or
// another PDU type is an error; varbinds holding other types (noSuchObject, ...) are left out.
rampart::expected<std::map<Oid, uint64_t>, std::string> parse_response(const uint8_t* data,
                                                                       size_t size,
                                                                       int32_t request_id);

}  // namespace rampart::snmp::ber
