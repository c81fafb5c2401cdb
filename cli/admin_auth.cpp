#include "cli/admin_auth.hpp"

#include <memory>

#include "cli/session.hpp"

namespace rampart::cli {

std::optional<aaa::AuthRequest> admin_request(const config::Config& cfg, const aaa::Service* svc,
                                              std::string_view service, aaa::Purpose purpose,
                                              std::string user, std::string_view password) {
  auto line = cfg.management.aaa_authentication.find(std::string(service));
  if (!svc || line == cfg.management.aaa_authentication.end() || line->second.group == "LOCAL")
    return std::nullopt;
  aaa::AuthRequest r;
  r.group = line->second.group;
  // LOCAL after the group is ours to apply (admin_verdict): the service is asked for the group.
  r.fallback_local = false;
  r.purpose = purpose;
  r.user = std::move(user);
  r.password = aaa::Password(std::string(password));
  r.port_name = service == "ssh" ? "ssh" : "console";
  return r;
}

AdminVerdict admin_verdict(const config::Config& cfg, std::string_view service,
                           const aaa::AuthResult& r, const std::function<bool()>& local) {
  AdminVerdict v;
  v.reason = r.reason;
  if (r.outcome == aaa::Outcome::NoServer) {
    auto line = cfg.management.aaa_authentication.find(std::string(service));
    if (line != cfg.management.aaa_authentication.end() && line->second.fallback_local) {
      v.ok = local();
      return v;
    }
    v.local = false;
    v.no_server = true;
    return v;
  }
  v.local = r.local;
  v.server = r.server;
  v.ok = r.outcome == aaa::Outcome::Accepted;
  v.privileged = v.ok && !r.local && cfg.management.authorization_exec_server &&
                 r.authz.privilege_level && *r.authz.privilege_level >= 15;
  return v;
}

bool exec_authorization_applies(const config::Config& cfg, const AdminVerdict& v) {
  return cfg.management.authorization_exec_server && v.ok && !v.local;
}

std::optional<aaa::AuthRequest> exec_authorization_request(const config::Config& cfg,
                                                           std::string_view service,
                                                           const AdminVerdict& v,
                                                           std::string user) {
  auto line = cfg.management.aaa_authentication.find(std::string(service));
  if (line == cfg.management.aaa_authentication.end() || !v.server) return std::nullopt;
  auto group = cfg.aaa_servers.find(line->second.group);
  if (group == cfg.aaa_servers.end() || group->second.protocol != "tacacs+") return std::nullopt;
  aaa::AuthRequest r;
  r.group = line->second.group;
  r.only_host = v.server;  // "authentication-server": the server that said yes
  r.purpose = aaa::Purpose::AdminLogin;
  r.authorize_only = true;
  r.user = std::move(user);
  r.port_name = service == "ssh" ? "ssh" : "console";
  return r;
}

ExecVerdict radius_exec_verdict(const aaa::Authorization& authz) {
  // RFC 2865 5.6 values the ASA documents for management authorization.
  constexpr uint32_t kAdministrative = 6, kNasPrompt = 7;
  ExecVerdict e;
  if (!authz.service_type ||
      (*authz.service_type != kAdministrative && *authz.service_type != kNasPrompt))
    return e;
  e.allowed = true;
  int level = *authz.service_type == kAdministrative ? 15 : 1;
  if (authz.privilege_level) level = *authz.privilege_level;
  e.privileged = level >= 15;
  e.enable_barred = *authz.service_type == kNasPrompt;
  return e;
}

ExecVerdict tacacs_exec_verdict(const aaa::AuthResult& authorization) {
  ExecVerdict e;
  if (authorization.outcome != aaa::Outcome::Accepted || authorization.local) return e;
  e.allowed = true;
  e.privileged = authorization.authz.privilege_level.value_or(1) >= 15;
  return e;
}

void check_admin_password(Session& s, std::string& out, std::string_view service,
                          aaa::Purpose purpose, std::string user, std::string_view password,
                          AdminLocalCheck local, AdminThen then) {
  Appliance& app = s.appliance();
  auto req = admin_request(app.config(), app.aaa(), service, purpose, std::move(user), password);
  if (!req) {
    AdminVerdict v;
    v.ok = local(app.config(), password);
    then(s, v, out);
    return;
  }
  // The answer comes on the work's thread; the verdict is made on the session's, where the
  // configuration (and the local database for the fallback) may be read.
  auto result = std::make_shared<aaa::AuthResult>();
  auto kept = std::make_shared<aaa::Password>(std::string(password));
  aaa::Service* svc = app.aaa();
  s.defer(
      [svc, result, r = std::move(*req)]() mutable {
        *result = svc->authenticate_now(std::move(r));
        return std::string();
      },
      [result, kept, service = std::string(service), local, then](Session& s, std::string& out) {
        const auto& cfg = s.appliance().config();
        AdminVerdict v =
            admin_verdict(cfg, service, *result, [&] { return local(cfg, kept->reveal()); });
        then(s, v, out);
      });
}

}  // namespace rampart::cli
