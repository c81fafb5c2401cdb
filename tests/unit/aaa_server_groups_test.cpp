// aaa::ServerGroups: failover in configured order, max-failed-attempts, depletion and timed
// reactivation on a simulated clock, reconciliation with a new configuration, counters.
#include <catch2/catch.hpp>

#include "control/aaa/server_groups.hpp"

namespace aaa_server_groups_test {

using namespace rampart;
using aaa::RequestKind;
using K = aaa::ServerAnswer::Kind;

namespace {

config::Ipv4 ip(const char* s) {
  return *config::Ipv4::parse(s);
}

struct Lab {
  int64_t ms = 1'000'000;
  int64_t wall = 1'700'000'000;
  aaa::ServerGroups groups{{[this] { return ms; }, [this] { return wall; }}};
  config::Config cfg;
  std::vector<aaa::AaaEvent> events;

  explicit Lab(std::vector<const char*> hosts, std::string protocol = "radius") {
    auto& g = cfg.aaa_servers["RAD"];
    g.name = "RAD";
    g.protocol = protocol;
    for (auto h : hosts) {
      config::AaaServerHost host;
      host.interface = "inside";
      host.address = ip(h);
      host.key = config::Secret("k-" + std::string(h));
      g.hosts.push_back(host);
    }
    config::Interface inside;
    inside.nameif = "inside";
    inside.address = ip("192.0.2.1");
    cfg.interfaces["GigabitEthernet0/1"] = inside;
    groups.reconcile(cfg);
  }
  config::AaaServerGroup& group() { return cfg.aaa_servers["RAD"]; }
  // One attempt of one request: the server chosen, its answer, as the service would do.
  std::optional<std::string> attempt(K answer, std::map<uint32_t, int>& tries) {
    auto c = groups.next("RAD", RequestKind::Authentication, tries, std::nullopt, events);
    if (!c) return std::nullopt;
    groups.begin("RAD", c->target.address, RequestKind::Authentication);
    aaa::ServerAnswer a;
    a.kind = answer;
    a.rtt = std::chrono::milliseconds(40);
    groups.finish("RAD", c->target.address, RequestKind::Authentication, a, events);
    ++tries[c->target.address.value];
    return c->target.address.str();
  }
  std::optional<std::string> attempt(K answer) {
    std::map<uint32_t, int> fresh;
    return attempt(answer, fresh);
  }
  const aaa::ServerStatus& st(const char* address) {
    static std::vector<aaa::ServerStatus> all;
    all = groups.status();
    for (const auto& s : all)
      if (s.address == ip(address)) return s;
    FAIL("no such server");
    return all.front();
  }
  bool logged(int id, const std::string& text) const {
    for (const auto& e : events)
      if (e.id == id && e.text == text) return true;
    return false;
  }
};

}  // namespace

TEST_CASE("servers are tried in configured order, with their settings", "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11"});
  lab.group().hosts[0].timeout = 5;
  lab.group().hosts[0].authentication_port = 1812;
  lab.groups.reconcile(lab.cfg);
  std::map<uint32_t, int> tries;
  auto c = lab.groups.next("RAD", RequestKind::Authentication, tries, std::nullopt, lab.events);
  REQUIRE(c);
  CHECK(c->target.address == ip("198.51.100.10"));
  CHECK(c->target.port == 1812);
  CHECK(c->target.key == "k-198.51.100.10");
  CHECK(c->target.timeout == std::chrono::seconds(5));
  CHECK(c->target.source == ip("192.0.2.1"));
  auto acct = lab.groups.next("RAD", RequestKind::Accounting, tries, std::nullopt, lab.events);
  CHECK(acct->target.port == 1646);  // the ASA's RADIUS accounting default
  CHECK(lab.groups.protocol("RAD") == "radius");
  CHECK_FALSE(
      lab.groups.next("NONE", RequestKind::Authentication, tries, std::nullopt, lab.events));
}

TEST_CASE("max-failed-attempts failures in a row mark a server FAILED; the next is tried",
          "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11"});
  lab.group().max_failed_attempts = 2;
  lab.groups.reconcile(lab.cfg);
  std::map<uint32_t, int> tries;
  // One request: the first server twice (its run of failures reaches 2), then the second.
  CHECK(lab.attempt(K::Timeout, tries) == "198.51.100.10");
  CHECK(lab.st("198.51.100.10").state == aaa::ServerStatus::State::Active);
  CHECK(lab.events.empty());
  CHECK(lab.attempt(K::Error, tries) == "198.51.100.10");
  CHECK(lab.st("198.51.100.10").state == aaa::ServerStatus::State::Failed);
  CHECK(lab.logged(113022,
                   "AAA Marking RADIUS server 198.51.100.10 in aaa-server group RAD as FAILED"));
  CHECK(lab.events.front().severity == 2);
  CHECK(lab.attempt(K::Accept, tries) == "198.51.100.11");
  // The next request goes straight to the second server.
  CHECK(lab.attempt(K::Accept) == "198.51.100.11");
  CHECK(lab.st("198.51.100.10").timeouts == 2);
}

TEST_CASE("an answer breaks the run of failures", "[aaa-groups]") {
  Lab lab({"198.51.100.10"});
  lab.attempt(K::Timeout);
  lab.attempt(K::Timeout);
  lab.attempt(K::Reject);  // a valid answer: the server is alive
  lab.attempt(K::Timeout);
  lab.attempt(K::Timeout);
  CHECK(lab.st("198.51.100.10").state == aaa::ServerStatus::State::Active);
  lab.attempt(K::Timeout);
  CHECK(lab.st("198.51.100.10").state == aaa::ServerStatus::State::Failed);
}

TEST_CASE("depletion: failed servers return only when all failed, after the deadtime",
          "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11"});
  lab.group().max_failed_attempts = 1;
  lab.group().deadtime = 2;  // minutes
  lab.groups.reconcile(lab.cfg);
  CHECK(lab.attempt(K::Timeout) == "198.51.100.10");
  lab.ms += 10 * 60'000;  // long past the deadtime: the other server is still ACTIVE
  CHECK(lab.attempt(K::Accept) == "198.51.100.11");
  CHECK(lab.st("198.51.100.10").state == aaa::ServerStatus::State::Failed);
  CHECK(lab.attempt(K::Timeout) == "198.51.100.11");  // now all have failed
  lab.ms += 2 * 60'000 - 1;
  CHECK_FALSE(lab.attempt(K::Accept));  // no server: the caller says NoServer or asks LOCAL
  lab.ms += 1;
  lab.events.clear();
  CHECK(lab.attempt(K::Accept) == "198.51.100.10");  // all back, first in order first
  CHECK(
      lab.logged(113023, "AAA Marking RADIUS server 198.51.100.10 in server group RAD as ACTIVE"));
  CHECK(
      lab.logged(113023, "AAA Marking RADIUS server 198.51.100.11 in server group RAD as ACTIVE"));
}

TEST_CASE("timed: a failed server is retried 30 seconds after it failed", "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11"}, "tacacs+");
  lab.group().max_failed_attempts = 1;
  lab.group().reactivation_timed = true;
  lab.groups.reconcile(lab.cfg);
  CHECK(lab.attempt(K::Timeout) == "198.51.100.10");
  CHECK(lab.logged(113022,
                   "AAA Marking TACACS+ server 198.51.100.10 in aaa-server group RAD as FAILED"));
  lab.ms += 29'999;
  CHECK(lab.attempt(K::Accept) == "198.51.100.11");
  lab.ms += 1;
  CHECK(lab.attempt(K::Accept) == "198.51.100.10");  // back although the other one lives
  CHECK(lab.st("198.51.100.10").state == aaa::ServerStatus::State::Active);
}

TEST_CASE("a named host is tried once, even when FAILED", "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11"});
  lab.group().max_failed_attempts = 1;
  lab.groups.reconcile(lab.cfg);
  lab.attempt(K::Timeout);
  std::map<uint32_t, int> tries;
  auto c =
      lab.groups.next("RAD", RequestKind::Authentication, tries, ip("198.51.100.10"), lab.events);
  REQUIRE(c);
  CHECK(c->target.address == ip("198.51.100.10"));
  tries[c->target.address.value] = 1;
  CHECK_FALSE(
      lab.groups.next("RAD", RequestKind::Authentication, tries, ip("198.51.100.10"), lab.events));
  CHECK_FALSE(
      lab.groups.next("RAD", RequestKind::Authentication, {}, ip("198.51.100.99"), lab.events));
}

TEST_CASE("a new configuration keeps the counters of the servers that stay", "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11"});
  lab.attempt(K::Accept);
  lab.attempt(K::Reject);
  CHECK(lab.st("198.51.100.10").authentication_requests == 2);
  // The first server goes, a third comes, the key of the second changes.
  auto& hosts = lab.group().hosts;
  hosts.erase(hosts.begin());
  hosts[0].key = config::Secret("new");
  config::AaaServerHost third;
  third.interface = "inside";
  third.address = ip("198.51.100.12");
  hosts.push_back(third);
  lab.groups.reconcile(lab.cfg);
  auto all = lab.groups.status();
  REQUIRE(all.size() == 3);  // LOCAL and the two servers
  CHECK(all[1].address == ip("198.51.100.11"));
  CHECK(all[2].address == ip("198.51.100.12"));
  std::map<uint32_t, int> tries;
  auto c = lab.groups.next("RAD", RequestKind::Authentication, tries, std::nullopt, lab.events);
  CHECK(c->target.key == "new");
  // The server that stayed keeps what it had.
  Lab other({"198.51.100.10"});
  other.attempt(K::Accept);
  other.group().hosts[0].timeout = 7;
  other.groups.reconcile(other.cfg);
  CHECK(other.st("198.51.100.10").accepts == 1);
  CHECK(other.groups.timeout_seconds("RAD", ip("198.51.100.10")) == 7);
}

TEST_CASE("counters: requests, answers, round trips, pending; clear keeps the state",
          "[aaa-groups]") {
  Lab lab({"198.51.100.10"});
  lab.group().max_failed_attempts = 5;
  lab.groups.reconcile(lab.cfg);
  lab.attempt(K::Accept);
  lab.attempt(K::Reject);
  lab.attempt(K::Challenge);
  lab.attempt(K::Malformed);
  lab.attempt(K::BadAuthenticator);
  lab.groups.begin("RAD", ip("198.51.100.10"), RequestKind::Accounting);
  auto s = lab.st("198.51.100.10");
  CHECK(s.authentication_requests == 5);
  CHECK(s.accounting_requests == 1);
  CHECK(s.pending == 1);
  CHECK(s.accepts == 1);
  CHECK(s.rejects == 1);
  CHECK(s.challenges == 1);
  CHECK(s.malformed == 1);
  CHECK(s.bad_authenticators == 1);
  CHECK(s.rtt_samples == 3);  // only valid answers have a round trip
  CHECK(s.rtt_total_ms == 120);
  CHECK(s.last_transaction == lab.wall);
  lab.groups.local_answer(RequestKind::Authentication, false);
  CHECK(lab.groups.status().front().rejects == 1);
  lab.groups.clear_statistics("RAD");
  s = lab.st("198.51.100.10");
  CHECK(s.accepts == 0);
  CHECK(s.authentication_requests == 0);
  CHECK(s.pending == 1);                            // still in flight
  CHECK(lab.groups.status().front().rejects == 1);  // LOCAL was not named
  lab.groups.clear_statistics();
  CHECK(lab.groups.status().front().rejects == 0);
}

TEST_CASE("accounting-mode simultaneous names every ACTIVE server", "[aaa-groups]") {
  Lab lab({"198.51.100.10", "198.51.100.11", "198.51.100.12"});
  CHECK(lab.groups.simultaneous("RAD", lab.events).empty());  // single mode
  lab.group().accounting_simultaneous = true;
  lab.group().max_failed_attempts = 1;
  lab.groups.reconcile(lab.cfg);
  lab.attempt(K::Timeout);  // the first one FAILED
  auto all = lab.groups.simultaneous("RAD", lab.events);
  REQUIRE(all.size() == 2);
  CHECK(all[0].target.address == ip("198.51.100.11"));
  CHECK(all[1].target.address == ip("198.51.100.12"));
  CHECK(all[0].target.port == 1646);
}
}  // namespace aaa_server_groups_test
