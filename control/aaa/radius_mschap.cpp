#include "control/aaa/radius_mschap.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

namespace rampart::aaa::radius {
namespace {

// RFC 2548 2.3.4 / 2.2: the Code octets of MS-CHAP2-CPW and MS-CHAP-NT-Enc-PW.
constexpr uint8_t kCpwCode = 7;
constexpr uint8_t kNtEncPwCode = 6;
// RFC 2548 2.2: each NT-Enc-PW chunk fits a VSA (253 - 6 vendor header - 4 Code/Ident/Seq).
constexpr size_t kChunk = 243;

Attribute microsoft(uint8_t type, std::string value, bool secret) {
  Attribute a;
  a.kind = Attribute::Kind::Text;
  a.vendor = kVendorMicrosoft;
  a.type = type;
  a.text = std::move(value);
  a.secret = secret;
  return a;
}

template <typename Bytes>
void append(std::string& s, const Bytes& b) {
  s.append(reinterpret_cast<const char*>(b.data()), b.size());
}

std::optional<std::vector<Attribute>> build(const AuthRequest& r, MschapExchange& ex) {
  const std::string& old_pw = r.password.reveal();
  const bool change = !r.new_password.empty();
  const std::string& proof = change ? r.new_password.reveal() : old_pw;
  // RFC 2759 7: the change packet's NT-Response is computed with the new password.
  auto nt = mschap::nt_response(ex.authenticator, ex.peer, r.user, proof);
  if (!nt) return std::nullopt;
  ex.response = *nt;
  ex.change = change;
  std::vector<Attribute> out;
  std::string challenge;
  append(challenge, ex.authenticator);
  out.push_back(microsoft(kMsChapChallenge, std::move(challenge), false));
  if (!change) {
    // RFC 2548 2.3.2: Ident, Flags (0), Peer-Challenge, 8 reserved zero octets, Response.
    std::string v{static_cast<char>(ex.ident), 0};
    append(v, ex.peer);
    v.append(8, '\0');
    append(v, ex.response);
    out.push_back(microsoft(kMsChap2Response, std::move(v), true));
    return out;
  }
  auto encrypted_hash = mschap::old_hash_encrypted(proof, old_pw);
  auto block = mschap::new_password_encrypted(proof, old_pw);
  if (!encrypted_hash || !block) return std::nullopt;
  // RFC 2548 2.3.4 (as servers read it): Code, Ident, Encrypted-Hash, Peer-Challenge,
  // 8 reserved octets, NT-Response, Flags (2 octets, 0).
  std::string cpw{static_cast<char>(kCpwCode), static_cast<char>(ex.ident)};
  append(cpw, *encrypted_hash);
  append(cpw, ex.peer);
  cpw.append(8, '\0');
  append(cpw, ex.response);
  cpw.append(2, '\0');
  out.push_back(microsoft(kMsChap2Cpw, std::move(cpw), true));
  // RFC 2548 2.2: the 516-octet block in chunks with sequence numbers from 1.
  for (size_t off = 0, seq = 1; off < block->size(); off += kChunk, ++seq) {
    std::string chunk{static_cast<char>(kNtEncPwCode), static_cast<char>(ex.ident), 0,
                      static_cast<char>(seq)};
    chunk.append(reinterpret_cast<const char*>(block->data() + off),
                 std::min(kChunk, block->size() - off));
    out.push_back(microsoft(kMsChapNtEncPw, std::move(chunk), true));
  }
  OPENSSL_cleanse(block->data(), block->size());
  return out;
}

const ReplyAttribute* find(const std::vector<ReplyAttribute>& attrs, uint8_t type) {
  for (const auto& a : attrs)
    if (a.vendor == kVendorMicrosoft && a.type == type) return &a;
  return nullptr;
}

MschapVerdict refused(ServerAnswer::Kind k, std::string why) {
  MschapVerdict v;
  v.kind = k;
  v.why = std::move(why);
  return v;
}

MschapVerdict read_accept(const std::vector<ReplyAttribute>& attrs, const MschapExchange& ex,
                          const AuthRequest& r) {
  using K = ServerAnswer::Kind;
  const ReplyAttribute* s = find(attrs, kMsChap2Success);
  // RFC 2548 2.3.3: Ident, then "S=" and 40 hex digits (a " M=..." may follow).
  if (!s || s->octets.size() < 43) return refused(K::Malformed, "MS-CHAP2-Success missing");
  if (static_cast<uint8_t>(s->octets[0]) != ex.ident)
    return refused(K::Malformed, "MS-CHAP2-Success of another Ident");
  const std::string_view text = std::string_view(s->octets).substr(1);
  if (!text.starts_with("S=") ||
      !std::all_of(text.begin() + 2, text.begin() + 42,
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }) ||
      (text.size() > 42 && text[42] != ' '))
    return refused(K::Malformed, "MS-CHAP2-Success unparsable");
  const std::string& pw = ex.change ? r.new_password.reveal() : r.password.reveal();
  if (!mschap::check_authenticator_response(text, pw, ex.response, ex.peer, ex.authenticator,
                                            r.user))
    return refused(K::BadAuthenticator, "MS-CHAP2-Success authenticator response wrong");
  MschapVerdict v;
  v.kind = K::Accept;
  return v;
}

MschapVerdict read_reject(const std::vector<ReplyAttribute>& attrs, const MschapExchange& ex) {
  using K = ServerAnswer::Kind;
  MschapVerdict v;
  v.kind = K::Reject;
  const ReplyAttribute* e = find(attrs, kMsChapError);
  if (!e) return v;  // a plain reject: the server said no without saying why
  if (e->octets.empty()) return refused(K::Malformed, "MS-CHAP-Error empty");
  // RFC 2548 2.1.5: Ident, then the RFC 2759 6 failure text.
  auto f = mschap::parse_failure(std::string_view(e->octets).substr(1));
  if (!f) return refused(K::Malformed, "MS-CHAP-Error unparsable");
  v.error = f->error;
  v.message = f->message;
  // A change that is answered "expired" again did not take: a refusal, not another prompt.
  if (f->error == mschap::kErrorPasswordExpired && !ex.change) v.kind = K::PasswordExpired;
  return v;
}

}  // namespace

std::optional<std::vector<Attribute>> mschap_attributes(const AuthRequest& r, MschapExchange& ex) {
  MschapExchange fixed;
  if (RAND_bytes(fixed.authenticator.data(), 16) != 1 || RAND_bytes(fixed.peer.data(), 16) != 1 ||
      RAND_bytes(&fixed.ident, 1) != 1)
    return std::nullopt;
  return mschap_attributes(r, fixed, ex);
}

std::optional<std::vector<Attribute>> mschap_attributes(const AuthRequest& r,
                                                        const MschapExchange& fixed,
                                                        MschapExchange& ex) {
  ex = fixed;
  return build(r, ex);
}

MschapVerdict read_mschap_reply(uint8_t code, const std::vector<ReplyAttribute>& attrs,
                                const MschapExchange& ex, const AuthRequest& r) {
  switch (code) {
    case 2:  // Access-Accept
      return read_accept(attrs, ex, r);
    case 3:  // Access-Reject
      return read_reject(attrs, ex);
    default:  // Access-Challenge: nothing MS-CHAPv2 could answer
      return refused(ServerAnswer::Kind::Challenge, "Access-Challenge to MS-CHAPv2");
  }
}

}  // namespace rampart::aaa::radius
