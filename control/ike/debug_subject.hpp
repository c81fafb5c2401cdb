// What a "debug crypto" line is about, for "debug crypto condition" (cli/debug_condition.hpp):
// the peer, and once known the XAUTH user and the tunnel-group. A line about no negotiation
// (an IPsec SA's timer, a datagram nobody claims) has none.
#pragma once

#include <cstdint>
#include <string_view>

namespace rampart::ike {

struct DebugSubject {
  uint32_t peer = 0;  // host order
  std::string_view user;
  std::string_view group;  // the tunnel-group
};

}  // namespace rampart::ike
