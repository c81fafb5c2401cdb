// Edits of the Modular Policy Framework part of the model (class-maps, policy-maps, their
// classes and inspections, service-policies) that the MPF commands, the PIX fixup conversion
// and the factory-default configuration share.
#pragma once

#include <string>
#include <string_view>

#include "control/config/firewall.hpp"

namespace rampart::cli::mpf {

inline constexpr std::string_view kDefaultClass = "inspection_default";
inline constexpr std::string_view kGlobalPolicy = "global_policy";
inline constexpr std::string_view kDnsMap = "preset_dns_map";

// The named class-map / policy-map, created (and put last in print order) when absent.
config::ClassMap& class_map(config::Firewall& fw, const std::string& name);
config::PolicyMap& policy_map(config::Firewall& fw, const std::string& name);
// The policy-map's class for a class-map, created (last) when absent.
config::PolicyMapClass& policy_class(config::PolicyMap& pm, const std::string& class_name);
config::PolicyMapClass* find_class(config::PolicyMap& pm, std::string_view class_name);

// Adds "inspect WHAT" unless that protocol is inspected already; returns whether it added.
bool add_inspect(config::PolicyMapClass& pc, const std::string& what);
// Removes "inspect WHAT" (the exact words, or with only a protocol, that protocol's line).
bool remove_inspect(config::PolicyMapClass& pc, std::string_view what);
// Sets a parameter line of an inspect policy-map, replacing the line it supersedes
// ("message-length maximum 512" replaces "message-length maximum 1024").
void set_parameter(config::PolicyMap& pm, const std::string& line);
void remove_parameter(config::PolicyMap& pm, std::string_view line);

// Whether a service-policy applies this policy-map globally.
bool has_global_service_policy(const config::Firewall& fw);

// The ASA 9.1 factory default: class-map inspection_default (match default-inspection-traffic),
// policy-map type inspect dns preset_dns_map (message-length maximum client auto / 512),
// policy-map global_policy with the default inspections, service-policy global_policy global.
void add_default_inspection_policy(config::Firewall& fw);

}  // namespace rampart::cli::mpf
