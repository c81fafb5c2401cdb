// TACACS+ (RFC 8907) on the wire, without I/O: the 12-byte header, the MD5-pad body
// obfuscation, and one value type per body with its encoder and decoder. Both sides live here
// (the client's requests and the server's replies) so that the test server speaks exactly what
// the client parses. Decoders never throw: a body that does not add up is a DecodeError that
// says which field and why.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::aaa::tacacs {

using Bytes = std::vector<uint8_t>;

// RFC 8907 4.1: major version 0xc; minor 0 (default) or 1 (PAP, CHAP, MS-CHAP in AUTHEN).
constexpr uint8_t kVersionDefault = 0xc0;
constexpr uint8_t kVersionOne = 0xc1;
constexpr size_t kHeaderSize = 12;
// Our limit, not the RFC's (which allows 2^32-1): no reply we parse comes near it, and a peer
// that claims more is refused before we allocate.
constexpr uint32_t kMaxBody = 64 * 1024;

enum class Type : uint8_t { Authen = 0x01, Author = 0x02, Acct = 0x03 };

// RFC 8907 4.1 flags.
constexpr uint8_t kFlagUnencrypted = 0x01;
constexpr uint8_t kFlagSingleConnect = 0x04;

struct Header {
  uint8_t version = kVersionDefault;
  Type type = Type::Authen;
  uint8_t seq_no = 1;
  uint8_t flags = 0;
  uint32_t session_id = 0;
  uint32_t length = 0;  // of the body
  bool operator==(const Header&) const = default;
};

// Why a packet was refused. Malformed: the header or framing is wrong (we would refuse it
// whatever the key). WrongKey: the header is right but the body, once de-obfuscated with our
// key, does not add up: TACACS+ has no authenticator, so a wrong shared key shows only as
// garbage lengths or status codes (reported as BadAuthenticator).
struct DecodeError {
  enum class Kind { Malformed, WrongKey } kind = Kind::Malformed;
  std::string reason;
};

template <typename T>
using Result = rampart::expected<T, DecodeError>;

Bytes encode_header(const Header& h);
// Checks the version (major 0xc, minor 0 or 1), the type, and the length against kMaxBody.
Result<Header> decode_header(const uint8_t* data, size_t size);

// RFC 8907 4.5: pad = MD5(session_id, key, version, seq_no) || MD5(..., previous pad) ...;
// body XOR pad. Applying it twice gives the body back. No key: the body is left as it is.
void obfuscate(Bytes& body, const Header& h, std::string_view key);

// A whole packet: header with length and flags (unencrypted when key is empty) + body.
Bytes seal(Header h, Bytes body, std::string_view key);

// What a received packet must be: the type we asked, the seq_no that follows ours, our session.
struct Expect {
  Type type = Type::Authen;
  uint8_t seq_no = 2;
  uint32_t session_id = 0;
};
// Checks a received header against what the exchange expects, and the unencrypted flag against
// the key (a packet in clear when we have a key is refused, RFC 8907 4.5).
rampart::expected<void, DecodeError> check_header(const Header& h, const Expect& e,
                                                  std::string_view key);
// Header + body in one buffer (the fuzzer's and the tests' entry): checked, de-obfuscated.
Result<Bytes> open_packet(const uint8_t* data, size_t size, const Expect& e, std::string_view key,
                          Header* header_out = nullptr);

// ---- authentication (RFC 8907 5) ----------------------------------------------------------

enum class Action : uint8_t { Login = 0x01, ChPass = 0x02, SendAuth = 0x04 };
enum class AuthenType : uint8_t { Ascii = 0x01, Pap = 0x02, Chap = 0x03, MsChap = 0x05 };
enum class AuthenService : uint8_t { None = 0x00, Login = 0x01, Enable = 0x02, Ppp = 0x03 };
enum class AuthenStatus : uint8_t {
  Pass = 0x01,
  Fail = 0x02,
  GetData = 0x03,
  GetUser = 0x04,
  GetPass = 0x05,
  Restart = 0x06,
  Error = 0x07,
  Follow = 0x21,
};
constexpr uint8_t kReplyFlagNoEcho = 0x01;
constexpr uint8_t kContinueFlagAbort = 0x01;

// Privilege levels of RFC 8907 5.1.
constexpr uint8_t kPrivUser = 1;
constexpr uint8_t kPrivMax = 15;

struct AuthenStart {
  Action action = Action::Login;
  uint8_t priv_lvl = kPrivUser;
  AuthenType authen_type = AuthenType::Ascii;
  AuthenService service = AuthenService::Login;
  std::string user, port, rem_addr, data;  // data: the PAP password
  bool operator==(const AuthenStart&) const = default;
};

struct AuthenReply {
  AuthenStatus status = AuthenStatus::Fail;
  uint8_t flags = 0;
  std::string server_msg, data;
  bool operator==(const AuthenReply&) const = default;
};

struct AuthenContinue {
  std::string user_msg, data;
  uint8_t flags = 0;
  bool operator==(const AuthenContinue&) const = default;
};

// Encoders refuse fields longer than their length octet(s) can say.
rampart::expected<Bytes, std::string> encode(const AuthenStart& m);
rampart::expected<Bytes, std::string> encode(const AuthenReply& m);
rampart::expected<Bytes, std::string> encode(const AuthenContinue& m);
Result<AuthenStart> decode_authen_start(const Bytes& body);
Result<AuthenReply> decode_authen_reply(const Bytes& body);
Result<AuthenContinue> decode_authen_continue(const Bytes& body);

// ---- authorization (RFC 8907 6) -----------------------------------------------------------

constexpr uint8_t kAuthenMethodTacacsPlus = 0x06;

enum class AuthorStatus : uint8_t {
  PassAdd = 0x01,
  PassRepl = 0x02,
  Fail = 0x10,
  Error = 0x11,
  Follow = 0x21,
};

// The fields authorization and accounting requests share (RFC 8907 6.1, 7.1).
struct RequestCommon {
  uint8_t authen_method = kAuthenMethodTacacsPlus;
  uint8_t priv_lvl = kPrivUser;
  AuthenType authen_type = AuthenType::Ascii;
  AuthenService service = AuthenService::Login;
  std::string user, port, rem_addr;
  std::vector<std::string> args;  // "name=value" (mandatory) or "name*value" (optional)
  bool operator==(const RequestCommon&) const = default;
};

struct AuthorRequest {
  RequestCommon c;
  bool operator==(const AuthorRequest&) const = default;
};

struct AuthorResponse {
  AuthorStatus status = AuthorStatus::Fail;
  std::vector<std::string> args;
  std::string server_msg, data;
  bool operator==(const AuthorResponse&) const = default;
};

rampart::expected<Bytes, std::string> encode(const AuthorRequest& m);
rampart::expected<Bytes, std::string> encode(const AuthorResponse& m);
Result<AuthorRequest> decode_author_request(const Bytes& body);
Result<AuthorResponse> decode_author_response(const Bytes& body);

// ---- accounting (RFC 8907 7) --------------------------------------------------------------

constexpr uint8_t kAcctFlagStart = 0x02;
constexpr uint8_t kAcctFlagStop = 0x04;
constexpr uint8_t kAcctFlagWatchdog = 0x08;

enum class AcctStatus : uint8_t { Success = 0x01, Error = 0x02, Follow = 0x21 };

struct AcctRequest {
  uint8_t flags = kAcctFlagStart;
  RequestCommon c;
  bool operator==(const AcctRequest&) const = default;
};

struct AcctReply {
  AcctStatus status = AcctStatus::Success;
  std::string server_msg, data;
  bool operator==(const AcctReply&) const = default;
};

rampart::expected<Bytes, std::string> encode(const AcctRequest& m);
rampart::expected<Bytes, std::string> encode(const AcctReply& m);
Result<AcctRequest> decode_acct_request(const Bytes& body);
Result<AcctReply> decode_acct_reply(const Bytes& body);

// "name=value" / "name*value" -> {name, value}; false when the argument has no separator.
bool split_arg(std::string_view arg, std::string& name, std::string& value);

// Text from the server (server_msg, arguments) made safe for a log line: control characters
// and bytes outside printable ASCII become '.', and the length is capped (with "...").
std::string printable(std::string_view text, size_t cap = 256);

// Names for debug lines ("PASS", "GETPASS", ...).
std::string_view name(AuthenStatus s);
std::string_view name(AuthorStatus s);
std::string_view name(AcctStatus s);

}  // namespace rampart::aaa::tacacs
