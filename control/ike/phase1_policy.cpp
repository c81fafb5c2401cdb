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

// The configured policy as wire values.
std::optional<std::pair<uint16_t, uint16_t>> cfg_encryption(const std::string& e) {
  if (e == "des") return std::pair<uint16_t, uint16_t>{1, 0};
  if (e == "3des") return std::pair<uint16_t, uint16_t>{5, 0};
  if (e == "aes") return std::pair<uint16_t, uint16_t>{7, 128};
  if (e == "aes-192") return std::pair<uint16_t, uint16_t>{7, 192};
  if (e == "aes-256") return std::pair<uint16_t, uint16_t>{7, 256};
  return std::nullopt;
}

uint16_t cfg_hash(const std::string& h) {
  return h == "md5" ? 1 : h == "sha" ? 2 : h == "sha256" ? 4 : h == "sha384" ? 5 : 6;
}

std::string enc_name(uint16_t v) {
  switch (v) {
    case 1:
      return "DES";
    case 5:
      return "3DES";
    case 7:
      return "AES";
    default:
      return fmt::format("{}", v);
  }
}

std::string hash_name(uint16_t v) {
  switch (v) {
    case 1:
      return "MD5";
    case 2:
      return "SHA";
    case 4:
      return "SHA256";
    case 5:
      return "SHA384";
    case 6:
      return "SHA512";
    default:
      return fmt::format("{}", v);
  }
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

bool auth_matches(const std::string& cfg, uint16_t offered) {
  if (cfg == "pre-share")
    return offered == p1attr::kAuthPsk || offered == p1attr::kAuthXauthInitPsk;
  if (cfg == "rsa-sig")
    return offered == p1attr::kAuthRsaSig || offered == p1attr::kAuthXauthInitRsa;
  return false;
}

// The ASA's failure line; its wording is verified for the Group Description class (seed 000).
// For the other classes the same form is used with names of our choosing.
std::string mismatch(std::string_view cls, const std::string& rcvd, const std::string& cfgd) {
  return fmt::format(
      "Phase 1 failure: Mismatched attribute types for class {}: Rcv'd: {}  Cfg'd: {}", cls, rcvd,
      cfgd);
}

std::optional<std::string> compare(const Offer& o, const config::IsakmpPolicy& p) {
  auto enc = cfg_encryption(p.encryption);
  if (!o.enc || !enc) return "Phase 1 failure: transform has no encryption algorithm";
  if (*o.enc != enc->first)
    return mismatch("Encryption Alg", enc_name(*o.enc), enc_name(enc->first));
  if (enc->second && o.key_length.value_or(0) != enc->second)
    return mismatch("Key Length", fmt::format("{}", o.key_length.value_or(0)),
                    fmt::format("{}", enc->second));
  if (!o.hash || *o.hash != cfg_hash(p.hash))
    return mismatch("Hash Alg", hash_name(o.hash.value_or(0)), hash_name(cfg_hash(p.hash)));
  if (!o.auth || !auth_matches(p.authentication, *o.auth))
    return mismatch("Auth Method", auth_name(o.auth.value_or(0)),
                    p.authentication == "pre-share" ? "Preshared Key" : "RSA Signature");
  if (!o.group || *o.group != p.group)
    return mismatch("Group Description", fmt::format("Group {}", o.group.value_or(0)),
                    fmt::format("Group {}", p.group));
  return std::nullopt;
}

CipherAlg cipher_of(const std::string& e) {
  if (e == "des") return CipherAlg::Des;
  if (e == "3des") return CipherAlg::TripleDes;
  if (e == "aes-192") return CipherAlg::Aes192;
  if (e == "aes-256") return CipherAlg::Aes256;
  return CipherAlg::Aes128;
}

HashAlg hash_of(const std::string& h) {
  if (h == "md5") return HashAlg::Md5;
  if (h == "sha256") return HashAlg::Sha256;
  if (h == "sha384") return HashAlg::Sha384;
  if (h == "sha512") return HashAlg::Sha512;
  return HashAlg::Sha1;
}

}  // namespace

Phase1Match match_phase1(const SaPayload& sa,
                         const std::map<uint32_t, config::IsakmpPolicy>& policies) {
  Phase1Match m;
  for (const Proposal& prop : sa.proposals) {
    if (prop.protocol != 1) continue;  // PROTO_ISAKMP
    for (const Transform& t : prop.transforms) {
      if (t.id != 1) continue;  // KEY_IKE
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
        c.cipher = cipher_of(policy.encryption);
        c.hash = hash_of(policy.hash);
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
  auto enc = cfg_encryption(p.encryption);
  if (!enc || p.authentication != "pre-share") return std::nullopt;
  Transform t;
  t.number = number;
  t.id = 1;  // KEY_IKE
  t.attributes.push_back(Attribute::tv(p1attr::kEncryption, enc->first));
  if (enc->second) t.attributes.push_back(Attribute::tv(p1attr::kKeyLength, enc->second));
  t.attributes.push_back(Attribute::tv(p1attr::kHash, cfg_hash(p.hash)));
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
