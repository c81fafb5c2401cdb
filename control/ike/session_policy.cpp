#include "control/ike/session_policy.hpp"

#include <sstream>
#include <vector>

namespace rampart::ike {

namespace {

// The group-policies whose attributes apply, most specific first.
std::vector<const config::GroupPolicy*> policy_chain(const config::Config& cfg,
                                                     const config::User* user,
                                                     const std::string& tunnel_group,
                                                     const std::string& server_policy) {
  std::vector<std::string> names;
  if (user && user->attributes.group_policy) names.push_back(*user->attributes.group_policy);
  if (!server_policy.empty()) names.push_back(server_policy);
  if (auto tg = cfg.tunnel_groups.find(tunnel_group); tg != cfg.tunnel_groups.end())
    names.push_back(tg->second.general.default_group_policy.value_or("DfltGrpPolicy"));
  names.push_back("DfltGrpPolicy");
  std::vector<const config::GroupPolicy*> chain;
  for (const auto& n : names)
    if (auto gp = cfg.group_policies.find(n); gp != cfg.group_policies.end())
      chain.push_back(&gp->second);
  return chain;
}

// A group-policy stores "none" as -1.
std::optional<int> minutes(int v) {
  return v < 0 ? std::nullopt : std::optional<int>(v);
}

bool names_ikev1(const std::string& protocols) {
  std::istringstream in(protocols);
  for (std::string p; in >> p;)
    if (p == "ikev1" || p == "IPSec") return true;
  return false;
}

}  // namespace

SessionLimits session_limits(const config::Config& cfg, const std::string& user_name,
                             const std::string& tunnel_group, const std::string& server_policy) {
  const config::User* user = nullptr;
  if (auto u = cfg.users.find(user_name); !user_name.empty() && u != cfg.users.end())
    user = &u->second;
  auto chain = policy_chain(cfg, user, tunnel_group, server_policy);
  SessionLimits l;
  bool logins = false, idle = false, session = false, protocol = false;
  if (user) {
    const auto& a = user->attributes;
    if (a.simultaneous_logins) {
      l.simultaneous_logins = *a.simultaneous_logins;
      logins = true;
    }
    if (a.idle_timeout) {
      l.idle_minutes = minutes(*a.idle_timeout);
      idle = true;
    }
    if (a.tunnel_protocol) {
      l.ikev1_permitted = names_ikev1(*a.tunnel_protocol);
      l.tunnel_protocol_from = "user " + user_name;
      protocol = true;
    }
  }
  for (const config::GroupPolicy* gp : chain) {
    if (!logins && gp->vpn_simultaneous_logins) {
      l.simultaneous_logins = *gp->vpn_simultaneous_logins;
      logins = true;
    }
    if (!idle && gp->vpn_idle_timeout) {
      l.idle_minutes = minutes(*gp->vpn_idle_timeout);
      idle = true;
    }
    if (!session && gp->vpn_session_timeout) {
      l.session_minutes = minutes(*gp->vpn_session_timeout);
      session = true;
    }
    if (!protocol && gp->vpn_tunnel_protocol) {
      l.ikev1_permitted = false;
      for (const auto& p : *gp->vpn_tunnel_protocol) l.ikev1_permitted |= p == "ikev1";
      l.tunnel_protocol_from = "group-policy " + gp->name;
      protocol = true;
    }
  }
  return l;
}

}  // namespace rampart::ike
