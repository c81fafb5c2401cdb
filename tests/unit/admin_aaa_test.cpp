// Administrators through aaa-server groups (issue 13): the console login and enable ask the
// group "aaa authentication serial|enable console GROUP [LOCAL]" names, through the appliance's
// aaa::Service (a scripted one here), fall back to the local database when no server answers
// and the line says LOCAL, and the server's privilege level 15 under "aaa authorization exec
// authentication-server" lands the login in privileged EXEC.
#include <catch2/catch.hpp>

#include "cli/admin_auth.hpp"
#include "tests/unit/scripted_aaa.hpp"
#include "tests/unit/session_helpers.hpp"

namespace admin_aaa_test {

using namespace rampart;
using test::ScriptedAaa;

namespace {

const config::Ipv4 kServer{0xc0000205};

struct AdminLab {
  test::Console console;
  ScriptedAaa server;
  AdminLab() {
    console.app.set_aaa(&server);
    REQUIRE(console
                .run("username admin password Adm1n privilege 15\n"
                     "aaa-server TAC protocol tacacs+\n")
                .find("ERROR") == std::string::npos);
  }
  // A console session logging in with user and password; returns what it printed.
  std::string login(cli::Session& s, const std::string& user, const std::string& password) {
    s.begin_login();
    std::string out = s.execute(user).output;
    return out + s.execute(password).output;
  }
};

aaa::AuthResult accepted(std::optional<int> privilege) {
  aaa::AuthResult r{aaa::Outcome::Accepted, {}, kServer, false, {}};
  r.authz.privilege_level = privilege;
  return r;
}

}  // namespace

TEST_CASE("console login through a TACACS+ group, privilege from the server", "[aaa][admin]") {
  AdminLab lab;
  lab.console.run("aaa authentication serial console TAC LOCAL");
  lab.console.cfg().management.authorization_exec_server = true;
  lab.server.script = accepted(15);
  cli::Session s{lab.console.app, false};
  std::string out = lab.login(s, "netops", "pw");
  CHECK(out.find("Type help or '?'") != std::string::npos);
  REQUIRE(lab.server.asked.size() == 1);
  CHECK(lab.server.asked[0].group == "TAC");
  CHECK(lab.server.asked[0].purpose == aaa::Purpose::AdminLogin);
  CHECK(lab.server.asked[0].user == "netops");
  CHECK(lab.server.asked[0].password.reveal() == "pw");
  CHECK(lab.server.asked[0].port_name == "console");
  CHECK(s.user() == "netops");
  CHECK_FALSE(s.logging_in());
  CHECK(s.privileged());
  CHECK(s.prompt().find("#") != std::string::npos);

  // Level 1: user EXEC.
  lab.server.script = accepted(1);
  cli::Session low{lab.console.app, false};
  lab.login(low, "helpdesk", "pw");
  CHECK_FALSE(low.logging_in());
  CHECK_FALSE(low.privileged());
  CHECK(low.prompt().find(">") != std::string::npos);

  // Without "aaa authorization exec authentication-server" the level is not the server's say.
  lab.console.cfg().management.authorization_exec_server = false;
  lab.server.script = accepted(15);
  cli::Session plain{lab.console.app, false};
  lab.login(plain, "netops", "pw");
  CHECK_FALSE(plain.privileged());
}

TEST_CASE("console login refused by the server is asked again; LOCAL only when none answers",
          "[aaa][admin]") {
  AdminLab lab;
  lab.console.run("aaa authentication serial console TAC LOCAL");
  lab.server.script = {aaa::Outcome::Rejected, "", kServer, false, {}};
  cli::Session s{lab.console.app, false};
  // The local admin's right password does not help while a server says no.
  std::string out = lab.login(s, "admin", "Adm1n");
  CHECK(out.find("Invalid password") != std::string::npos);
  CHECK(s.logging_in());
  // The servers are down: the local database decides.
  lab.server.script = {aaa::Outcome::NoServer, "", std::nullopt, false, {}};
  s.execute("admin");
  out = s.execute("wrong").output;
  CHECK(out.find("Invalid password") != std::string::npos);
  CHECK(s.logging_in());
  s.execute("admin");
  out = s.execute("Adm1n").output;
  CHECK(out.find("Type help or '?'") != std::string::npos);
  CHECK_FALSE(s.logging_in());
  CHECK(s.user() == "admin");

  // Without LOCAL on the line, no server means no login.
  lab.console.run("aaa authentication serial console TAC");
  cli::Session t{lab.console.app, false};
  lab.login(t, "admin", "Adm1n");
  CHECK(t.logging_in());
}

TEST_CASE("a console login waits for the server while the appliance works in the background",
          "[aaa][admin]") {
  AdminLab lab;
  lab.console.run("aaa authentication serial console TAC");
  lab.console.app.set_background_work(true);
  lab.server.script = accepted(std::nullopt);
  cli::Session s{lab.console.app, false};
  s.begin_login();
  s.execute("netops");
  cli::Reply r = s.execute("pw");
  REQUIRE(r.pending);
  CHECK(lab.server.asked.empty());  // the work has not run yet
  CHECK(s.logging_in());
  // The server runs the work on its thread, then hands the result back to the session.
  std::string result = s.take_deferred()();
  cli::Reply done = s.finish_deferred(result);
  CHECK(done.output.find("Type help or '?'") != std::string::npos);
  CHECK_FALSE(s.logging_in());
  CHECK(s.user() == "netops");
  // A refusal asks "Username: " again, and says so in the prompt.
  lab.server.script = {aaa::Outcome::Rejected, "", kServer, false, {}};
  cli::Session t{lab.console.app, false};
  t.begin_login();
  t.execute("netops");
  REQUIRE(t.execute("bad").pending);
  done = t.finish_deferred(t.take_deferred()());
  CHECK(done.output.find("Invalid password") != std::string::npos);
  CHECK(done.input_prompt == "Username: ");
}

TEST_CASE("enable through the group 'aaa authentication enable console' names", "[aaa][admin]") {
  AdminLab lab;
  lab.console.run("enable password L0cal\naaa authentication enable console TAC LOCAL");
  cli::Session s{lab.console.app, false};
  s.set_user("netops");
  lab.server.script = accepted(std::nullopt);
  s.execute("enable");
  s.execute("netops-pw");
  CHECK(s.privileged());
  REQUIRE(lab.server.asked.size() == 1);
  CHECK(lab.server.asked[0].purpose == aaa::Purpose::Enable);
  CHECK(lab.server.asked[0].user == "netops");
  // Refused three times: Access denied, counted.
  lab.server.script = {aaa::Outcome::Rejected, "", kServer, false, {}};
  cli::Session t{lab.console.app, false};
  uint64_t failed = lab.console.app.counters().enable_failed;
  t.execute("enable");
  t.execute("1");
  t.execute("2");
  std::string out = t.execute("3").output;
  CHECK(out.find("Access denied.") != std::string::npos);
  CHECK_FALSE(t.privileged());
  CHECK(lab.console.app.counters().enable_failed == failed + 3);
  // No server: the enable password.
  lab.server.script = {aaa::Outcome::NoServer, "", std::nullopt, false, {}};
  cli::Session u{lab.console.app, false};
  u.execute("enable");
  u.execute("L0cal");
  CHECK(u.privileged());
}

TEST_CASE("a NAS-Prompt administrator cannot enable while enable authentication is on",
          "[aaa][admin]") {
  AdminLab lab;
  lab.console.run("enable password L0cal");
  cli::Session s{lab.console.app, false};
  s.set_user("operator");
  s.bar_enable();
  // Without enable authentication the enable password still works, as on the ASA.
  s.execute("enable");
  s.execute("L0cal");
  CHECK(s.privileged());
  s.execute("disable");
  lab.console.run("aaa authentication enable console TAC LOCAL");
  uint64_t failed = lab.console.app.counters().enable_failed;
  auto r = s.execute("enable");
  CHECK(r.output == "Access denied.\n");
  CHECK(r.input_prompt.empty());
  CHECK_FALSE(s.privileged());
  CHECK(lab.server.asked.empty());
  CHECK(lab.console.app.counters().enable_failed == failed + 1);
}

TEST_CASE("LOCAL alone never asks a server", "[aaa][admin]") {
  AdminLab lab;
  lab.console.run("aaa authentication serial console LOCAL");
  cli::Session s{lab.console.app, false};
  lab.login(s, "admin", "Adm1n");
  CHECK_FALSE(s.logging_in());
  CHECK(lab.server.asked.empty());
}

TEST_CASE("admin_verdict: fallback, privilege and refusal", "[aaa][admin]") {
  config::Config cfg;
  cfg.management.aaa_authentication["ssh"] = {"TAC", true};
  cfg.management.authorization_exec_server = true;
  bool asked_local = false;
  auto local = [&] {
    asked_local = true;
    return true;
  };
  auto v = cli::admin_verdict(cfg, "ssh", accepted(15), local);
  CHECK(v.ok);
  CHECK(v.privileged);
  CHECK_FALSE(v.local);
  CHECK_FALSE(asked_local);
  v = cli::admin_verdict(cfg, "ssh", {aaa::Outcome::Rejected, "", kServer, false, {}}, local);
  CHECK_FALSE(v.ok);
  CHECK_FALSE(asked_local);
  v = cli::admin_verdict(cfg, "ssh", {aaa::Outcome::NoServer, "", std::nullopt, false, {}}, local);
  CHECK(v.ok);
  CHECK(v.local);
  CHECK(asked_local);
  cfg.management.aaa_authentication["ssh"].fallback_local = false;
  v = cli::admin_verdict(cfg, "ssh", {aaa::Outcome::NoServer, "", std::nullopt, false, {}}, local);
  CHECK_FALSE(v.ok);
  CHECK(v.no_server);
  // No service, or LOCAL: the local database decides (no request).
  CHECK_FALSE(cli::admin_request(cfg, nullptr, "ssh", aaa::Purpose::AdminLogin, "u", "p"));
  cfg.management.aaa_authentication["ssh"].group = "LOCAL";
  ScriptedAaa svc;
  CHECK_FALSE(cli::admin_request(cfg, &svc, "ssh", aaa::Purpose::AdminLogin, "u", "p"));
}

TEST_CASE("exec authorization: RADIUS Service-Type and priv-lvl decide the SSH level",
          "[aaa][admin]") {
  auto radius = [](std::optional<uint32_t> type, std::optional<int> level) {
    aaa::Authorization a;
    a.service_type = type;
    a.privilege_level = level;
    return cli::radius_exec_verdict(a);
  };
  // Administrative: privileged EXEC unless the server names a lower level.
  CHECK(radius(6, 15).allowed);
  CHECK(radius(6, 15).privileged);
  CHECK(radius(6, 1).allowed);
  CHECK_FALSE(radius(6, 1).privileged);
  // NAS-Prompt: user EXEC, privileged only with shell:priv-lvl=15.
  CHECK(radius(7, std::nullopt).allowed);
  CHECK_FALSE(radius(7, std::nullopt).privileged);
  CHECK(radius(7, 15).privileged);
  CHECK_FALSE(radius(7, 14).privileged);
  CHECK(radius(7, std::nullopt).enable_barred);
  CHECK_FALSE(radius(6, std::nullopt).enable_barred);
  // Login, Framed (a VPN user's entry), Outbound, none: no CLI, even with a level.
  for (std::optional<uint32_t> t : {std::optional<uint32_t>{1}, std::optional<uint32_t>{2},
                                    std::optional<uint32_t>{5}, std::optional<uint32_t>{}}) {
    CHECK_FALSE(radius(t, 15).allowed);
    CHECK_FALSE(radius(t, 15).privileged);
  }
}

TEST_CASE("exec authorization: the TACACS+ answer decides; only TACACS+ groups are asked",
          "[aaa][admin]") {
  CHECK(cli::tacacs_exec_verdict(accepted(15)).privileged);
  CHECK(cli::tacacs_exec_verdict(accepted(1)).allowed);
  CHECK_FALSE(cli::tacacs_exec_verdict(accepted(1)).privileged);
  CHECK_FALSE(cli::tacacs_exec_verdict(accepted(std::nullopt)).privileged);
  CHECK_FALSE(cli::tacacs_exec_verdict({aaa::Outcome::Rejected, "", kServer, false, {}}).allowed);
  CHECK_FALSE(
      cli::tacacs_exec_verdict({aaa::Outcome::NoServer, "", std::nullopt, false, {}}).allowed);
  // An answer of the local database is no server's authorization.
  CHECK_FALSE(
      cli::tacacs_exec_verdict({aaa::Outcome::Accepted, "", std::nullopt, true, {}}).allowed);

  config::Config cfg;
  cfg.aaa_servers["TAC"].protocol = "tacacs+";
  cfg.aaa_servers["RAD"].protocol = "radius";
  cfg.management.aaa_authentication["ssh"] = {"TAC", true};
  cli::AdminVerdict v;
  v.ok = true;
  v.local = false;
  v.server = kServer;
  CHECK_FALSE(cli::exec_authorization_applies(cfg, v));  // the line is not configured
  cfg.management.authorization_exec_server = true;
  CHECK(cli::exec_authorization_applies(cfg, v));
  auto q = cli::exec_authorization_request(cfg, "ssh", v, "ops");
  REQUIRE(q);
  CHECK(q->authorize_only);
  CHECK(q->group == "TAC");
  CHECK(q->only_host == kServer);  // the server that authenticated, no other
  CHECK(q->user == "ops");
  CHECK(q->port_name == "ssh");
  CHECK(q->password.empty());
  cfg.management.aaa_authentication["ssh"].group = "RAD";
  CHECK_FALSE(cli::exec_authorization_request(cfg, "ssh", v, "ops"));
  // A LOCAL fallback login is not the server's to authorize.
  v.local = true;
  CHECK_FALSE(cli::exec_authorization_applies(cfg, v));
}
}  // namespace admin_aaa_test
