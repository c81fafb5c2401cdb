#include "control/ike/codec/payloads.hpp"

namespace rampart::ike {

namespace {

constexpr uint16_t kAttributeFormatBit = 0x8000;  // RFC 2408 3.3 AF

// Shorthand: propagate a DecodeError from an expected.
#define TRY(var, expr)                                       \
  auto var##_r = (expr);                                     \
  if (!var##_r) return rampart::unexpected(var##_r.error()); \
  auto var = std::move(*var##_r)

rampart::expected<Transform, DecodeError> parse_transform(Reader& r) {
  TRY(number, r.u8("Transform", "number"));
  TRY(id, r.u8("Transform", "id"));
  TRY(reserved, r.u16("Transform", "reserved"));
  (void)reserved;
  TRY(attrs, parse_attributes(r, "Transform"));
  return Transform{number, id, std::move(attrs)};
}

// RFC 2408 3.5: the proposal's transforms follow it as Transform payloads chained by their own
// generic headers (next payload 3, or 0 on the last).
rampart::expected<Proposal, DecodeError> parse_proposal(Reader& r) {
  Proposal p;
  TRY(number, r.u8("Proposal", "number"));
  TRY(protocol, r.u8("Proposal", "protocol"));
  TRY(spi_size, r.u8("Proposal", "SPI size"));
  TRY(count, r.u8("Proposal", "number of transforms"));
  TRY(spi, r.bytes(spi_size, "Proposal", "SPI"));
  p.number = number;
  p.protocol = protocol;
  p.spi = std::move(spi);
  for (uint8_t i = 0; i < count; ++i) {
    TRY(next, r.u8("Transform", "next payload"));
    TRY(reserved, r.u8("Transform", "reserved"));
    (void)reserved;
    TRY(length, r.u16("Transform", "length"));
    if (length < kGenericHeaderLength)
      return rampart::unexpected(r.error("Transform", "length", "too short"));
    TRY(body, r.sub(length - kGenericHeaderLength, "Transform", "length"));
    TRY(t, parse_transform(body));
    p.transforms.push_back(std::move(t));
    bool last = i + 1 == count;
    if ((last && next != 0) || (!last && next != static_cast<uint8_t>(PayloadType::Transform)))
      return rampart::unexpected(r.error("Transform", "next payload", "does not match the count"));
  }
  if (!r.done()) return rampart::unexpected(r.error("Proposal", "length", "has trailing data"));
  return p;
}

rampart::expected<SaPayload, DecodeError> parse_sa(Reader& r) {
  SaPayload sa;
  TRY(doi, r.u32("SA", "DOI"));
  TRY(situation, r.u32("SA", "situation"));
  sa.doi = doi;
  sa.situation = situation;
  for (bool more = true; more;) {
    TRY(next, r.u8("Proposal", "next payload"));
    TRY(reserved, r.u8("Proposal", "reserved"));
    (void)reserved;
    TRY(length, r.u16("Proposal", "length"));
    if (length < kGenericHeaderLength)
      return rampart::unexpected(r.error("Proposal", "length", "too short"));
    TRY(body, r.sub(length - kGenericHeaderLength, "Proposal", "length"));
    TRY(p, parse_proposal(body));
    sa.proposals.push_back(std::move(p));
    if (next != 0 && next != static_cast<uint8_t>(PayloadType::Proposal))
      return rampart::unexpected(r.error("Proposal", "next payload", "is not a proposal"));
    more = next != 0;
  }
  if (!r.done()) return rampart::unexpected(r.error("SA", "length", "has trailing data"));
  return sa;
}

void serialize_sa(const SaPayload& sa, Writer& w) {
  w.u32(sa.doi);
  w.u32(sa.situation);
  for (size_t i = 0; i < sa.proposals.size(); ++i) {
    const Proposal& p = sa.proposals[i];
    size_t start = w.size();
    w.u8(i + 1 == sa.proposals.size() ? 0 : static_cast<uint8_t>(PayloadType::Proposal));
    w.u8(0);
    size_t len = w.placeholder16();
    w.u8(p.number);
    w.u8(p.protocol);
    w.u8(static_cast<uint8_t>(p.spi.size()));
    w.u8(static_cast<uint8_t>(p.transforms.size()));
    w.bytes(p.spi);
    for (size_t j = 0; j < p.transforms.size(); ++j) {
      const Transform& t = p.transforms[j];
      size_t tstart = w.size();
      w.u8(j + 1 == p.transforms.size() ? 0 : static_cast<uint8_t>(PayloadType::Transform));
      w.u8(0);
      size_t tlen = w.placeholder16();
      w.u8(t.number);
      w.u8(t.id);
      w.u16(0);
      serialize_attributes(t.attributes, w);
      w.patch_u16(tlen, static_cast<uint16_t>(w.size() - tstart));
    }
    w.patch_u16(len, static_cast<uint16_t>(w.size() - start));
  }
}

}  // namespace

std::string_view asa_name(PayloadType t) {
  switch (t) {
    case PayloadType::None:
      return "NONE";
    case PayloadType::SA:
      return "SA";
    case PayloadType::Proposal:
      return "PROPOSAL";
    case PayloadType::Transform:
      return "TRANSFORM";
    case PayloadType::KE:
      return "KE";
    case PayloadType::ID:
      return "ID";
    case PayloadType::Cert:
      return "CERT";
    case PayloadType::CertReq:
      return "CERT_REQ";
    case PayloadType::Hash:
      return "HASH";
    case PayloadType::Sig:
      return "SIG";
    case PayloadType::Nonce:
      return "NONCE";
    case PayloadType::Notify:
      return "NOTIFY";
    case PayloadType::Delete:
      return "DELETE";
    case PayloadType::VendorId:
      return "VENDOR";
    case PayloadType::Attribute:
      return "ATTR";
    case PayloadType::NatD:
      return "NAT-D";
    case PayloadType::NatOA:
      return "NAT-OA";
    case PayloadType::NatDDraft:
      return "NAT-D";
    case PayloadType::NatOADraft:
      return "NAT-OA";
    case PayloadType::Fragment:
      return "FRAGMENT";
  }
  return "UNKNOWN";
}

PayloadType type_of(const Payload& p) {
  struct V {
    PayloadType operator()(const SaPayload&) const { return PayloadType::SA; }
    PayloadType operator()(const IdPayload&) const { return PayloadType::ID; }
    PayloadType operator()(const NotifyPayload&) const { return PayloadType::Notify; }
    PayloadType operator()(const DeletePayload&) const { return PayloadType::Delete; }
    PayloadType operator()(const AttributePayload&) const { return PayloadType::Attribute; }
    PayloadType operator()(const OpaquePayload& o) const { return o.type; }
  };
  return std::visit(V{}, p);
}

rampart::expected<std::vector<Attribute>, DecodeError> parse_attributes(Reader& r,
                                                                        std::string_view payload) {
  std::vector<Attribute> out;
  while (!r.done()) {
    TRY(type, r.u16(payload, "attribute type"));
    TRY(value, r.u16(payload, "attribute length/value"));
    Attribute a;
    a.type = type & static_cast<uint16_t>(~kAttributeFormatBit);
    a.short_form = (type & kAttributeFormatBit) != 0;
    if (a.short_form) {
      a.value = value;
    } else {
      TRY(data, r.bytes(value, payload, "attribute value"));
      a.data = std::move(data);
    }
    out.push_back(std::move(a));
  }
  return out;
}

void serialize_attributes(const std::vector<Attribute>& attrs, Writer& w) {
  for (const Attribute& a : attrs) {
    if (a.short_form) {
      w.u16(static_cast<uint16_t>(a.type | kAttributeFormatBit));
      w.u16(a.value);
    } else {
      w.u16(a.type);
      w.u16(static_cast<uint16_t>(a.data.size()));
      w.bytes(a.data);
    }
  }
}

rampart::expected<Payload, DecodeError> parse_payload(PayloadType type, Reader& r) {
  switch (type) {
    case PayloadType::SA: {
      TRY(sa, parse_sa(r));
      return Payload{std::move(sa)};
    }
    case PayloadType::ID: {
      IdPayload id;
      TRY(id_type, r.u8("ID", "type"));
      TRY(protocol, r.u8("ID", "protocol"));
      TRY(port, r.u16("ID", "port"));
      id.id_type = id_type;
      id.protocol = protocol;
      id.port = port;
      id.data = r.rest();
      return Payload{std::move(id)};
    }
    case PayloadType::Notify: {
      NotifyPayload n;
      TRY(doi, r.u32("NOTIFY", "DOI"));
      TRY(protocol, r.u8("NOTIFY", "protocol"));
      TRY(spi_size, r.u8("NOTIFY", "SPI size"));
      TRY(ntype, r.u16("NOTIFY", "message type"));
      TRY(spi, r.bytes(spi_size, "NOTIFY", "SPI"));
      n.doi = doi;
      n.protocol = protocol;
      n.type = ntype;
      n.spi = std::move(spi);
      n.data = r.rest();
      return Payload{std::move(n)};
    }
    case PayloadType::Delete: {
      DeletePayload d;
      TRY(doi, r.u32("DELETE", "DOI"));
      TRY(protocol, r.u8("DELETE", "protocol"));
      TRY(spi_size, r.u8("DELETE", "SPI size"));
      TRY(count, r.u16("DELETE", "number of SPIs"));
      d.doi = doi;
      d.protocol = protocol;
      d.spi_size = spi_size;
      // The count must match the bytes present: a count cannot make us read or allocate more.
      if (spi_size == 0 ? count != 0 : static_cast<size_t>(count) * spi_size != r.remaining())
        return rampart::unexpected(
            r.error("DELETE", "number of SPIs", "does not match the length"));
      for (uint16_t i = 0; i < count; ++i) {
        TRY(spi, r.bytes(spi_size, "DELETE", "SPI"));
        d.spis.push_back(std::move(spi));
      }
      return Payload{std::move(d)};
    }
    case PayloadType::Attribute: {
      AttributePayload a;
      TRY(cfg_type, r.u8("ATTR", "type"));
      TRY(reserved, r.u8("ATTR", "reserved"));
      (void)reserved;
      TRY(identifier, r.u16("ATTR", "identifier"));
      TRY(attrs, parse_attributes(r, "ATTR"));
      a.type = cfg_type;
      a.identifier = identifier;
      a.attributes = std::move(attrs);
      return Payload{std::move(a)};
    }
    default:
      return Payload{OpaquePayload{type, r.rest()}};
  }
}

void serialize_payload(const Payload& p, Writer& w) {
  struct V {
    Writer& w;
    void operator()(const SaPayload& sa) const { serialize_sa(sa, w); }
    void operator()(const IdPayload& id) const {
      w.u8(id.id_type);
      w.u8(id.protocol);
      w.u16(id.port);
      w.bytes(id.data);
    }
    void operator()(const NotifyPayload& n) const {
      w.u32(n.doi);
      w.u8(n.protocol);
      w.u8(static_cast<uint8_t>(n.spi.size()));
      w.u16(n.type);
      w.bytes(n.spi);
      w.bytes(n.data);
    }
    void operator()(const DeletePayload& d) const {
      w.u32(d.doi);
      w.u8(d.protocol);
      w.u8(d.spi_size);
      w.u16(static_cast<uint16_t>(d.spis.size()));
      for (const auto& s : d.spis) w.bytes(s);
    }
    void operator()(const AttributePayload& a) const {
      w.u8(a.type);
      w.u8(0);
      w.u16(a.identifier);
      serialize_attributes(a.attributes, w);
    }
    void operator()(const OpaquePayload& o) const { w.bytes(o.data); }
  };
  std::visit(V{w}, p);
}

Bytes payload_body(const Payload& p) {
  Writer w;
  serialize_payload(p, w);
  return w.take();
}

#undef TRY

}  // namespace rampart::ike
