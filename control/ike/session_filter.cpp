#include "control/ike/session_filter.hpp"

namespace rampart::ike {

std::optional<std::string> session_vpn_filter(const config::Config& cfg, const IkeSa& sa) {
  // The server's word first (only a server's user has one: sa.authz is empty otherwise).
  if (sa.authz.filter_acl) return sa.authz.filter_acl;
  auto gp = cfg.group_policies.find(sa.group_policy);
  if (gp == cfg.group_policies.end()) return std::nullopt;
  return gp->second.vpn_filter;
}

std::optional<std::string> missing_user_filter(const config::Config& cfg, const IkeSa& sa) {
  if (!sa.authz.filter_acl || cfg.access_lists.contains(*sa.authz.filter_acl)) return std::nullopt;
  return sa.authz.filter_acl;
}

}  // namespace rampart::ike
