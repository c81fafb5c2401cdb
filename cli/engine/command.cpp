#include "cli/engine/command.hpp"

#include <charconv>

namespace rampart::cli {

std::string_view mode_name(Mode m) {
  switch (m) {
    case Mode::UserExec:
      return "UserExec";
    case Mode::PrivExec:
      return "PrivExec";
    case Mode::Config:
      return "Config";
    case Mode::Interface:
      return "Interface";
    case Mode::IsakmpPolicy:
      return "IsakmpPolicy";
    case Mode::TunnelGeneral:
      return "TunnelGeneral";
    case Mode::TunnelIpsec:
      return "TunnelIpsec";
    case Mode::GroupPolicy:
      return "GroupPolicy";
    case Mode::Username:
      return "Username";
    case Mode::AaaServerHost:
      return "AaaServerHost";
    case Mode::AaaServerGroup:
      return "AaaServerGroup";
    case Mode::ObjectNetwork:
      return "ObjectNetwork";
    case Mode::ObjectService:
      return "ObjectService";
    case Mode::GroupNetwork:
      return "GroupNetwork";
    case Mode::GroupService:
      return "GroupService";
    case Mode::GroupProtocol:
      return "GroupProtocol";
    case Mode::GroupIcmp:
      return "GroupIcmp";
    case Mode::ClassMap:
      return "ClassMap";
    case Mode::PolicyMap:
      return "PolicyMap";
    case Mode::PolicyMapClass:
      return "PolicyMapClass";
    case Mode::PolicyMapParams:
      return "PolicyMapParams";
    case Mode::Count:
      break;
  }
  return "?";
}

std::string_view mode_prompt_suffix(Mode m) {
  // ASA 9.x prompts, each ending in a space; the IKEv1 policy sub-mode is
  // "config-ikev1-policy" since 8.4.
  switch (m) {
    case Mode::UserExec:
      return "> ";
    case Mode::PrivExec:
      return "# ";
    case Mode::Config:
      return "(config)# ";
    case Mode::Interface:
      return "(config-if)# ";
    case Mode::IsakmpPolicy:
      return "(config-ikev1-policy)# ";
    case Mode::TunnelGeneral:
      return "(config-tunnel-general)# ";
    case Mode::TunnelIpsec:
      return "(config-tunnel-ipsec)# ";
    case Mode::GroupPolicy:
      return "(config-group-policy)# ";
    case Mode::Username:
      return "(config-username)# ";
    case Mode::AaaServerHost:
      return "(config-aaa-server-host)# ";
    case Mode::AaaServerGroup:
      return "(config-aaa-server-group)# ";
    case Mode::ObjectNetwork:
      return "(config-network-object)# ";
    case Mode::ObjectService:
      return "(config-service-object)# ";
    case Mode::GroupNetwork:
      return "(config-network-object-group)# ";
    case Mode::GroupService:
      return "(config-service-object-group)# ";
    case Mode::GroupProtocol:
      return "(config-protocol-object-group)# ";
    case Mode::GroupIcmp:
      return "(config-icmp-object-group)# ";
    case Mode::ClassMap:
      return "(config-cmap)# ";
    case Mode::PolicyMap:
      return "(config-pmap)# ";
    case Mode::PolicyMapClass:
      return "(config-pmap-c)# ";
    case Mode::PolicyMapParams:
      return "(config-pmap-p)# ";
    case Mode::Count:
      break;
  }
  return "# ";
}

std::optional<Mode> parent(Mode m) {
  switch (m) {
    case Mode::UserExec:
    case Mode::PrivExec:
    case Mode::Config:
    case Mode::Count:
      return std::nullopt;
    // A policy-map's class and parameters lines hang off the policy-map, as on the ASA: a
    // "class" line typed in config-pmap-c walks up to config-pmap.
    case Mode::PolicyMapClass:
    case Mode::PolicyMapParams:
      return Mode::PolicyMap;
    default:
      return Mode::Config;
  }
}

size_t Args::offset(std::string_view name) const {
  auto it = offsets_.find(name);
  return it == offsets_.end() ? 0 : it->second;
}

bool Args::has(std::string_view name) const {
  return values_.find(name) != values_.end();
}

const std::string& Args::str(std::string_view name) const {
  static const std::string empty;
  auto it = values_.find(name);
  return it == values_.end() ? empty : it->second;
}

uint32_t Args::num(std::string_view name, uint32_t fallback) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  uint32_t v = fallback;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return v;
}

config::Ipv4 Args::ip(std::string_view name) const {
  return config::Ipv4::parse(str(name)).value_or(config::Ipv4{});
}

config::Mask Args::mask(std::string_view name) const {
  auto ip = config::Ipv4::parse(str(name));
  return config::Mask{ip ? ip->value : 0};
}

}  // namespace rampart::cli
