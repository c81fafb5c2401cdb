#include "control/ike/ipsec_lifetime.hpp"

#include <algorithm>
#include <vector>

#include "control/ike/codec/payloads.hpp"

namespace rampart::ike {

namespace {

// A duration the peer gave, or nothing when it gave none or 0 (which would mean never).
std::optional<uint32_t> given(const std::optional<uint32_t>& v) {
  if (!v || *v == 0) return std::nullopt;
  return v;
}

uint32_t shorter(uint32_t ours, const std::optional<uint32_t>& theirs) {
  return theirs ? std::min(ours, *theirs) : ours;
}

}  // namespace

ResponderLifetime negotiate_lifetime(Lifetime ours, const EspOffer& offer) {
  ResponderLifetime r;
  uint32_t their_s = given(offer.life_seconds).value_or(kDefaultLifeSeconds);
  std::optional<uint32_t> their_kb = given(offer.life_kilobytes);
  r.chosen.seconds = std::min(ours.seconds, their_s);
  r.chosen.kilobytes = shorter(ours.kilobytes, their_kb);
  if (their_s > ours.seconds) r.overridden_seconds = their_s;
  if (their_kb && *their_kb > ours.kilobytes) r.overridden_kilobytes = their_kb;
  return r;
}

Bytes responder_lifetime_data(Lifetime l) {
  Writer w;
  std::vector<Attribute> life = {Attribute::tv(p2attr::kLifeType, p2attr::kLifeSeconds),
                                 Attribute::tlv(p2attr::kLifeDuration, be32(l.seconds)),
                                 Attribute::tv(p2attr::kLifeType, p2attr::kLifeKilobytes),
                                 Attribute::tlv(p2attr::kLifeDuration, be32(l.kilobytes))};
  serialize_attributes(life, w);
  return w.take();
}

Lifetime initiator_lifetime(Lifetime offered, const EspOffer& answer) {
  return {shorter(offered.seconds, given(answer.life_seconds)),
          shorter(offered.kilobytes, given(answer.life_kilobytes))};
}

Lifetime apply_responder_lifetime(Lifetime current, const Bytes& notify_data) {
  Reader r(notify_data);
  auto attrs = parse_attributes(r, "Notify");
  if (!attrs) return current;
  uint16_t type = 0;
  for (const auto& a : *attrs) {
    uint32_t v = a.short_form ? a.value : get_be32(a.data);
    if (a.type == p2attr::kLifeType) type = static_cast<uint16_t>(v);
    if (a.type != p2attr::kLifeDuration || v == 0) continue;  // 0 would mean never
    if (type == p2attr::kLifeSeconds) current.seconds = std::min(current.seconds, v);
    if (type == p2attr::kLifeKilobytes) current.kilobytes = std::min(current.kilobytes, v);
  }
  return current;
}

}  // namespace rampart::ike
