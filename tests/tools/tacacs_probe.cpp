// Drives the TACACS+ client (aaa::make_tacacs_client) against a server and prints each
// ServerAnswer on one line, for tests/integration/aaa_tacacs_client.sh.
//
//   tacacs_probe --server ADDR [--port N] [--key KEY] [--timeout-ms N] [--source ADDR]
//                [--pap] [--no-single] [--debug] [--repeat N] [--pause-ms N]
//                [--parallel N] COMMAND ARGS
//   COMMAND: auth USER PASSWORD [vpn|ssh|enable] | authz USER [shell|vpn]
//            | acct start|interim|stop USER SESSION | acct command USER PRIV LINE...
//
// Output: "kind=Accept rtt_ms=3 priv=15 acl=NAME idle=1800 timeout=3600 message=..." with
// only the fields that were said. --debug prints the client's debug lines on stderr.
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/aaa/tacacs_client.hpp"

using namespace rampart;
using namespace rampart::aaa;

namespace {

std::string_view kind_name(ServerAnswer::Kind k) {
  switch (k) {
    case ServerAnswer::Kind::Accept:
      return "Accept";
    case ServerAnswer::Kind::Reject:
      return "Reject";
    case ServerAnswer::Kind::Challenge:
      return "Challenge";
    case ServerAnswer::Kind::PasswordExpired:
      return "PasswordExpired";
    case ServerAnswer::Kind::Timeout:
      return "Timeout";
    case ServerAnswer::Kind::Malformed:
      return "Malformed";
    case ServerAnswer::Kind::BadAuthenticator:
      return "BadAuthenticator";
    case ServerAnswer::Kind::Error:
      return "Error";
  }
  return "?";
}

std::string render(const ServerAnswer& a) {
  std::string s =
      "kind=" + std::string(kind_name(a.kind)) + " rtt_ms=" + std::to_string(a.rtt.count());
  if (a.authz.privilege_level) s += " priv=" + std::to_string(*a.authz.privilege_level);
  if (a.authz.filter_acl) s += " acl=" + *a.authz.filter_acl;
  if (a.authz.idle_timeout) s += " idle=" + std::to_string(*a.authz.idle_timeout);
  if (a.authz.session_timeout) s += " timeout=" + std::to_string(*a.authz.session_timeout);
  if (!a.message.empty()) s += " message=" + a.message;
  return s;
}

int usage() {
  std::cerr << "usage: tacacs_probe --server ADDR [--port N] [--key KEY] [--timeout-ms N] "
               "[--source ADDR] [--pap] [--no-single] [--debug] [--repeat N] [--pause-ms N] "
               "[--parallel N] "
               "auth USER PASS [vpn|ssh|enable] | authz USER [shell|vpn] | "
               "acct start|interim|stop USER SESSION | acct command USER PRIV LINE...\n";
  return 2;
}

Purpose purpose_of(const std::string& w) {
  if (w == "vpn") return Purpose::VpnUser;
  if (w == "enable") return Purpose::Enable;
  return Purpose::AdminLogin;
}

}  // namespace

int main(int argc, char** argv) {
  ServerTarget t;
  t.port = 49;
  TacacsOptions options;
  bool debug = false;
  int repeat = 1, parallel = 1;
  std::chrono::milliseconds pause{0};  // between repeats
  std::vector<std::string> cmd;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--server") {
      auto ip = config::Ipv4::parse(next());
      if (!ip) return usage();
      t.address = *ip;
    } else if (a == "--port") {
      t.port = static_cast<uint16_t>(std::stoi(next()));
    } else if (a == "--key") {
      t.key = next();
    } else if (a == "--timeout-ms") {
      t.timeout = std::chrono::milliseconds(std::stoi(next()));
    } else if (a == "--source") {
      t.source = config::Ipv4::parse(next());
    } else if (a == "--pap") {
      options.login = tacacs::AuthenType::Pap;
    } else if (a == "--no-single") {
      options.single_connect = false;
    } else if (a == "--debug") {
      debug = true;
    } else if (a == "--repeat") {
      repeat = std::stoi(next());
    } else if (a == "--pause-ms") {
      pause = std::chrono::milliseconds(std::stoi(next()));
    } else if (a == "--parallel") {
      parallel = std::stoi(next());
    } else {
      cmd.push_back(a);
    }
  }
  if (cmd.size() < 2) return usage();
  std::mutex out_mu;
  DebugSink sink{[debug] { return debug; },
                 [&out_mu](std::string line) {
                   std::lock_guard lock(out_mu);
                   std::cerr << line << "\n";
                 }};
  auto client = make_tacacs_client(sink, options);

  AuthRequest r;
  r.user = cmd[1];
  r.client = config::Ipv4::parse("198.51.100.2");
  AccountingRecord rec;
  rec.user = cmd[1];
  rec.client = r.client;
  rec.nas = config::Ipv4::parse("192.0.2.1");
  std::function<ServerAnswer()> call;
  if (cmd[0] == "auth" && cmd.size() >= 3) {
    r.password = Password(cmd[2]);
    r.purpose = purpose_of(cmd.size() > 3 ? cmd[3] : "ssh");
    r.port_name = cmd.size() > 3 ? cmd[3] : "ssh";
    call = [&] { return client->authenticate(t, r); };
  } else if (cmd[0] == "authz") {
    r.purpose = purpose_of(cmd.size() > 2 ? cmd[2] : "shell");
    r.port_name = r.purpose == Purpose::VpnUser ? "vpn" : "ssh";
    call = [&] { return client->authorize(t, r); };
  } else if (cmd[0] == "acct" && cmd.size() >= 4) {
    const std::string& k = cmd[1];
    rec.user = cmd[2];
    if (k == "command") {
      rec.kind = AccountingRecord::Kind::Command;
      rec.privilege_level = std::stoi(cmd[3]);
      for (size_t i = 4; i < cmd.size(); ++i) rec.command += (i > 4 ? " " : "") + cmd[i];
    } else {
      rec.kind = k == "start"     ? AccountingRecord::Kind::Start
                 : k == "interim" ? AccountingRecord::Kind::Interim
                                  : AccountingRecord::Kind::Stop;
      rec.session_id = cmd[3];
      rec.in_octets = 1000, rec.out_octets = 2000, rec.in_packets = 10, rec.out_packets = 20;
      rec.session_seconds = 42;
      rec.terminate_cause = "User-Request";
    }
    call = [&] { return client->account(t, rec); };
  } else {
    return usage();
  }

  bool all_answered = true;
  for (int n = 0; n < repeat; ++n) {
    if (n > 0) std::this_thread::sleep_for(pause);
    std::vector<std::thread> threads;
    for (int p = 0; p < parallel; ++p)
      threads.emplace_back([&] {
        ServerAnswer a = call();
        std::lock_guard lock(out_mu);
        std::cout << render(a) << std::endl;
        if (a.kind == ServerAnswer::Kind::Timeout || a.kind == ServerAnswer::Kind::Error)
          all_answered = false;
      });
    for (auto& th : threads) th.join();
  }
  return all_answered ? 0 : 1;
}
