// Fuzzes the MS-CHAPv2 reading of a checked reply (password-management): the octets as the value
// of MS-CHAP-Error in an Access-Reject and of MS-CHAP2-Success in an Access-Accept, and as the
// RFC 2759 failure text. Nothing may crash or read out of bounds; a reject is never an Accept,
// and a random MS-CHAP2-Success never proves the password (a 160-bit authenticator response).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "control/aaa/mschap.hpp"
#include "control/aaa/radius_mschap.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rampart::aaa;
  using namespace rampart::aaa::radius;
  static const AuthRequest request = [] {
    AuthRequest r;
    r.user = "User";
    r.password = Password("clientPass");
    r.mschapv2 = true;
    return r;
  }();
  static const MschapExchange exchange = [] {
    MschapExchange fixed, ex;
    fixed.ident = 0x2a;
    (void)mschap_attributes(request, fixed, ex);
    return ex;
  }();
  const std::string value(reinterpret_cast<const char*>(data), size);
  (void)mschap::parse_failure(value);
  ReplyAttribute a;
  a.vendor = kVendorMicrosoft;
  a.type = kMsChapError;
  a.octets = value;
  if (read_mschap_reply(3, {a}, exchange, request).kind == ServerAnswer::Kind::Accept) std::abort();
  a.type = kMsChap2Success;
  if (read_mschap_reply(2, {a}, exchange, request).kind == ServerAnswer::Kind::Accept) std::abort();
  return 0;
}
