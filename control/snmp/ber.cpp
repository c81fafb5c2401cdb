#include "control/snmp/ber.hpp"

namespace rampart::snmp::ber {

namespace {

constexpr uint8_t kInteger = 0x02, kOctetString = 0x04, kNull = 0x05, kOid = 0x06;
constexpr uint8_t kSequence = 0x30, kGetRequest = 0xa0, kResponse = 0xa2;
constexpr uint8_t kCounter32 = 0x41, kGauge32 = 0x42, kTimeTicks = 0x43, kCounter64 = 0x46;
constexpr int32_t kVersion2c = 1;  // RFC 1901

using Bytes = std::vector<uint8_t>;

void put_length(Bytes& out, size_t n) {
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xff) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
}

Bytes tlv(uint8_t tag, const Bytes& content) {
  Bytes out{tag};
  put_length(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

// Two's complement, shortest form (X.690 8.3).
Bytes integer(int32_t v) {
  Bytes b;
  for (int shift = 24; shift >= 0; shift -= 8) b.push_back(static_cast<uint8_t>(v >> shift));
  while (b.size() > 1 && ((b[0] == 0 && !(b[1] & 0x80)) || (b[0] == 0xff && (b[1] & 0x80))))
    b.erase(b.begin());
  return tlv(kInteger, b);
}

// X.690 8.19: the first two arcs as one, then base 128 with continuation bits.
Bytes oid(const Oid& o) {
  Bytes b;
  auto arc = [&b](uint64_t v) {
    Bytes rev{static_cast<uint8_t>(v & 0x7f)};
    for (v >>= 7; v; v >>= 7) rev.push_back(static_cast<uint8_t>(0x80 | (v & 0x7f)));
    b.insert(b.end(), rev.rbegin(), rev.rend());
  };
  if (o.size() >= 2) {
    arc(uint64_t{o[0]} * 40 + o[1]);
    for (size_t i = 2; i < o.size(); ++i) arc(o[i]);
  }
  return tlv(kOid, b);
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// A cursor over one TLV's contents; every read checks the bounds it was given.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;

  // The next TLV of `tag`: its contents as a Reader, or an error saying what was there.
  rampart::expected<Reader, std::string> next(uint8_t tag) {
    if (end - p < 2) return rampart::unexpected(std::string("truncated"));
    uint8_t t = *p++;
    size_t n = *p++;
    if (n & 0x80) {
      size_t k = n & 0x7f;
      if (k == 0 || k > 3 || static_cast<size_t>(end - p) < k)
        return rampart::unexpected(std::string("bad length"));
      n = 0;
      while (k--) n = (n << 8) | *p++;
    }
    if (static_cast<size_t>(end - p) < n) return rampart::unexpected(std::string("truncated"));
    Reader inner{p, p + n};
    p += n;
    if (t != tag) return rampart::unexpected(std::string("unexpected tag"));
    return inner;
  }
  uint8_t peek() const { return p < end ? *p : 0; }
  bool done() const { return p == end; }
};

// The contents of an INTEGER-like TLV as an unsigned number of at most 64 bits (a leading zero
// octet allowed) or, for INTEGER, its signed value's bits.
rampart::expected<uint64_t, std::string> number(Reader r, bool is_signed) {
  size_t n = static_cast<size_t>(r.end - r.p);
  if (n == 0 || n > 9 || (n == 9 && r.p[0] != 0))
    return rampart::unexpected(std::string("bad number"));
  uint64_t v = is_signed && (r.p[0] & 0x80) ? ~uint64_t{0} : 0;
  for (; r.p < r.end; ++r.p) v = (v << 8) | *r.p;
  return v;
}

rampart::expected<Oid, std::string> read_oid(Reader r) {
  Oid o;
  uint64_t v = 0;
  for (; r.p < r.end; ++r.p) {
    v = (v << 7) | (*r.p & 0x7f);
    if (v > 0xffffffffu) return rampart::unexpected(std::string("bad OID"));
    if (*r.p & 0x80) continue;
    if (o.empty()) {
      uint32_t first = v < 80 ? static_cast<uint32_t>(v / 40) : 2;
      o = {first, static_cast<uint32_t>(v - first * 40)};
    } else {
      o.push_back(static_cast<uint32_t>(v));
    }
    v = 0;
  }
  if (o.empty() || (r.end > r.p && (r.end[-1] & 0x80)))
    return rampart::unexpected(std::string("bad OID"));
  return o;
}

}  // namespace

std::vector<uint8_t> get_request(std::string_view community, int32_t request_id,
                                 const std::vector<Oid>& oids) {
  Bytes list;
  for (const auto& o : oids) {
    Bytes vb = tlv(kSequence, cat({oid(o), tlv(kNull, {})}));
    list.insert(list.end(), vb.begin(), vb.end());
  }
  Bytes pdu =
      tlv(kGetRequest, cat({integer(request_id), integer(0), integer(0), tlv(kSequence, list)}));
  return tlv(kSequence, cat({integer(kVersion2c),
                             tlv(kOctetString, Bytes(community.begin(), community.end())), pdu}));
}

size_t message_size(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  size_t n = data[1], header = 2;
  if (n & 0x80) {
    size_t k = n & 0x7f;
    if (k == 0 || k > 3) return size;  // not a length we send or accept: parse refuses it
    if (size < 2 + k) return 0;
    n = 0;
    for (size_t i = 0; i < k; ++i) n = (n << 8) | data[2 + i];
    header += k;
  }
  return size < header + n ? 0 : header + n;
}

rampart::expected<std::map<Oid, uint64_t>, std::string> parse_response(const uint8_t* data,
                                                                       size_t size,
                                                                       int32_t request_id) {
  Reader top{data, data + size};
  auto msg = top.next(kSequence);
  if (!msg) return rampart::unexpected(msg.error());
  auto version = msg->next(kInteger);
  auto community = version ? msg->next(kOctetString) : version;
  auto pdu = community ? msg->next(kResponse) : community;
  if (!pdu) return rampart::unexpected(pdu.error());
  auto id = pdu->next(kInteger);
  auto status = id ? pdu->next(kInteger) : id;
  auto index = status ? pdu->next(kInteger) : status;
  auto list = index ? pdu->next(kSequence) : index;
  if (!list) return rampart::unexpected(list.error());
  auto idv = number(*id, true), statusv = number(*status, true);
  if (!idv || static_cast<int32_t>(*idv) != request_id)
    return rampart::unexpected(std::string("another request's response"));
  if (!statusv || *statusv != 0) return rampart::unexpected(std::string("error-status"));
  std::map<Oid, uint64_t> out;
  while (!list->done()) {
    auto vb = list->next(kSequence);
    if (!vb) return rampart::unexpected(vb.error());
    auto name = vb->next(kOid);
    if (!name) return rampart::unexpected(name.error());
    auto o = read_oid(*name);
    if (!o) return rampart::unexpected(o.error());
    uint8_t tag = vb->peek();
    auto value = vb->next(tag);
    if (!value) return rampart::unexpected(value.error());
    if (tag != kInteger && tag != kCounter32 && tag != kGauge32 && tag != kTimeTicks &&
        tag != kCounter64)
      continue;
    auto v = number(*value, tag == kInteger);
    if (!v) return rampart::unexpected(v.error());
    out[*o] = *v;
  }
  return out;
}

}  // namespace rampart::snmp::ber
