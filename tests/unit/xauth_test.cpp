// XAUTH (control/ike/xauth) apart from the engine: from our request to the status, against the
// local database and a scripted AAA service. The engine's part is only its last word on the
// session (admit) and how an answer comes back (deliver); both are the test's here.
#include <catch2/catch.hpp>

#include <memory>

#include "control/ike/xauth.hpp"
#include "tests/unit/ike_lab.hpp"
#include "tests/unit/ike_parts.hpp"
#include "tests/unit/scripted_aaa.hpp"

namespace xauth_test {

using namespace rampart;
using namespace rampart::ike;

namespace {

struct Side : test::IkeParts {
  test::Console console;
  bool admits = true;
  std::vector<std::string> admitted;  // whom admit was asked about
  int delivered = 0;
  std::unique_ptr<Xauth> xauth = std::make_unique<Xauth>(
      console.cfg(), env, stats, log, sas, wire,
      [this](IkeSa&, const std::string& user) {
        admitted.push_back(user);
        return admits;
      },
      [this](uint64_t index, uint64_t ticket, aaa::AuthResult r) {
        ++delivered;
        xauth->answered(index, ticket, std::move(r));
      });
  IkeSa& sa;
  Side() : sa(make()) { REQUIRE(console.run(test::kConfig).find("ERROR") == std::string::npos); }
  IkeSa& make() {
    IkeSa& s = established();
    s.tunnel_group = "EZ";
    s.group_policy = "EZ";
    return s;
  }
  // The client's reply to the request it was sent last.
  void reply(const std::string& user, const std::string& password) {
    AttributePayload a;
    a.type = cfg_type::kReply;
    a.identifier = sa.transaction.identifier();
    a.attributes = {
        Attribute::tlv(xauth_attr::kUserName, Bytes(user.begin(), user.end())),
        Attribute::tlv(xauth_attr::kUserPassword, Bytes(password.begin(), password.end()))};
    xauth->reply(sa, a);
  }
};

}  // namespace

TEST_CASE("xauth: the right password, the engine's yes, and the status says OK", "[ike][xauth]") {
  Side s;
  s.xauth->start(s.sa);
  CHECK(s.sa.state == P1State::XauthWait);
  REQUIRE(s.env.sent.size() == 1);
  CHECK(s.sa.sent.awaiting());  // the request is sent again until answered
  s.reply("cisco", "cisco");
  CHECK(s.delivered == 1);
  CHECK(s.admitted == std::vector<std::string>{"cisco"});
  CHECK(s.sa.username == "cisco");
  CHECK(s.sa.transaction.pending_set() == Transaction::Set::XauthOk);
  CHECK(s.env.sent.size() == 2);
  CHECK(s.env.logged("User (cisco) authenticated."));
  CHECK(s.syslogged("113012"));
  CHECK_FALSE(s.sa.aaa_server);  // the local database vouched for the user
}

TEST_CASE("xauth: a wrong password is asked again, and refused on the third", "[ike][xauth]") {
  Side s;
  s.xauth->start(s.sa);
  for (int attempt = 1; attempt <= 3; ++attempt) {
    s.reply("cisco", "wrong");
    CHECK(s.stats.auth_fails == static_cast<uint64_t>(attempt));
    if (attempt < 3) {
      // A new request: a new exchange, nothing decided yet.
      CHECK(s.sa.transaction.pending_set() == Transaction::Set::None);
      CHECK(s.env.sent.size() == static_cast<size_t>(attempt + 1));
      CHECK(s.sa.state == P1State::XauthWait);
    }
  }
  CHECK(s.sa.transaction.pending_set() == Transaction::Set::XauthFail);
  CHECK(s.admitted.empty());
  CHECK(s.syslogged("113015"));
  // The refused name is not in the syslog line (it may be a password typed in the wrong box).
  for (const auto& l : s.env.syslogs) CHECK(l.find("wrong") == std::string::npos);
}

TEST_CASE("xauth: the engine's session limits have the last word", "[ike][xauth]") {
  Side s;
  s.admits = false;
  s.xauth->start(s.sa);
  s.reply("cisco", "cisco");
  CHECK(s.admitted.size() == 1);
  CHECK(s.sa.transaction.pending_set() == Transaction::Set::XauthFail);
}

TEST_CASE("xauth: a server's Filter-Id that names no ACL of this box refuses the user",
          "[ike][xauth][security]") {
  Side s;
  test::ScriptedAaa aaa;
  aaa.script.authz.filter_acl = "NO-SUCH-ACL";
  s.env.aaa = &aaa;
  s.xauth->start(s.sa);
  s.reply("alice", "secret");
  CHECK(s.sa.transaction.pending_set() == Transaction::Set::XauthFail);
  CHECK(s.stats.responder_fails == 1);
  CHECK(s.syslogged("113030"));
  CHECK(s.admitted.empty());  // refused before the session's limits are asked
}

TEST_CASE("xauth: an answer for an SA that went, or after XAUTH itself went, changes nothing",
          "[ike][xauth][security]") {
  Side s;
  test::ScriptedAaa aaa;
  aaa.hold = true;
  s.env.aaa = &aaa;
  s.xauth->start(s.sa);
  s.reply("alice", "secret");
  REQUIRE(aaa.held.size() == 1);
  CHECK(s.sa.transaction.asking_server());
  const uint64_t index = s.sa.index;
  s.sas.erase(index);
  aaa.answer_held();
  CHECK(s.delivered == 1);
  CHECK(s.env.logged(fmt::format("AAA answer for session {} that is gone, dropped", index)));
  CHECK(s.admitted.empty());

  // The engine (and its XAUTH) gone before the server answers: the answer goes nowhere.
  IkeSa& again = s.make();
  s.xauth->start(again);
  AttributePayload a;
  a.type = cfg_type::kReply;
  a.attributes = {Attribute::tlv(xauth_attr::kUserName, Bytes{'b'}),
                  Attribute::tlv(xauth_attr::kUserPassword, Bytes{'p'})};
  s.xauth->reply(again, a);
  REQUIRE(aaa.held.size() == 1);
  s.xauth.reset();
  aaa.answer_held();
  CHECK(s.delivered == 1);
}

}  // namespace xauth_test
