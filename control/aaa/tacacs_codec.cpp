#include "control/aaa/tacacs_codec.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <fmt/format.h>

namespace rampart::aaa::tacacs {
namespace {

using rampart::unexpected;

DecodeError malformed(std::string why) {
  return {DecodeError::Kind::Malformed, std::move(why)};
}
// A body that does not add up after de-obfuscation: with a correct header, the key is the
// likely cause (see DecodeError).
DecodeError bad_body(std::string_view what, std::string why) {
  return {DecodeError::Kind::WrongKey, fmt::format("{}: {}", what, why)};
}

void put16(Bytes& b, size_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}
void put(Bytes& b, std::string_view s) {
  b.insert(b.end(), s.begin(), s.end());
}

// Reads a body front to back; every read is bounds-checked and names the field on failure.
class Cursor {
 public:
  Cursor(const Bytes& b, std::string_view what) : b_(b), what_(what) {}
  Result<uint8_t> u8(std::string_view field) {
    if (b_.size() - pos_ < 1) return unexpected(short_for(field));
    return b_[pos_++];
  }
  Result<uint16_t> u16(std::string_view field) {
    if (b_.size() - pos_ < 2) return unexpected(short_for(field));
    uint16_t v = static_cast<uint16_t>((b_[pos_] << 8) | b_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  Result<std::string> str(size_t n, std::string_view field) {
    if (b_.size() - pos_ < n)
      return unexpected(bad_body(what_, fmt::format("{} length {} goes beyond the body ({} left)",
                                                    field, n, b_.size() - pos_)));
    std::string s(b_.begin() + static_cast<std::ptrdiff_t>(pos_),
                  b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
    pos_ += n;
    return s;
  }
  // RFC 8907: the lengths must account for the whole body, no more and no less.
  rampart::expected<void, DecodeError> finish() const {
    if (pos_ != b_.size())
      return unexpected(
          bad_body(what_, fmt::format("{} bytes after the last field", b_.size() - pos_)));
    return {};
  }
  // Checked before reading variable fields so that a lying length is named as such.
  rampart::expected<void, DecodeError> expect_exactly(size_t total) const {
    if (b_.size() - pos_ != total)
      return unexpected(
          bad_body(what_, fmt::format("lengths add up to {} but {} bytes follow the fixed fields",
                                      total, b_.size() - pos_)));
    return {};
  }

 private:
  DecodeError short_for(std::string_view field) const {
    return bad_body(what_, fmt::format("too short for {} ({} bytes)", field, b_.size()));
  }
  const Bytes& b_;
  std::string_view what_;
  size_t pos_ = 0;
};

#define TAC_TRY(var, expr)                          \
  auto var##_r = (expr);                            \
  if (!var##_r) return unexpected(var##_r.error()); \
  auto var = std::move(*var##_r)

#define TAC_CHECK(expr)                                 \
  do {                                                  \
    auto check_r_ = (expr);                             \
    if (!check_r_) return unexpected(check_r_.error()); \
  } while (0)

rampart::expected<void, std::string> fits8(std::string_view s, std::string_view field) {
  if (s.size() > 0xff) return unexpected(fmt::format("{} longer than 255 bytes", field));
  return {};
}
rampart::expected<void, std::string> fits16(std::string_view s, std::string_view field) {
  if (s.size() > 0xffff) return unexpected(fmt::format("{} longer than 65535 bytes", field));
  return {};
}

bool known(AuthenStatus s) {
  switch (s) {
    case AuthenStatus::Pass:
    case AuthenStatus::Fail:
    case AuthenStatus::GetData:
    case AuthenStatus::GetUser:
    case AuthenStatus::GetPass:
    case AuthenStatus::Restart:
    case AuthenStatus::Error:
    case AuthenStatus::Follow:
      return true;
  }
  return false;
}
bool known(AuthorStatus s) {
  switch (s) {
    case AuthorStatus::PassAdd:
    case AuthorStatus::PassRepl:
    case AuthorStatus::Fail:
    case AuthorStatus::Error:
    case AuthorStatus::Follow:
      return true;
  }
  return false;
}
bool known(AcctStatus s) {
  return s == AcctStatus::Success || s == AcctStatus::Error || s == AcctStatus::Follow;
}

// The shared part of AUTHOR REQUEST and ACCT REQUEST after their first field(s).
rampart::expected<void, std::string> encode_common(Bytes& b, const RequestCommon& c) {
  for (auto [s, f] : {std::pair<std::string_view, std::string_view>{c.user, "user"},
                      {c.port, "port"},
                      {c.rem_addr, "rem_addr"}}) {
    if (auto r = fits8(s, f); !r) return r;
  }
  if (c.args.size() > 0xff) return unexpected(std::string("more than 255 arguments"));
  for (const auto& a : c.args)
    if (auto r = fits8(a, "argument"); !r) return r;
  b.push_back(c.authen_method);
  b.push_back(c.priv_lvl);
  b.push_back(static_cast<uint8_t>(c.authen_type));
  b.push_back(static_cast<uint8_t>(c.service));
  b.push_back(static_cast<uint8_t>(c.user.size()));
  b.push_back(static_cast<uint8_t>(c.port.size()));
  b.push_back(static_cast<uint8_t>(c.rem_addr.size()));
  b.push_back(static_cast<uint8_t>(c.args.size()));
  for (const auto& a : c.args) b.push_back(static_cast<uint8_t>(a.size()));
  put(b, c.user);
  put(b, c.port);
  put(b, c.rem_addr);
  for (const auto& a : c.args) put(b, a);
  return {};
}

Result<RequestCommon> decode_common(Cursor& in) {
  RequestCommon c;
  TAC_TRY(method, in.u8("authen_method"));
  TAC_TRY(priv, in.u8("priv_lvl"));
  TAC_TRY(type, in.u8("authen_type"));
  TAC_TRY(service, in.u8("authen_service"));
  TAC_TRY(user_len, in.u8("user_len"));
  TAC_TRY(port_len, in.u8("port_len"));
  TAC_TRY(rem_len, in.u8("rem_addr_len"));
  TAC_TRY(arg_cnt, in.u8("arg_cnt"));
  std::vector<uint8_t> lens;
  size_t total = size_t{user_len} + port_len + rem_len;
  for (int i = 0; i < arg_cnt; ++i) {
    TAC_TRY(len, in.u8("arg_len"));
    lens.push_back(len);
    total += len;
  }
  TAC_CHECK(in.expect_exactly(total));
  c.authen_method = method;
  c.priv_lvl = priv;
  c.authen_type = static_cast<AuthenType>(type);
  c.service = static_cast<AuthenService>(service);
  TAC_TRY(user, in.str(user_len, "user"));
  TAC_TRY(port, in.str(port_len, "port"));
  TAC_TRY(rem, in.str(rem_len, "rem_addr"));
  c.user = std::move(user);
  c.port = std::move(port);
  c.rem_addr = std::move(rem);
  for (uint8_t len : lens) {
    TAC_TRY(arg, in.str(len, "arg"));
    c.args.push_back(std::move(arg));
  }
  return c;
}

}  // namespace

Bytes encode_header(const Header& h) {
  return {h.version,
          static_cast<uint8_t>(h.type),
          h.seq_no,
          h.flags,
          static_cast<uint8_t>(h.session_id >> 24),
          static_cast<uint8_t>(h.session_id >> 16),
          static_cast<uint8_t>(h.session_id >> 8),
          static_cast<uint8_t>(h.session_id),
          static_cast<uint8_t>(h.length >> 24),
          static_cast<uint8_t>(h.length >> 16),
          static_cast<uint8_t>(h.length >> 8),
          static_cast<uint8_t>(h.length)};
}

Result<Header> decode_header(const uint8_t* d, size_t size) {
  if (size < kHeaderSize)
    return unexpected(malformed(fmt::format("header too short ({} of 12 bytes)", size)));
  Header h;
  h.version = d[0];
  if (h.version != kVersionDefault && h.version != kVersionOne)
    return unexpected(malformed(fmt::format("unsupported version 0x{:02x}", h.version)));
  if (d[1] < 1 || d[1] > 3) return unexpected(malformed(fmt::format("unknown type {}", d[1])));
  h.type = static_cast<Type>(d[1]);
  h.seq_no = d[2];
  h.flags = d[3];
  h.session_id = (uint32_t{d[4]} << 24) | (uint32_t{d[5]} << 16) | (uint32_t{d[6]} << 8) | d[7];
  h.length = (uint32_t{d[8]} << 24) | (uint32_t{d[9]} << 16) | (uint32_t{d[10]} << 8) | d[11];
  if (h.length > kMaxBody)
    return unexpected(
        malformed(fmt::format("body length {} above our limit {}", h.length, kMaxBody)));
  return h;
}

void obfuscate(Bytes& body, const Header& h, std::string_view key) {
  if (key.empty()) return;
  // RFC 8907 4.5: MD5_1 = MD5{session_id, key, version, seq_no};
  //               MD5_n = MD5{session_id, key, version, seq_no, MD5_n-1}
  const Bytes hdr = encode_header(h);
  Bytes seed(hdr.begin() + 4, hdr.begin() + 8);  // session_id, network order
  seed.insert(seed.end(), key.begin(), key.end());
  seed.push_back(h.version);
  seed.push_back(h.seq_no);
  uint8_t pad[16];
  unsigned int pad_len = 0;
  Bytes input = seed;
  for (size_t at = 0; at < body.size(); at += 16) {
    EVP_Digest(input.data(), input.size(), pad, &pad_len, EVP_md5(), nullptr);
    for (size_t i = 0; i < 16 && at + i < body.size(); ++i) body[at + i] ^= pad[i];
    input.resize(seed.size());
    input.insert(input.end(), pad, pad + 16);
  }
  OPENSSL_cleanse(input.data(), input.size());  // holds the key
  OPENSSL_cleanse(seed.data(), seed.size());
  OPENSSL_cleanse(pad, sizeof pad);
}

Bytes seal(Header h, Bytes body, std::string_view key) {
  h.length = static_cast<uint32_t>(body.size());
  if (key.empty())
    h.flags |= kFlagUnencrypted;
  else
    h.flags &= static_cast<uint8_t>(~kFlagUnencrypted);
  obfuscate(body, h, key);
  Bytes out = encode_header(h);
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

rampart::expected<void, DecodeError> check_header(const Header& h, const Expect& e,
                                                  std::string_view key) {
  if (h.type != e.type)
    return unexpected(malformed(fmt::format("type {} where {} was expected",
                                            static_cast<int>(h.type), static_cast<int>(e.type))));
  if (h.seq_no != e.seq_no)
    return unexpected(
        malformed(fmt::format("seq_no {} where {} was expected", h.seq_no, e.seq_no)));
  if (h.session_id != e.session_id)
    return unexpected(
        malformed(fmt::format("session_id {} is not ours ({})", h.session_id, e.session_id)));
  if (!key.empty() && (h.flags & kFlagUnencrypted))
    return unexpected(malformed("unobfuscated body while a key is configured"));
  return {};
}

Result<Bytes> open_packet(const uint8_t* data, size_t size, const Expect& e, std::string_view key,
                          Header* header_out) {
  TAC_TRY(h, decode_header(data, size));
  TAC_CHECK(check_header(h, e, key));
  if (size - kHeaderSize != h.length)
    return unexpected(malformed(
        fmt::format("header says {} body bytes, {} arrived", h.length, size - kHeaderSize)));
  Bytes body(data + kHeaderSize, data + size);
  obfuscate(body, h, key);
  if (header_out) *header_out = h;
  return body;
}

// ---- authentication ------------------------------------------------------------------------

rampart::expected<Bytes, std::string> encode(const AuthenStart& m) {
  for (auto [s, f] : {std::pair<std::string_view, std::string_view>{m.user, "user"},
                      {m.port, "port"},
                      {m.rem_addr, "rem_addr"},
                      {m.data, "data"}}) {
    if (auto r = fits8(s, f); !r) return unexpected(r.error());
  }
  Bytes b{static_cast<uint8_t>(m.action),          m.priv_lvl,
          static_cast<uint8_t>(m.authen_type),     static_cast<uint8_t>(m.service),
          static_cast<uint8_t>(m.user.size()),     static_cast<uint8_t>(m.port.size()),
          static_cast<uint8_t>(m.rem_addr.size()), static_cast<uint8_t>(m.data.size())};
  put(b, m.user);
  put(b, m.port);
  put(b, m.rem_addr);
  put(b, m.data);
  return b;
}

Result<AuthenStart> decode_authen_start(const Bytes& body) {
  Cursor in(body, "AUTHEN START");
  AuthenStart m;
  TAC_TRY(action, in.u8("action"));
  TAC_TRY(priv, in.u8("priv_lvl"));
  TAC_TRY(type, in.u8("authen_type"));
  TAC_TRY(service, in.u8("authen_service"));
  TAC_TRY(user_len, in.u8("user_len"));
  TAC_TRY(port_len, in.u8("port_len"));
  TAC_TRY(rem_len, in.u8("rem_addr_len"));
  TAC_TRY(data_len, in.u8("data_len"));
  TAC_CHECK(in.expect_exactly(size_t{user_len} + port_len + rem_len + data_len));
  m.action = static_cast<Action>(action);
  m.priv_lvl = priv;
  m.authen_type = static_cast<AuthenType>(type);
  m.service = static_cast<AuthenService>(service);
  TAC_TRY(user, in.str(user_len, "user"));
  TAC_TRY(port, in.str(port_len, "port"));
  TAC_TRY(rem, in.str(rem_len, "rem_addr"));
  TAC_TRY(data, in.str(data_len, "data"));
  m.user = std::move(user);
  m.port = std::move(port);
  m.rem_addr = std::move(rem);
  m.data = std::move(data);
  return m;
}

rampart::expected<Bytes, std::string> encode(const AuthenReply& m) {
  if (auto r = fits16(m.server_msg, "server_msg"); !r) return unexpected(r.error());
  if (auto r = fits16(m.data, "data"); !r) return unexpected(r.error());
  Bytes b{static_cast<uint8_t>(m.status), m.flags};
  put16(b, m.server_msg.size());
  put16(b, m.data.size());
  put(b, m.server_msg);
  put(b, m.data);
  return b;
}

Result<AuthenReply> decode_authen_reply(const Bytes& body) {
  Cursor in(body, "AUTHEN REPLY");
  AuthenReply m;
  TAC_TRY(status, in.u8("status"));
  if (!known(static_cast<AuthenStatus>(status)))
    return unexpected(bad_body("AUTHEN REPLY", fmt::format("unknown status {}", status)));
  TAC_TRY(flags, in.u8("flags"));
  TAC_TRY(msg_len, in.u16("server_msg_len"));
  TAC_TRY(data_len, in.u16("data_len"));
  TAC_CHECK(in.expect_exactly(size_t{msg_len} + data_len));
  m.status = static_cast<AuthenStatus>(status);
  m.flags = flags;
  TAC_TRY(msg, in.str(msg_len, "server_msg"));
  TAC_TRY(data, in.str(data_len, "data"));
  m.server_msg = std::move(msg);
  m.data = std::move(data);
  return m;
}

rampart::expected<Bytes, std::string> encode(const AuthenContinue& m) {
  if (auto r = fits16(m.user_msg, "user_msg"); !r) return unexpected(r.error());
  if (auto r = fits16(m.data, "data"); !r) return unexpected(r.error());
  Bytes b;
  put16(b, m.user_msg.size());
  put16(b, m.data.size());
  b.push_back(m.flags);
  put(b, m.user_msg);
  put(b, m.data);
  return b;
}

Result<AuthenContinue> decode_authen_continue(const Bytes& body) {
  Cursor in(body, "AUTHEN CONTINUE");
  AuthenContinue m;
  TAC_TRY(msg_len, in.u16("user_msg_len"));
  TAC_TRY(data_len, in.u16("data_len"));
  TAC_TRY(flags, in.u8("flags"));
  TAC_CHECK(in.expect_exactly(size_t{msg_len} + data_len));
  m.flags = flags;
  TAC_TRY(msg, in.str(msg_len, "user_msg"));
  TAC_TRY(data, in.str(data_len, "data"));
  m.user_msg = std::move(msg);
  m.data = std::move(data);
  return m;
}

// ---- authorization -------------------------------------------------------------------------

rampart::expected<Bytes, std::string> encode(const AuthorRequest& m) {
  Bytes b;
  if (auto r = encode_common(b, m.c); !r) return unexpected(r.error());
  return b;
}

Result<AuthorRequest> decode_author_request(const Bytes& body) {
  Cursor in(body, "AUTHOR REQUEST");
  TAC_TRY(c, decode_common(in));
  TAC_CHECK(in.finish());
  return AuthorRequest{std::move(c)};
}

rampart::expected<Bytes, std::string> encode(const AuthorResponse& m) {
  if (m.args.size() > 0xff) return unexpected(std::string("more than 255 arguments"));
  for (const auto& a : m.args)
    if (auto r = fits8(a, "argument"); !r) return unexpected(r.error());
  if (auto r = fits16(m.server_msg, "server_msg"); !r) return unexpected(r.error());
  if (auto r = fits16(m.data, "data"); !r) return unexpected(r.error());
  Bytes b{static_cast<uint8_t>(m.status), static_cast<uint8_t>(m.args.size())};
  put16(b, m.server_msg.size());
  put16(b, m.data.size());
  for (const auto& a : m.args) b.push_back(static_cast<uint8_t>(a.size()));
  put(b, m.server_msg);
  put(b, m.data);
  for (const auto& a : m.args) put(b, a);
  return b;
}

Result<AuthorResponse> decode_author_response(const Bytes& body) {
  Cursor in(body, "AUTHOR RESPONSE");
  AuthorResponse m;
  TAC_TRY(status, in.u8("status"));
  if (!known(static_cast<AuthorStatus>(status)))
    return unexpected(bad_body("AUTHOR RESPONSE", fmt::format("unknown status {}", status)));
  TAC_TRY(arg_cnt, in.u8("arg_cnt"));
  TAC_TRY(msg_len, in.u16("server_msg_len"));
  TAC_TRY(data_len, in.u16("data_len"));
  std::vector<uint8_t> lens;
  size_t total = size_t{msg_len} + data_len;
  for (int i = 0; i < arg_cnt; ++i) {
    TAC_TRY(len, in.u8("arg_len"));
    lens.push_back(len);
    total += len;
  }
  TAC_CHECK(in.expect_exactly(total));
  m.status = static_cast<AuthorStatus>(status);
  TAC_TRY(msg, in.str(msg_len, "server_msg"));
  TAC_TRY(data, in.str(data_len, "data"));
  m.server_msg = std::move(msg);
  m.data = std::move(data);
  for (uint8_t len : lens) {
    TAC_TRY(arg, in.str(len, "arg"));
    m.args.push_back(std::move(arg));
  }
  return m;
}

// ---- accounting ----------------------------------------------------------------------------

rampart::expected<Bytes, std::string> encode(const AcctRequest& m) {
  Bytes b{m.flags};
  if (auto r = encode_common(b, m.c); !r) return unexpected(r.error());
  return b;
}

Result<AcctRequest> decode_acct_request(const Bytes& body) {
  Cursor in(body, "ACCT REQUEST");
  AcctRequest m;
  TAC_TRY(flags, in.u8("flags"));
  // RFC 8907 7.2: exactly one of START, STOP, WATCHDOG (WATCHDOG may carry START).
  const uint8_t kind = flags & (kAcctFlagStart | kAcctFlagStop | kAcctFlagWatchdog);
  if (kind != kAcctFlagStart && kind != kAcctFlagStop && kind != kAcctFlagWatchdog &&
      kind != (kAcctFlagWatchdog | kAcctFlagStart))
    return unexpected(bad_body("ACCT REQUEST", fmt::format("invalid flags 0x{:02x}", flags)));
  m.flags = flags;
  TAC_TRY(c, decode_common(in));
  TAC_CHECK(in.finish());
  m.c = std::move(c);
  return m;
}

rampart::expected<Bytes, std::string> encode(const AcctReply& m) {
  if (auto r = fits16(m.server_msg, "server_msg"); !r) return unexpected(r.error());
  if (auto r = fits16(m.data, "data"); !r) return unexpected(r.error());
  Bytes b;
  put16(b, m.server_msg.size());
  put16(b, m.data.size());
  b.push_back(static_cast<uint8_t>(m.status));
  put(b, m.server_msg);
  put(b, m.data);
  return b;
}

Result<AcctReply> decode_acct_reply(const Bytes& body) {
  Cursor in(body, "ACCT REPLY");
  AcctReply m;
  TAC_TRY(msg_len, in.u16("server_msg_len"));
  TAC_TRY(data_len, in.u16("data_len"));
  TAC_TRY(status, in.u8("status"));
  if (!known(static_cast<AcctStatus>(status)))
    return unexpected(bad_body("ACCT REPLY", fmt::format("unknown status {}", status)));
  TAC_CHECK(in.expect_exactly(size_t{msg_len} + data_len));
  m.status = static_cast<AcctStatus>(status);
  TAC_TRY(msg, in.str(msg_len, "server_msg"));
  TAC_TRY(data, in.str(data_len, "data"));
  m.server_msg = std::move(msg);
  m.data = std::move(data);
  return m;
}

bool split_arg(std::string_view arg, std::string& name, std::string& value) {
  const size_t at = arg.find_first_of("=*");
  if (at == std::string_view::npos || at == 0) return false;
  name.assign(arg.substr(0, at));
  value.assign(arg.substr(at + 1));
  return true;
}

std::string printable(std::string_view text, size_t cap) {
  std::string out;
  for (char c : text.substr(0, cap)) out.push_back(c >= 0x20 && c < 0x7f ? c : '.');
  if (text.size() > cap) out += "...";
  return out;
}

std::string_view name(AuthenStatus s) {
  switch (s) {
    case AuthenStatus::Pass:
      return "PASS";
    case AuthenStatus::Fail:
      return "FAIL";
    case AuthenStatus::GetData:
      return "GETDATA";
    case AuthenStatus::GetUser:
      return "GETUSER";
    case AuthenStatus::GetPass:
      return "GETPASS";
    case AuthenStatus::Restart:
      return "RESTART";
    case AuthenStatus::Error:
      return "ERROR";
    case AuthenStatus::Follow:
      return "FOLLOW";
  }
  return "UNKNOWN";
}

std::string_view name(AuthorStatus s) {
  switch (s) {
    case AuthorStatus::PassAdd:
      return "PASS_ADD";
    case AuthorStatus::PassRepl:
      return "PASS_REPL";
    case AuthorStatus::Fail:
      return "FAIL";
    case AuthorStatus::Error:
      return "ERROR";
    case AuthorStatus::Follow:
      return "FOLLOW";
  }
  return "UNKNOWN";
}

std::string_view name(AcctStatus s) {
  switch (s) {
    case AcctStatus::Success:
      return "SUCCESS";
    case AcctStatus::Error:
      return "ERROR";
    case AcctStatus::Follow:
      return "FOLLOW";
  }
  return "UNKNOWN";
}

}  // namespace rampart::aaa::tacacs
