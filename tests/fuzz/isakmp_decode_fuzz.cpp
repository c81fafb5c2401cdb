// Fuzzes the ISAKMP decoder with arbitrary datagrams. Whatever parses must serialise back to
// the same bytes (plain messages) and parse again to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "control/ike/codec/message.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rampart::ike;
  auto m = parse_message(data, size);
  if (!m) return 0;
  Bytes again = serialize_message(*m);
  if (!(m->header.flags & kFlagEncrypted)) {
    auto back = parse_message(again.data(), again.size());
    if (!back || !(back->payloads == m->payloads)) std::abort();
    (void)describe(m->payloads, size);
  } else {
    (void)parse_payloads(m->header.next, m->encrypted_body);
  }
  return 0;
}
