// Fuzzes what snmpd (or anything that reached the AgentX socket) can send Rampart: a whole PDU
// through the header check and the parser, and, for requests, the answer from a MIB tree. A
// response that parses must build back to bytes that parse to the same varbinds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "control/snmp/agentx.hpp"
#include "control/snmp/mib.hpp"

using namespace rampart::snmp;

namespace {

const Tree& tree() {
  static const Tree t = [] {
    Snapshot s;
    InterfaceRow r;
    r.hw = "GigabitEthernet0/0";
    r.nameif = "outside";
    s.interfaces = {r, r};
    s.ike = {{1, 1, 2, 3, 4}};
    s.tunnels = {{5, 1, 1, 2, 3, 4, 100, 200, 300}};
    return build_tree(s);
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)agentx::parse_header(data, size);
  std::vector<uint8_t> pdu(data, data + size);
  auto q = agentx::parse(pdu);
  if (!q) return 0;
  // GetBulk's repetitions are the peer's to choose: keep the answer bounded as the daemon does
  // through the master's own limits.
  if (q->max_repetitions > 64) q->max_repetitions = 64;
  auto r = rampart::snmp::respond(tree(), *q);
  auto back = agentx::parse(agentx::response_pdu(q->header, r.error, 0, r.varbinds));
  if (!back || back->varbinds != r.varbinds || back->error != r.error) std::abort();
  // Only a GetBulk's answer may come short; the others are whole or tooBig with none.
  bool whole = q->header.type == agentx::PduType::Get || q->header.type == agentx::PduType::GetNext;
  if (whole && (r.error == agentx::Error::NoError) != (r.varbinds.size() == q->ranges.size()))
    std::abort();
  if (q->header.type == agentx::PduType::Response) {
    auto again =
        agentx::parse(agentx::response_pdu(q->header, q->error, q->error_index, q->varbinds));
    if (!again || again->varbinds != q->varbinds) std::abort();
  }
  return 0;
}
