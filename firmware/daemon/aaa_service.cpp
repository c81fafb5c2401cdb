#include "firmware/daemon/aaa_service.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <future>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/logging/messages.hpp"
#include "platform/printable.hpp"

namespace rampart::firmware {

namespace {

using aaa::Outcome;
using aaa::RequestKind;
using K = aaa::ServerAnswer::Kind;

aaa::Clock system_clock() {
  return {[] {
            return std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                .count();
          },
          [] {
            return std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                .count();
          }};
}

// A server's verdict, or nullopt when the server gave none (try the next one).
std::optional<aaa::AuthResult> verdict(const aaa::ServerAnswer& a, config::Ipv4 server) {
  aaa::AuthResult r;
  r.server = server;
  switch (a.kind) {
    case K::Accept:
      r.outcome = Outcome::Accepted;
      r.authz = a.authz;
      return r;
    case K::Reject:
      r.outcome = Outcome::Rejected;
      r.reason = "AAA failure";
      return r;
    case K::Challenge:
      // A challenge we cannot answer (a token, a second factor): the login fails.
      r.outcome = Outcome::Rejected;
      r.reason = "AAA failure";
      return r;
    case K::PasswordExpired:
      r.outcome = Outcome::PasswordExpired;
      r.reason = "Password expired";
      return r;
    case K::Timeout:
    case K::Malformed:
    case K::BadAuthenticator:
    case K::Error:
      return std::nullopt;
  }
  return std::nullopt;
}

// The ASA's reason words for a refusal of the local database (113015).
std::string local_reason(const std::string& why) {
  if (why == "user not found") return "User was not found";
  if (why == "invalid password") return "Invalid password";
  return why;
}

std::string user_ip(const aaa::AuthRequest& r) {
  return r.client ? fmt::format(" : user IP = {}", r.client->str()) : std::string();
}

}  // namespace

AaaService::AaaService(ClientFactory clients, Syslog log, Options o)
    : factory_(std::move(clients)),
      syslog_(std::move(log)),
      opt_(std::move(o)),
      groups_(opt_.clock.steady_ms ? opt_.clock : system_clock()),
      efd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!opt_.clock.steady_ms) opt_.clock = system_clock();
  opt_.threads = std::max(1u, opt_.threads);
  // Accounting takes at most half the threads, so that logins never all wait behind a slow
  // accounting server. Fixed before the threads start: they read it.
  accounting_threads_ = std::max(1u, opt_.threads / 2);
  // No thread may take SIGTERM/SIGINT: the daemon reads them through a signalfd.
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  for (unsigned i = 0; i < opt_.threads; ++i) threads_.emplace_back([this] { run(false); });
  // One more takes only the local database's checks, so that they never wait behind threads
  // all held by servers that do not answer.
  threads_.emplace_back([this] { run(true); });
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

AaaService::~AaaService() {
  std::deque<Job> orphans;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    orphans.swap(todo_);
    for (auto& j : local_) orphans.push_back(std::move(j));
    local_.clear();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  // A CLI thread may wait in authenticate_now: it gets an answer rather than waiting forever.
  for (auto& j : orphans) {
    aaa::AuthResult r;
    r.outcome = Outcome::NoServer;
    r.reason = "AAA Server has been removed";
    j.finish(std::move(r));
  }
  if (efd_ >= 0) ::close(efd_);
}

void AaaService::configure(const config::Config& cfg) {
  std::lock_guard lock(mu_);
  if (cfg.aaa_servers == cfg_.aaa_servers && cfg.users == cfg_.users &&
      cfg.interfaces == cfg_.interfaces)
    return;
  cfg_.aaa_servers = cfg.aaa_servers;
  cfg_.users = cfg.users;
  cfg_.interfaces = cfg.interfaces;
  groups_.reconcile(cfg_);
}

void AaaService::log(const std::vector<aaa::AaaEvent>& events) {
  if (!syslog_) return;
  for (const auto& e : events) syslog_(e.severity, e.id, e.text);
}

template <class... A>
void AaaService::log_id(uint32_t id, const A&... args) {
  const logging::MessageDef* def = logging::find_message(id);
  syslog_(def ? def->level : 6, static_cast<int>(id), logging::text(id, args...));
}

void AaaService::log_result(const aaa::AuthRequest& r, const aaa::AuthResult& res,
                            std::optional<config::Ipv4> last_tried) {
  if (!syslog_) return;
  // The user name comes from the network: printable() keeps it from forging a log line. A
  // refused name is masked, as the ASA 9.x does (it may be a password typed in the wrong box).
  std::string user = platform::printable(r.user);
  std::string what = r.authorize_only ? "authorization" : "authentication";
  if (res.local) {
    if (res.outcome == Outcome::Accepted)
      log_id(113012, what, user);
    else
      log_id(113015, what, res.reason, user_ip(r));
    return;
  }
  if (res.outcome == Outcome::Accepted) {
    log_id(113004, what, res.server->str(), user);
  } else if (res.outcome == Outcome::NoServer) {
    if (last_tried) log_id(113014, what, last_tried->str(), user);
  } else {
    log_id(113005, what, res.reason, res.server->str(), user_ip(r));
  }
}

aaa::AuthResult AaaService::answer_local(const aaa::AuthRequest& r) {
  // The check reads the user's entry alone: a copy of it is taken under the lock and the
  // password (PBKDF2: milliseconds) checked outside it, so that other threads and the loop's
  // configure() do not wait for it.
  config::Config one;
  {
    std::lock_guard lock(mu_);
    if (auto it = cfg_.users.find(r.user); it != cfg_.users.end()) one.users.insert(*it);
  }
  // The engine's check of the username database (service-type, legacy hashes), reused.
  // Authorization asks only whether the user exists (the password was checked elsewhere).
  ike::XauthResult x =
      !r.authorize_only ? ike::authenticate_local(one, r.tunnel_group, r.user, r.password.reveal())
      : one.users.contains(r.user) ? ike::XauthResult{true, {}}
                                   : ike::XauthResult{false, "user not found"};
  aaa::AuthResult res;
  res.local = true;
  res.outcome = x.accepted ? Outcome::Accepted : Outcome::Rejected;
  res.reason = local_reason(x.reason);
  if (x.accepted) res.authz.group_policy = one.users.at(r.user).attributes.group_policy;
  {
    std::lock_guard lock(mu_);
    groups_.local_answer(
        r.authorize_only ? RequestKind::Authorization : RequestKind::Authentication, x.accepted);
    ++counters_.local_answers;
  }
  log_result(r, res, std::nullopt);
  return res;
}

AaaService::Route AaaService::route(const aaa::AuthRequest& r) {
  std::string protocol;
  {
    std::lock_guard lock(mu_);
    protocol = groups_.protocol(r.group);
    if (r.group != aaa::kLocalGroup && protocol.empty()) ++counters_.unknown_group;
  }
  if (r.group == aaa::kLocalGroup || protocol == "local") return Route::Local;
  if (!protocol.empty()) return Route::Servers;
  if (r.fallback_local && !r.only_host) return Route::Local;
  return Route::Nowhere;
}

aaa::AuthResult AaaService::removed() {
  aaa::AuthResult res;
  res.outcome = Outcome::NoServer;
  res.reason = "AAA Server has been removed";
  return res;
}

bool AaaService::enqueue(Job job) {
  {
    std::lock_guard lock(mu_);
    if (in_flight_ >= opt_.queue_limit) {
      ++counters_.refused;
      return false;
    }
    ++in_flight_;
    (job.local ? local_ : todo_).push_back(std::move(job));
  }
  wake_.notify_all();
  return true;
}

void AaaService::authenticate(aaa::AuthRequest r, aaa::AuthDone done) {
  // On the event loop: even the local database is asked on a thread (its PBKDF2 would hold
  // up IKE and the CLI for milliseconds per login), and answered through deliver().
  Route how = route(r);
  if (how == Route::Nowhere) {
    done(removed());
    return;
  }
  auto shared = std::make_shared<aaa::AuthDone>(std::move(done));
  Job job{std::move(r),
          [this, shared](aaa::AuthResult res) {
            {
              std::lock_guard lock(mu_);
              finished_.push_back({std::move(*shared), std::move(res)});
            }
            uint64_t one = 1;
            (void)!::write(efd_, &one, sizeof one);
          },
          how == Route::Local};
  if (!enqueue(std::move(job))) {
    aaa::AuthResult busy;
    busy.outcome = Outcome::NoServer;
    busy.reason = "AAA server busy";
    (*shared)(std::move(busy));
  }
}

aaa::AuthResult AaaService::authenticate_now(aaa::AuthRequest r) {
  // A CLI thread waits here, not the loop: the local database is asked on it.
  Route how = route(r);
  if (how == Route::Local) return answer_local(r);
  if (how == Route::Nowhere) return removed();
  auto promise = std::make_shared<std::promise<aaa::AuthResult>>();
  auto future = promise->get_future();
  Job job{std::move(r), [this, promise](aaa::AuthResult res) {
            {
              std::lock_guard lock(mu_);
              --in_flight_;  // nothing goes through deliver() for this one
            }
            promise->set_value(std::move(res));
          }};
  if (!enqueue(std::move(job))) {
    aaa::AuthResult busy;
    busy.outcome = Outcome::NoServer;
    busy.reason = "AAA server busy";
    return busy;
  }
  return future.get();
}

void AaaService::account(aaa::AccountingRecord r) {
  {
    std::lock_guard lock(mu_);
    if (!groups_.has_group(r.group)) {
      ++counters_.unknown_group;
      return;
    }
    if (records_in_flight_ >= opt_.accounting_limit) {
      ++counters_.accounting_refused;
      return;
    }
    ++records_in_flight_;
    records_.push_back({std::move(r), 0, 0});
  }
  wake_.notify_all();
}

aaa::ProtocolClient* AaaService::client(const std::string& protocol) {
  auto it = clients_.find(protocol);
  if (it == clients_.end()) it = clients_.emplace(protocol, factory_(protocol)).first;
  return it->second.get();
}

aaa::AuthResult AaaService::serve(const aaa::AuthRequest& r) {
  RequestKind kind = r.authorize_only ? RequestKind::Authorization : RequestKind::Authentication;
  std::map<uint32_t, int> tries;
  std::optional<config::Ipv4> last;
  for (;;) {
    std::vector<aaa::AaaEvent> events;
    std::optional<aaa::Candidate> c;
    aaa::ProtocolClient* pc = nullptr;
    {
      std::lock_guard lock(mu_);
      c = groups_.next(r.group, kind, tries, r.only_host, events);
      if (c) {
        pc = client(c->protocol);
        groups_.begin(r.group, c->target.address, kind);
      }
    }
    log(events);
    if (!c) break;
    aaa::ServerAnswer a;
    if (pc)
      a = r.authorize_only ? pc->authorize(c->target, r) : pc->authenticate(c->target, r);
    else
      a.kind = K::Error;  // no client for this protocol (ldap): counted as not answering
    events.clear();
    {
      std::lock_guard lock(mu_);
      groups_.finish(r.group, c->target.address, kind, a, events);
    }
    log(events);
    ++tries[c->target.address.value];
    last = c->target.address;
    if (auto v = verdict(a, c->target.address)) {
      log_result(r, *v, last);
      return *v;
    }
  }
  // No server of the group answered: LOCAL when allowed ("GROUP LOCAL"), as the ASA does.
  aaa::AuthResult res;
  res.outcome = Outcome::NoServer;
  res.reason = "No error";
  log_result(r, res, last);
  if (r.fallback_local && !r.only_host) return answer_local(r);
  return res;
}

aaa::ServerAnswer AaaService::account_once(const aaa::Candidate& c,
                                           const aaa::AccountingRecord& r) {
  aaa::ProtocolClient* pc = nullptr;
  {
    std::lock_guard lock(mu_);
    pc = client(c.protocol);
    groups_.begin(r.group, c.target.address, RequestKind::Accounting);
  }
  aaa::ServerAnswer a;
  if (pc)
    a = pc->account(c.target, r);
  else
    a.kind = K::Error;
  std::vector<aaa::AaaEvent> events;
  {
    std::lock_guard lock(mu_);
    groups_.finish(r.group, c.target.address, RequestKind::Accounting, a, events);
  }
  log(events);
  return a;
}

bool AaaService::send_accounting(const aaa::AccountingRecord& r) {
  std::vector<aaa::Candidate> all;
  {
    std::vector<aaa::AaaEvent> events;
    {
      std::lock_guard lock(mu_);
      all = groups_.simultaneous(r.group, events);
    }
    log(events);
  }
  if (!all.empty()) {
    // "accounting-mode simultaneous": every active server gets the record, once each; it is
    // delivered when one of them took it.
    bool taken = false;
    for (const auto& c : all) taken |= account_once(c, r).kind == K::Accept;
    return taken;
  }
  std::map<uint32_t, int> tries;
  for (;;) {
    std::vector<aaa::AaaEvent> events;
    std::optional<aaa::Candidate> c;
    {
      std::lock_guard lock(mu_);
      c = groups_.next(r.group, RequestKind::Accounting, tries, std::nullopt, events);
    }
    log(events);
    if (!c) return false;
    aaa::ServerAnswer a = account_once(*c, r);
    ++tries[c->target.address.value];
    if (a.kind == K::Accept) return true;
  }
}

void AaaService::run(bool local_only) {
  for (;;) {
    std::optional<Job> job;
    std::optional<Record> rec;
    {
      std::unique_lock lock(mu_);
      for (;;) {
        if (stop_) return;
        // The local database first: it answers in milliseconds, a server in up to its timeout.
        auto& from = !local_.empty() || local_only ? local_ : todo_;
        if (!from.empty()) {
          job = std::move(from.front());
          from.pop_front();
          break;
        }
        if (local_only) {
          wake_.wait(lock);
          continue;
        }
        int64_t now = opt_.clock.steady_ms();
        int64_t wake_at = 0;
        if (accounting_running_ < accounting_threads_) {
          auto it = std::find_if(records_.begin(), records_.end(),
                                 [&](const Record& x) { return x.not_before <= now; });
          if (it != records_.end()) {
            rec = std::move(*it);
            records_.erase(it);
            ++accounting_running_;
            break;
          }
          for (const auto& x : records_)
            if (wake_at == 0 || x.not_before < wake_at) wake_at = x.not_before;
        }
        if (wake_at)
          wake_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(1, wake_at - now)));
        else
          wake_.wait(lock);
      }
    }
    if (job) {
      job->finish(job->local ? answer_local(job->req) : serve(job->req));
      continue;
    }
    bool sent = send_accounting(rec->rec);
    std::lock_guard lock(mu_);
    --accounting_running_;
    if (sent) {
      ++counters_.accounting_sent;
      --records_in_flight_;
    } else if (++rec->rounds >= opt_.accounting_rounds) {
      ++counters_.accounting_lost;
      --records_in_flight_;
    } else {
      // Every server of the group is down: the record waits for one to come back.
      rec->not_before = opt_.clock.steady_ms() + opt_.accounting_retry_ms;
      records_.push_back(std::move(*rec));
    }
    wake_.notify_all();
  }
}

void AaaService::deliver() {
  uint64_t count = 0;
  (void)!::read(efd_, &count, sizeof count);
  std::vector<Done> ready;
  {
    std::lock_guard lock(mu_);
    ready.swap(finished_);
    in_flight_ -= ready.size();
  }
  // Outside the lock: a callback may start another request.
  for (auto& d : ready) d.done(std::move(d.result));
}

AaaService::Counters AaaService::counters() const {
  std::lock_guard lock(mu_);
  return counters_;
}

size_t AaaService::pending() const {
  std::lock_guard lock(mu_);
  return in_flight_ + records_in_flight_;
}

std::vector<aaa::ServerStatus> AaaService::status() const {
  std::lock_guard lock(mu_);
  return groups_.status();
}

void AaaService::clear_statistics() {
  clear_group_statistics({});
}

void AaaService::clear_group_statistics(const std::string& group) {
  std::lock_guard lock(mu_);
  groups_.clear_statistics(group);
}

}  // namespace rampart::firmware
