// A test aaa::Service: answers authentication with a scripted AuthResult, at once or when the
// test says (as rampartd's AaaService answers later on the event loop), and keeps what it was
// asked and the accounting records it was given.
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "control/aaa/aaa.hpp"

namespace rampart::test {

struct ScriptedAaa : aaa::Service {
  // The answer to the next requests; hold keeps them waiting until answer_held().
  aaa::AuthResult script{aaa::Outcome::Accepted, {}, config::Ipv4{0xc0000205u}, false, {}};
  bool hold = false;
  std::vector<aaa::AuthRequest> asked;  // what was asked (passwords included, for the checks)
  std::vector<aaa::AuthDone> held;
  std::vector<aaa::AccountingRecord> records;

  void authenticate(aaa::AuthRequest r, aaa::AuthDone done) override {
    asked.push_back(r);
    if (hold)
      held.push_back(std::move(done));
    else
      done(script);
  }
  // Answers every held request with the current script.
  void answer_held() {
    auto waiting = std::move(held);
    held.clear();
    for (auto& d : waiting) d(script);
  }
  aaa::AuthResult authenticate_now(aaa::AuthRequest r) override {
    asked.push_back(std::move(r));
    return script;
  }
  void account(aaa::AccountingRecord r) override { records.push_back(std::move(r)); }
  std::vector<aaa::ServerStatus> status() const override { return {}; }
  void clear_statistics() override {}
  size_t count(aaa::AccountingRecord::Kind k) const {
    size_t n = 0;
    for (const auto& r : records) n += r.kind == k;
    return n;
  }
};

}  // namespace rampart::test
