// Drives aaa::make_radius_client() against a real server for the integration tests: one
// request from the command line, the ServerAnswer printed one field a line.
//
//   radius_probe auth|authz|acct-start|acct-interim|acct-stop --server ADDR --port N
//                --key-file FILE [--user U] [--password P] [--source ADDR] [--nas ADDR]
//                [--client ADDR] [--tunnel-group G] [--timeout-ms N] [--retry-ms N]
//                [--session ID] [--in-octets N] [--out-octets N] [--in-packets N]
//                [--out-packets N] [--seconds N] [--cause WORDS] [--class C]... [--debug]
//                [--no-require-message-authenticator] [--threads N]
//                [--mschapv2] [--new-password P]
// --mschapv2: MS-CHAPv2 instead of PAP (password-management); --new-password: a password
// change (MS-CHAP2-CPW) from --password to P.
// The key comes from a file so that it never shows in a process listing.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/aaa/radius_client.hpp"

using namespace rampart;

namespace {

int usage() {
  std::cerr << "usage: radius_probe auth|authz|acct-start|acct-interim|acct-stop --server ADDR "
               "--port N --key-file FILE [options]\n";
  return 2;
}

std::optional<config::Ipv4> address(const std::map<std::string, std::string>& o,
                                    const std::string& k) {
  auto it = o.find(k);
  return it == o.end() ? std::nullopt : config::Ipv4::parse(it->second);
}

const char* kind_name(aaa::ServerAnswer::Kind k) {
  using K = aaa::ServerAnswer::Kind;
  switch (k) {
    case K::Accept:
      return "Accept";
    case K::Reject:
      return "Reject";
    case K::Challenge:
      return "Challenge";
    case K::PasswordExpired:
      return "PasswordExpired";
    case K::Timeout:
      return "Timeout";
    case K::Malformed:
      return "Malformed";
    case K::BadAuthenticator:
      return "BadAuthenticator";
    case K::Error:
      return "Error";
  }
  return "?";
}

void print(const aaa::ServerAnswer& a) {
  std::cout << "kind=" << kind_name(a.kind) << "\n"
            << "rtt_ms=" << a.rtt.count() << "\n"
            << "retransmissions=" << a.retransmissions << "\n";
  if (!a.message.empty()) std::cout << "message=" << a.message << "\n";
  const auto& z = a.authz;
  if (z.framed_ip) std::cout << "framed_ip=" << z.framed_ip->str() << "\n";
  if (z.framed_mask) std::cout << "framed_mask=" << z.framed_mask->str() << "\n";
  if (z.group_policy) std::cout << "group_policy=" << *z.group_policy << "\n";
  if (z.filter_acl) std::cout << "filter_acl=" << *z.filter_acl << "\n";
  if (z.session_timeout) std::cout << "session_timeout=" << *z.session_timeout << "\n";
  if (z.idle_timeout) std::cout << "idle_timeout=" << *z.idle_timeout << "\n";
  if (z.simultaneous_logins) std::cout << "simultaneous_logins=" << *z.simultaneous_logins << "\n";
  if (z.privilege_level) std::cout << "privilege_level=" << *z.privilege_level << "\n";
  for (const auto& c : z.classes) std::cout << "class=" << c << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string op = argv[1];
  std::map<std::string, std::string> o;
  std::vector<std::string> classes;
  bool debug = false, require_ma = true, mschapv2 = false;
  for (int i = 2; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--debug") {
      debug = true;
    } else if (k == "--mschapv2") {
      mschapv2 = true;
    } else if (k == "--no-require-message-authenticator") {
      require_ma = false;
    } else if (k.starts_with("--") && i + 1 < argc) {
      if (k == "--class")
        classes.push_back(argv[++i]);
      else
        o[k.substr(2)] = argv[++i];
    } else {
      return usage();
    }
  }
  aaa::ServerTarget t;
  auto server = address(o, "server");
  if (!server || !o.contains("port") || !o.contains("key-file")) return usage();
  t.address = *server;
  t.port = static_cast<uint16_t>(std::stoul(o["port"]));
  std::ifstream kf(o["key-file"]);
  std::getline(kf, t.key);
  t.source = address(o, "source");
  if (o.contains("timeout-ms")) t.timeout = std::chrono::milliseconds(std::stoll(o["timeout-ms"]));
  if (o.contains("retry-ms"))
    t.retry_interval = std::chrono::milliseconds(std::stoll(o["retry-ms"]));

  aaa::DebugSink sink{[debug] { return debug; },
                      [](std::string line) { std::cerr << line << "\n"; }};
  auto client = require_ma
                    ? aaa::make_radius_client(sink)
                    : aaa::radius::make_client(sink, {.require_message_authenticator = false});
  aaa::ServerAnswer a;
  if (op == "auth" || op == "authz") {
    aaa::AuthRequest r;
    r.user = o["user"];
    r.password = aaa::Password(o["password"]);
    r.mschapv2 = mschapv2;
    r.new_password = aaa::Password(o["new-password"]);
    r.nas = address(o, "nas");
    r.client = address(o, "client");
    r.tunnel_group = o["tunnel-group"];
    r.nas_port = 7;
    // --threads N: N calls at once on one client (worker threads in rampartd); the answer of
    // the first is printed, and how many of them were accepted.
    const int threads = o.contains("threads") ? std::stoi(o["threads"]) : 1;
    std::vector<aaa::ServerAnswer> answers(static_cast<size_t>(std::max(threads, 1)));
    {
      std::vector<std::jthread> workers;
      for (auto& slot : answers)
        workers.emplace_back([&, out = &slot] {
          *out = op == "auth" ? client->authenticate(t, r) : client->authorize(t, r);
        });
    }
    a = answers.front();
    if (threads > 1)
      std::cout << "concurrent_accepts="
                << std::count_if(
                       answers.begin(), answers.end(),
                       [](const auto& x) { return x.kind == aaa::ServerAnswer::Kind::Accept; })
                << "\n";
  } else if (op.starts_with("acct-")) {
    aaa::AccountingRecord r;
    using K = aaa::AccountingRecord::Kind;
    r.kind = op == "acct-start" ? K::Start : op == "acct-stop" ? K::Stop : K::Interim;
    r.session_id = o["session"];
    r.user = o["user"];
    r.tunnel_group = o["tunnel-group"];
    r.nas = address(o, "nas");
    r.client = address(o, "client");
    r.framed_ip = address(o, "framed-ip");
    r.nas_port = 7;
    r.in_octets = std::stoull(o.contains("in-octets") ? o["in-octets"] : "0");
    r.out_octets = std::stoull(o.contains("out-octets") ? o["out-octets"] : "0");
    r.in_packets = std::stoull(o.contains("in-packets") ? o["in-packets"] : "0");
    r.out_packets = std::stoull(o.contains("out-packets") ? o["out-packets"] : "0");
    r.session_seconds =
        static_cast<uint32_t>(std::stoul(o.contains("seconds") ? o["seconds"] : "0"));
    r.terminate_cause = o["cause"];
    r.classes = classes;
    a = client->account(t, r);
  } else {
    return usage();
  }
  print(a);
  return 0;
}
