#include "control/snmp/agentx.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace rampart::snmp::agentx {

namespace {

// Reads the fields of one PDU in the byte order its header declared; every failure names the
// field.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n, bool big) : p_(p), n_(n), big_(big) {}
  bool done() const { return at_ == n_; }
  size_t left() const { return n_ - at_; }

  rampart::expected<uint8_t, std::string> u8(const char* field) {
    if (left() < 1) return fail(field);
    return p_[at_++];
  }
  rampart::expected<uint16_t, std::string> u16(const char* field) {
    if (left() < 2) return fail(field);
    uint16_t a = p_[at_], b = p_[at_ + 1];
    at_ += 2;
    return big_ ? static_cast<uint16_t>(a << 8 | b) : static_cast<uint16_t>(b << 8 | a);
  }
  rampart::expected<uint32_t, std::string> u32(const char* field) {
    if (left() < 4) return fail(field);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      uint32_t byte = p_[at_ + (big_ ? i : 3 - i)];
      v = v << 8 | byte;
    }
    at_ += 4;
    return v;
  }
  rampart::expected<void, std::string> skip(size_t n, const char* field) {
    if (left() < n) return fail(field);
    at_ += n;
    return {};
  }
  // RFC 2741 5.3: length, then the octets padded to a multiple of four.
  rampart::expected<std::string, std::string> octets(const char* field) {
    auto len = u32(field);
    if (!len) return rampart::unexpected(len.error());
    size_t padded = (static_cast<size_t>(*len) + 3) & ~size_t{3};
    if (*len > left() || padded > left()) return fail(field);
    std::string s(reinterpret_cast<const char*>(p_ + at_), *len);
    at_ += padded;
    return s;
  }
  // RFC 2741 5.1: n_subid, prefix, include, reserved, then the sub-identifiers; a prefix p
  // stands for 1.3.6.1.p.
  rampart::expected<std::pair<Oid, bool>, std::string> oid(const char* field) {
    auto n = u8(field);
    auto prefix = u8(field);
    auto include = u8(field);
    auto reserved = u8(field);
    if (!n || !prefix || !include || !reserved) return fail(field);
    if (*n > 128) return rampart::unexpected(fmt::format("{}: {} sub-identifiers", field, *n));
    Oid o;
    if (*prefix) o = {1, 3, 6, 1, *prefix};
    for (unsigned i = 0; i < *n; ++i) {
      auto s = u32(field);
      if (!s) return rampart::unexpected(s.error());
      o.push_back(*s);
    }
    return std::pair{std::move(o), *include != 0};
  }

 private:
  rampart::unexpected<std::string> fail(const char* field) const {
    return rampart::unexpected(fmt::format("{}: truncated at offset {}", field, at_));
  }
  const uint8_t* p_;
  size_t n_;
  size_t at_ = 0;
  bool big_;
};

class Writer {
 public:
  size_t size() const { return b_.size(); }
  void u8(uint8_t v) { b_.push_back(v); }
  void u16(uint16_t v) {
    u8(static_cast<uint8_t>(v >> 8));
    u8(static_cast<uint8_t>(v));
  }
  void u32(uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) u8(static_cast<uint8_t>(v >> s));
  }
  void octets(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    b_.insert(b_.end(), s.begin(), s.end());
    while (b_.size() % 4) u8(0);
  }
  void oid(const Oid& o, bool include = false) {
    // The 1.3.6.1.p prefix form is optional (RFC 2741 5.1); the full form is always valid.
    u8(static_cast<uint8_t>(o.size()));
    u8(0);
    u8(include ? 1 : 0);
    u8(0);
    for (uint32_t s : o) u32(s);
  }
  void varbind(const VarBind& vb) {
    u16(static_cast<uint16_t>(vb.value.type));
    u16(0);
    oid(vb.name);
    const Value& v = vb.value;
    switch (v.type) {
      case Type::Integer:
      case Type::Counter32:
      case Type::Gauge32:
      case Type::TimeTicks:
        u32(static_cast<uint32_t>(v.number));
        break;
      case Type::Counter64:
        u32(static_cast<uint32_t>(v.number >> 32));
        u32(static_cast<uint32_t>(v.number));
        break;
      case Type::IpAddress:  // RFC 2741 5.4: an octet string of four
        octets(std::string{static_cast<char>(v.number >> 24), static_cast<char>(v.number >> 16),
                           static_cast<char>(v.number >> 8), static_cast<char>(v.number)});
        break;
      case Type::OctetString:
        octets(v.octets);
        break;
      case Type::ObjectIdentifier:
        oid(v.oid);
        break;
      case Type::Null:
      case Type::NoSuchObject:
      case Type::NoSuchInstance:
      case Type::EndOfMibView:
        break;
    }
  }
  std::vector<uint8_t> pdu(PduType type, uint8_t flags, uint32_t session, uint32_t transaction,
                           uint32_t packet) {
    Writer h;
    h.u8(1);  // h.version
    h.u8(static_cast<uint8_t>(type));
    h.u8(flags | kFlagNetworkByteOrder);
    h.u8(0);
    h.u32(session);
    h.u32(transaction);
    h.u32(packet);
    h.u32(static_cast<uint32_t>(b_.size()));
    h.b_.insert(h.b_.end(), b_.begin(), b_.end());
    return std::move(h.b_);
  }

 private:
  std::vector<uint8_t> b_;
};

rampart::expected<Value, std::string> read_value(Reader& r, Type t) {
  switch (t) {
    case Type::Integer:
    case Type::Counter32:
    case Type::Gauge32:
    case Type::TimeTicks: {
      auto v = r.u32("value");
      if (!v) return rampart::unexpected(v.error());
      return Value{t, *v, {}, {}};
    }
    case Type::Counter64: {
      auto hi = r.u32("value"), lo = r.u32("value");
      if (!hi || !lo) return rampart::unexpected(std::string("value: truncated"));
      return Value{t, uint64_t{*hi} << 32 | *lo, {}, {}};
    }
    case Type::IpAddress: {
      auto s = r.octets("value");
      if (!s) return rampart::unexpected(s.error());
      if (s->size() != 4) return rampart::unexpected(std::string("value: IpAddress not 4 octets"));
      uint32_t v = 0;
      for (unsigned char c : *s) v = v << 8 | c;
      return Value::ip(v);
    }
    case Type::OctetString: {
      auto s = r.octets("value");
      if (!s) return rampart::unexpected(s.error());
      return Value::string(std::move(*s));
    }
    case Type::ObjectIdentifier: {
      auto o = r.oid("value");
      if (!o) return rampart::unexpected(o.error());
      return Value::object(std::move(o->first));
    }
    case Type::Null:
    case Type::NoSuchObject:
    case Type::NoSuchInstance:
    case Type::EndOfMibView:
      return Value::exception(t);
  }
  return rampart::unexpected(fmt::format("varbind type {}", static_cast<unsigned>(t)));
}

rampart::expected<void, std::string> read_ranges(Reader& r, std::vector<Range>& out) {
  while (!r.done()) {
    auto start = r.oid("search range start");
    if (!start) return rampart::unexpected(start.error());
    auto end = r.oid("search range end");
    if (!end) return rampart::unexpected(end.error());
    out.push_back({std::move(start->first), start->second, std::move(end->first)});
  }
  return {};
}

rampart::expected<void, std::string> read_response(Reader& r, Request& q) {
  auto up = r.u32("res.sysUpTime");
  auto err = r.u16("res.error");
  auto idx = r.u16("res.index");
  if (!up || !err || !idx) return rampart::unexpected(std::string("response: truncated"));
  q.sys_uptime = *up;
  q.error = static_cast<Error>(*err);
  q.error_index = *idx;
  while (!r.done()) {
    auto type = r.u16("varbind type");
    auto reserved = r.u16("varbind reserved");
    if (!type || !reserved) return rampart::unexpected(std::string("varbind: truncated"));
    auto name = r.oid("varbind name");
    if (!name) return rampart::unexpected(name.error());
    auto v = read_value(r, static_cast<Type>(*type));
    if (!v) return rampart::unexpected(v.error());
    q.varbinds.push_back({std::move(name->first), std::move(*v)});
  }
  return {};
}

}  // namespace

rampart::expected<Header, std::string> parse_header(const uint8_t* data, size_t size) {
  if (size < kHeaderSize) return rampart::unexpected(std::string("header: truncated"));
  if (data[0] != 1) return rampart::unexpected(fmt::format("header: version {}", data[0]));
  Header h;
  h.type = static_cast<PduType>(data[1]);
  h.flags = data[2];
  Reader r(data + 4, kHeaderSize - 4, (h.flags & kFlagNetworkByteOrder) != 0);
  h.session_id = *r.u32("h.sessionID");
  h.transaction_id = *r.u32("h.transactionID");
  h.packet_id = *r.u32("h.packetID");
  h.payload_length = *r.u32("h.payload_length");
  if (h.payload_length > kMaxPayload || h.payload_length % 4)
    return rampart::unexpected(fmt::format("header: payload length {}", h.payload_length));
  return h;
}

rampart::expected<Request, std::string> parse(const std::vector<uint8_t>& pdu) {
  auto h = parse_header(pdu.data(), pdu.size());
  if (!h) return rampart::unexpected(h.error());
  if (pdu.size() != kHeaderSize + h->payload_length)
    return rampart::unexpected(std::string("payload: length disagrees with the header"));
  Request q;
  q.header = *h;
  Reader r(pdu.data() + kHeaderSize, h->payload_length, (h->flags & kFlagNetworkByteOrder) != 0);
  // A non-default context (RFC 2741 6.1.1) comes first; Rampart serves the default only, and
  // the caller answers such a request with noSuchObject by its flag.
  if (h->flags & kFlagNonDefaultContext)
    if (auto c = r.octets("h.context"); !c) return rampart::unexpected(c.error());
  switch (h->type) {
    case PduType::Get:
    case PduType::GetNext:
      if (auto x = read_ranges(r, q.ranges); !x) return rampart::unexpected(x.error());
      break;
    case PduType::GetBulk: {
      auto nr = r.u16("g.non_repeaters");
      auto mr = r.u16("g.max_repetitions");
      if (!nr || !mr) return rampart::unexpected(std::string("getbulk: truncated"));
      q.non_repeaters = *nr;
      q.max_repetitions = *mr;
      if (auto x = read_ranges(r, q.ranges); !x) return rampart::unexpected(x.error());
      break;
    }
    case PduType::Response:
      if (auto x = read_response(r, q); !x) return rampart::unexpected(x.error());
      break;
    default:
      break;  // sets, pings, closes: the header says enough
  }
  return q;
}

std::vector<uint8_t> open_pdu(uint32_t packet_id, uint8_t timeout, const Oid& id,
                              const std::string& descr) {
  Writer w;
  w.u8(timeout);
  w.u8(0);
  w.u16(0);
  w.oid(id);
  w.octets(descr);
  return w.pdu(PduType::Open, 0, 0, 0, packet_id);
}

std::vector<uint8_t> close_pdu(uint32_t session_id, uint32_t packet_id) {
  Writer w;
  w.u8(1);  // reasonOther
  w.u8(0);
  w.u16(0);
  return w.pdu(PduType::Close, 0, session_id, 0, packet_id);
}

std::vector<uint8_t> register_pdu(uint32_t session_id, uint32_t packet_id, const Oid& subtree,
                                  uint8_t priority) {
  Writer w;
  w.u8(0);  // r.timeout: the session's
  w.u8(priority);
  w.u8(0);  // r.range_subid: a plain subtree
  w.u8(0);
  w.oid(subtree);
  return w.pdu(PduType::Register, 0, session_id, 0, packet_id);
}

std::vector<uint8_t> notify_pdu(uint32_t session_id, uint32_t packet_id,
                                const std::vector<VarBind>& varbinds) {
  Writer w;
  for (const auto& vb : varbinds) w.varbind(vb);
  return w.pdu(PduType::Notify, 0, session_id, 0, packet_id);
}

std::vector<uint8_t> ping_pdu(uint32_t session_id, uint32_t packet_id) {
  Writer w;
  return w.pdu(PduType::Ping, 0, session_id, 0, packet_id);
}

size_t encoded_size(const VarBind& vb) {
  Writer w;
  w.varbind(vb);
  return w.size();
}

std::vector<uint8_t> response_pdu(const Header& to, Error error, uint16_t index,
                                  const std::vector<VarBind>& varbinds) {
  Writer w;
  w.u32(0);  // res.sysUpTime: only the master's counts (RFC 2741 7.2.4.1)
  w.u16(static_cast<uint16_t>(error));
  w.u16(index);
  for (const auto& vb : varbinds) w.varbind(vb);
  return w.pdu(PduType::Response, 0, to.session_id, to.transaction_id, to.packet_id);
}

}  // namespace rampart::snmp::agentx

namespace rampart::snmp {

std::string oid_text(const Oid& oid) {
  std::string s;
  for (uint32_t x : oid) s += fmt::format("{}{}", s.empty() ? "" : ".", x);
  return s;
}

bool oid_under(const Oid& oid, const Oid& prefix) {
  return oid.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), oid.begin());
}

}  // namespace rampart::snmp
