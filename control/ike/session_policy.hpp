// The limits a remote-access session lives under, resolved as the ASA resolves group-policy
// attributes: the user's own attributes, then the user's group-policy (vpn-group-policy), then
// the tunnel-group's default-group-policy, then DfltGrpPolicy, then the ASA's defaults. Pure:
// the engine asks again whenever it decides, so a change of the configuration applies at once.
#pragma once

#include <optional>
#include <string>

#include "control/config/model.hpp"

namespace rampart::ike {

struct SessionLimits {
  int simultaneous_logins = 3;           // ASA default; 0 means the user may not log in
  std::optional<int> idle_minutes = 30;  // nullopt: none
  std::optional<int> session_minutes;    // nullopt: none (the ASA's default)
  bool ikev1_permitted = true;           // vpn-tunnel-protocol names ikev1
  std::string tunnel_protocol_from;      // the group-policy (or user) that said it, for the log
};

// user may be empty (before XAUTH, or a LAN-to-LAN peer, or a user an AAA server vouched for:
// local attributes are not theirs); tunnel_group names the session's connection profile;
// server_policy is the group-policy an AAA server gave the user (Class OU=), empty for none.
SessionLimits session_limits(const config::Config& cfg, const std::string& user,
                             const std::string& tunnel_group,
                             const std::string& server_policy = {});

}  // namespace rampart::ike
