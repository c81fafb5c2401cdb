// Mode-config (draft-dukes-ike-mode-cfg) and the Cisco Unity attributes: the reply to a
// client's CFG_REQUEST, built from the group-policy and the address assigned to the client.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/codec/payloads.hpp"
#include "control/ike/phase1_policy.hpp"

namespace rampart::ike {

namespace cfgattr {
constexpr uint16_t kIp4Address = 1, kIp4Netmask = 2, kIp4Dns = 3, kIp4Nbns = 4, kAddressExpiry = 5,
                   kIp4Dhcp = 6, kApplicationVersion = 7;
// Cisco Unity (28672 = 0x7000 onwards).
constexpr uint16_t kBanner = 28672, kSavePassword = 28673, kDefaultDomain = 28674,
                   kSplitDns = 28675, kSplitInclude = 28676, kNattPort = 28677, kLocalLan = 28678,
                   kPfs = 28679, kFirewallType = 28680, kBackupServers = 28681,
                   kDdnsHostname = 28682;
}  // namespace cfgattr

struct ModeConfigInputs {
  const config::GroupPolicy* policy = nullptr;  // the effective group-policy (may be null)
  config::Ipv4 address;                         // what the client gets
  config::Mask netmask;
  // split-tunnel-network-list, resolved, its objects and object-groups expanded
  // (config::expand_acl): split_entries reads plain addresses only.
  std::optional<config::AccessList> split_acl;
  std::string application_version;  // ours, for APPLICATION_VERSION
};

struct ModeConfigReply {
  std::vector<Attribute> attributes;
  std::vector<DebugLine> log;
};

// The ASA's lines for a CFG_REQUEST, one per attribute in the order the client asked:
// "MODE_CFG: Received request for DNS server address!" for what we know, "Received unsupported
// transaction mode attribute: 5" for what we do not. The DDNS request carries the client's
// host name, which the ASA prints; the caller's log sanitizes it, we bound its length.
std::vector<DebugLine> mode_config_request_lines(const std::vector<Attribute>& request);

// The CFG_REPLY attributes for a CFG_REQUEST, in the order requested. Attributes we have no
// value for (or do not support) are left out; mode_config_request_lines says which.
ModeConfigReply build_mode_config_reply(const std::vector<Attribute>& request,
                                        const ModeConfigInputs& in);

// The effective attributes of a user's group-policy as the ASA lists them when XAUTH succeeds
// ("IKEGetUserAttributes: primary DNS = 192.0.2.53"), one line each.
std::vector<std::string> user_attribute_lines(const config::GroupPolicy* gp);

}  // namespace rampart::ike
