// Fuzzes what any polling host's SNMPv3 request can carry to rampartd's user check: the reader
// must refuse or read any bytes without reading past them, a name it returns fits USM's 32
// octets, and the gate's verdict agrees with it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "control/snmp/v3_gate.hpp"

using namespace rampart::snmp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> message(data, size);
  auto user = usm_user_name(message);
  if (user && user->size() > 32) std::abort();
  V3Gate gate({{{1, 2}, "ops"}});
  auto verdict = gate.judge(1, 2, message);
  const bool admitted = user && (user->empty() || *user == "ops");
  if ((verdict == V3Gate::Verdict::Admitted) != admitted) std::abort();
  if ((verdict == V3Gate::Verdict::Malformed) != !user) std::abort();
  return 0;
}
