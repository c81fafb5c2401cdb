#include "firmware/daemon/server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "control/aaa/password.hpp"
#include "platform/log.hpp"
#include "platform/printable.hpp"

namespace rampart::firmware {

namespace {

constexpr int kMaxEvents = 64;
// A session's next command waits until its client has taken all but this much of the output
// before (its frames stay in the input buffer, then in the kernel's): a client that sends and
// never reads cannot make the daemon build more output than one command's. Debug lines for a
// terminal this far behind are dropped, as a console that cannot keep up loses them.
constexpr size_t kOutputBackpressure = 1 << 20;
// A last guard: a client this far behind is cut off. One command's output is below it (show
// crypto ipsec sa at 10,000 tunnels is about 20 MB).
constexpr size_t kMaxPendingOutput = 256 << 20;
// The most one client's flush sends in one turn of the loop.
constexpr size_t kFlushPerTurn = 1 << 20;
// Input read ahead of a busy session (a copy running): above this the socket is not read until
// the session is free again, and the kernel's socket buffer holds the sender back.
constexpr size_t kMaxPendingInput = protocol::kMaxPayload + 64 * 1024;

rampart::unexpected<std::string> sys_fail(std::string_view what) {
  return rampart::unexpected(fmt::format("{}: {}", what, std::strerror(errno)));
}

}  // namespace

Server::Server(cli::Appliance& app, std::string socket_path, IkeService* ike)
    : app_(app), ike_(ike), path_(std::move(socket_path)) {
  applied_ = app_.config();
  app_.set_background_work(true);
  // Debug lines the AAA clients post from their worker threads wake the loop, so that they
  // show while the exchange goes on, as on the ASA.
  debug_efd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (debug_efd_ >= 0) {
    app_.set_debug_wakeup([fd = debug_efd_] {
      uint64_t one = 1;
      (void)!::write(fd, &one, sizeof one);
    });
    watch(debug_efd_, [this] {
      uint64_t n = 0;
      (void)!::read(debug_efd_, &n, sizeof n);
      deliver_debug();
    });
  }
}

Server::~Server() {
  app_.set_debug_wakeup(nullptr);  // the AAA workers may outlive us
  if (debug_efd_ >= 0) ::close(debug_efd_);
  for (auto& [efd, job] : jobs_) {
    job->thread.join();
    ::close(efd);
  }
  for (auto& [fd, c] : clients_) ::close(fd);
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
  if (signal_fd_ >= 0) ::close(signal_fd_);
}

rampart::expected<void, std::string> Server::run() {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path_.size() >= sizeof addr.sun_path) return rampart::unexpected("socket path too long");
  std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd_ < 0) return sys_fail("socket");
  ::unlink(path_.c_str());  // a stale socket from a killed daemon
  // Only root may talk to the firmware: the socket is created 0600 (umask), then checked.
  mode_t old = ::umask(0177);
  int rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (rc != 0) return sys_fail("bind " + path_);
  if (user_for_uid_) {
    // SSH users' shells run under their own uids in group ssh_gid_.
    if (::chown(path_.c_str(), 0, ssh_gid_) != 0 || ::chmod(path_.c_str(), 0660) != 0)
      return sys_fail("chmod " + path_);
  } else {
    ::chmod(path_.c_str(), 0600);
  }
  if (::listen(listen_fd_, 16) != 0) return sys_fail("listen");

  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal_fd_ = ::signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (signal_fd_ < 0) return sys_fail("signalfd");

  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) return sys_fail("epoll_create1");
  for (int fd : {listen_fd_, signal_fd_}) {
    epoll_event ev{EPOLLIN, {.fd = fd}};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  if (ike_) {
    ike_fds_ = ike_->fds();
    for (int fd : ike_fds_) {
      epoll_event ev{EPOLLIN, {.fd = fd}};
      ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    }
  }
  for (const auto& [fd, f] : watched_) {
    epoll_event ev{EPOLLIN, {.fd = fd}};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
  platform::log(platform::Severity::Notice, fmt::format("serving CLI sessions on {}", path_));

  epoll_event events[kMaxEvents];
  using Clock = std::chrono::steady_clock;
  constexpr auto kTickEvery = std::chrono::seconds(1);
  Clock::time_point last_tick{};
  bool tick_due = true;     // something other than IKE was handled (a command, a job, a fd)
  bool ike_events = false;  // IKE datagrams or crypto results were handled
  for (;;) {
    const auto now = Clock::now();
    if (tick_ && (tick_due || now - last_tick >= kTickEvery)) {
      tick_();
      last_tick = now;
    } else if (ike_events && after_ike_) {
      after_ike_();
    }
    tick_due = ike_events = false;
    log_off_idle();
    if (reload_pending_ && reload_pending_()) {
      for (auto& [fd, c] : clients_) flush(c);
      if (reload_) reload_();
      return {};
    }
    int timeout = -1;
    if (tick_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(last_tick + kTickEvery -
                                                                        Clock::now());
      timeout = static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1000));
    }
    int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_fail("epoll_wait");
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      // IKE's descriptors wake the loop at its packet rate; everything else is rare.
      (std::find(ike_fds_.begin(), ike_fds_.end(), fd) != ike_fds_.end() ? ike_events : tick_due) =
          true;
      if (fd == signal_fd_) {
        signalfd_siginfo si{};
        if (::read(signal_fd_, &si, sizeof si) > 0)
          platform::log(
              platform::Severity::Notice,
              fmt::format("stopping on signal {}", strsignal(static_cast<int>(si.ssi_signo))));
        return {};
      }
      if (fd == listen_fd_) {
        accept_clients();
        continue;
      }
      if (jobs_.contains(fd)) {
        finish_job(fd);
        continue;
      }
      if (auto w = watched_.find(fd); w != watched_.end()) {
        w->second();
        continue;
      }
      if (std::find(ike_fds_.begin(), ike_fds_.end(), fd) != ike_fds_.end()) {
        ike_->on_readable(fd);
        continue;
      }
      auto it = clients_.find(fd);
      if (it == clients_.end()) continue;
      if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_client(it->second);
      it = clients_.find(fd);
      if (it != clients_.end() && (events[i].events & EPOLLOUT)) {
        flush(it->second);
        // The output taken, the commands that waited behind it (kOutputBackpressure) go on.
        it = clients_.find(fd);
        if (it != clients_.end() && it->second.out.size() < kOutputBackpressure)
          process_frames(it->second);
      }
    }
    deliver_debug();
  }
}

void Server::deliver_debug() {
  // Debug lines the control plane queued for sessions that asked for them (per session, as on
  // the ASA). The shell prints them when it next reads from us. First the lines the AAA
  // clients posted from their worker threads.
  app_.deliver_posted_debug();
  std::vector<int> waiting;
  for (const auto& [fd, c] : clients_)
    if (!c.session->pending_async.empty() || c.session->async_dropped) waiting.push_back(fd);
  for (int fd : waiting) {  // by fd: flush may drop a client
    auto it = clients_.find(fd);
    if (it == clients_.end()) continue;
    cli::Session& s = *it->second.session;
    auto& pending = s.pending_async;
    if (it->second.out.size() >= kOutputBackpressure) {
      // The terminal is not reading (kOutputBackpressure): the lines go, counted, and the
      // operator is told once the terminal has caught up, so that a gap is never silent.
      s.async_dropped += pending.size();
      app_.count_terminal_behind(pending.size());
      pending.clear();
      continue;
    }
    std::string text;
    if (s.async_dropped) {
      text = fmt::format(
          "WARNING: {} debug/monitor lines were not shown: this terminal fell "
          "behind reading its output\n",
          s.async_dropped);
      s.async_dropped = 0;
    }
    for (const auto& l : pending) text += l + "\n";
    pending.clear();
    send(it->second, protocol::Type::Async, text);
    flush(it->second);
  }
}

void Server::log_off_idle() {
  // "console timeout N" for the consoles, "ssh timeout N" for SSH (minutes; 0: never).
  std::time_t now = std::time(nullptr);
  std::vector<int> idle;
  for (const auto& [fd, c] : clients_) {
    int minutes = c.kind == Client::Kind::Console ? app_.config().system.console_timeout
                  : c.kind == Client::Kind::Ssh   ? app_.config().management.ssh_timeout
                                                  : 0;
    if (minutes > 0 && !c.busy && !c.closing && now - c.last_active >= minutes * 60)
      idle.push_back(fd);
  }
  for (int fd : idle) {
    Client& c = clients_.at(fd);
    send(c, protocol::Type::Output, protocol::output_payload(0, "\nLogoff\n\n"));
    send(c, protocol::Type::Close, "");
    c.closing = true;
    flush(c);
  }
}

void Server::accept_clients() {
  for (;;) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) return;
    Client c;
    c.fd = fd;
    ucred cred{};
    socklen_t len = sizeof cred;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      ::close(fd);
      continue;
    }
    c.uid = cred.uid;
    c.id = next_client_id_++;
    c.last_active = std::time(nullptr);
    // A console session starts in user EXEC, as on the ASA.
    c.session = std::make_unique<cli::Session>(app_, false);
    clients_.emplace(fd, std::move(c));
    epoll_event ev{EPOLLIN, {.fd = fd}};
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }
}

void Server::read_client(Client& c) {
  char buf[65536];
  while (c.in.buffered() < kMaxPendingInput) {
    ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      drop(c.fd);
      return;
    }
    c.in.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
  process_frames(c);
}

void Server::process_frames(Client& c) {
  for (;;) {
    bool held = false;  // frames wait behind the output (kOutputBackpressure)
    while (!c.busy) {
      if (c.out.size() >= kOutputBackpressure) {
        held = true;
        break;
      }
      auto f = c.in.next();
      if (!f) {
        platform::log(platform::Severity::Warning,
                      fmt::format("control socket: {}; closing the session", f.error()));
        drop(c.fd);
        return;
      }
      if (!*f) break;
      int fd = c.fd;
      handle(c, **f);
      if (!clients_.contains(fd)) return;
    }
    int fd = c.fd;
    flush(c);
    // A client reading as fast as we write takes it all here, and then no event would come
    // for the frames that waited: they go on now.
    if (!held || !clients_.contains(fd) || c.out.size() >= kOutputBackpressure) return;
  }
}

void Server::start_job(Client& c, cli::Session::Work work) {
  int efd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (efd < 0) {  // no eventfd: do the work in line rather than not at all
    send_output(c, 0, work());
    return;
  }
  auto job = std::make_unique<Job>();
  job->client = c.id;
  job->work = std::move(work);
  job->efd = efd;
  Job* j = job.get();
  j->thread = std::thread([j] {
    j->result = j->work();
    uint64_t one = 1;
    (void)!::write(j->efd, &one, sizeof one);
  });
  jobs_.emplace(efd, std::move(job));
  epoll_event ev{EPOLLIN, {.fd = efd}};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, efd, &ev);
  c.busy = true;
}

void Server::finish_job(int efd) {
  auto it = jobs_.find(efd);
  it->second->thread.join();
  std::unique_ptr<Job> job = std::move(it->second);
  jobs_.erase(it);
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, efd, nullptr);
  ::close(efd);
  // The debug lines of the job's exchange ("test aaa-server") come before its result.
  deliver_debug();
  for (auto& [fd, c] : clients_) {
    if (c.id != job->client) continue;  // the session may have gone meanwhile
    c.busy = false;
    cli::Session& s = *c.session;
    // What the session makes of the result (a console login or enable completes) comes after
    // it, and the prompt is then the session's (or the question it asked again).
    cli::Reply r = s.finish_deferred(std::move(job->result));
    send_output(c, s.effective_pager_lines(), r.output);  // a view's pages, as in line
    if (r.closed) {
      send(c, protocol::Type::Close, "");
      c.closing = true;
    } else {
      send(c, protocol::Type::Prompt,
           protocol::prompt_payload(r.secret_input,
                                    r.input_prompt.empty() ? s.prompt() : r.input_prompt));
    }
    process_frames(c);
    return;
  }
}

void Server::handle(Client& c, const protocol::Frame& f) {
  using protocol::Type;
  cli::Session& s = *c.session;
  c.last_active = std::time(nullptr);
  // The one boundary where a programming error in a handler is caught: the session gets an
  // error, the event is logged and counted, the daemon and every other session go on.
  try {
    switch (f.type) {
      case Type::Hello:
        hello(c, f.payload);
        break;
      case Type::Authenticate:
        authenticate(c, f.payload);
        break;
      case Type::Line: {
        cli::Reply r = s.execute(f.payload);
        apply_if_changed();
        if (!r.output.empty()) send_output(c, s.effective_pager_lines(), r.output);
        if (r.pending) {
          start_job(c, s.take_deferred());
          if (c.busy) break;  // the prompt follows the work's output
        }
        if (r.closed) {
          send(c, Type::Close, "");
          c.closing = true;
        } else {
          std::string p = r.input_prompt.empty() ? s.prompt() : r.input_prompt;
          send(c, Type::Prompt, protocol::prompt_payload(r.secret_input, p));
        }
        break;
      }
      case Type::Help:
        send(c, Type::Output, protocol::output_payload(0, s.help(f.payload)));
        break;
      case Type::Complete: {
        std::string list;
        for (const auto& w : s.complete(f.payload)) list += w + "\n";
        send(c, Type::Completions, list);
        break;
      }
      default:
        platform::log(platform::Severity::Warning, "control socket: unexpected frame type");
        drop(c.fd);
        return;
    }
  } catch (const std::exception& e) {
    ++internal_errors_;
    platform::log(platform::Severity::Error, fmt::format("internal error #{} in a CLI handler: {}",
                                                         internal_errors_, e.what()));
    send(c, Type::Output, protocol::output_payload(0, "ERROR: internal error\n"));
    send(c, Type::Prompt, protocol::prompt_payload(false, s.prompt()));
  }
}

void Server::hello(Client& c, const std::string& payload) {
  using protocol::Type;
  cli::Session& s = *c.session;
  if (c.uid != 0) {
    // An SSH login: sshd and PAM checked the password; the uid names the user, or, for the
    // account users of AAA servers share, the shell does (sshd's USER) and a login the server
    // just accepted under that name vouches for it.
    std::string user = user_for_uid_ ? user_for_uid_(c.uid) : "";
    bool shared = aaa_uid_ && c.uid == *aaa_uid_;
    if (shared) user = hello_user(payload);
    std::optional<AaaLogin> by_server = take_aaa_login(user);
    if (user.empty() || (shared && !by_server)) {
      send(c, Type::Close, "");
      c.closing = true;
      return;
    }
    s.set_user(user);
    if (by_server && by_server->exec.privileged) s.set_privileged(true);
    if (by_server && by_server->exec.enable_barred) s.bar_enable();
    c.kind = Client::Kind::Ssh;
  } else if (payload.find("login=1") != std::string::npos) {
    c.kind = Client::Kind::Console;
    s.console_line = true;  // "logging console" messages show on this one
    if (app_.config().management.authenticates("serial")) s.begin_login();
  }
  send(c, Type::Prompt, protocol::prompt_payload(false, s.prompt()));
}

namespace {

// The local database's answer for an SSH login: a user with a password, the right one.
bool local_ssh_user(const config::Config& cfg, const std::string& user, std::string_view pw) {
  auto it = cfg.users.find(user);
  return it != cfg.users.end() && it->second.password &&
         aaa::verify_password(*it->second.password, pw);
}

}  // namespace

void Server::authenticate(Client& c, const std::string& payload) {
  // "user\0password[\0remote host]" from the PAM helper, which runs as root inside sshd.
  size_t z = payload.find('\0');
  std::string user = payload.substr(0, z);
  std::string rhost;
  if (c.uid != 0 || z == std::string::npos) {
    auth_answer(c, false, user, rhost);
    return;
  }
  size_t z2 = payload.find('\0', z + 1);
  aaa::Password password(payload.substr(z + 1, z2 == std::string::npos ? z2 : z2 - z - 1));
  if (z2 != std::string::npos) rhost = payload.substr(z2 + 1);
  const auto& cfg = app_.config();
  auto ssh = cfg.management.aaa_authentication.find("ssh");
  if (ssh == cfg.management.aaa_authentication.end()) {
    auth_answer(c, false, user, rhost);
    return;
  }
  auto req =
      cli::admin_request(cfg, aaa_, "ssh", aaa::Purpose::AdminLogin, user, password.reveal());
  if (!req) {
    auth_answer(c, ssh->second.group == "LOCAL" && local_ssh_user(cfg, user, password.reveal()),
                user, rhost);
    return;
  }
  req->client = config::Ipv4::parse(rhost);
  // The helper waits (its client is parked, taking no more frames) while the group is asked;
  // the loop serves everyone else. The client is found again by its id: it may be gone.
  c.busy = true;
  const uint64_t id = c.id;
  std::weak_ptr<int> alive = alive_;
  aaa_->authenticate(std::move(*req), [this, alive, id, user, rhost, password](aaa::AuthResult r) {
    if (alive.expired()) return;
    const auto& cfg = app_.config();
    cli::AdminVerdict v = cli::admin_verdict(
        cfg, "ssh", r, [&] { return local_ssh_user(cfg, user, password.reveal()); });
    if (!cli::exec_authorization_applies(cfg, v)) {
      finish_ssh_auth(id, user, rhost, v.ok, v.ok && !v.local,
                      cli::ExecVerdict{.allowed = v.ok, .privileged = v.privileged});
      return;
    }
    // "aaa authorization exec authentication-server": TACACS+ asks the server that said yes
    // (service=shell) while the helper still waits; RADIUS said it in its Access-Accept.
    if (auto q = cli::exec_authorization_request(cfg, "ssh", v, user)) {
      q->client = config::Ipv4::parse(rhost);
      aaa_->authenticate(std::move(*q), [this, alive, id, user, rhost](aaa::AuthResult a) {
        if (!alive.expired()) exec_decided(id, user, rhost, cli::tacacs_exec_verdict(a));
      });
      return;
    }
    exec_decided(id, user, rhost, cli::radius_exec_verdict(r.authz));
  });
}

void Server::exec_decided(uint64_t id, const std::string& user, const std::string& rhost,
                          const cli::ExecVerdict& e) {
  // The ASA's words for an administrator the server authenticated but would not give the CLI.
  // The password was right, so the name is no mistyped password: it is shown, as printable().
  if (!e.allowed) logging::syslog(app_.logger(), 113021, platform::printable(user));
  finish_ssh_auth(id, user, rhost, e.allowed, e.allowed, e);
}

void Server::finish_ssh_auth(uint64_t id, const std::string& user, const std::string& rhost,
                             bool ok, bool by_server, const cli::ExecVerdict& exec) {
  for (auto& [fd, client] : clients_) {
    if (client.id != id) continue;  // the helper may have gone meanwhile
    if (ok && by_server) remember_aaa_login(user, exec);
    client.busy = false;
    auth_answer(client, ok, user, rhost);
    flush(client);
    return;
  }
}

void Server::auth_answer(Client& c, bool ok, const std::string& user, const std::string& rhost) {
  // The ASA's syslog 605004/605005 for management logins. The name and the host are the
  // client's bytes (sshd passes them on as sent): printable() keeps a newline in them from
  // forging a second line.
  logging::syslog(app_.logger(), ok ? 605005 : 605004,
                  rhost.empty() ? "unknown" : platform::printable(rhost), "ssh",
                  platform::printable(user));
  send(c, protocol::Type::AuthResult, ok ? "1" : "0");
  c.closing = true;
}

std::optional<Server::AaaLogin> Server::take_aaa_login(const std::string& user) {
  std::time_t now = std::time(nullptr);
  std::erase_if(aaa_logins_, [&](const auto& e) { return e.second.until < now; });
  auto it = aaa_logins_.find(user);
  if (it == aaa_logins_.end()) return std::nullopt;
  AaaLogin l = it->second;
  aaa_logins_.erase(it);
  return l;
}

std::string Server::hello_user(const std::string& payload) {
  // "... user=NAME": a name as sshd accepted it (no spaces, no control characters).
  size_t at = payload.find(" user=");
  if (at == std::string::npos) return {};
  std::string name = payload.substr(at + 6);
  name = name.substr(0, name.find(' '));
  for (unsigned char ch : name)
    if (ch < 0x21 || ch == 0x7f) return {};
  return name;
}

void Server::remember_aaa_login(const std::string& user, const cli::ExecVerdict& exec) {
  // The shell sshd starts next for this user connects with the shared account's uid and names
  // the user; it is believed for a short while after the server said yes, once.
  aaa_logins_.emplace(user, AaaLogin{std::time(nullptr) + kAaaLoginWindow, exec});
}

void Server::send(Client& c, protocol::Type t, std::string_view payload) {
  c.out.append(protocol::encode(t, payload));
}

void Server::send_output(Client& c, int pager_lines, std::string_view text) {
  for (const auto& p : protocol::output_payloads(pager_lines, text))
    send(c, protocol::Type::Output, p);
}

void Server::flush(Client& c) {
  // A client that reads as fast as we write would keep the loop here for the whole of a
  // 20 MB view: at most kFlushPerTurn now, the rest when the socket is next writable.
  size_t budget = kFlushPerTurn;
  while (!c.out.empty() && budget) {
    std::string_view unsent = c.out.unsent();
    ssize_t n = ::send(c.fd, unsent.data(), std::min(unsent.size(), budget), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n <= 0) {
      drop(c.fd);
      return;
    }
    c.out.consumed(static_cast<size_t>(n));
    budget -= static_cast<size_t>(n);
  }
  if (c.out.size() > kMaxPendingOutput) {
    drop(c.fd);
    return;
  }
  if (c.out.empty() && c.closing) {
    drop(c.fd);
    return;
  }
  uint32_t want = c.in.buffered() < kMaxPendingInput ? uint32_t{EPOLLIN} : 0u;
  if (!c.out.empty()) want |= EPOLLOUT;
  epoll_event ev{want, {.fd = c.fd}};
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void Server::drop(int fd) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
  clients_.erase(fd);
}

void Server::apply_if_changed() {
  // Applying costs what the change costs: only when interfaces or routes moved.
  const config::Config& cfg = app_.config();
  if (cfg.interfaces == applied_.interfaces && cfg.routes == applied_.routes &&
      cfg.system.mtu == applied_.system.mtu)
    return;
  for (const auto& w : app_.sys().apply(cfg)) platform::log(platform::Severity::Warning, w);
  applied_.interfaces = cfg.interfaces;
  applied_.routes = cfg.routes;
  applied_.system.mtu = cfg.system.mtu;
}

}  // namespace rampart::firmware
