// Phase-2 lifetime negotiation (RFC 2407 4.5 SA Life Type/Duration, 4.6.3.1 RESPONDER-LIFETIME),
// both roles, as pure functions: the responder takes the shorter of its own and the offer's and
// says so when its own is shorter; the initiator takes what it offered unless the responder's
// answer or its RESPONDER-LIFETIME notify is shorter. An SA never outlives either side's limit.
#pragma once

#include <cstdint>
#include <optional>

#include "control/ike/codec/bytes.hpp"
#include "control/ike/ipsec_proposal.hpp"

namespace rampart::ike {

// RFC 2407 4.5: with no SA Life Duration the lifetime is 28800 seconds.
constexpr uint32_t kDefaultLifeSeconds = 28800;

struct Lifetime {
  uint32_t seconds = 0;
  uint32_t kilobytes = 0;
  bool operator==(const Lifetime&) const = default;
};

struct ResponderLifetime {
  Lifetime chosen;
  // The offer's was longer than ours (by time, by volume): ours is used, the initiator is told.
  std::optional<uint32_t> overridden_seconds, overridden_kilobytes;  // the offer's values
  bool notify() const { return overridden_seconds || overridden_kilobytes; }
};

// ours: the entry's lifetimes, else the global ones. An absent (or zero: match_esp refuses such
// an offer before this) duration in seconds is the RFC's 28800, one in kilobytes no limit: ours
// holds, and the initiator is told only when the seconds it assumes are longer than ours.
ResponderLifetime negotiate_lifetime(Lifetime ours, const EspOffer& offer);

// The RESPONDER-LIFETIME notify's data: seconds then kilobytes, as the ASA sends them.
Bytes responder_lifetime_data(Lifetime l);

// The initiator's lifetime from what it offered, the transform the responder returned (a longer
// duration there cannot lengthen ours) and each RESPONDER-LIFETIME notify's data (a zero or
// undecodable duration is ignored: 0 would mean never).
Lifetime initiator_lifetime(Lifetime offered, const EspOffer& answer);
Lifetime apply_responder_lifetime(Lifetime current, const Bytes& notify_data);

}  // namespace rampart::ike
