// What an exchange's handler made of the message it was given. The dispatcher
// (engine_dispatch.cpp) acts on it in one place: it counts, logs a drop, and removes a failed
// negotiation's SA; handlers neither log their drops nor remove their own SA.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include "control/ike/end_reason.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

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
