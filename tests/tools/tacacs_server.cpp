// A small TACACS+ server (RFC 8907) for the tests, built on the client's codec so that both
// ends share one reading of the RFC. One thread per connection; several clients at once.
//
//   tacacs_server --listen ADDR:PORT --users FILE [--key KEY] [--acct-log FILE]
//                 [--ready FILE] [--drop] [--no-single]
//
// Users file, one per line: USER PASSWORD PRIV-LVL [expired] [noexec] [NAME=VALUE ...]; the
// NAME=VALUE pairs are returned by authorization beside priv-lvl; noexec fails exec (shell)
// authorization of a user whose login passes. Accounting appends one line per record
// to the log. --drop accepts connections and reads them but never answers; --no-single refuses
// single-connection mode (one session per connection).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "control/aaa/tacacs_codec.hpp"

using namespace rampart::aaa::tacacs;

namespace {

struct User {
  std::string password;
  int priv = 1;
  bool expired = false;
  bool noexec = false;
  std::vector<std::string> attrs;
};

struct Config {
  std::string key;
  std::map<std::string, User> users;
  std::string acct_log;
  bool drop = false;
  bool single = true;
};

Config g;
std::mutex g_log_mu;
std::atomic<int> g_connections{0};

void note(const std::string& line) {
  std::lock_guard lock(g_log_mu);
  std::cerr << "tacacs_server: " << line << std::endl;
}

bool read_users(const std::string& path) {
  std::ifstream in(path);
  if (!in) return false;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string name, word;
    User u;
    if (!(words >> name) || name[0] == '#') continue;
    if (!(words >> u.password >> u.priv)) return false;
    while (words >> word) {
      if (word == "expired")
        u.expired = true;
      else if (word == "noexec")
        u.noexec = true;
      else
        u.attrs.push_back(word);
    }
    g.users[name] = u;
  }
  return true;
}

bool recv_all(int fd, uint8_t* out, size_t n) {
  size_t at = 0;
  while (at < n) {
    ssize_t r = ::recv(fd, out + at, n - at, 0);
    if (r <= 0) return false;
    at += static_cast<size_t>(r);
  }
  return true;
}

bool send_all(int fd, const Bytes& b) {
  size_t at = 0;
  while (at < b.size()) {
    ssize_t r = ::send(fd, b.data() + at, b.size() - at, MSG_NOSIGNAL);
    if (r <= 0) return false;
    at += static_cast<size_t>(r);
  }
  return true;
}

bool password_ok(const User& u, const std::string& given) {
  return u.password.size() == given.size() &&
         CRYPTO_memcmp(u.password.data(), given.data(), given.size()) == 0;
}

enum class Await { User, Pass, NewPass };
struct AuthenState {
  std::string user;
  Await await = Await::Pass;
  uint8_t seq = 1;  // of the client's last packet
};

// One connection: its sessions (RFC 8907 allows several, one after another here) and whether
// single-connection mode was agreed.
class Connection {
 public:
  Connection(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}
  void run();

 private:
  // Sends a reply to h; ends the session when final (and the connection, unless single).
  bool reply(const Header& h, const Bytes& body, bool final);
  bool on_authen(const Header& h, const Bytes& body);
  bool on_author(const Header& h, const Bytes& body);
  bool on_acct(const Header& h, const Bytes& body);
  bool reply_error(const Header& h, const DecodeError& e);
  AuthenReply login_result(const std::string& user, const std::string& password, AuthenState& st);

  int fd_;
  std::string peer_;
  bool first_ = true;
  bool single_ = false;
  bool keep_ = true;
  bool flag_next_reply_ = false;
  std::map<uint32_t, AuthenState> sessions_;
};

bool Connection::reply(const Header& req, const Bytes& body, bool final) {
  Header h = req;
  h.seq_no = static_cast<uint8_t>(req.seq_no + 1);
  // RFC 8907 4.3: the server agrees by setting the flag in its first reply.
  h.flags = flag_next_reply_ ? kFlagSingleConnect : 0;
  flag_next_reply_ = false;
  if (final) {
    sessions_.erase(req.session_id);
    if (!single_) keep_ = false;
  }
  return send_all(fd_, seal(h, body, g.key));
}

bool Connection::reply_error(const Header& h, const DecodeError& e) {
  note(peer_ + ": cannot decode body: " + e.reason);
  keep_ = false;
  std::optional<Bytes> body;
  if (h.type == Type::Authen) {
    AuthenReply r{AuthenStatus::Error, 0, "cannot decode body", ""};
    body = *encode(r);
  } else if (h.type == Type::Author) {
    AuthorResponse r{AuthorStatus::Error, {}, "cannot decode body", ""};
    body = *encode(r);
  } else {
    AcctReply r{AcctStatus::Error, "cannot decode body", ""};
    body = *encode(r);
  }
  return reply(h, *body, true);
}

AuthenReply Connection::login_result(const std::string& user, const std::string& password,
                                     AuthenState& st) {
  auto it = g.users.find(user);
  if (it == g.users.end() || !password_ok(it->second, password)) {
    note(peer_ + ": login FAIL for " + user);
    return {AuthenStatus::Fail, 0, "Invalid password", ""};
  }
  if (it->second.expired) {
    note(peer_ + ": password expired for " + user);
    st.await = Await::NewPass;
    return {AuthenStatus::GetData, kReplyFlagNoEcho, "Password expired. New Password: ", ""};
  }
  note(peer_ + ": login PASS for " + user);
  return {AuthenStatus::Pass, 0, "", ""};
}

bool Connection::on_authen(const Header& h, const Bytes& body) {
  AuthenReply out;
  if (h.seq_no == 1) {
    auto start = decode_authen_start(body);
    if (!start) return reply_error(h, start.error());
    AuthenState st{start->user, Await::Pass};
    if (start->authen_type == AuthenType::Pap) {
      out = login_result(start->user, start->data, st);
      // PAP cannot carry a new password: an expired one is a failure with a reason.
      if (out.status == AuthenStatus::GetData)
        out = {AuthenStatus::Fail, 0, "Password expired", ""};
    } else if (start->authen_type != AuthenType::Ascii) {
      out = {AuthenStatus::Fail, 0, "unsupported authen_type", ""};
    } else if (start->user.empty()) {
      st.await = Await::User;
      out = {AuthenStatus::GetUser, 0, "Username: ", ""};
    } else {
      out = {AuthenStatus::GetPass, kReplyFlagNoEcho, "Password: ", ""};
    }
    sessions_[h.session_id] = st;
  } else {
    auto it = sessions_.find(h.session_id);
    auto cont = decode_authen_continue(body);
    if (!cont) return reply_error(h, cont.error());
    if (it == sessions_.end()) {
      note(peer_ + ": CONTINUE for no session");
      keep_ = false;
      return false;
    }
    if (cont->flags & kContinueFlagAbort) {
      note(peer_ + ": session aborted by the client: " + cont->data);
      sessions_.erase(it);
      if (!single_) keep_ = false;
      return true;  // RFC 8907 5.4.3: no reply to an abort
    }
    AuthenState& st = it->second;
    if (h.seq_no != st.seq + 2) {
      note(peer_ + ": seq_no out of order");
      keep_ = false;
      return false;
    }
    st.seq = h.seq_no;
    if (st.await == Await::User) {
      st.user = cont->user_msg;
      st.await = Await::Pass;
      out = {AuthenStatus::GetPass, kReplyFlagNoEcho, "Password: ", ""};
    } else if (st.await == Await::Pass) {
      out = login_result(st.user, cont->user_msg, st);
    } else {
      out = {AuthenStatus::Fail, 0, "password change is not supported here", ""};
    }
  }
  const bool final = out.status == AuthenStatus::Pass || out.status == AuthenStatus::Fail ||
                     out.status == AuthenStatus::Error;
  auto b = encode(out);
  return reply(h, *b, final);
}

bool Connection::on_author(const Header& h, const Bytes& body) {
  auto req = decode_author_request(body);
  if (!req) return reply_error(h, req.error());
  AuthorResponse out;
  auto it = g.users.find(req->c.user);
  const auto& a = req->c.args;
  const bool shell = std::find(a.begin(), a.end(), "service=shell") != a.end();
  if (it == g.users.end()) {
    out = {AuthorStatus::Fail, {}, "unknown user", ""};
  } else if (shell && it->second.noexec) {
    out = {AuthorStatus::Fail, {}, "no exec for this user", ""};
  } else {
    out.status = AuthorStatus::PassAdd;
    out.args.push_back("priv-lvl=" + std::to_string(it->second.priv));
    // The network-access attributes answer network access (service=ppp) only.
    if (std::find(a.begin(), a.end(), "service=ppp") != a.end())
      out.args.insert(out.args.end(), it->second.attrs.begin(), it->second.attrs.end());
  }
  std::string args;
  for (const auto& a : req->c.args) args += " " + a;
  note(peer_ + ": authorization for " + req->c.user + args);
  return reply(h, *encode(out), true);
}

bool Connection::on_acct(const Header& h, const Bytes& body) {
  auto req = decode_acct_request(body);
  if (!req) return reply_error(h, req.error());
  std::string line = "user=" + req->c.user + " port=" + req->c.port +
                     " rem_addr=" + req->c.rem_addr +
                     " priv_lvl=" + std::to_string(req->c.priv_lvl) + " flags=";
  line += (req->flags & kAcctFlagStart) ? "start" : (req->flags & kAcctFlagStop) ? "stop" : "";
  if (req->flags & kAcctFlagWatchdog) line += "watchdog";
  for (const auto& a : req->c.args) line += " " + a;
  {
    std::lock_guard lock(g_log_mu);
    std::ofstream log(g.acct_log, std::ios::app);
    log << line << '\n';
  }
  note(peer_ + ": accounting " + line);
  return reply(h, *encode(AcctReply{AcctStatus::Success, "", ""}), true);
}

void Connection::run() {
  while (keep_) {
    uint8_t head[kHeaderSize];
    if (!recv_all(fd_, head, sizeof head)) break;
    auto h = decode_header(head, sizeof head);
    if (!h) {
      note(peer_ + ": bad header: " + h.error().reason);
      break;
    }
    Bytes body(h->length);
    if (!recv_all(fd_, body.data(), body.size())) break;
    if (g.drop) continue;  // --drop: read everything, answer nothing
    if ((h->seq_no & 1) == 0) {
      note(peer_ + ": even seq_no from a client");
      break;
    }
    if (!g.key.empty() && (h->flags & kFlagUnencrypted)) {
      note(peer_ + ": unobfuscated packet while a key is configured");
      break;
    }
    if (first_) {
      first_ = false;
      single_ = g.single && (h->flags & kFlagSingleConnect);
      flag_next_reply_ = single_;
    }
    obfuscate(body, *h, g.key);
    bool ok = h->type == Type::Authen   ? on_authen(*h, body)
              : h->type == Type::Author ? on_author(*h, body)
                                        : on_acct(*h, body);
    if (!ok) break;
  }
  ::close(fd_);
}

bool parse_listen(const std::string& text, sockaddr_in& sa) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  sa = {};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(std::stoi(text.substr(colon + 1))));
  return inet_pton(AF_INET, text.substr(0, colon).c_str(), &sa.sin_addr) == 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string listen, users, ready;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--listen")
      listen = next();
    else if (a == "--users")
      users = next();
    else if (a == "--key")
      g.key = next();
    else if (a == "--acct-log")
      g.acct_log = next();
    else if (a == "--ready")
      ready = next();
    else if (a == "--drop")
      g.drop = true;
    else if (a == "--no-single")
      g.single = false;
    else {
      std::cerr << "usage: tacacs_server --listen ADDR:PORT --users FILE [--key KEY] "
                   "[--acct-log FILE] [--ready FILE] [--drop] [--no-single]\n";
      return 2;
    }
  }
  sockaddr_in sa{};
  if (!parse_listen(listen, sa) || !read_users(users)) {
    std::cerr << "tacacs_server: bad --listen or --users\n";
    return 2;
  }
  if (g.acct_log.empty()) g.acct_log = "/dev/null";
  int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(ls, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || ::listen(ls, 64) != 0) {
    std::cerr << "tacacs_server: " << std::strerror(errno) << "\n";
    return 1;
  }
  if (!ready.empty()) std::ofstream(ready) << "ready\n";
  note("listening on " + listen + (g.drop ? " (drop)" : "") + (g.single ? "" : " (no single)"));
  for (;;) {
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    int fd = ::accept4(ls, reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC);
    if (fd < 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    note(std::string("connection ") + std::to_string(++g_connections) + " from " + text);
    std::thread([fd, p = std::string(text)] { Connection(fd, p).run(); }).detach();
  }
}
