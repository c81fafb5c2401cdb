#include "control/aaa/tacacs_session.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace rampart::aaa::tacacs {
namespace {

using Kind = ServerAnswer::Kind;
using Clock = std::chrono::steady_clock;

ServerAnswer answer(Kind kind, std::string message) {
  ServerAnswer a;
  a.kind = kind;
  a.message = printable(message);  // it may come from the server
  return a;
}

sockaddr_in sockaddr_of(uint32_t address, uint16_t port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(address);
  return sa;
}

uint32_t random_session_id() {
  uint32_t id = 0;
  // RFC 8907 4.1: session_id is cryptographically random; it also seeds the pad.
  while (id == 0)
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof id) != 1) id = 0;
  return id;
}

}  // namespace

// ---- pool ----------------------------------------------------------------------------------

ConnectionPool::~ConnectionPool() {
  for (auto& [k, fds] : idle_)
    for (int fd : fds) ::close(fd);
}

ConnectionPool::Key ConnectionPool::key(const ServerTarget& t) {
  return {t.address.value, t.port, t.source ? t.source->value : 0};
}

int ConnectionPool::take(const ServerTarget& t) {
  if (!enabled_) return -1;
  std::lock_guard lock(mu_);
  auto it = idle_.find(key(t));
  if (it == idle_.end()) return -1;
  auto& fds = it->second;
  while (!fds.empty()) {
    int fd = fds.back();
    fds.pop_back();
    // Readable while idle means the server closed it (or sent what we never asked for).
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) return fd;
    ::close(fd);
  }
  return -1;
}

void ConnectionPool::put(const ServerTarget& t, int fd) {
  std::lock_guard lock(mu_);
  auto& fds = idle_[key(t)];
  if (fds.size() >= kMaxIdle) {
    ::close(fd);
    return;
  }
  fds.push_back(fd);
}

// ---- session -------------------------------------------------------------------------------

Session::Session(ConnectionPool& pool, const ServerTarget& t, Type type, const DebugSink& debug)
    : pool_(pool),
      t_(t),
      type_(type),
      debug_(debug),
      id_(random_session_id()),
      start_(Clock::now()),
      deadline_(start_ + t.timeout) {}

Session::~Session() {
  close_fd();
}

std::chrono::milliseconds Session::elapsed() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start_);
}

void Session::say(std::string line) const {
  if (debug_.on && debug_.line && debug_.on()) debug_.line(printable(line, 512));
}

void Session::close_fd() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// Milliseconds left, for poll; 0 when the deadline has passed.
int Session::wait(short events) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
  if (left.count() <= 0) return 0;
  pollfd p{fd_, events, 0};
  int n = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
  if (n < 0 && errno == EINTR) return wait(events);
  return n;
}

rampart::expected<void, ServerAnswer> Session::connect_fresh() {
  close_fd();
  reused_ = false;
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return rampart::unexpected(answer(Kind::Error, std::strerror(errno)));
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (t_.source) {
    sockaddr_in src = sockaddr_of(t_.source->value, 0);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&src), sizeof src) != 0)
      return rampart::unexpected(answer(
          Kind::Error, fmt::format("cannot bind {}: {}", t_.source->str(), std::strerror(errno))));
  }
  say(fmt::format("TACACS: connecting to {}/{} timeout={}", t_.address.str(), t_.port,
                  std::chrono::duration_cast<std::chrono::seconds>(t_.timeout).count()));
  sockaddr_in dst = sockaddr_of(t_.address.value, t_.port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0 && errno != EINPROGRESS)
    return rampart::unexpected(answer(Kind::Error, std::strerror(errno)));
  if (wait(POLLOUT) <= 0) return rampart::unexpected(answer(Kind::Timeout, "connect timed out"));
  int soerr = 0;
  socklen_t len = sizeof soerr;
  ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &soerr, &len);
  if (soerr != 0) return rampart::unexpected(answer(Kind::Error, std::strerror(soerr)));
  return {};
}

Session::Io Session::send_all(const Bytes& b) {
  size_t at = 0;
  while (at < b.size()) {
    ssize_t n = ::send(fd_, b.data() + at, b.size() - at, MSG_NOSIGNAL);
    if (n > 0) {
      at += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      err_ = errno;
      return Io::Failed;
    }
    if (n < 0 && errno == EAGAIN && wait(POLLOUT) <= 0) return Io::Timeout;
  }
  return Io::Ok;
}

Session::Io Session::recv_exact(uint8_t* out, size_t want) {
  size_t at = 0;
  while (at < want) {
    ssize_t n = ::recv(fd_, out + at, want - at, 0);
    if (n > 0) {
      at += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) return Io::Closed;
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      err_ = errno;
      return Io::Failed;
    }
    if (wait(POLLIN) <= 0) return Io::Timeout;
  }
  return Io::Ok;
}

ServerAnswer Session::io_failure(Io io, std::string_view doing) const {
  switch (io) {
    case Io::Timeout:
      return answer(Kind::Timeout, fmt::format("no answer while {}", doing));
    case Io::Closed:
      return answer(Kind::Error, fmt::format("server closed the connection while {}", doing));
    default:
      return answer(Kind::Error, fmt::format("{}: {}", doing, std::strerror(err_)));
  }
}

rampart::expected<Bytes, ServerAnswer> Session::round(const Bytes& body, uint8_t version,
                                                      std::string_view what) {
  // RFC 8907 4.1: seq_no may not wrap within a session.
  if (seq_ > 253) return rampart::unexpected(answer(Kind::Malformed, "seq_no exhausted"));
  const bool first = seq_ == 1;
  if (first) {
    fd_ = pool_.take(t_);
    reused_ = fd_ >= 0;
  }
  // A pooled connection the server has dropped meanwhile gets one fresh retry.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0)
      if (auto c = connect_fresh(); !c) return rampart::unexpected(c.error());
    Header h;
    h.version = version;
    h.type = type_;
    h.seq_no = seq_;
    h.session_id = id_;
    // RFC 8907 4.3: asked in the first packet of the first session on a connection only.
    asked_single_ = first && !reused_ && pool_.enabled();
    if (asked_single_) h.flags |= kFlagSingleConnect;
    Bytes packet = seal(h, body, t_.key);
    Io io = send_all(packet);
    OPENSSL_cleanse(packet.data(), packet.size());  // a password, obfuscated
    say("Tacacs packet sent");
    say(fmt::format("Sending TACACS {} message. Session id: {}, seq no:{}", what, id_, seq_));
    uint8_t head[kHeaderSize];
    if (io == Io::Ok) io = recv_exact(head, sizeof head);
    if (io != Io::Ok) {
      if (first && reused_ && io != Io::Timeout) {
        close_fd();
        continue;
      }
      close_fd();
      return rampart::unexpected(io_failure(io, fmt::format("waiting for the {} reply", what)));
    }
    auto hdr = decode_header(head, sizeof head);
    if (!hdr) return rampart::unexpected(refuse(hdr.error()));
    if (auto ok = check_header(*hdr, Expect{type_, static_cast<uint8_t>(seq_ + 1), id_}, t_.key);
        !ok)
      return rampart::unexpected(refuse(ok.error()));
    Bytes reply(hdr->length);
    if (io = recv_exact(reply.data(), reply.size()); io != Io::Ok) {
      close_fd();
      return rampart::unexpected(io_failure(io, "reading the reply body"));
    }
    obfuscate(reply, *hdr, t_.key);
    say(fmt::format("Received TACACS packet. Session id:{}  seq no:{}", id_, hdr->seq_no));
    if (first) single_ = reused_ || (asked_single_ && (hdr->flags & kFlagSingleConnect));
    seq_ = static_cast<uint8_t>(seq_ + 2);
    return reply;
  }
  return rampart::unexpected(answer(Kind::Error, "server closed the connection"));
}

ServerAnswer Session::refuse(const DecodeError& e) {
  close_fd();
  const bool key = e.kind == DecodeError::Kind::WrongKey;
  say(fmt::format("TACACS: bad packet from {}: {}{}", t_.address.str(), e.reason,
                  key ? " (wrong key?)" : ""));
  return answer(key ? Kind::BadAuthenticator : Kind::Malformed, e.reason);
}

void Session::abort(uint8_t version, std::string_view why) {
  if (fd_ < 0) return;
  AuthenContinue c;
  c.flags = kContinueFlagAbort;
  c.data = std::string(why);
  auto body = encode(c);
  Header h;
  h.version = version;
  h.type = Type::Authen;
  h.seq_no = seq_;
  h.session_id = id_;
  if (body) (void)send_all(seal(h, *body, t_.key));
  say(fmt::format("Sending TACACS Abort message. Session id: {}, seq no:{}", id_, seq_));
  close_fd();  // the server may still be mid-dialogue: never reuse this connection
}

void Session::finish(bool clean) {
  if (seq_ > 1)
    say(fmt::format("TACACS Session finished. Session id: {}, seq no: {}", id_, seq_ - 2));
  if (fd_ >= 0 && clean && single_) {
    pool_.put(t_, fd_);
    fd_ = -1;
  }
  close_fd();
}

}  // namespace rampart::aaa::tacacs
