// The operator's view of the AAA servers: show aaa-server [GROUP [host A] | protocol P],
// clear aaa-server statistics [GROUP], test aaa-server authentication|authorization. They ask
// the AAA service (System::aaa()); a test runs as deferred work so that a silent server never
// holds up the daemon.
#include <ctime>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "control/aaa/aaa.hpp"
#include "control/aaa/defaults.hpp"

namespace rampart::cli {

namespace {

// "03:25:51 UTC Tue Jul 9 2024", as "show aaa-server" prints a time.
std::string asa_time(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char hms[16], day[8], mon[8];
  std::strftime(hms, sizeof hms, "%H:%M:%S", &tm);
  std::strftime(day, sizeof day, "%a", &tm);
  std::strftime(mon, sizeof mon, "%b", &tm);
  return fmt::format("{} UTC {} {} {} {}", hms, day, mon, tm.tm_mday, tm.tm_year + 1900);
}

bool is_local(const aaa::ServerStatus& s) {
  return s.group == "LOCAL" && s.protocol == "Local database";
}

// One server's block. The ASA separates label and value with tabs (8-column stops); the
// counters are those of the ASA 9.x listing. Malformed answers are counted with the
// unrecognized ones, which is where the ASA shows answers it could not use.
std::string server_block(const aaa::ServerStatus& s) {
  std::string out;
  bool local = is_local(s);
  out += fmt::format("Server Group:    {}\n", s.group);
  out += fmt::format("Server Protocol: {}\n", s.protocol);
  out += fmt::format("Server Address:  {}\n", local ? "None" : s.address.str());
  if (local)
    out += "Server port:     None\n";
  else if (s.protocol == "radius")
    // [U] the two-port form of an ASA 8.x/9.x RADIUS server.
    out += fmt::format("Server port:     {}(authentication), {}(accounting)\n",
                       s.authentication_port, s.accounting_port);
  else
    out += fmt::format("Server port:     {}\n", s.authentication_port);
  if (s.state == aaa::ServerStatus::State::Failed)
    out +=
        fmt::format("Server status:   FAILED, Server disabled at {}\n", asa_time(s.failed_since));
  else
    out += fmt::format("Server status:   ACTIVE, Last transaction at {}\n",
                       s.last_transaction ? asa_time(s.last_transaction) : "unknown");
  uint64_t rtt = s.rtt_samples ? s.rtt_total_ms / s.rtt_samples : 0;
  out += fmt::format("Number of pending requests\t\t{}\n", s.pending);
  out += fmt::format("Average round trip time\t\t\t{}ms\n", rtt);
  out += fmt::format("Number of authentication requests\t{}\n", s.authentication_requests);
  out += fmt::format("Number of authorization requests\t{}\n", s.authorization_requests);
  out += fmt::format("Number of accounting requests\t\t{}\n", s.accounting_requests);
  out += fmt::format("Number of retransmissions\t\t{}\n", s.retransmissions);
  out += fmt::format("Number of accepts\t\t\t{}\n", s.accepts);
  out += fmt::format("Number of rejects\t\t\t{}\n", s.rejects);
  out += fmt::format("Number of challenges\t\t\t{}\n", s.challenges);
  out += fmt::format("Number of bad authenticators\t\t{}\n", s.bad_authenticators);
  out += fmt::format("Number of timeouts\t\t\t{}\n", s.timeouts);
  out += fmt::format("Number of unrecognized responses\t{}\n", s.unrecognized + s.malformed);
  return out;
}

aaa::Service* service(Ctx& c) {
  aaa::Service* s = c.sys.aaa();
  if (!s) error(c, "the AAA service is not running");
  return s;
}

bool group_exists(Ctx& c, const std::string& group) {
  if (group == "LOCAL" || c.cfg.aaa_servers.contains(group)) return true;
  error(c, fmt::format("aaa-server group {} does not exist", group));
  return false;
}

void print(Ctx& c, const std::vector<aaa::ServerStatus>& list) {
  bool first = true;
  for (const auto& s : list) {
    if (!first) c.out += "\n";
    first = false;
    c.out += server_block(s);
  }
}

void show_cmd(Ctx& c) {
  std::string group = c.args.str("group");
  if (!group.empty() && !group_exists(c, group)) return;
  aaa::Service* svc = service(c);
  if (!svc) return;
  std::vector<aaa::ServerStatus> list;
  for (auto& s : svc->status()) {
    if (!group.empty() && s.group != group) continue;
    if (c.args.has("address") && (is_local(s) || s.address != c.args.ip("address"))) continue;
    list.push_back(std::move(s));
  }
  if (c.args.has("address") && list.empty()) {
    error(c, fmt::format("aaa-server host {} does not exist in aaa-server group {}",
                         c.args.str("address"), group));
    return;
  }
  print(c, list);
}

void show_protocol_cmd(Ctx& c) {
  aaa::Service* svc = service(c);
  if (!svc) return;
  std::string protocol = c.args.str("protocol");
  std::vector<aaa::ServerStatus> list;
  for (auto& s : svc->status())
    if (protocol == "local" ? is_local(s) : s.protocol == protocol) list.push_back(std::move(s));
  print(c, list);
}

void clear_cmd(Ctx& c) {
  std::string group = c.args.str("group");
  if (!group.empty() && !group_exists(c, group)) return;
  aaa::Service* svc = service(c);
  if (!svc) return;
  svc->clear_group_statistics(group);
}

// ---- test aaa-server -------------------------------------------------------------------

struct Test {
  bool authorization = false;
  std::string group;
  config::Ipv4 host;
  int timeout = aaa::kDefaultTimeoutSeconds;
  std::string user;
};

// Runs the test on a thread of its own (deferred work): the answer may take the server's
// whole timeout. The password lives only in the request, which wipes it.
void run_test(Session& s, const Test& t, aaa::Password password, std::string& out) {
  aaa::Service* svc = s.appliance().sys().aaa();
  std::string what = t.authorization ? "Authorization" : "Authentication";
  // [U] the ASA prints the configured timeout plus two seconds.
  out += fmt::format("INFO: Attempting {} test to IP address <{}> (timeout: {} seconds)\n", what,
                     t.host.str(), t.timeout + 2);
  aaa::AuthRequest r;
  r.group = t.group;
  r.only_host = t.host;
  r.purpose = aaa::Purpose::Test;
  r.authorize_only = t.authorization;
  r.user = t.user;
  r.password = std::move(password);
  r.port_name = "console";
  s.defer([svc, r = std::move(r), what]() -> std::string {
    aaa::AuthResult res = svc->authenticate_now(r);
    switch (res.outcome) {
      case aaa::Outcome::Accepted:
        return fmt::format("INFO: {} Successful\n", what);
      case aaa::Outcome::NoServer:
        return fmt::format("ERROR: {} Server not responding: No error\n", what);
      case aaa::Outcome::Rejected:
      case aaa::Outcome::PasswordExpired:
        break;
    }
    return fmt::format("ERROR: {} Rejected: {}\n", what,
                       res.reason.empty() ? "AAA failure" : res.reason);
  });
}

// Asks for what the line did not give (the ASA prompts for the user name and the password),
// then runs the test.
void ask_password(Session& s, Test t, std::string& out) {
  if (t.authorization) {
    run_test(s, t, aaa::Password(), out);
    return;
  }
  s.ask("Password: ", true, [t](Session& s, std::string_view pw, std::string& out) {
    run_test(s, t, aaa::Password(std::string(pw)), out);
  });
}

void ask_user(Session& s, Test t) {
  s.ask("Username: ", false, [t](Session& s, std::string_view user, std::string& out) mutable {
    if (user.empty()) {
      out += "ERROR: A username is required\n";
      if (auto* k = s.counters()) ++k->rejected;
      return;
    }
    t.user = std::string(user);
    ask_password(s, std::move(t), out);
  });
}

void test_cmd(Ctx& c) {
  Test t;
  t.authorization = c.args.str("kind") == "authorization";
  t.group = c.args.str("group");
  auto g = c.cfg.aaa_servers.find(t.group);
  if (g == c.cfg.aaa_servers.end()) {
    error(c, fmt::format("aaa-server group {} does not exist", t.group));
    return;
  }
  const config::AaaServerHost* host = nullptr;
  if (c.args.has("address")) {
    for (const auto& h : g->second.hosts)
      if (h.address == c.args.ip("address")) host = &h;
    if (!host) {
      error(c, fmt::format("aaa-server host {} does not exist in aaa-server group {}",
                           c.args.str("address"), t.group));
      return;
    }
  } else if (!g->second.hosts.empty()) {
    host = &g->second.hosts.front();  // the group's first server, as the ASA tests
  }
  if (!host) {
    error(c, fmt::format("aaa-server group {} has no servers", t.group));
    return;
  }
  if (!service(c)) return;
  t.host = host->address;
  t.timeout = host->timeout.value_or(aaa::kDefaultTimeoutSeconds);
  if (!c.args.has("user")) {
    ask_user(c.session, std::move(t));
    return;
  }
  t.user = c.args.str("user");
  if (!t.authorization && !c.args.has("password")) {
    ask_password(c.session, std::move(t), c.out);
    return;
  }
  run_test(c.session, t, aaa::Password(c.args.str("password")), c.out);
}

}  // namespace

void register_aaa_show(CommandTree& t) {
  constexpr std::string_view kHelpAaaServer = "Show AAA server statistics";
  t.add({kPrivAndConfig,
         "show aaa-server [<group:WORD>] [host <address:A.B.C.D>]",
         {kHelpShow, kHelpAaaServer, "aaa-server group name", "Show a server of the group",
          "IP address of the server"},
         show_cmd});
  t.add({kPrivAndConfig,
         "show aaa-server protocol {protocol:radius|tacacs+|local|ldap}",
         {kHelpShow, kHelpAaaServer, "Show the servers of one protocol",
          "RADIUS servers|TACACS+ servers|The local database|LDAP servers"},
         show_protocol_cmd});
  t.add({kPrivAndConfig,
         "clear aaa-server statistics [<group:WORD>]",
         {kHelpClear, "Clear AAA server information", "Clear AAA server statistics",
          "aaa-server group name"},
         clear_cmd});
  t.add({kPrivAndConfig,
         "test aaa-server {kind:authentication} <group:WORD> [host <address:A.B.C.D>] "
         "[username <user:WORD>] [password <password:WORD>]",
         {"Test subsystem", "Test a AAA server", "Test authentication", "aaa-server group name",
          "Server to test", "IP address of the server", "User name to test", "User name",
          "Password of the user", "Password"},
         test_cmd});
  t.add({kPrivAndConfig,
         "test aaa-server {kind:authorization} <group:WORD> [host <address:A.B.C.D>] "
         "[username <user:WORD>]",
         {"Test subsystem", "Test a AAA server", "Test authorization", "aaa-server group name",
          "Server to test", "IP address of the server", "User name to test", "User name"},
         test_cmd});
}

}  // namespace rampart::cli
