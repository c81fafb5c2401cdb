// Fuzzes what the RADIUS client does with a reply that passed its authenticity checks: the
// attribute section through radcli's decoder (rc_avpair_gen, with our length checks before
// it), then our reading of it (aaa::Authorization, Reply-Message, debug radius lines). The same
// bytes also go through check_reply as a whole datagram. Nothing may crash or read out of
// bounds, a decoded list must be read the same way twice, and a privilege level must be 0..15.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "control/aaa/radius_attributes.hpp"
#include "control/aaa/radius_client.hpp"
#include "control/aaa/radius_packet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rampart::aaa::radius;
  const std::span<const uint8_t> in(data, size);
  if (auto attrs = decode_attributes(in)) {
    const auto a = interpret_reply(*attrs);
    if (!(interpret_reply(*attrs) == a)) std::abort();
    if (a.privilege_level && (*a.privilege_level < 0 || *a.privilege_level > 15)) std::abort();
    (void)reply_message(*attrs);
    (void)debug_reply(Header{}, *attrs);
  }
  // The same octets as a datagram answering a fixed request.
  static const Bytes request = access_request_packet(0x2a, Authenticator{}, {}, "pw", "key");
  (void)check_reply(in, request, "key", true);
  (void)reply_attributes(in);
  (void)debug_raw(in);
  return 0;
}
