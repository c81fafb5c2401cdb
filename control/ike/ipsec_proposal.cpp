#include "control/ike/ipsec_proposal.hpp"

#include <fmt/format.h>

namespace rampart::ike {

namespace {

uint32_t value_of(const Attribute& a) {
  if (a.short_form) return a.value;
  uint32_t v = 0;
  for (uint8_t b : a.data) v = (v << 8) | b;  // durations longer than 4 bytes saturate below
  return a.data.size() > 4 ? 0xffffffffu : v;
}

// What a transform set allows, from its "esp-..." words.
struct Allowed {
  uint8_t transform = 0;
  uint16_t key_bits = 0;
  uint16_t auth = 0;
  bool transport = false;
};

Allowed allowed_of(const config::TransformSet& ts) {
  Allowed a;
  a.transport = ts.mode == "transport";
  for (const auto& w : ts.transforms) {
    if (w == "esp-des")
      a.transform = p2attr::kEspDes;
    else if (w == "esp-3des")
      a.transform = p2attr::kEsp3Des;
    else if (w == "esp-null")
      a.transform = p2attr::kEspNull;
    else if (w == "esp-aes")
      a.transform = p2attr::kEspAes, a.key_bits = 128;
    else if (w == "esp-aes-192")
      a.transform = p2attr::kEspAes, a.key_bits = 192;
    else if (w == "esp-aes-256")
      a.transform = p2attr::kEspAes, a.key_bits = 256;
    else if (w == "esp-md5-hmac")
      a.auth = p2attr::kHmacMd5;
    else if (w == "esp-sha-hmac")
      a.auth = p2attr::kHmacSha;
    else if (w == "esp-sha256-hmac")
      a.auth = p2attr::kHmacSha256;
    else if (w == "esp-sha384-hmac")
      a.auth = p2attr::kHmacSha384;
    else if (w == "esp-sha512-hmac")
      a.auth = p2attr::kHmacSha512;
    else if (w == "esp-none")
      a.auth = 0;
  }
  return a;
}

bool acceptable(const EspOffer& o, const Allowed& a) {
  if (o.transform != a.transform || o.auth != a.auth) return false;
  // A lifetime of 0 would be an SA that never expires (and never rekeys its keys); the ASA's
  // own range starts at 120 s and 10 kB.
  if (o.life_seconds == 0u || o.life_kilobytes == 0u) return false;
  if (o.transform == p2attr::kEspAes && (o.key_bits ? o.key_bits : 128) != a.key_bits) return false;
  auto mode = encapsulation_of(o.encapsulation);
  return mode && mode->tunnel != a.transport;
}

}  // namespace

std::optional<Encapsulation> encapsulation_of(uint16_t mode) {
  switch (mode) {
    case p2attr::kTunnel:
      return Encapsulation{true, false};
    case p2attr::kTransport:
      return Encapsulation{false, false};
    case p2attr::kUdpTunnel:
    case p2attr::kUdpTunnelDraft:
      return Encapsulation{true, true};
    case p2attr::kUdpTransport:
    case p2attr::kUdpTransportDraft:
      return Encapsulation{false, true};
    default:
      return std::nullopt;
  }
}

EspOffer decode_esp(const Transform& t) {
  EspOffer o;
  o.transform = t.id;
  uint16_t life_type = 0;
  for (const auto& a : t.attributes) {
    uint32_t v = value_of(a);
    switch (a.type) {
      case p2attr::kLifeType:
        life_type = static_cast<uint16_t>(v);
        break;
      case p2attr::kLifeDuration:
        if (life_type == p2attr::kLifeSeconds) o.life_seconds = v;
        if (life_type == p2attr::kLifeKilobytes) o.life_kilobytes = v;
        break;
      case p2attr::kGroup:
        o.group = static_cast<uint16_t>(v);
        break;
      case p2attr::kEncapsulation:
        o.encapsulation = static_cast<uint16_t>(v);
        break;
      case p2attr::kAuthAlgorithm:
        o.auth = static_cast<uint16_t>(v);
        break;
      case p2attr::kKeyLength:
        o.key_bits = static_cast<uint16_t>(v);
        break;
      default:
        break;
    }
  }
  if (o.transform == p2attr::kEspAes && o.key_bits == 0) o.key_bits = 128;
  return o;
}

std::optional<EspChoice> match_esp(const SaPayload& sa, const config::Config& cfg,
                                   const std::vector<std::string>& transform_sets, bool udp_only) {
  for (const auto& prop : sa.proposals) {
    if (prop.protocol != p2attr::kProtoEsp || prop.spi.size() != 4) continue;
    for (const auto& t : prop.transforms) {
      EspOffer o = decode_esp(t);
      auto mode = encapsulation_of(o.encapsulation);
      if (udp_only && mode && !mode->udp) continue;
      for (const auto& name : transform_sets) {
        auto ts = cfg.crypto.transform_sets.find(name);
        if (ts == cfg.crypto.transform_sets.end()) continue;
        if (acceptable(o, allowed_of(ts->second)))
          return EspChoice{prop.number, t.number, &prop, &t, o, name};
      }
    }
  }
  return std::nullopt;
}

std::optional<Transform> esp_transform_for(const config::TransformSet& ts, uint8_t number,
                                           uint32_t life_seconds, uint32_t life_kilobytes,
                                           int pfs_group, bool udp_encapsulation, bool rfc_natt) {
  Allowed a = allowed_of(ts);
  if (!a.transform) return std::nullopt;
  auto be = [](uint32_t v) {
    return Bytes{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                 static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  };
  Transform t;
  t.number = number;
  t.id = a.transform;
  t.attributes.push_back(Attribute::tv(p2attr::kLifeType, p2attr::kLifeSeconds));
  t.attributes.push_back(Attribute::tlv(p2attr::kLifeDuration, be(life_seconds)));
  t.attributes.push_back(Attribute::tv(p2attr::kLifeType, p2attr::kLifeKilobytes));
  t.attributes.push_back(Attribute::tlv(p2attr::kLifeDuration, be(life_kilobytes)));
  uint16_t mode = a.transport ? p2attr::kTransport : p2attr::kTunnel;
  if (udp_encapsulation)
    mode = a.transport ? (rfc_natt ? p2attr::kUdpTransport : p2attr::kUdpTransportDraft)
                       : (rfc_natt ? p2attr::kUdpTunnel : p2attr::kUdpTunnelDraft);
  t.attributes.push_back(Attribute::tv(p2attr::kEncapsulation, mode));
  if (a.auth) t.attributes.push_back(Attribute::tv(p2attr::kAuthAlgorithm, a.auth));
  if (a.key_bits) t.attributes.push_back(Attribute::tv(p2attr::kKeyLength, a.key_bits));
  if (pfs_group)
    t.attributes.push_back(Attribute::tv(p2attr::kGroup, static_cast<uint16_t>(pfs_group)));
  return t;
}

size_t esp_encryption_key_length(const EspOffer& o) {
  switch (o.transform) {
    case p2attr::kEspDes:
      return 8;
    case p2attr::kEsp3Des:
      return 24;
    case p2attr::kEspAes:
      return o.key_bits / 8u;
    default:
      return 0;
  }
}

size_t esp_integrity_key_length(const EspOffer& o) {
  switch (o.auth) {
    case p2attr::kHmacMd5:
      return 16;
    case p2attr::kHmacSha:
      return 20;
    case p2attr::kHmacSha256:
      return 32;
    case p2attr::kHmacSha384:
      return 48;
    case p2attr::kHmacSha512:
      return 64;
    default:
      return 0;
  }
}

std::string esp_transform_text(const EspOffer& o) {
  std::string enc = o.transform == p2attr::kEspDes    ? "esp-des"
                    : o.transform == p2attr::kEsp3Des ? "esp-3des"
                    : o.transform == p2attr::kEspNull ? "esp-null"
                    : o.key_bits == 128               ? "esp-aes"
                                                      : fmt::format("esp-aes-{}", o.key_bits);
  std::string auth = o.auth == p2attr::kHmacMd5      ? "esp-md5-hmac"
                     : o.auth == p2attr::kHmacSha    ? "esp-sha-hmac"
                     : o.auth == p2attr::kHmacSha256 ? "esp-sha256-hmac"
                     : o.auth == p2attr::kHmacSha384 ? "esp-sha384-hmac"
                     : o.auth == p2attr::kHmacSha512 ? "esp-sha512-hmac"
                                                     : "no sa-hmac";
  return enc + " " + auth;
}

SecretBytes quick_mode_keymat(HashAlg h, const SecretBytes& skeyid_d, const Bytes& gxy,
                              uint8_t protocol, uint32_t spi, const Bytes& ni, const Bytes& nr,
                              size_t length) {
  Bytes tail = gxy;
  tail.push_back(protocol);
  for (int s = 24; s >= 0; s -= 8) tail.push_back(static_cast<uint8_t>(spi >> s));
  tail.insert(tail.end(), ni.begin(), ni.end());
  tail.insert(tail.end(), nr.begin(), nr.end());
  Bytes out, k;
  while (out.size() < length) {
    Bytes in = k;
    in.insert(in.end(), tail.begin(), tail.end());
    k = prf(h, skeyid_d.bytes(), in);
    out.insert(out.end(), k.begin(), k.end());
  }
  out.resize(length);
  std::fill(tail.begin(), tail.end(), 0);
  std::fill(k.begin(), k.end(), 0);
  return SecretBytes(std::move(out));
}

}  // namespace rampart::ike
