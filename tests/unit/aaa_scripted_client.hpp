// A protocol client that answers per a script, for the AAA service's and the CLI's tests:
// per server address, a kind of answer after a delay; a gate holds every answer until opened.
// It proves the service's concurrency and failover deterministically; the real RADIUS and
// TACACS+ clients are tested against real servers by their own suites.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/aaa/aaa.hpp"

namespace rampart::test {

// Answers per server address: a kind after a delay; a gate holds answers until opened.
class ScriptedClient : public aaa::ProtocolClient {
 public:
  using K = aaa::ServerAnswer::Kind;
  struct Script {
    K kind = K::Accept;
    std::chrono::milliseconds delay{0};
    int fail_first = 0;  // answer Timeout this many times first
  };
  std::map<uint32_t, Script> scripts;
  std::atomic<int> calls{0}, accounting_calls{0};
  std::mutex mu;
  std::condition_variable cv;
  bool gate_open = true;
  std::vector<std::string> seen_passwords;

  void close_gate() {
    std::lock_guard l(mu);
    gate_open = false;
  }
  void open_gate() {
    {
      std::lock_guard l(mu);
      gate_open = true;
    }
    cv.notify_all();
  }
  aaa::ServerAnswer answer(const aaa::ServerTarget& t) {
    Script s;
    {
      std::unique_lock l(mu);
      cv.wait(l, [&] { return gate_open; });
      auto& sc = scripts[t.address.value];
      s = sc;
      if (sc.fail_first > 0) {
        --sc.fail_first;
        s.kind = K::Timeout;
      }
    }
    std::this_thread::sleep_for(s.delay);
    aaa::ServerAnswer a;
    a.kind = s.kind;
    a.rtt = s.delay;
    return a;
  }
  aaa::ServerAnswer authenticate(const aaa::ServerTarget& t, const aaa::AuthRequest& r) override {
    ++calls;
    {
      std::lock_guard l(mu);
      seen_passwords.push_back(r.password.reveal());
    }
    return answer(t);
  }
  aaa::ServerAnswer authorize(const aaa::ServerTarget& t, const aaa::AuthRequest&) override {
    ++calls;
    return answer(t);
  }
  aaa::ServerAnswer account(const aaa::ServerTarget& t, const aaa::AccountingRecord&) override {
    ++accounting_calls;
    return answer(t);
  }
};

// Each protocol's client forwards to the one script the test owns.
struct Forward : aaa::ProtocolClient {
  ScriptedClient* to;
  explicit Forward(ScriptedClient* t) : to(t) {}
  aaa::ServerAnswer authenticate(const aaa::ServerTarget& t, const aaa::AuthRequest& r) override {
    return to->authenticate(t, r);
  }
  aaa::ServerAnswer authorize(const aaa::ServerTarget& t, const aaa::AuthRequest& r) override {
    return to->authorize(t, r);
  }
  aaa::ServerAnswer account(const aaa::ServerTarget& t, const aaa::AccountingRecord& r) override {
    return to->account(t, r);
  }
};

}  // namespace rampart::test
