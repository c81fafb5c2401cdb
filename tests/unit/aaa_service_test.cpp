// rampartd's AaaService with a scripted protocol client: requests run on the workers and come
// back through the eventfd on the caller's thread; a slow server holds up only its own group;
// the queue is bounded and refusals are answered; LOCAL answers on a thread and as fallback,
// and never waits behind servers that hold every other thread;
// accounting records are retried; the syslog lines say what the ASA says. The real RADIUS and
// TACACS+ clients are tested by their own suites against real servers.
#include <poll.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <fmt/format.h>
#include <catch2/catch.hpp>

#include "control/aaa/password.hpp"
#include "firmware/daemon/aaa_service.hpp"
#include "tests/unit/aaa_scripted_client.hpp"

namespace aaa_service_test {

using namespace rampart;
using namespace std::chrono_literals;
using K = aaa::ServerAnswer::Kind;
using test::Forward;
using test::ScriptedClient;

namespace {

config::Ipv4 ip(const char* s) {
  return *config::Ipv4::parse(s);
}

struct Lab {
  std::unique_ptr<ScriptedClient> owned = std::make_unique<ScriptedClient>();
  ScriptedClient* client = owned.get();
  std::mutex log_mu;
  std::vector<std::string> logs;
  config::Config cfg;
  std::unique_ptr<firmware::AaaService> svc;  // last: goes first

  explicit Lab(firmware::AaaService::Options o = {}) {
    add_group("SLOW", "radius", {"198.51.100.10"});
    add_group("FAST", "tacacs+", {"203.0.113.10"});
    add_group("PAIR", "radius", {"198.51.100.20", "198.51.100.21"});
    cfg.aaa_servers["PAIR"].max_failed_attempts = 1;
    config::User alice;
    alice.name = "alice";
    alice.password = aaa::hash_password("wonderland");
    cfg.users["alice"] = alice;
    svc = std::make_unique<firmware::AaaService>(
        [this](const std::string&) { return std::make_unique<Forward>(client); },
        [this](int sev, int id, const std::string& text) {
          std::lock_guard l(log_mu);
          logs.push_back(fmt::format("%ASA-{}-{}: {}", sev, id, text));
        },
        o);
    svc->configure(cfg);
  }
  void add_group(const std::string& name, const std::string& protocol,
                 std::vector<const char*> hosts) {
    auto& g = cfg.aaa_servers[name];
    g.name = name;
    g.protocol = protocol;
    for (auto h : hosts) {
      config::AaaServerHost host;
      host.interface = "inside";
      host.address = ip(h);
      host.key = config::Secret("sharedkey");
      g.hosts.push_back(host);
    }
  }
  static aaa::AuthRequest req(const std::string& group, const std::string& user = "bob",
                              const std::string& password = "pw") {
    aaa::AuthRequest r;
    r.group = group;
    r.user = user;
    r.password = aaa::Password(password);
    r.client = ip("203.0.113.50");
    return r;
  }
  // Runs the event loop's part until pred holds or the deadline passes.
  template <typename Pred>
  bool loop_until(Pred pred, std::chrono::milliseconds limit = 5000ms) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (!pred()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left <= 0ms) return false;
      pollfd p{svc->fd(), POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 50))) > 0) svc->deliver();
    }
    return true;
  }
  bool logged(const std::string& line) {
    std::lock_guard l(log_mu);
    return std::find(logs.begin(), logs.end(), line) != logs.end();
  }
  std::string all_logs() {
    std::lock_guard l(log_mu);
    std::string s;
    for (const auto& x : logs) s += x + "\n";
    return s;
  }
};

}  // namespace

TEST_CASE("a slow server does not delay another group's request", "[aaa-service]") {
  Lab lab;
  lab.client->scripts[ip("198.51.100.10").value] = {K::Accept, 1500ms};
  lab.client->scripts[ip("203.0.113.10").value] = {K::Accept, 0ms};
  std::optional<aaa::AuthResult> slow, fast;
  auto t0 = std::chrono::steady_clock::now();
  lab.svc->authenticate(Lab::req("SLOW"), [&](aaa::AuthResult r) { slow = r; });
  std::this_thread::sleep_for(50ms);  // the slow request is on a worker
  lab.svc->authenticate(Lab::req("FAST"), [&](aaa::AuthResult r) { fast = r; });
  REQUIRE(lab.loop_until([&] { return fast.has_value(); }));
  auto fast_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  CHECK(fast_ms < 1000ms);
  CHECK_FALSE(slow.has_value());
  CHECK(fast->outcome == aaa::Outcome::Accepted);
  CHECK(fast->server == ip("203.0.113.10"));
  REQUIRE(lab.loop_until([&] { return slow.has_value(); }));
  CHECK(slow->outcome == aaa::Outcome::Accepted);
}

TEST_CASE("answers are delivered on the caller's thread, only through deliver()", "[aaa-service]") {
  Lab lab;
  std::atomic<bool> called{false};
  std::thread::id where;
  lab.svc->authenticate(Lab::req("FAST"), [&](aaa::AuthResult) {
    where = std::this_thread::get_id();
    called = true;
  });
  // The answer waits for the loop: the eventfd becomes readable, nothing runs by itself.
  pollfd p{lab.svc->fd(), POLLIN, 0};
  REQUIRE(::poll(&p, 1, 5000) == 1);
  CHECK_FALSE(called);
  lab.svc->deliver();
  CHECK(called);
  CHECK(where == std::this_thread::get_id());
  CHECK(lab.svc->pending() == 0);
}

TEST_CASE("the queue is bounded: a refused request is answered and counted", "[aaa-service]") {
  firmware::AaaService::Options o;
  o.threads = 1;
  o.queue_limit = 2;
  Lab lab(o);
  lab.client->close_gate();
  int answered = 0;
  std::optional<aaa::AuthResult> third;
  lab.svc->authenticate(Lab::req("FAST"), [&](aaa::AuthResult) { ++answered; });
  lab.svc->authenticate(Lab::req("FAST"), [&](aaa::AuthResult) { ++answered; });
  lab.svc->authenticate(Lab::req("FAST"), [&](aaa::AuthResult r) { third = r; });
  REQUIRE(third);  // in line, at once
  CHECK(third->outcome == aaa::Outcome::NoServer);
  CHECK(lab.svc->counters().refused == 1);
  lab.client->open_gate();
  REQUIRE(lab.loop_until([&] { return answered == 2; }));
  // Room again.
  std::optional<aaa::AuthResult> fourth;
  lab.svc->authenticate(Lab::req("FAST"), [&](aaa::AuthResult r) { fourth = r; });
  REQUIRE(lab.loop_until([&] { return fourth.has_value(); }));
  CHECK(fourth->outcome == aaa::Outcome::Accepted);
}

TEST_CASE("authenticate_now blocks for the answer; failover; syslog", "[aaa-service]") {
  Lab lab;
  lab.client->scripts[ip("198.51.100.20").value] = {K::Timeout, 0ms};
  lab.client->scripts[ip("198.51.100.21").value] = {K::Reject, 0ms};
  aaa::AuthResult r = lab.svc->authenticate_now(Lab::req("PAIR", "mallory", "guess"));
  CHECK(r.outcome == aaa::Outcome::Rejected);
  CHECK(r.server == ip("198.51.100.21"));
  CHECK(
      lab.logged("%ASA-2-113022: AAA Marking RADIUS server 198.51.100.20 in aaa-server group "
                 "PAIR as FAILED"));
  CHECK(
      lab.logged("%ASA-6-113005: AAA user authentication Rejected : reason = AAA failure : "
                 "server = 198.51.100.21 : user = ***** : user IP = 203.0.113.50"));
  lab.client->scripts[ip("198.51.100.21").value] = {K::Accept, 0ms};
  r = lab.svc->authenticate_now(Lab::req("PAIR", "bob"));
  CHECK(r.outcome == aaa::Outcome::Accepted);
  CHECK(
      lab.logged("%ASA-6-113004: AAA user authentication Successful : server = 198.51.100.21 "
                 ": user = bob"));
  // Passwords reach the client and never the log.
  CHECK(lab.all_logs().find("guess") == std::string::npos);
  CHECK(lab.all_logs().find("mallory") == std::string::npos);
  CHECK(lab.all_logs().find("sharedkey") == std::string::npos);
}

TEST_CASE("LOCAL answers off the loop; fallback to LOCAL only when no server answers",
          "[aaa-service]") {
  Lab lab;
  bool accepted = false, answered = false;
  const auto loop = std::this_thread::get_id();
  lab.svc->authenticate(Lab::req("LOCAL", "alice", "wonderland"), [&](aaa::AuthResult r) {
    CHECK(std::this_thread::get_id() == loop);
    answered = true;
    accepted = r.outcome == aaa::Outcome::Accepted && r.local;
  });
  CHECK_FALSE(answered);  // the PBKDF2 check runs on a thread, the answer comes by deliver()
  REQUIRE(lab.loop_until([&] { return answered; }));
  CHECK(accepted);
  CHECK(lab.logged(
      "%ASA-6-113012: AAA user authentication Successful : local database : user = alice"));
  auto bad = lab.svc->authenticate_now(Lab::req("LOCAL", "alice", "nope"));
  CHECK(bad.outcome == aaa::Outcome::Rejected);
  CHECK(
      lab.logged("%ASA-6-113015: AAA user authentication Rejected : reason = Invalid password "
                 ": local database : user = ***** : user IP = 203.0.113.50"));

  auto authz = Lab::req("LOCAL", "alice", "");
  authz.authorize_only = true;
  CHECK(lab.svc->authenticate_now(authz).outcome == aaa::Outcome::Accepted);
  authz.user = "nobody";
  CHECK(lab.svc->authenticate_now(authz).outcome == aaa::Outcome::Rejected);
  CHECK(
      lab.logged("%ASA-6-113015: AAA user authorization Rejected : reason = User was not found "
                 ": local database : user = ***** : user IP = 203.0.113.50"));

  // Every server of PAIR down: without LOCAL, NoServer; with LOCAL, the local database.
  lab.client->scripts[ip("198.51.100.20").value] = {K::Timeout, 0ms};
  lab.client->scripts[ip("198.51.100.21").value] = {K::Error, 0ms};
  auto none = lab.svc->authenticate_now(Lab::req("PAIR", "alice", "wonderland"));
  CHECK(none.outcome == aaa::Outcome::NoServer);
  CHECK(
      lab.logged("%ASA-6-113014: AAA authentication server not accessible : server = "
                 "198.51.100.21 : user = alice"));
  auto req = Lab::req("PAIR", "alice", "wonderland");
  req.fallback_local = true;
  auto local = lab.svc->authenticate_now(req);
  CHECK(local.outcome == aaa::Outcome::Accepted);
  CHECK(local.local);
  // A server's reject is final: no fallback.
  lab.client->scripts[ip("198.51.100.20").value] = {K::Reject, 0ms};
  lab.svc->configure(config::Config{});  // forget the FAILED states...
  lab.svc->configure(lab.cfg);           // ...by removing and adding the groups
  auto rejected = lab.svc->authenticate_now(req);
  CHECK(rejected.outcome == aaa::Outcome::Rejected);
  CHECK_FALSE(rejected.local);

  auto unknown = lab.svc->authenticate_now(Lab::req("NOSUCH"));
  CHECK(unknown.outcome == aaa::Outcome::NoServer);
  CHECK(lab.svc->counters().unknown_group == 1);
}

TEST_CASE("accounting is queued, retried on the next server and in later rounds", "[aaa-service]") {
  firmware::AaaService::Options o;
  o.accounting_retry_ms = 20;
  Lab lab(o);
  // ACCT (max-failed-attempts 3, deadtime 0): the first server never answers; the second
  // fails four times, then takes the record. Round 1: three tries each, both FAILED. Round 2
  // (all back at once, deadtime 0): three tries of the first, then the second answers.
  lab.add_group("ACCT", "radius", {"198.51.100.30", "198.51.100.31"});
  lab.cfg.aaa_servers["ACCT"].deadtime = 0;
  lab.svc->configure(lab.cfg);
  lab.client->scripts[ip("198.51.100.30").value] = {K::Timeout, 0ms};
  lab.client->scripts[ip("198.51.100.31").value] = {K::Accept, 0ms, 4};
  aaa::AccountingRecord rec;
  rec.group = "ACCT";
  rec.session_id = "0x1";
  lab.svc->account(rec);
  REQUIRE(lab.loop_until([&] { return lab.svc->counters().accounting_sent == 1; }));
  CHECK(lab.svc->pending() == 0);
  CHECK(lab.client->accounting_calls == 3 + 3 + 3 + 2);
  // A group with no server left: the record is counted lost after its rounds, not silently.
  lab.client->scripts[ip("198.51.100.31").value] = {K::Timeout, 0ms};
  lab.svc->account(rec);
  REQUIRE(lab.loop_until([&] { return lab.svc->counters().accounting_lost == 1; }));
  CHECK(lab.svc->pending() == 0);
  rec.group = "NOSUCH";
  lab.svc->account(rec);
  CHECK(lab.svc->counters().unknown_group == 1);
}

TEST_CASE("accounting-mode simultaneous sends the record to every server", "[aaa-service]") {
  Lab lab;
  lab.add_group("BOTH", "radius", {"198.51.100.40", "198.51.100.41"});
  lab.cfg.aaa_servers["BOTH"].accounting_simultaneous = true;
  lab.svc->configure(lab.cfg);
  lab.client->scripts[ip("198.51.100.40").value] = {K::Timeout, 0ms};
  aaa::AccountingRecord rec;
  rec.group = "BOTH";
  lab.svc->account(rec);
  REQUIRE(lab.loop_until([&] { return lab.svc->counters().accounting_sent == 1; }));
  CHECK(lab.client->accounting_calls == 2);  // once each, the silent one included
  auto st = lab.svc->status();
  for (const auto& s : st)
    if (s.group == "BOTH") CHECK(s.accounting_requests == 1);
}

TEST_CASE("the accounting queue is bounded", "[aaa-service]") {
  firmware::AaaService::Options o;
  o.threads = 2;
  o.accounting_limit = 2;
  Lab lab(o);
  lab.client->close_gate();
  aaa::AccountingRecord rec;
  rec.group = "FAST";
  for (int i = 0; i < 3; ++i) lab.svc->account(rec);
  CHECK(lab.svc->counters().accounting_refused == 1);
  lab.client->open_gate();
  REQUIRE(lab.loop_until([&] { return lab.svc->counters().accounting_sent == 2; }));
}

TEST_CASE("show aaa-server counters come from the service", "[aaa-service]") {
  Lab lab;
  lab.svc->authenticate_now(Lab::req("FAST"));
  auto st = lab.svc->status();
  REQUIRE(st.size() == 5);  // LOCAL + 4 servers
  CHECK(st[0].group == "LOCAL");
  auto fast = std::find_if(st.begin(), st.end(), [](auto& s) { return s.group == "FAST"; });
  CHECK(fast->authentication_requests == 1);
  CHECK(fast->accepts == 1);
  CHECK(fast->authentication_port == 49);
  lab.svc->clear_statistics();
  st = lab.svc->status();
  fast = std::find_if(st.begin(), st.end(), [](auto& s) { return s.group == "FAST"; });
  CHECK(fast->accepts == 0);
}

TEST_CASE("LOCAL checks are not held behind servers that hold every thread", "[aaa-service]") {
  firmware::AaaService::Options o;
  o.threads = 2;
  Lab lab(o);
  // Both general threads wait on a server that answers in 1.5 s.
  lab.client->scripts[ip("198.51.100.10").value] = {K::Accept, 1500ms};
  int slow = 0;
  for (int i = 0; i < 2; ++i)
    lab.svc->authenticate(Lab::req("SLOW"), [&](aaa::AuthResult) { ++slow; });
  std::this_thread::sleep_for(100ms);
  bool local = false;
  lab.svc->authenticate(Lab::req("LOCAL", "alice", "wonderland"),
                        [&](aaa::AuthResult r) { local = r.outcome == aaa::Outcome::Accepted; });
  REQUIRE(lab.loop_until([&] { return local || slow > 0; }));
  CHECK(local);
  CHECK(slow == 0);  // answered while both servers' requests still waited
  REQUIRE(lab.loop_until([&] { return slow == 2; }));
}
}  // namespace aaa_service_test
