// Phase-2 lifetime negotiation, both roles (ipsec_lifetime.hpp): the shorter of the two sides'
// limits by time and by volume, RESPONDER-LIFETIME when the responder's is shorter, and what an
// absent or zero duration means.
#include <catch2/catch.hpp>

#include "control/ike/ipsec_lifetime.hpp"

namespace ipsec_lifetime_test {

using namespace rampart::ike;

namespace {

EspOffer offering(std::optional<uint32_t> seconds, std::optional<uint32_t> kilobytes) {
  EspOffer o;
  o.life_seconds = seconds;
  o.life_kilobytes = kilobytes;
  return o;
}

const Lifetime kOurs{3600, 100000};

}  // namespace

TEST_CASE("responder lifetime: the offer's when shorter, ours and a notify when longer",
          "[ike][lifetime]") {
  // Both shorter than ours: taken as offered, nothing to tell.
  ResponderLifetime lower = negotiate_lifetime(kOurs, offering(1200, 5000));
  CHECK(lower.chosen == Lifetime{1200, 5000});
  CHECK_FALSE(lower.notify());
  // Both longer: ours, the initiator told, the offer's values kept for the log line.
  ResponderLifetime higher = negotiate_lifetime(kOurs, offering(28800, 4608000));
  CHECK(higher.chosen == kOurs);
  CHECK(higher.notify());
  CHECK(higher.overridden_seconds == 28800u);
  CHECK(higher.overridden_kilobytes == 4608000u);
  // Seconds longer, kilobytes shorter: each taken on its own.
  ResponderLifetime mixed = negotiate_lifetime(kOurs, offering(7200, 50000));
  CHECK(mixed.chosen == Lifetime{3600, 50000});
  CHECK(mixed.overridden_seconds == 7200u);
  CHECK_FALSE(mixed.overridden_kilobytes);
  ResponderLifetime mixed2 = negotiate_lifetime(kOurs, offering(600, 200000));
  CHECK(mixed2.chosen == Lifetime{600, 100000});
  CHECK_FALSE(mixed2.overridden_seconds);
  CHECK(mixed2.overridden_kilobytes == 200000u);
  // Equal is not longer.
  CHECK_FALSE(negotiate_lifetime(kOurs, offering(3600, 100000)).notify());
}

TEST_CASE("responder lifetime: absent and zero durations", "[ike][lifetime]") {
  // No seconds: the RFC's 28800, longer than our 3600, so the initiator is told. No kilobytes:
  // no volume limit from the peer, ours holds without a word.
  ResponderLifetime absent = negotiate_lifetime(kOurs, offering(std::nullopt, std::nullopt));
  CHECK(absent.chosen == kOurs);
  CHECK(absent.overridden_seconds == kDefaultLifeSeconds);
  CHECK_FALSE(absent.overridden_kilobytes);
  // Ours above the default: the default holds and nobody is told.
  ResponderLifetime long_ours = negotiate_lifetime({86400, 100000}, offering(std::nullopt, 50));
  CHECK(long_ours.chosen == Lifetime{kDefaultLifeSeconds, 50});
  CHECK_FALSE(long_ours.notify());
  // A zero duration (never) is never taken: it reads as absent, so the SA still ends.
  ResponderLifetime zero = negotiate_lifetime(kOurs, offering(0, 0));
  CHECK(zero.chosen == kOurs);
  CHECK(zero.chosen.seconds != 0);
  CHECK(zero.chosen.kilobytes != 0);
}

TEST_CASE("initiator lifetime: the answer and RESPONDER-LIFETIME only shorten ours",
          "[ike][lifetime]") {
  const Lifetime offered{28800, 4608000};
  // The responder's transform echoes ours, or shortens it; a longer one does not lengthen ours.
  CHECK(initiator_lifetime(offered, offering(28800, 4608000)) == offered);
  CHECK(initiator_lifetime(offered, offering(3600, 1000)) == Lifetime{3600, 1000});
  CHECK(initiator_lifetime(offered, offering(86400, 9999999)) == offered);
  CHECK(initiator_lifetime(offered, offering(std::nullopt, 0)) == offered);

  // RESPONDER-LIFETIME as the responder sends it.
  CHECK(apply_responder_lifetime(offered, responder_lifetime_data({3600, 100000})) ==
        Lifetime{3600, 100000});
  // Higher values in it are ignored.
  CHECK(apply_responder_lifetime({600, 500}, responder_lifetime_data({3600, 100000})) ==
        Lifetime{600, 500});
  // Zero durations are ignored (0 would mean never), one side at a time.
  CHECK(apply_responder_lifetime(offered, responder_lifetime_data({0, 1000})) ==
        Lifetime{28800, 1000});
  CHECK(apply_responder_lifetime(offered, responder_lifetime_data({1000, 0})) ==
        Lifetime{1000, 4608000});
}

TEST_CASE("initiator lifetime: a RESPONDER-LIFETIME that does not decode changes nothing",
          "[ike][lifetime][security]") {
  const Lifetime offered{28800, 4608000};
  Bytes data = responder_lifetime_data({60, 10});
  // Truncated inside its last attribute, empty, and garbage.
  Bytes truncated(data.begin(), data.end() - 2);
  CHECK(apply_responder_lifetime(offered, truncated) == offered);
  CHECK(apply_responder_lifetime(offered, {}) == offered);
  CHECK(apply_responder_lifetime(offered, Bytes{0xff, 0xff, 0xff}) == offered);
  // A duration in a type it does not name (no Life Type first) is ignored.
  Writer w;
  serialize_attributes({Attribute::tlv(p2attr::kLifeDuration, be32(60))}, w);
  CHECK(apply_responder_lifetime(offered, w.take()) == offered);
}
}  // namespace ipsec_lifetime_test
