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

// The offer against a transform set's two rows of the algorithm table.
bool acceptable(const EspOffer& o, const config::TransformSet& ts) {
  const auto& enc = config::row(ts.encryption);
  if (o.transform != enc.iana || o.auth != config::row(ts.integrity).iana) return false;
  // A lifetime of 0 would be an SA that never expires (and never rekeys its keys); the ASA's
  // own range starts at 120 s and 10 kB.
  if (o.life_seconds == 0u || o.life_kilobytes == 0u) return false;
  // decode_esp gave AES its 128-bit default; the other ciphers' keys are fixed.
  if (enc.key_attr && o.key_bits != enc.key_attr) return false;
  auto mode = encapsulation_of(o.encapsulation);
  return mode && mode->tunnel != (ts.mode == "transport");
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
  if (o.transform == p2attr::kEspAes && o.key_bits == 0) o.key_bits = 128;  // RFC 3602 5
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
        if (acceptable(o, ts->second))
          return EspChoice{prop.number,         t.number, &prop, &t, o, name, ts->second.encryption,
                           ts->second.integrity};
      }
    }
  }
  return std::nullopt;
}

std::optional<Transform> esp_transform_for(const config::TransformSet& ts, uint8_t number,
                                           uint32_t life_seconds, uint32_t life_kilobytes,
                                           int pfs_group, bool udp_encapsulation, bool rfc_natt) {
  const auto& enc = config::row(ts.encryption);
  const auto& integ = config::row(ts.integrity);
  auto be = [](uint32_t v) {
    return Bytes{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                 static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
  };
  Transform t;
  t.number = number;
  t.id = enc.iana;
  t.attributes.push_back(Attribute::tv(p2attr::kLifeType, p2attr::kLifeSeconds));
  t.attributes.push_back(Attribute::tlv(p2attr::kLifeDuration, be(life_seconds)));
  t.attributes.push_back(Attribute::tv(p2attr::kLifeType, p2attr::kLifeKilobytes));
  t.attributes.push_back(Attribute::tlv(p2attr::kLifeDuration, be(life_kilobytes)));
  const bool transport = ts.mode == "transport";
  uint16_t mode = transport ? p2attr::kTransport : p2attr::kTunnel;
  if (udp_encapsulation)
    mode = transport ? (rfc_natt ? p2attr::kUdpTransport : p2attr::kUdpTransportDraft)
                     : (rfc_natt ? p2attr::kUdpTunnel : p2attr::kUdpTunnelDraft);
  t.attributes.push_back(Attribute::tv(p2attr::kEncapsulation, mode));
  if (integ.iana) t.attributes.push_back(Attribute::tv(p2attr::kAuthAlgorithm, integ.iana));
  if (enc.key_attr) t.attributes.push_back(Attribute::tv(p2attr::kKeyLength, enc.key_attr));
  if (pfs_group)
    t.attributes.push_back(Attribute::tv(p2attr::kGroup, static_cast<uint16_t>(pfs_group)));
  return t;
}

size_t esp_encryption_key_length(const EspOffer& o) {
  auto e = config::esp_encryption_of(o.transform, o.key_bits);
  return e ? config::row(*e).key_bytes : 0;
}

size_t esp_integrity_key_length(const EspOffer& o) {
  auto i = config::esp_integrity_of(o.auth);
  return i ? config::row(*i).key_bytes : 0;
}

std::string esp_transform_text(config::EspEncryption e, config::EspIntegrity i) {
  return fmt::format("{} {}", config::row(e).words.asa, config::row(i).show);
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
