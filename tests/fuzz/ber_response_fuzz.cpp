// Fuzzes what snmpd (or anything that reached its query socket's peer end) can answer
// rampartd's statistics query with: the framing and the Response parser must refuse or read
// any bytes without reading past them, and every parsed answer must yield statistics.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "control/snmp/ber.hpp"
#include "control/snmp/statistics.hpp"

using namespace rampart::snmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t whole = ber::message_size(data, size);
  if (whole > size) std::abort();
  auto values = ber::parse_response(data, size, 7);
  if (!values) return 0;
  auto s = statistics_from(*values, 3);
  if (!render_statistics(s).ends_with(" Trap PDUs\n")) std::abort();
  return 0;
}
