#include "cli/commands/mpf_model.hpp"

#include <algorithm>

namespace rampart::cli::mpf {

namespace {

std::string_view first_word(std::string_view s) {
  return s.substr(0, s.find(' '));
}

// The part of a parameter line that a later line with other values replaces.
std::string_view parameter_key(std::string_view line) {
  size_t sp = line.rfind(' ');
  return sp == std::string_view::npos ? line : line.substr(0, sp);
}

}  // namespace

config::ClassMap& class_map(config::Firewall& fw, const std::string& name) {
  auto [it, fresh] = fw.class_maps.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    fw.class_map_order.push_back(name);
  }
  return it->second;
}

config::PolicyMap& policy_map(config::Firewall& fw, const std::string& name) {
  auto [it, fresh] = fw.policy_maps.try_emplace(name);
  if (fresh) {
    it->second.name = name;
    fw.policy_map_order.push_back(name);
  }
  return it->second;
}

config::PolicyMapClass* find_class(config::PolicyMap& pm, std::string_view class_name) {
  for (auto& pc : pm.classes)
    if (pc.class_map == class_name) return &pc;
  return nullptr;
}

config::PolicyMapClass& policy_class(config::PolicyMap& pm, const std::string& class_name) {
  if (auto* pc = find_class(pm, class_name)) return *pc;
  pm.classes.push_back({class_name, {}});
  return pm.classes.back();
}

bool add_inspect(config::PolicyMapClass& pc, const std::string& what) {
  // One inspection per protocol in a class; h323 has two (h225 and ras), "icmp error" is
  // another engine than icmp.
  auto same = [&](const std::string& have) {
    if (first_word(have) == "h323" || first_word(have) == "icmp") return have == what;
    return first_word(have) == first_word(what);
  };
  if (std::any_of(pc.inspects.begin(), pc.inspects.end(), same)) return false;
  pc.inspects.push_back(what);
  return true;
}

bool remove_inspect(config::PolicyMapClass& pc, std::string_view what) {
  bool protocol_only = what.find(' ') == std::string_view::npos && what != "h323";
  auto n = std::erase_if(pc.inspects, [&](const std::string& have) {
    return have == what || (protocol_only && first_word(have) == what);
  });
  return n > 0;
}

void set_parameter(config::PolicyMap& pm, const std::string& line) {
  std::erase_if(pm.parameters, [&](const std::string& have) {
    return have == line || parameter_key(have) == parameter_key(line);
  });
  pm.parameters.push_back(line);
}

void remove_parameter(config::PolicyMap& pm, std::string_view line) {
  std::erase_if(pm.parameters, [&](const std::string& have) {
    return have == line || parameter_key(have) == line;
  });
}

bool has_global_service_policy(const config::Firewall& fw) {
  return std::any_of(fw.service_policies.begin(), fw.service_policies.end(),
                     [](const config::ServicePolicy& sp) { return sp.interface.empty(); });
}

void add_default_inspection_policy(config::Firewall& fw) {
  class_map(fw, std::string(kDefaultClass)).match = "default-inspection-traffic";
  auto& dns = policy_map(fw, std::string(kDnsMap));
  dns.inspect_type = "dns";
  dns.parameters = {"message-length maximum client auto", "message-length maximum 512"};
  auto& pc = policy_class(policy_map(fw, std::string(kGlobalPolicy)), std::string(kDefaultClass));
  for (const char* i :
       {"dns preset_dns_map", "ftp", "h323 h225", "h323 ras", "ip-options", "netbios", "rsh",
        "rtsp", "skinny", "esmtp", "sqlnet", "sunrpc", "tftp", "sip", "xdmcp"})
    add_inspect(pc, i);
  if (!has_global_service_policy(fw))
    fw.service_policies.push_back({std::string(kGlobalPolicy), ""});
}

}  // namespace rampart::cli::mpf
