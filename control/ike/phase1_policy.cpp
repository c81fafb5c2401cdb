#include "control/ike/phase1_policy.hpp"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

namespace rampart::ike {

namespace {

// What one transform offers, decoded from its attributes.
struct Offer {
  std::optional<uint16_t> enc, hash, auth, group, key_length;
  uint32_t life_seconds = 0;
  bool malformed = false;
};

Offer decode(const Transform& t) {
  Offer o;
  uint16_t life_type = 0;
  for (const Attribute& a : t.attributes) {
    uint32_t v = a.value;
    if (!a.short_form) {
      // Variable-length integers (life duration) arrive in the long form, at most 4 bytes here.
      if (a.data.empty() || a.data.size() > 4) {
        o.malformed = true;
        continue;
      }
      v = 0;
      for (uint8_t b : a.data) v = (v << 8) | b;
    }
    switch (a.type) {
      case p1attr::kEncryption:
        o.enc = static_cast<uint16_t>(v);
        break;
      case p1attr::kHash:
        o.hash = static_cast<uint16_t>(v);
        break;
      case p1attr::kAuth:
        o.auth = static_cast<uint16_t>(v);
        break;
      case p1attr::kGroup:
        o.group = static_cast<uint16_t>(v);
        break;
      case p1attr::kKeyLength:
        o.key_length = static_cast<uint16_t>(v);
        break;
      case p1attr::kLifeType:
        life_type = static_cast<uint16_t>(v);
        break;
      case p1attr::kLifeDuration:
        if (life_type == p1attr::kLifeSeconds) o.life_seconds = v;
        break;
      default:
        break;  // unknown attributes are ignored, as the ASA does
    }
  }
  return o;
}

// The debug line's name of an offered value: the table's, or the number for one it lacks.
std::string enc_name(uint16_t v) {
  for (const auto& r : config::ike_encryptions())
    if (r.iana == v) return std::string(r.debug);
  return fmt::format("{}", v);
}

std::string hash_name(uint16_t v) {
  if (auto h = config::ike_hash_of(v)) return std::string(config::row(*h).debug);
  return fmt::format("{}", v);
}

std::string auth_name(uint16_t v) {
  switch (v) {
    case p1attr::kAuthPsk:
      return "Preshared Key";
    case p1attr::kAuthRsaSig:
      return "RSA Signature";
    case p1attr::kAuthXauthInitPsk:
      return "XAUTH Init Preshared Key";
    case p1attr::kAuthXauthInitRsa:
      return "XAUTH Init RSA Signature";
    default:
      return fmt::format("{}", v);
  }
}

bool auth_matches(config::IkeAuthentication cfg, uint16_t offered) {
  const auto& r = config::row(cfg);
  return r.iana && (offered == r.iana || offered == r.iana_xauth);
}

// The ASA's failure line; its wording is verified for the Group Description class (seed 000).
// For the other classes the same form is used with names of our choosing.
std::string mismatch(std::string_view cls, const std::string& rcvd, const std::string& cfgd) {
  return fmt::format(
      "Phase 1 failure: Mismatched attribute types for class {}: Rcv'd: {}  Cfg'd: {}", cls, rcvd,
      cfgd);
}

std::optional<std::string> compare(const Offer& o, const config::IsakmpPolicy& p) {
  const auto& enc = config::row(p.encryption);
  const auto& hash = config::row(p.hash);
  if (!o.enc) return "Phase 1 failure: transform has no encryption algorithm";
  if (*o.enc != enc.iana) return mismatch("Encryption Alg", enc_name(*o.enc), enc_name(enc.iana));
  if (enc.key_attr && o.key_length.value_or(0) != enc.key_attr)
    return mismatch("Key Length", fmt::format("{}", o.key_length.value_or(0)),
                    fmt::format("{}", enc.key_attr));
  if (!o.hash || *o.hash != hash.iana)
    return mismatch("Hash Alg", hash_name(o.hash.value_or(0)), std::string(hash.debug));
  if (!o.auth || !auth_matches(p.authentication, *o.auth))
    return mismatch("Auth Method", auth_name(o.auth.value_or(0)),
                    std::string(config::row(p.authentication).debug));
  if (!o.group || *o.group != p.group)
    return mismatch("Group Description", fmt::format("Group {}", o.group.value_or(0)),
                    fmt::format("Group {}", p.group));
  return std::nullopt;
}

}  // namespace

Phase1Match match_phase1(const SaPayload& sa,
                         const std::map<uint32_t, config::IsakmpPolicy>& policies) {
  Phase1Match m;
  for (const Proposal& prop : sa.proposals) {
    if (prop.protocol != p1attr::kProtoIsakmp) continue;
    for (const Transform& t : prop.transforms) {
      if (t.id != p1attr::kKeyIke) continue;
      Offer o = decode(t);
      if (o.malformed) {
        m.log.push_back(
            {1, fmt::format("Phase 1 failure: malformed attribute in transform # {}", t.number)});
        continue;
      }
      int entry = 0;
      for (const auto& [prio, policy] : policies) {
        ++entry;
        if (auto why = compare(o, policy)) {
          m.log.push_back({1, *why});
          continue;
        }
        Phase1Choice c;
        c.proposal = prop.number;
        c.transform = t.number;
        c.policy_priority = prio;
        c.cipher = policy.encryption;
        c.hash = policy.hash;
        c.group = policy.group;
        c.auth_method = *o.auth;
        // RFC 2409 / ASA: the responder uses the shorter lifetime and tells the peer if it is
        // ours (RESPONDER-LIFETIME). No offered lifetime means ours.
        uint32_t ours = policy.lifetime ? policy.lifetime : UINT32_MAX;
        uint32_t theirs = o.life_seconds ? o.life_seconds : ours;
        c.lifetime_seconds = std::min(ours, theirs);
        c.responder_lifetime = ours < theirs;
        m.log.push_back({5, fmt::format("IKE SA Proposal # {}, Transform # {} acceptable "
                                        "Matches global IKE entry # {}",
                                        prop.number, t.number, entry)});
        m.choice = c;
        return m;
      }
    }
  }
  m.log.push_back({1, "All SA proposals found unacceptable"});
  return m;
}

}  // namespace rampart::ike

namespace rampart::ike {

std::optional<Transform> transform_for(const config::IsakmpPolicy& p, uint8_t number) {
  if (p.authentication != config::IkeAuthentication::PreShare) return std::nullopt;
  const auto& enc = config::row(p.encryption);
  Transform t;
  t.number = number;
  t.id = p1attr::kKeyIke;
  t.attributes.push_back(Attribute::tv(p1attr::kEncryption, enc.iana));
  if (enc.key_attr) t.attributes.push_back(Attribute::tv(p1attr::kKeyLength, enc.key_attr));
  t.attributes.push_back(Attribute::tv(p1attr::kHash, config::row(p.hash).iana));
  t.attributes.push_back(Attribute::tv(p1attr::kAuth, p1attr::kAuthPsk));
  t.attributes.push_back(Attribute::tv(p1attr::kGroup, static_cast<uint16_t>(p.group)));
  if (p.lifetime) {
    t.attributes.push_back(Attribute::tv(p1attr::kLifeType, p1attr::kLifeSeconds));
    t.attributes.push_back(Attribute::tlv(
        p1attr::kLifeDuration,
        {static_cast<uint8_t>(p.lifetime >> 24), static_cast<uint8_t>(p.lifetime >> 16),
         static_cast<uint8_t>(p.lifetime >> 8), static_cast<uint8_t>(p.lifetime)}));
  }
  return t;
}

}  // namespace rampart::ike
