#include "control/snmp/v3_gate.hpp"

#include <optional>

namespace rampart::snmp {

namespace {

constexpr uint8_t kInteger = 0x02, kOctetString = 0x04, kSequence = 0x30;
constexpr int64_t kUsm = 3;          // RFC 3411 5: SnmpSecurityModel usm(3)
constexpr size_t kMaxUserName = 32;  // RFC 3411 5: SnmpAdminString (SIZE(0..32)) here

// A reader of BER's definite forms (X.690 8.1): one tag, a length in the short form or the long
// form in up to four octets, then the contents. Reads past its bytes fail, never happen.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> b) : b_(b) {}

  // The contents of the next element if it has tag `tag`; `partial` lets them end past the
  // bytes held (a message whose tail was not read), cut to what is there.
  std::optional<std::span<const uint8_t>> take(uint8_t tag, bool partial = false) {
    if (at_ + 2 > b_.size() || b_[at_] != tag) return std::nullopt;
    size_t len = b_[at_ + 1], head = 2;
    if (len & 0x80) {
      size_t octets = len & 0x7f;
      if (octets == 0 || octets > 4 || at_ + 2 + octets > b_.size()) return std::nullopt;
      len = 0;
      for (size_t i = 0; i < octets; ++i) len = len << 8 | b_[at_ + 2 + i];
      head += octets;
    }
    size_t start = at_ + head;
    if (start + len > b_.size()) {
      if (!partial) return std::nullopt;
      len = b_.size() - start;
    }
    at_ = start + len;
    return b_.subspan(start, len);
  }

  std::optional<int64_t> integer() {
    auto v = take(kInteger);
    if (!v || v->empty() || v->size() > 4) return std::nullopt;
    int64_t n = static_cast<int8_t>((*v)[0]);  // two's complement: the sign in the first octet
    for (size_t i = 1; i < v->size(); ++i) n = n * 256 + (*v)[i];
    return n;
  }

 private:
  std::span<const uint8_t> b_;
  size_t at_ = 0;
};

}  // namespace

// RFC 3412 6: SNMPv3Message ::= SEQUENCE { msgVersion INTEGER, msgGlobalData SEQUENCE {
// msgID, msgMaxSize, msgFlags OCTET STRING, msgSecurityModel }, msgSecurityParameters OCTET
// STRING, msgData }; RFC 3414 2.4: the parameters are SEQUENCE { msgAuthoritativeEngineID
// OCTET STRING, ...Boots INTEGER, ...Time INTEGER, msgUserName OCTET STRING, ... }.
rampart::expected<std::string, std::string> usm_user_name(std::span<const uint8_t> message) {
  Reader outer(message);
  auto whole = outer.take(kSequence, true);
  if (!whole) return rampart::unexpected(std::string("not a BER SEQUENCE"));
  Reader msg(*whole);
  if (msg.integer() != 3) return rampart::unexpected(std::string("not SNMPv3"));
  auto global = msg.take(kSequence);
  if (!global) return rampart::unexpected(std::string("no msgGlobalData"));
  Reader g(*global);
  auto model = (g.integer() && g.integer() && g.take(kOctetString)) ? g.integer() : std::nullopt;
  if (model != kUsm) return rampart::unexpected(std::string("not the USM security model"));
  auto params = msg.take(kOctetString, true);
  if (!params) return rampart::unexpected(std::string("no msgSecurityParameters"));
  Reader p(*params);
  auto usm = p.take(kSequence, true);
  if (!usm) return rampart::unexpected(std::string("no UsmSecurityParameters"));
  Reader u(*usm);
  if (!u.take(kOctetString) || !u.integer() || !u.integer())
    return rampart::unexpected(std::string("bad UsmSecurityParameters"));
  auto name = u.take(kOctetString);
  if (!name || name->size() > kMaxUserName)
    return rampart::unexpected(std::string("bad msgUserName"));
  return std::string(name->begin(), name->end());
}

V3Gate::Verdict V3Gate::judge(uint32_t dst, uint32_t src, std::span<const uint8_t> message) const {
  auto user = usm_user_name(message);
  if (!user) return Verdict::Malformed;
  // No line for the pair: the rules queued it before a change of the lines took effect.
  auto it = users_.find({dst, src});
  if (it == users_.end()) return Verdict::OtherUser;
  return user->empty() || it->second == *user ? Verdict::Admitted : Verdict::OtherUser;
}

}  // namespace rampart::snmp
