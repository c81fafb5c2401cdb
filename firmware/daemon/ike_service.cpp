#include "firmware/daemon/ike_service.hpp"

#include <openssl/rand.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "platform/log.hpp"

namespace rampart::firmware {

namespace {
constexpr int kSocketBuffer = 8 << 20;   // about 50 ms of a 100k-packet/s flood
constexpr uint64_t kFullRouteSync = 10;  // ticks (seconds)
}  // namespace

IkeService::IkeService(cli::Appliance& app, unsigned dataplane_workers, unsigned crypto_workers)
    : app_(app), engine_(std::make_unique<ike::Engine>(app.config(), *this)) {
  engine_->set_sad(&sad_);
  crypto_ = std::make_unique<CryptoWorkers>(crypto_workers ? crypto_workers
                                                           : CryptoWorkers::default_threads());
  dataplane_ = std::make_unique<DataplaneService>(sad_, app.sys(), dataplane_workers);
  vpn_routes_ = std::make_unique<VpnRoutes>(app.sys(), sad_);
  app_.set_ike(engine_.get());
}

IkeService::~IkeService() {
  crypto_.reset();     // its threads stop; outcomes for the engine are dropped
  dataplane_.reset();  // the worker stops before the SAs it reads go
  app_.set_ike(nullptr);
  if (timer_fd_ >= 0) ::close(timer_fd_);
}

std::optional<std::string> IkeService::open() {
  // The dataplane first: a client that connects the moment we answer IKE sends ESP right after
  // its quick mode, and the workers' rings must be there to take it (issue 11).
  dataplane_->sync(app_.config());
  vpn_routes_->sync(*engine_, app_.config(), true);
  for (auto [port, natt] : {std::pair<uint16_t, bool>{500, false}, {4500, true}}) {
    auto s = platform::IkeSocket::open(port, natt);
    if (!s) return s.error();
    // A flood of first messages is turned away cheaply, but only what the socket holds while
    // the loop does something else (a console command, a tick) is seen at all: with the
    // default buffer a few ms of that drop a real client's packets with the flood's.
    int bytes = kSocketBuffer;
    if (::setsockopt(s->fd(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
      ::setsockopt(s->fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    sockets_.push_back(std::move(*s));
  }
  timer_fd_ = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  itimerspec every{{1, 0}, {1, 0}};
  ::timerfd_settime(timer_fd_, 0, &every, nullptr);
  return std::nullopt;
}

std::vector<int> IkeService::fds() const {
  std::vector<int> v;
  for (const auto& s : sockets_) v.push_back(s.fd());
  if (timer_fd_ >= 0) v.push_back(timer_fd_);
  if (crypto_ && crypto_->fd() >= 0) v.push_back(crypto_->fd());
  return v;
}

std::string IkeService::nameif_for(uint32_t local_address) const {
  for (const auto& [hw, itf] : app_.config().interfaces)
    if (itf.address && itf.address->value == local_address && itf.nameif && !itf.shutdown)
      return *itf.nameif;
  return {};
}

void IkeService::on_readable(int fd) {
  if (crypto_ && fd == crypto_->fd()) {
    crypto_->deliver();
    return;
  }
  if (fd == timer_fd_) {
    uint64_t expirations = 0;
    (void)!::read(timer_fd_, &expirations, sizeof expirations);
    engine_->tick();
    // The whole route table is read and set right when the dataplane changed (its TUN devices
    // may be new) and every kFullRouteSync ticks (a failed route tried again); at 10,000
    // tunnels that read is 10,000 routes. In between, only what changed is applied.
    ++ticks_;
    if (dataplane_->sync(app_.config()) || ticks_ % kFullRouteSync == 0) full_route_sync_ = true;
    vpn_routes_->sync(*engine_, app_.config(), full_route_sync_);
    full_route_sync_ = false;
    return;
  }
  for (auto& s : sockets_) {
    if (s.fd() != fd) continue;
    for (auto& d : s.receive()) {
      carry(d.local_address);
      ike::Datagram in;
      in.local = {config::Ipv4{d.local_address}, d.local_port};
      in.peer = {config::Ipv4{d.peer_address}, d.peer_port};
      in.nameif = nameif_for(d.local_address);
      in.data = std::move(d.data);
      engine_->receive(in);
    }
    // What the IPsec SAs reach changed (a client's or site's first SA up, its last gone): the
    // kernel routes its traffic into the tunnel before the first answer to it. A client's
    // address was assigned or released: its route, and on an inside subnet its proxy ARP and
    // gratuitous ARP, follow now, as the engine's "Gratuitous ARP sent" line says. The sync
    // looks at the SAs that changed alone (VpnRoutes::follow), but compares the configuration's
    // route inputs on each call: not after every datagram (each DPD answer, each rekey
    // message). What else changes (an IKE SA gone that had no IPsec SA and no address) waits
    // for the tick's sync, at most a second.
    if (sad_.reach_generation() != routes_generation_ ||
        engine_->clients_generation() != clients_generation_) {
      routes_generation_ = sad_.reach_generation();
      clients_generation_ = engine_->clients_generation();
      vpn_routes_->sync(*engine_, app_.config(), false);
    }
  }
}

void IkeService::carry(uint32_t local_address) {
  // An interface that came up or got its crypto map since the last tick: the dataplane takes
  // it on now, before IKE can complete a quick mode there. Bounded, so that IKE traffic to an
  // address the dataplane never carries (no crypto map) cannot make us re-read the links for
  // every datagram.
  if (dataplane_->carries(local_address)) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_forced_sync_ < std::chrono::milliseconds(200)) return;
  last_forced_sync_ = now;
  if (dataplane_->sync(app_.config())) full_route_sync_ = true;
}

bool IkeService::compute_dh(int group, ike::Bytes peer_public, ike::DhDone done) {
  if (!crypto_) return ike::Environment::compute_dh(group, std::move(peer_public), std::move(done));
  return crypto_->submit(group, std::move(peer_public), std::move(done));
}

uint32_t IkeService::dh_capacity() {
  return crypto_ ? crypto_->dh_per_second() : 0;
}

uint64_t IkeService::now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec);
}

void IkeService::random(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) {
    // Never send predictable cookies, nonces or SPIs: a failing DRBG stops the daemon.
    platform::log(platform::Severity::Error, "RAND_bytes failed; stopping");
    std::abort();
  }
}

void IkeService::send(const ike::Endpoint& local, const ike::Endpoint& peer, const ike::Bytes& d) {
  for (auto& s : sockets_)
    if (s.port() == local.port) {
      if (!s.send(local.address.value, peer.address.value, peer.port, d))
        platform::log(platform::Severity::Debug, fmt::format("IKE send to {} failed", peer.str()));
      return;
    }
}

void IkeService::send_nat_keepalive(const ike::Endpoint& local, const ike::Endpoint& peer) {
  for (auto& s : sockets_)
    if (s.port() == local.port)
      s.send_raw(local.address.value, peer.address.value, peer.port, {0xff});
}

void IkeService::debug(ike::DebugKind kind, int level, std::string_view line,
                       const ike::DebugSubject* about) {
  // The ASA prefixes console debug lines with the time ("Aug 24 11:31:03 [IKEv1]...").
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%b %d %H:%M:%S", &tm);
  app_.debug(
      kind == ike::DebugKind::Isakmp ? cli::DebugFacility::Isakmp : cli::DebugFacility::Ipsec,
      level, fmt::format("{} {}", stamp, line), about);
}

bool IkeService::debugging(ike::DebugKind kind, int level) {
  return app_.debugging(
      kind == ike::DebugKind::Isakmp ? cli::DebugFacility::Isakmp : cli::DebugFacility::Ipsec,
      level);
}

void IkeService::authenticate(const config::Config& cfg, aaa::AuthRequest r, aaa::AuthDone done) {
  // LOCAL stays with the engine's own check (it refuses nas-prompt users remote access), run
  // on a crypto worker; a server group goes to the AAA service. Both answer later, on the loop.
  if (!aaa_ || r.group == "LOCAL") {
    authenticate_local_later(cfg, std::move(r), std::move(done));
    return;
  }
  aaa_->authenticate(std::move(r), std::move(done));
}

void IkeService::authenticate_local_later(const config::Config& cfg, aaa::AuthRequest r,
                                          aaa::AuthDone done) {
  if (!crypto_) {
    ike::Environment::authenticate(cfg, std::move(r), std::move(done));
    return;
  }
  // The worker gets a configuration holding only this user's entry, copied now: the check
  // reads nothing else, and the loop may change the real one meanwhile. The answer is the one
  // of the database as it was when the password arrived, as an answer in line would be.
  auto one = std::make_shared<config::Config>();
  if (auto it = cfg.users.find(r.user); it != cfg.users.end()) one->users.insert(*it);
  auto request = std::make_shared<aaa::AuthRequest>(std::move(r));
  crypto_->submit_first([one, request, done = std::move(done)]() -> std::function<void()> {
    ike::XauthResult x =
        ike::authenticate_local(*one, request->group, request->user, request->password.reveal());
    request->password.wipe();
    aaa::AuthResult out;
    out.outcome = x.accepted ? aaa::Outcome::Accepted : aaa::Outcome::Rejected;
    out.reason = std::move(x.reason);
    out.local = true;
    return [done, out = std::move(out)]() mutable { done(std::move(out)); };
  });
}

void IkeService::account(aaa::AccountingRecord r) {
  if (aaa_) aaa_->account(std::move(r));
}

void IkeService::syslog(int severity, int id, std::string_view text) {
  // The level is the message table's (and "logging message N level L"'s), not the caller's.
  (void)severity;
  app_.logger().emit(static_cast<uint32_t>(id), std::string(text));
}

}  // namespace rampart::firmware
