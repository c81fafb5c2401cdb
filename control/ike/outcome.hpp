// A message as dispatch (engine_dispatch.cpp) hands it to an exchange's handler, and what the
// handler made of it: the dispatcher acts on the Outcome in one place (it counts, logs a drop,
// and removes a failed negotiation's SA); handlers neither log their drops nor remove their
// own SA.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "control/ike/end_reason.hpp"
#include "control/ike/environment.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// Parsed and decrypted, with the SA it is for (none for the first message of a negotiation);
// a handler is given it once its message rules held.
struct Received {
  const Datagram& d;
  const Message& m;
  IkeSa* sa;
  const std::vector<Payload>& payloads;  // decrypted when it came encrypted
  Bytes body;  // the decrypted payload chain without its padding: what a HASH covers
  uint32_t msgid;
  bool encrypted;
  bool resumed = false;  // a QM1 held until XAUTH and mode-config were over, handled now
};

struct Outcome {
  using Counter = uint64_t IkeStats::*;
  enum class Kind : uint8_t {
    Done,     // acted on: answered, refused with a notify, or waiting for a worker
    Dropped,  // ignored: counted, and why logged as an event of the SA
    Failed,   // the negotiation failed: counted, its SA goes without telling the peer
  };
  Kind kind = Kind::Done;
  std::array<Counter, 2> counters{};
  std::string why;                     // Dropped: the debug line
  uint64_t sa_index = 0;               // Failed: the SA that goes
  EndReason reason = EndReason::None;  // Failed: why, for the session's end

  static Outcome done() { return {}; }
  static Outcome dropped(std::string why, Counter a = nullptr, Counter b = nullptr) {
    return {Kind::Dropped, {a, b}, std::move(why), 0, EndReason::None};
  }
  static Outcome failed(const IkeSa& sa, Counter a = nullptr, Counter b = nullptr,
                        EndReason reason = EndReason::None) {
    return {Kind::Failed, {a, b}, {}, sa.index, reason};
  }
};

}  // namespace rampart::ike
