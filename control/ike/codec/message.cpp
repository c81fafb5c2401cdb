#include "control/ike/codec/message.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rampart::ike {

namespace {

// More payloads than this in one message is an attack, not a client: Cisco clients send about
// fifteen (ten of them vendor IDs).
constexpr size_t kMaxPayloads = 64;

rampart::expected<Cookie, DecodeError> cookie(Reader& r, std::string_view field) {
  auto b = r.bytes(8, "HDR", field);
  if (!b) return rampart::unexpected(b.error());
  Cookie c{};
  std::copy(b->begin(), b->end(), c.begin());
  return c;
}

}  // namespace

rampart::expected<std::vector<Payload>, DecodeError> parse_payloads(PayloadType first,
                                                                    const Bytes& body,
                                                                    size_t* consumed, size_t base) {
  Reader r(body, base);
  std::vector<Payload> out;
  PayloadType type = first;
  while (type != PayloadType::None) {
    if (out.size() == kMaxPayloads)
      return rampart::unexpected(r.error(asa_name(type), "payload count", "exceeds the limit"));
    auto next = r.u8(asa_name(type), "next payload");
    if (!next) return rampart::unexpected(next.error());
    auto reserved = r.u8(asa_name(type), "reserved");
    if (!reserved) return rampart::unexpected(reserved.error());
    auto length = r.u16(asa_name(type), "length");
    if (!length) return rampart::unexpected(length.error());
    if (*length < kGenericHeaderLength)
      return rampart::unexpected(r.error(asa_name(type), "length", "too short"));
    auto sub = r.sub(*length - kGenericHeaderLength, asa_name(type), "length");
    if (!sub) return rampart::unexpected(sub.error());
    auto p = parse_payload(type, *sub);
    if (!p) return rampart::unexpected(p.error());
    out.push_back(std::move(*p));
    type = static_cast<PayloadType>(*next);
  }
  // Encrypted bodies are padded to the cipher block (RFC 2409 appendix B); the padding follows
  // the last payload and is not an error. Plain messages carry none, which the caller checks.
  if (consumed) *consumed = r.offset() - base;
  return out;
}

rampart::expected<Message, DecodeError> parse_message(const uint8_t* data, size_t size) {
  if (size > kMaxMessage) return rampart::unexpected(DecodeError{"HDR", "length", "too large", 0});
  Reader r(data, size);
  Message m;
  auto ic = cookie(r, "initiator cookie");
  if (!ic) return rampart::unexpected(ic.error());
  auto rc = cookie(r, "responder cookie");
  if (!rc) return rampart::unexpected(rc.error());
  m.header.initiator_cookie = *ic;
  m.header.responder_cookie = *rc;
  auto next = r.u8("HDR", "next payload");
  auto version = next ? r.u8("HDR", "version") : next;
  auto exchange = version ? r.u8("HDR", "exchange type") : version;
  auto flags = exchange ? r.u8("HDR", "flags") : exchange;
  if (!flags) return rampart::unexpected(flags.error());
  auto mid = r.u32("HDR", "message ID");
  if (!mid) return rampart::unexpected(mid.error());
  auto length = r.u32("HDR", "length");
  if (!length) return rampart::unexpected(length.error());
  if ((*version >> 4) != 1) return rampart::unexpected(r.error("HDR", "major version", "is not 1"));
  if (*length != size)
    return rampart::unexpected(r.error("HDR", "length", "does not match the datagram"));
  m.header.next = static_cast<PayloadType>(*next);
  m.header.version = *version;
  m.header.exchange = static_cast<Exchange>(*exchange);
  m.header.flags = *flags;
  m.header.message_id = *mid;
  m.header.length = *length;
  Bytes body = r.rest();
  if (m.header.flags & kFlagEncrypted) {
    m.encrypted_body = std::move(body);
    return m;
  }
  size_t used = 0;
  auto payloads = parse_payloads(m.header.next, body, &used);
  if (!payloads) return rampart::unexpected(payloads.error());
  m.payloads = std::move(*payloads);
  // A plain message may carry a few bytes after its last payload: libreswan pads every IKEv1
  // message to a multiple of 4 (ikepad=yes), and RFC 2408 3.1 counts the length over the whole
  // message, not the chain. No hash or signature covers them and nothing reads them; more than a
  // cipher block of them is not padding.
  if (body.size() - used > kMaxPlainPadding)
    return rampart::unexpected(
        DecodeError{"HDR", "length", "has trailing data", kHeaderSize + used});
  return m;
}

Bytes serialize_payloads(const std::vector<Payload>& payloads) {
  Writer w;
  for (size_t i = 0; i < payloads.size(); ++i) {
    size_t start = w.size();
    w.u8(i + 1 < payloads.size() ? static_cast<uint8_t>(type_of(payloads[i + 1])) : 0);
    w.u8(0);
    size_t len = w.placeholder16();
    serialize_payload(payloads[i], w);
    w.patch_u16(len, static_cast<uint16_t>(w.size() - start));
  }
  return w.take();
}

Bytes serialize_message(const Message& m) {
  Writer w;
  const Header& h = m.header;
  w.bytes(Bytes(h.initiator_cookie.begin(), h.initiator_cookie.end()));
  w.bytes(Bytes(h.responder_cookie.begin(), h.responder_cookie.end()));
  bool encrypted = h.flags & kFlagEncrypted;
  w.u8(
      static_cast<uint8_t>(encrypted || m.payloads.empty() ? h.next : type_of(m.payloads.front())));
  w.u8(h.version);
  w.u8(static_cast<uint8_t>(h.exchange));
  w.u8(h.flags);
  w.u32(h.message_id);
  size_t len = w.placeholder32();
  w.bytes(encrypted ? m.encrypted_body : serialize_payloads(m.payloads));
  w.patch_u32(len, static_cast<uint32_t>(w.size()));
  return w.take();
}

std::string describe(const std::vector<Payload>& payloads, size_t total_length) {
  std::string s = "HDR";
  for (const auto& p : payloads) {
    PayloadType t = type_of(p);
    s += fmt::format(" + {} ({})", asa_name(t), static_cast<unsigned>(t));
  }
  return s + fmt::format(" + NONE (0) total length : {}", total_length);
}

}  // namespace rampart::ike
