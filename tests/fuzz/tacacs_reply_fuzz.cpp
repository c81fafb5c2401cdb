// Fuzzes the TACACS+ reply path as the client meets it: a whole packet (header + obfuscated
// body) opened with a fixed key and expectation, then each reply decoder on the body. Whatever
// decodes must encode back to the same body and decode again to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "control/aaa/tacacs_codec.hpp"

using namespace rampart::aaa::tacacs;

namespace {

template <typename Decode>
void round_trip(const Bytes& body, Decode decode) {
  auto m = decode(body);
  if (!m) return;
  auto again = encode(*m);
  if (!again || *again != body) std::abort();
  auto back = decode(*again);
  if (!back || !(*back == *m)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < kHeaderSize) {
    (void)decode_header(data, size);
    return 0;
  }
  // Take the expectation from the header itself, so the fuzzer reaches the bodies; the key
  // is the corpus's ("fuzzkey").
  const Type type = static_cast<Type>(data[1]);
  const uint32_t id =
      (uint32_t{data[4]} << 24) | (uint32_t{data[5]} << 16) | (uint32_t{data[6]} << 8) | data[7];
  const Expect e{type, data[2], id};
  Header h;
  auto body = open_packet(data, size, e, "fuzzkey", &h);
  if (!body) return 0;
  // Also straight from the fuzzer's bytes, without the pad.
  Bytes raw(data + kHeaderSize, data + size);
  for (const Bytes* b : {&*body, &raw}) {
    switch (h.type) {
      case Type::Authen:
        round_trip(*b, decode_authen_reply);
        break;
      case Type::Author:
        round_trip(*b, decode_author_response);
        break;
      case Type::Acct:
        round_trip(*b, decode_acct_reply);
        break;
    }
  }
  return 0;
}
