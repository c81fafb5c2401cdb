// The vpn-filter a session's traffic is judged by, as the ASA chooses it: the ACL an AAA
// server named for the user (RADIUS Filter-Id, TACACS+ "acl=") supersedes the vpn-filter of
// the session's group-policy. Pure: asked again whenever the firewall, "show vpn-sessiondb" or
// packet-tracer need it, so a group-policy's change applies to its sessions at once.
#pragma once

#include <optional>
#include <string>

#include "control/config/model.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// The ACL name, or nullopt when the session has no filter.
std::optional<std::string> session_vpn_filter(const config::Config& cfg, const IkeSa& sa);

// The filter ACL an AAA server gave the user when it is not an access-list of the
// configuration (the ASA refuses such a session: 113030); nullopt when there is none or it
// exists.
std::optional<std::string> missing_user_filter(const config::Config& cfg, const IkeSa& sa);

}  // namespace rampart::ike
