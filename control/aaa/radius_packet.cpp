#include "control/aaa/radius_packet.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

namespace rampart::aaa::radius {
namespace {

void put16(Bytes& b, size_t at, size_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void append32(Bytes& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}
size_t get16(std::span<const uint8_t> b, size_t at) {
  return size_t{b[at]} << 8 | b[at + 1];
}

Authenticator md5(std::initializer_list<std::span<const uint8_t>> parts) {
  Authenticator out{};
  EVP_MD_CTX* c = EVP_MD_CTX_new();
  EVP_DigestInit_ex(c, EVP_md5(), nullptr);
  for (auto p : parts) EVP_DigestUpdate(c, p.data(), p.size());
  EVP_DigestFinal_ex(c, out.data(), nullptr);
  EVP_MD_CTX_free(c);
  return out;
}

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

Authenticator hmac_md5(std::string_view key, std::span<const uint8_t> data) {
  Authenticator out{};
  unsigned len = 0;
  HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()), data.data(), data.size(), out.data(),
       &len);
  return out;
}

// Offsets of the attributes in [kHeaderLen, len): empty when the framing is broken.
bool walk(std::span<const uint8_t> p, size_t len, std::vector<size_t>& offsets) {
  for (size_t i = kHeaderLen; i < len;) {
    if (i + 2 > len || p[i] == 0 || p[i + 1] < 2 || i + p[i + 1] > len) return false;
    offsets.push_back(i);
    i += p[i + 1];
  }
  return true;
}

Bytes header(uint8_t code, uint8_t id) {
  Bytes p(kHeaderLen, 0);
  p[0] = code;
  p[1] = id;
  return p;
}

bool answers(uint8_t request, uint8_t reply) {
  if (request == kAccountingRequest) return reply == kAccountingResponse;
  return reply == kAccessAccept || reply == kAccessReject || reply == kAccessChallenge;
}

}  // namespace

Bytes encode_attributes(const std::vector<Attribute>& attrs) {
  Bytes out;
  for (const auto& a : attrs) {
    Bytes value;
    if (a.kind == Attribute::Kind::Text) {
      if (a.text.empty()) continue;  // RFC 2865 5: text is at least one octet
      // 253 octets in an attribute, 247 inside a VSA's 6-octet vendor header.
      const size_t max = a.vendor ? 247 : 253;
      auto t = bytes(a.text).first(std::min(a.text.size(), max));
      value.assign(t.begin(), t.end());
    } else {
      append32(value, a.number);
    }
    if (a.vendor) {
      out.push_back(kVendorSpecific);
      out.push_back(static_cast<uint8_t>(8 + value.size()));
      append32(out, a.vendor);
    }
    out.push_back(a.type);
    out.push_back(static_cast<uint8_t>(2 + value.size()));
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

Bytes hide_password(std::string_view password, std::string_view key, const Authenticator& ra) {
  const size_t n = std::min(password.size(), kMaxPassword);
  Bytes p(std::max<size_t>(16, (n + 15) / 16 * 16), 0);
  std::copy_n(password.begin(), n, p.begin());
  // RFC 2865 5.2: b1 = MD5(S + RA), c1 = p1 xor b1; bi = MD5(S + c(i-1)).
  std::span<const uint8_t> prev = ra;
  for (size_t i = 0; i < p.size(); i += 16) {
    const Authenticator b = md5({bytes(key), prev});
    for (size_t j = 0; j < 16; ++j) p[i + j] ^= b[j];
    prev = std::span<const uint8_t>(p).subspan(i, 16);
  }
  return p;
}

Bytes access_request_packet(uint8_t id, const Authenticator& ra,
                            const std::vector<Attribute>& attrs,
                            std::optional<std::string_view> password, std::string_view key) {
  Bytes p = header(kAccessRequest, id);
  std::copy(ra.begin(), ra.end(), p.begin() + 4);
  const Bytes a = encode_attributes(attrs);
  p.insert(p.end(), a.begin(), a.end());
  if (password) {
    Bytes hidden = hide_password(*password, key, ra);
    p.push_back(kUserPassword);
    p.push_back(static_cast<uint8_t>(2 + hidden.size()));
    p.insert(p.end(), hidden.begin(), hidden.end());
    OPENSSL_cleanse(hidden.data(), hidden.size());
  }
  // RFC 3579 3.2: HMAC-MD5 over the packet with the Message-Authenticator's value zeroed.
  p.push_back(kMessageAuthenticator);
  p.push_back(18);
  const size_t ma = p.size();
  p.resize(p.size() + 16, 0);
  put16(p, 2, p.size());
  const Authenticator mac = hmac_md5(key, p);
  std::copy(mac.begin(), mac.end(), p.begin() + static_cast<long>(ma));
  return p;
}

Bytes accounting_request_packet(uint8_t id, const std::vector<Attribute>& attrs,
                                std::string_view key) {
  Bytes p = header(kAccountingRequest, id);
  const Bytes a = encode_attributes(attrs);
  p.insert(p.end(), a.begin(), a.end());
  put16(p, 2, p.size());
  // RFC 2866 3: MD5(Code + Identifier + Length + 16 zero octets + request attributes + secret).
  const Authenticator auth = md5({p, bytes(key)});
  std::copy(auth.begin(), auth.end(), p.begin() + 4);
  return p;
}

ReplyCheck check_reply(std::span<const uint8_t> reply, std::span<const uint8_t> request,
                       std::string_view key, bool require_message_authenticator) {
  if (reply.size() < kHeaderLen || request.size() < kHeaderLen) return ReplyCheck::Malformed;
  const size_t len = get16(reply, 2);
  // RFC 2865 3: octets beyond Length are padding; a shorter datagram is discarded.
  if (len < kHeaderLen || len > kMaxPacket || len > reply.size()) return ReplyCheck::Malformed;
  reply = reply.first(len);
  if (reply[1] != request[1]) return ReplyCheck::WrongId;
  std::vector<size_t> offsets;
  if (!answers(request[0], reply[0]) || !walk(reply, len, offsets)) return ReplyCheck::Malformed;
  // RFC 2865 3: Response Authenticator = MD5(Code+ID+Length+RequestAuth+Attributes+Secret).
  const auto request_auth = request.subspan(4, 16);
  const Authenticator expect =
      md5({reply.first(4), request_auth, reply.subspan(kHeaderLen), bytes(key)});
  if (CRYPTO_memcmp(expect.data(), reply.data() + 4, 16) != 0) return ReplyCheck::BadAuthenticator;
  if (request[0] != kAccessRequest) return ReplyCheck::Ok;
  std::optional<size_t> ma;
  for (size_t off : offsets) {
    if (reply[off] != kMessageAuthenticator) continue;
    if (ma || reply[off + 1] != 18) return ReplyCheck::Malformed;
    ma = off;
  }
  if (!ma)
    return require_message_authenticator ? ReplyCheck::BadMessageAuthenticator : ReplyCheck::Ok;
  // RFC 3579 3.2: computed with the Request Authenticator in place and the value zeroed.
  Bytes copy(reply.begin(), reply.end());
  std::copy(request_auth.begin(), request_auth.end(), copy.begin() + 4);
  std::fill_n(copy.begin() + static_cast<long>(*ma + 2), 16, 0);
  const Authenticator mac = hmac_md5(key, copy);
  return CRYPTO_memcmp(mac.data(), reply.data() + *ma + 2, 16) == 0
             ? ReplyCheck::Ok
             : ReplyCheck::BadMessageAuthenticator;
}

std::span<const uint8_t> reply_attributes(std::span<const uint8_t> reply) {
  if (reply.size() < kHeaderLen) return {};
  const size_t len = std::min(get16(reply, 2), reply.size());
  return len < kHeaderLen ? std::span<const uint8_t>{}
                          : reply.subspan(kHeaderLen, len - kHeaderLen);
}

}  // namespace rampart::aaa::radius
