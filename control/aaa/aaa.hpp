// The AAA subsystem's interface (issue 13): what the IKE engine (XAUTH), the administrators'
// login path and the CLI ask of aaa-server groups, and what a protocol client (RADIUS through
// radcli, TACACS+ of our own) must do for one server.
//
// Shape: a Service (rampartd's AaaService) takes requests from the event loop and never blocks
// it. Worker threads walk the group's servers in configured order (ServerGroups keeps which
// are active, failed and why, and the counters "show aaa-server" prints) and call the group's
// ProtocolClient, whose calls block for at most one server's timeout and retries. Results come
// back on the event loop. LOCAL is the username database, answered in line.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/types.hpp"

namespace rampart::aaa {

// A cleartext the user typed, wiped when it goes.
class Password {
 public:
  Password() = default;
  explicit Password(std::string clear) : clear_(std::move(clear)) {}
  Password(const Password&) = default;
  Password& operator=(const Password&) = default;
  Password(Password&&) noexcept = default;
  Password& operator=(Password&&) noexcept = default;
  ~Password();
  const std::string& reveal() const { return clear_; }
  bool empty() const { return clear_.empty(); }
  // Wipes the cleartext now: assigning an empty Password would leave the old octets behind.
  void wipe();

 private:
  std::string clear_;
};

enum class Purpose {
  VpnUser,     // XAUTH of a remote-access client
  AdminLogin,  // ssh/serial/telnet console login ("aaa authentication ssh console GROUP")
  Enable,      // the enable command ("aaa authentication enable console GROUP")
  Test,        // "test aaa-server authentication|authorization"
};

struct AuthRequest {
  std::string group;            // aaa-server group name, or "LOCAL"
  bool fallback_local = false;  // "GROUP LOCAL": the local database when no server answers
  std::optional<config::Ipv4> only_host;  // "test aaa-server ... host ADDR": that server alone
  Purpose purpose = Purpose::VpnUser;
  bool authorize_only = false;  // authorization-server-group / test ... authorization
  std::string user;
  Password password;
  // password-management (tunnel-group general-attributes): RADIUS servers are asked with
  // MS-CHAPv2 (RFC 2759) instead of PAP, so that they can say "password expired" (E=648).
  bool mschapv2 = false;
  // Set after PasswordExpired: change `password` (the old one) to this (MS-CHAP2-CPW).
  Password new_password;
  // Who and where, for the NAS attributes (RADIUS) and rem_addr/port (TACACS+).
  std::string tunnel_group;            // VPN: the client's tunnel-group
  std::optional<config::Ipv4> client;  // the client's public address (Calling-Station-Id)
  std::optional<config::Ipv4> nas;     // our address toward the client (NAS-IP, Called-Station)
  uint32_t nas_port = 0;               // the session's number
  std::string port_name;               // TACACS+ port: "ssh", "console", "vpn"
};

// What a server said about the user, for the caller to apply. Absent means "not said".
struct Authorization {
  std::optional<config::Ipv4> framed_ip;    // Framed-IP-Address: the client's address
  std::optional<config::Mask> framed_mask;  // Framed-IP-Netmask
  std::optional<std::string> group_policy;  // Class "OU=NAME;", or the Cisco VSA group-policy
  std::optional<std::string> filter_acl;    // Filter-Id (an ACL name for vpn-filter)
  std::optional<uint32_t> session_timeout;  // seconds
  std::optional<uint32_t> idle_timeout;     // seconds
  std::optional<uint32_t> simultaneous_logins;
  std::optional<int> privilege_level;  // 0..15 (TACACS+ priv-lvl, shell:priv-lvl, 6 = 15)
  std::vector<std::string> classes;    // Class values, echoed in accounting as received
  // RADIUS Service-Type (RFC 2865 5.6) as received: management authorization reads it.
  std::optional<uint32_t> service_type;
  bool operator==(const Authorization&) const = default;
};

enum class Outcome {
  Accepted,
  Rejected,         // a server (or LOCAL) said no
  NoServer,         // no server of the group answered and LOCAL was not allowed
  PasswordExpired,  // the server wants a new password (password-management)
};

struct AuthResult {
  Outcome outcome = Outcome::Rejected;
  std::string reason;  // the ASA's reason words: "Invalid password", "AAA Server has been removed"
  std::optional<config::Ipv4> server;  // the server that answered; none for LOCAL
  bool local = false;                  // answered by the local database
  Authorization authz;
};

using AuthDone = std::function<void(AuthResult)>;

// One accounting message of a VPN session or an administrator's command.
struct AccountingRecord {
  enum class Kind { Start, Interim, Stop, Command } kind = Kind::Start;
  std::string group;
  std::string session_id;  // Acct-Session-Id: the session's, stable across rekeys
  std::string user;
  std::string tunnel_group;
  std::optional<config::Ipv4> client, framed_ip, nas;
  uint32_t nas_port = 0;
  uint64_t in_octets = 0, out_octets = 0, in_packets = 0, out_packets = 0;
  uint32_t session_seconds = 0;
  std::string terminate_cause;       // Stop: "User-Request", "Idle-Timeout", "Session-Timeout", ...
  std::vector<std::string> classes;  // from the Access-Accept
  std::string command;               // Command: the CLI line (TACACS+ accounting)
  int privilege_level = 15;          // Command
};

// One server as "show aaa-server" prints it.
struct ServerStatus {
  std::string group, protocol, interface;
  config::Ipv4 address;
  uint16_t authentication_port = 0, accounting_port = 0;
  enum class State { Active, Failed } state = State::Active;
  int64_t last_transaction = 0;  // wall clock, seconds; 0: none yet
  int64_t failed_since = 0;      // when it was marked FAILED
  uint64_t pending = 0;
  uint64_t rtt_total_ms = 0, rtt_samples = 0;
  uint64_t authentication_requests = 0, authorization_requests = 0, accounting_requests = 0;
  uint64_t retransmissions = 0, accepts = 0, rejects = 0, challenges = 0;
  uint64_t malformed = 0, bad_authenticators = 0, timeouts = 0, unrecognized = 0;
};

// What rampartd provides to the engine environment, the login path and the CLI.
class Service {
 public:
  virtual ~Service() = default;
  // done runs exactly once: in line (LOCAL, a group that does not exist) or later on the
  // owner's event loop. Never blocks on a server.
  virtual void authenticate(AuthRequest r, AuthDone done) = 0;
  // Blocks until the answer (at most the servers' timeouts): for deferred CLI work only
  // ("test aaa-server" runs on its own thread), never on the event loop.
  virtual AuthResult authenticate_now(AuthRequest r) = 0;
  // Queued for the group's servers; never blocks, never lost while a server of the group lives.
  virtual void account(AccountingRecord r) = 0;
  virtual std::vector<ServerStatus> status() const = 0;
  virtual void clear_statistics() = 0;
  // "clear aaa-server statistics GROUP": one group's counters (all of them when empty).
  virtual void clear_group_statistics(const std::string& group) {
    if (group.empty()) clear_statistics();
  }
};

// ---- one server, for the protocol clients ----------------------------------------------

struct ServerTarget {
  config::Ipv4 address;
  uint16_t port = 0;
  std::string key;                                  // the shared secret, cleartext (never logged)
  std::chrono::milliseconds timeout{10000};         // "timeout N": the whole exchange
  std::chrono::milliseconds retry_interval{10000};  // RADIUS: between retransmissions
  std::optional<config::Ipv4> source;               // the address of the server's interface
};

struct ServerAnswer {
  enum class Kind {
    Accept,
    Reject,
    Challenge,         // RADIUS Access-Challenge / TACACS+ GETDATA we cannot answer
    PasswordExpired,   // MS-CHAP error 648 / TACACS+ GETDATA for a new password
    Timeout,           // no valid answer in time (the server is counted as failing)
    Malformed,         // an answer that does not parse: counted, dropped
    BadAuthenticator,  // an answer whose authenticator or Message-Authenticator is wrong
    Error,             // could not send (no route, connection refused)
  } kind = Kind::Timeout;
  std::string message;  // Reply-Message / server_msg, for the log
  Authorization authz;
  uint32_t retransmissions = 0;
  std::chrono::milliseconds rtt{0};
};

// Debug output of a client ("debug radius", "debug tacacs"): on() is cheap and says whether to
// build lines at all; line() may be called from any thread. Never given a password or a key.
// decode() takes the packets' decoded contents ("debug radius decode"); line() the rest of an
// exchange ("debug radius session"); without decode() they go to line() as well.
struct DebugSink {
  std::function<bool()> on;
  std::function<void(std::string)> line;
  std::function<void(std::string)> decode;

  void packet(std::string l) const { (decode ? decode : line)(std::move(l)); }
};

// The user whose request the calling thread is sending ("debug radius user NAME" shows only
// that user's lines): a client sets it for the length of one call, the sink reads it when it
// takes a line. Per thread, since the clients' calls run on worker threads at once.
class DebugUserScope {
 public:
  explicit DebugUserScope(std::string_view user) : saved_(std::move(current_)) {
    current_ = std::string(user);
  }
  ~DebugUserScope() { current_ = std::move(saved_); }
  DebugUserScope(const DebugUserScope&) = delete;
  DebugUserScope& operator=(const DebugUserScope&) = delete;
  static const std::string& current() { return current_; }

 private:
  static inline thread_local std::string current_;
  std::string saved_;
};

// One protocol. Calls block (worker threads only) and may run concurrently.
class ProtocolClient {
 public:
  virtual ~ProtocolClient() = default;
  virtual ServerAnswer authenticate(const ServerTarget& t, const AuthRequest& r) = 0;
  virtual ServerAnswer authorize(const ServerTarget& t, const AuthRequest& r) = 0;
  virtual ServerAnswer account(const ServerTarget& t, const AccountingRecord& r) = 0;
};

std::unique_ptr<ProtocolClient> make_radius_client(DebugSink debug);
std::unique_ptr<ProtocolClient> make_tacacs_client(DebugSink debug);

}  // namespace rampart::aaa
