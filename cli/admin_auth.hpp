// Administrators' passwords (console login, SSH logins through rampartd, enable) checked where
// "aaa authentication SERVICE console GROUP [LOCAL]" says: a server group through the appliance's
// aaa::Service, with the local database when the line ends in LOCAL and no server answers, or
// the local database alone (no line, "... console LOCAL", or no AAA service).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "control/aaa/aaa.hpp"
#include "control/config/model.hpp"

namespace rampart::cli {

class Session;

struct AdminVerdict {
  bool ok = false;
  std::optional<config::Ipv4> server;  // the server that said yes or no; none for LOCAL
  bool local = true;                   // the local database decided
  bool no_server = false;              // no server of the group answered (and no LOCAL)
  // Privileged EXEC at once: the server's privilege level 15 under "aaa authorization exec
  // authentication-server".
  bool privileged = false;
  std::string reason;
};

// The request for the group SERVICE ("ssh", "serial", "enable") names, or nullopt when the
// local database decides.
std::optional<aaa::AuthRequest> admin_request(const config::Config& cfg, const aaa::Service* svc,
                                              std::string_view service, aaa::Purpose purpose,
                                              std::string user, std::string_view password);

// What the group's answer means for the login; local() is asked when no server answered and
// the line says LOCAL.
AdminVerdict admin_verdict(const config::Config& cfg, std::string_view service,
                           const aaa::AuthResult& r, const std::function<bool()>& local);

// "aaa authorization exec authentication-server" for a login a server accepted: whether the
// server lets the user have the CLI at all, and at which level it lands.
struct ExecVerdict {
  bool allowed = false;
  bool privileged = false;  // privileged EXEC at once (level 15); else user EXEC
  // RADIUS NAS-Prompt: the CLI, but never privileged EXEC through "enable" while "aaa
  // authentication enable console" is configured (the ASA's management authorization).
  bool enable_barred = false;
};

// Whether exec authorization applies to verdict v: the line is configured and a server (not
// LOCAL) accepted the login.
bool exec_authorization_applies(const config::Config& cfg, const AdminVerdict& v);

// The TACACS+ authorization (service=shell) the ASA sends after the login, to the server that
// authenticated it; nullopt when the service's group is not TACACS+ (RADIUS says it all in
// its Access-Accept) or no server is known.
std::optional<aaa::AuthRequest> exec_authorization_request(const config::Config& cfg,
                                                           std::string_view service,
                                                           const AdminVerdict& v, std::string user);

// RADIUS, from the Access-Accept: Service-Type Administrative (6) or NAS-Prompt (7) admits
// (others, or none, refuse: a VPN user's entry is no administrator's); the level is
// cisco-av-pair shell:priv-lvl / the ASA's Privilege-Level VSA when sent, else 15 for
// Administrative and 1 for NAS-Prompt.
ExecVerdict radius_exec_verdict(const aaa::Authorization& authz);
// TACACS+, from the authorization's answer: PASS admits at its priv-lvl (1 when absent); FAIL,
// ERROR or no answer refuse.
ExecVerdict tacacs_exec_verdict(const aaa::AuthResult& authorization);

// Checks a password in a session: the local check at once, or a server group's as deferred
// work (the server may take seconds; the session waits, others go on). then() runs on the
// session's thread with the verdict.
using AdminLocalCheck = std::function<bool(const config::Config&, std::string_view password)>;
using AdminThen = std::function<void(Session&, const AdminVerdict&, std::string& out)>;
void check_admin_password(Session& s, std::string& out, std::string_view service,
                          aaa::Purpose purpose, std::string user, std::string_view password,
                          AdminLocalCheck local, AdminThen then);

}  // namespace rampart::cli
