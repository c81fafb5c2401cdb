#include "control/aaa/tacacs_client.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "control/aaa/tacacs_session.hpp"

namespace rampart::aaa {
namespace {

using namespace tacacs;
using Kind = ServerAnswer::Kind;

// RFC 8907 5.4.2: an ASCII login is a short dialogue (user, password, perhaps a new one). A
// server that keeps asking is cut off here rather than walking seq_no to its wrap.
constexpr int kMaxAuthenRounds = 8;

std::string address_text(const std::optional<config::Ipv4>& a) {
  return a ? a->str() : "";
}

// RFC 8907 5.4.2: GETDATA after the password went is the server asking for a new one (the
// expired-password dialogue of ACS and ISE); otherwise it is a question we cannot answer.
bool asks_new_password(const AuthenReply& r, bool password_sent) {
  std::string m = r.server_msg;
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  return password_sent || m.find("password") != std::string::npos;
}

// Zeroes a buffer that held a password when it goes.
class Wiped {
 public:
  explicit Wiped(Bytes b) : b_(std::move(b)) {}
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  ~Wiped() { wipe(); }
  void replace(Bytes b) {
    wipe();
    b_ = std::move(b);
  }
  const Bytes& bytes() const { return b_; }

 private:
  void wipe() {
    if (!b_.empty()) OPENSSL_cleanse(b_.data(), b_.size());
  }
  Bytes b_;
};

class TacacsClient final : public ProtocolClient {
 public:
  TacacsClient(DebugSink debug, TacacsOptions options)
      : debug_(std::move(debug)), options_(options), pool_(options.single_connect) {}

  ServerAnswer authenticate(const ServerTarget& t, const AuthRequest& r) override;
  ServerAnswer authorize(const ServerTarget& t, const AuthRequest& r) override;
  ServerAnswer account(const ServerTarget& t, const AccountingRecord& r) override;

 private:
  bool debugging() const { return debug_.on && debug_.line && debug_.on(); }
  void say(std::string line) const {
    if (debugging()) debug_.line(printable(line, 512));
  }
  ServerAnswer authen_dialogue(Session& s, const AuthRequest& r);

  DebugSink debug_;
  TacacsOptions options_;
  ConnectionPool pool_;
};

ServerAnswer answer(Kind kind, std::string message = {}) {
  ServerAnswer a;
  a.kind = kind;
  a.message = printable(message);  // it may come from the server
  return a;
}

ServerAnswer TacacsClient::authenticate(const ServerTarget& t, const AuthRequest& r) {
  DebugUserScope who(r.user);  // "debug tacacs user NAME"
  Session s(pool_, t, Type::Authen, debug_);
  ServerAnswer a = authen_dialogue(s, r);
  s.finish(a.kind == Kind::Accept || a.kind == Kind::Reject);
  a.rtt = s.elapsed();
  return a;
}

ServerAnswer TacacsClient::authen_dialogue(Session& s, const AuthRequest& r) {
  const bool pap = options_.login == AuthenType::Pap;
  AuthenStart start;
  start.action = Action::Login;
  start.priv_lvl = r.purpose == Purpose::Enable ? kPrivMax : kPrivUser;
  start.authen_type = options_.login;
  start.service = r.purpose == Purpose::Enable ? AuthenService::Enable : AuthenService::Login;
  start.user = r.user;
  start.port = r.port_name;
  start.rem_addr = address_text(r.client);
  if (pap) start.data = r.password.reveal();
  auto body = encode(start);
  if (pap) OPENSSL_cleanse(start.data.data(), start.data.size());
  if (!body) return answer(Kind::Error, body.error());
  say(fmt::format("mk_pkt - type: 0x{:x}, session_id: {}", static_cast<int>(Type::Authen), s.id()));
  if (!r.user.empty()) say(fmt::format("user: {}", r.user));
  // RFC 8907 5.4.2: PAP, CHAP and MS-CHAP use minor version 1, ASCII the default.
  const uint8_t version = pap ? kVersionOne : kVersionDefault;
  Wiped packet(std::move(*body));
  auto got = s.round(packet.bytes(), version, "Start");
  bool password_sent = pap;
  for (int round = 0; round < kMaxAuthenRounds; ++round) {
    if (!got) return got.error();
    auto reply = decode_authen_reply(*got);
    if (!reply) return s.refuse(reply.error());
    say(fmt::format("tacp_procpkt_authen: {}", name(reply->status)));
    if (!reply->server_msg.empty()) say(fmt::format("Authen Message: {}", reply->server_msg));
    AuthenContinue next;
    switch (reply->status) {
      case AuthenStatus::Pass:
        return answer(Kind::Accept, reply->server_msg);
      case AuthenStatus::Fail:
        return answer(Kind::Reject, reply->server_msg);
      case AuthenStatus::Error:
        return answer(Kind::Error, "server error: " + reply->server_msg);
      case AuthenStatus::Restart:  // RFC 8907 5.4.4: another authen_type; we offer one only
      case AuthenStatus::Follow:   // RFC 8907 10.5.3: deprecated, treated as FAIL
        return answer(Kind::Reject, reply->server_msg);
      case AuthenStatus::GetData: {
        const bool expired = asks_new_password(*reply, password_sent);
        s.abort(version, expired ? "password expired" : "challenge");
        return answer(expired ? Kind::PasswordExpired : Kind::Challenge, reply->server_msg);
      }
      case AuthenStatus::GetUser:
        next.user_msg = r.user;
        say(fmt::format("mkpkt_continue - response: {}", r.user));
        break;
      case AuthenStatus::GetPass:
        next.user_msg = r.password.reveal();
        password_sent = true;
        say("mkpkt_continue - response: ***");
        break;
    }
    auto cont = encode(next);
    OPENSSL_cleanse(next.user_msg.data(), next.user_msg.size());
    if (!cont) return answer(Kind::Error, cont.error());
    say(fmt::format("mk_pkt - type: 0x{:x}, session_id: {}", static_cast<int>(Type::Authen),
                    s.id()));
    packet.replace(std::move(*cont));
    got = s.round(packet.bytes(), version, "Continue");
  }
  s.abort(version, "too many rounds");
  return answer(Kind::Malformed, "server kept the login going past our limit");
}

// RFC 8907 8.2 (shell) for administrators; network access (service=ppp, protocol=ip, where
// the ASA reads acl, idletime and timeout) for VPN users.
std::vector<std::string> author_args(const AuthRequest& r) {
  if (r.purpose == Purpose::VpnUser) return {"service=ppp", "protocol=ip"};
  return {"service=shell", "cmd*"};
}

ServerAnswer TacacsClient::authorize(const ServerTarget& t, const AuthRequest& r) {
  DebugUserScope who(r.user);  // "debug tacacs user NAME"
  Session s(pool_, t, Type::Author, debug_);
  AuthorRequest q;
  q.c.priv_lvl = r.purpose == Purpose::Enable ? kPrivMax : kPrivUser;
  q.c.authen_type = options_.login;
  q.c.service = AuthenService::Login;
  q.c.user = r.user;
  q.c.port = r.port_name;
  q.c.rem_addr = address_text(r.client);
  q.c.args = author_args(r);
  auto body = encode(q);
  if (!body) return answer(Kind::Error, body.error());
  say(fmt::format("mk_pkt - type: 0x{:x}, session_id: {}", static_cast<int>(Type::Author), s.id()));
  say(fmt::format("user: {}", r.user));
  ServerAnswer a;
  auto got = s.round(*body, kVersionDefault, "Authorization");
  if (!got) {
    a = got.error();
  } else if (auto resp = decode_author_response(*got); !resp) {
    a = s.refuse(resp.error());
  } else {
    say(fmt::format("tacp_procpkt_author: {}", name(resp->status)));
    if (!resp->server_msg.empty()) say(fmt::format("Author Message: {}", resp->server_msg));
    switch (resp->status) {
      case AuthorStatus::PassAdd:
      case AuthorStatus::PassRepl:
        a = answer(Kind::Accept, resp->server_msg);
        for (const auto& arg : resp->args) {
          const bool used = apply_tacacs_attribute(arg, a.authz);
          say(fmt::format("Author Attribute: {}{}", arg, used ? "" : " (ignored)"));
        }
        break;
      case AuthorStatus::Error:
        a = answer(Kind::Error, "server error: " + resp->server_msg);
        break;
      case AuthorStatus::Fail:
      case AuthorStatus::Follow:
        a = answer(Kind::Reject, resp->server_msg);
        break;
    }
  }
  s.finish(a.kind == Kind::Accept || a.kind == Kind::Reject);
  a.rtt = s.elapsed();
  return a;
}

// RFC 2866 Acct-Terminate-Cause names, as the records carry them, to the disc-cause codes the
// ASA documents for TACACS+ (the same numbering).
int disc_cause(std::string_view cause) {
  static constexpr std::pair<std::string_view, int> kCauses[] = {
      {"User-Request", 1},    {"Lost-Carrier", 2},    {"Lost-Service", 3},
      {"Idle-Timeout", 4},    {"Session-Timeout", 5}, {"Admin-Reset", 6},
      {"Admin-Reboot", 7},    {"Port-Error", 8},      {"NAS-Error", 9},
      {"NAS-Request", 10},    {"NAS-Reboot", 11},     {"Port-Unneeded", 12},
      {"Port-Preempted", 13}, {"Port-Suspended", 14}, {"Service-Unavailable", 15},
      {"Callback", 16},       {"User-Error", 17},     {"Host-Request", 18},
  };
  for (auto [n, code] : kCauses)
    if (n == cause) return code;
  return 0;
}

AcctRequest acct_request(const AccountingRecord& r, AuthenType type, uint32_t fallback_task) {
  AcctRequest q;
  q.c.authen_type = type;
  q.c.user = r.user;
  q.c.rem_addr = address_text(r.client);
  auto& args = q.c.args;
  args.push_back("task_id=" +
                 (r.session_id.empty() ? std::to_string(fallback_task) : r.session_id));
  if (r.kind == AccountingRecord::Kind::Command) {
    // IOS and the ASA send command accounting as STOP records.
    q.flags = kAcctFlagStop;
    q.c.priv_lvl = static_cast<uint8_t>(std::clamp(r.privilege_level, 0, 15));
    args.push_back("service=shell");
    args.push_back(fmt::format("priv-lvl={}", q.c.priv_lvl));
    args.push_back("cmd=" + r.command);
    return q;
  }
  q.c.port = "vpn";
  q.flags = r.kind == AccountingRecord::Kind::Start  ? kAcctFlagStart
            : r.kind == AccountingRecord::Kind::Stop ? kAcctFlagStop
                                                     : kAcctFlagWatchdog;
  args.push_back("service=ppp");
  args.push_back("protocol=ip");
  if (r.client) args.push_back("foreign_ip=" + r.client->str());
  if (r.nas) args.push_back("local_ip=" + r.nas->str());
  if (r.framed_ip) args.push_back("addr=" + r.framed_ip->str());
  if (r.kind == AccountingRecord::Kind::Start) return q;
  args.push_back(fmt::format("bytes_in={}", r.in_octets));
  args.push_back(fmt::format("bytes_out={}", r.out_octets));
  args.push_back(fmt::format("paks_in={}", r.in_packets));
  args.push_back(fmt::format("paks_out={}", r.out_packets));
  args.push_back(fmt::format("elapsed_time={}", r.session_seconds));
  if (r.kind == AccountingRecord::Kind::Stop && !r.terminate_cause.empty())
    args.push_back(fmt::format("disc-cause={}", disc_cause(r.terminate_cause)));
  return q;
}

ServerAnswer TacacsClient::account(const ServerTarget& t, const AccountingRecord& r) {
  DebugUserScope who(r.user);  // "debug tacacs user NAME"
  Session s(pool_, t, Type::Acct, debug_);
  auto body = encode(acct_request(r, options_.login, s.id()));
  if (!body) return answer(Kind::Error, body.error());
  say(fmt::format("mk_pkt - type: 0x{:x}, session_id: {}", static_cast<int>(Type::Acct), s.id()));
  say(fmt::format("user: {}", r.user));
  ServerAnswer a;
  auto got = s.round(*body, kVersionDefault, "Accounting");
  if (!got) {
    a = got.error();
  } else if (auto reply = decode_acct_reply(*got); !reply) {
    a = s.refuse(reply.error());
  } else {
    say(fmt::format("tacp_procpkt_acct: {}", name(reply->status)));
    a = answer(reply->status == AcctStatus::Success ? Kind::Accept : Kind::Reject,
               reply->server_msg);
  }
  s.finish(a.kind == Kind::Accept || a.kind == Kind::Reject);
  a.rtt = s.elapsed();
  return a;
}

template <typename T>
bool number(std::string_view text, T& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && p == text.data() + text.size();
}

}  // namespace

bool apply_tacacs_attribute(std::string_view arg, Authorization& out) {
  std::string n, v;
  if (!split_arg(arg, n, v)) return false;
  uint32_t num = 0;
  if (n == "priv-lvl" || n == "priv_lvl") {
    if (!number(v, num) || num > 15) return false;
    out.privilege_level = static_cast<int>(num);
    return true;
  }
  if (n == "acl") {
    if (v.empty()) return false;
    out.filter_acl = v;
    return true;
  }
  // The ASA documents idletime and timeout in minutes; Authorization holds seconds.
  if (n == "idletime" || n == "timeout") {
    if (!number(v, num) || num > UINT32_MAX / 60) return false;
    (n == "idletime" ? out.idle_timeout : out.session_timeout) = num * 60;
    return true;
  }
  return false;
}

std::unique_ptr<ProtocolClient> make_tacacs_client(DebugSink debug, TacacsOptions options) {
  return std::make_unique<TacacsClient>(std::move(debug), options);
}

std::unique_ptr<ProtocolClient> make_tacacs_client(DebugSink debug) {
  return make_tacacs_client(std::move(debug), TacacsOptions{});
}

}  // namespace rampart::aaa
