// "show snmp-server statistics": snmpd's SNMPv2-MIB snmp group (RFC 3418, 1.3.6.1.2.1.11),
// which rampartd reads from snmpd itself (a v2c GetRequest on a unix socket in snmpd's 0700
// directory, with a community made at random for it), less rampartd's own queries, and its
// rendering in the ASA's words.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "control/snmp/oid.hpp"

namespace rampart::snmp {

struct Statistics {
  uint64_t in_packets = 0, bad_versions = 0, bad_community_names = 0, bad_community_uses = 0;
  uint64_t encoding_errors = 0, requested_variables = 0, altered_variables = 0;
  uint64_t get_requests = 0, get_nexts = 0, get_bulks = 0, set_requests = 0;
  uint64_t out_packets = 0, too_big = 0, no_such_name = 0, bad_values = 0, general_errors = 0;
  uint64_t responses = 0, traps = 0;
  bool operator==(const Statistics&) const = default;
  Statistics& operator+=(const Statistics& o);
};

// The objects a statistics query asks for (snmpInPkts.0, ...), all in one GetRequest.
const std::vector<Oid>& statistics_oids();

// The counters of one answer to statistics_oids(), without rampartd's own queries: `earlier`
// answered ones before this one, which snmpd counted whole, and this one, which it has counted
// in as a packet and a Get-request but not yet as variables, output or a response.
// snmpd keeps no GetBulk counter: the PDUs it took that were neither Get, GetNext nor Set
// (after the bad ones) are GetBulks for a v1/v2c agent that receives no notifications.
Statistics statistics_from(const std::map<Oid, uint64_t>& values, uint64_t earlier);

std::string render_statistics(const Statistics& s);

}  // namespace rampart::snmp
