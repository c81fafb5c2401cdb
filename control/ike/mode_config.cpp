#include "control/ike/mode_config.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace rampart::ike {

namespace {

Bytes ip_bytes(config::Ipv4 a) {
  return {static_cast<uint8_t>(a.value >> 24), static_cast<uint8_t>(a.value >> 16),
          static_cast<uint8_t>(a.value >> 8), static_cast<uint8_t>(a.value)};
}

Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : std::string(sep)) + x;
  return s;
}

// Unity split entries: network, mask, protocol (2), source port (2), destination port (2).
Bytes split_entries(const config::AccessList& acl) {
  Bytes out;
  for (const auto& e : acl.entries) {
    if (!e.permit || e.type == config::AccessListEntry::Type::Remark) continue;
    // A standard ACL names the protected network in its only operand; an extended one in the
    // source (the networks behind us, as the ASA reads a split-tunnel list).
    const config::AclAddress& a =
        e.type == config::AccessListEntry::Type::Standard ? e.destination : e.source;
    if (a.kind == config::AclAddress::Kind::Any) continue;
    Bytes net = ip_bytes(a.address), mask = ip_bytes(config::Ipv4{a.mask.value});
    out.insert(out.end(), net.begin(), net.end());
    out.insert(out.end(), mask.begin(), mask.end());
    out.insert(out.end(), 6, 0);
  }
  return out;
}

// The ASA's name for each request attribute it knows ("MODE_CFG: Received request for %s!").
std::string_view request_name(uint16_t t) {
  switch (t) {
    case cfgattr::kIp4Address:
      return "IPV4 address";
    case cfgattr::kIp4Netmask:
      return "IPV4 net mask";
    case cfgattr::kIp4Dns:
      return "DNS server address";
    case cfgattr::kIp4Nbns:
      return "WINS server address";
    case cfgattr::kApplicationVersion:
      return "Application Version";
    case cfgattr::kBanner:
      return "Banner";
    case cfgattr::kSavePassword:
      return "Save PW setting";
    case cfgattr::kDefaultDomain:
      return "Default Domain Name";
    case cfgattr::kSplitInclude:
      return "Split Tunnel List";
    case cfgattr::kSplitDns:
      return "Split DNS";
    case cfgattr::kPfs:
      return "PFS setting";
    case cfgattr::kBackupServers:
      return "backup ip-sec peer list";
    case cfgattr::kFirewallType:
      return "FWTYPE";
    case cfgattr::kNattPort:
      return "UDP Port";
    case cfgattr::kLocalLan:
      return "Local LAN Include";
    default:
      return {};
  }
}

// A DDNS host name is the client's own text: at most a DNS name's length of it is printed.
constexpr size_t kMaxHostnameShown = 253;

}  // namespace

std::vector<DebugLine> mode_config_request_lines(const std::vector<Attribute>& request) {
  std::vector<DebugLine> out;
  for (const Attribute& at : request) {
    if (at.type == cfgattr::kDdnsHostname) {
      std::string host(at.data.begin(),
                       at.data.begin() + std::min(at.data.size(), kMaxHostnameShown));
      out.push_back(
          {5, fmt::format("MODE_CFG: Received request for DHCP hostname for DDNS is: {}!", host)});
    } else if (auto name = request_name(at.type); !name.empty()) {
      out.push_back({5, fmt::format("MODE_CFG: Received request for {}!", name)});
    } else {
      out.push_back(
          {1, fmt::format("Received unsupported transaction mode attribute: {}", at.type)});
    }
  }
  return out;
}

ModeConfigReply build_mode_config_reply(const std::vector<Attribute>& request,
                                        const ModeConfigInputs& in) {
  ModeConfigReply r;
  const config::GroupPolicy* gp = in.policy;
  auto add = [&](uint16_t type, Bytes data) {
    r.attributes.push_back(Attribute::tlv(type, std::move(data)));
  };
  for (const Attribute& want : request) {
    switch (want.type) {
      case cfgattr::kIp4Address:
        add(want.type, ip_bytes(in.address));
        break;
      case cfgattr::kIp4Netmask:
        add(want.type, ip_bytes(config::Ipv4{in.netmask.value}));
        break;
      case cfgattr::kIp4Dns:
        if (gp && gp->dns_servers)
          for (const auto& d : *gp->dns_servers) add(want.type, ip_bytes(d));
        break;
      case cfgattr::kIp4Nbns:
        if (gp && gp->wins_servers)
          for (const auto& w : *gp->wins_servers) add(want.type, ip_bytes(w));
        break;
      case cfgattr::kApplicationVersion:
        add(want.type, text(in.application_version));
        break;
      case cfgattr::kBanner:
        if (gp && gp->banner && !gp->banner->empty())
          add(want.type, text(joined(*gp->banner, "\n")));
        break;
      case cfgattr::kSavePassword:
        if (gp && gp->password_storage)
          r.attributes.push_back(Attribute::tv(want.type, *gp->password_storage ? 1 : 0));
        break;
      case cfgattr::kDefaultDomain:
        if (gp && gp->default_domain && !gp->default_domain->empty()) {
          r.log.push_back(
              {5, fmt::format("construct_cfg_set: default domain = {}", *gp->default_domain)});
          add(want.type, text(*gp->default_domain));
        }
        break;
      case cfgattr::kSplitDns:
        if (gp && gp->split_dns && !gp->split_dns->empty())
          add(want.type, text(joined(*gp->split_dns, ",")));
        break;
      case cfgattr::kSplitInclude:
        if (gp && gp->split_tunnel_policy == "tunnelspecified" && in.split_acl)
          add(want.type, split_entries(*in.split_acl));
        break;
      case cfgattr::kLocalLan:
        if (gp && gp->split_tunnel_policy == "excludespecified" && in.split_acl)
          add(want.type, split_entries(*in.split_acl));
        break;
      case cfgattr::kPfs:
        if (gp && gp->pfs) r.attributes.push_back(Attribute::tv(want.type, *gp->pfs ? 1 : 0));
        break;
      case cfgattr::kBackupServers:
        if (gp && gp->backup_servers && !gp->backup_servers->empty() &&
            gp->backup_servers->front() != "keep-client-config")
          add(want.type, text(gp->backup_servers->front() == "clear-client-config"
                                  ? std::string()
                                  : joined(*gp->backup_servers, ",")));
        break;
      default:  // nothing to send (FWTYPE: no client firewall policy) or unsupported
        break;
    }
  }
  return r;
}

std::vector<std::string> user_attribute_lines(const config::GroupPolicy* gp) {
  // The ASA reads the user's effective attributes when XAUTH succeeds and lists them
  // ("IKEGetUserAttributes: ..."); an attribute without a value reads "cleared".
  auto nth = [](const std::optional<std::vector<config::Ipv4>>& v, size_t i) {
    return v && v->size() > i ? (*v)[i].str() : std::string("cleared");
  };
  std::vector<std::string> out;
  auto line = [&](std::string_view what, const std::string& value) {
    out.push_back(fmt::format("IKEGetUserAttributes: {} = {}", what, value));
  };
  line("primary DNS", nth(gp ? gp->dns_servers : std::nullopt, 0));
  line("secondary DNS", nth(gp ? gp->dns_servers : std::nullopt, 1));
  line("primary WINS", nth(gp ? gp->wins_servers : std::nullopt, 0));
  line("secondary WINS", nth(gp ? gp->wins_servers : std::nullopt, 1));
  if (gp && gp->split_tunnel_network_list)
    line("split tunneling list", *gp->split_tunnel_network_list);
  if (gp && gp->default_domain && !gp->default_domain->empty())
    line("default domain", *gp->default_domain);
  line("IP Compression", "disabled");  // Rampart compresses nothing (no IPComp)
  const std::string policy = gp ? gp->split_tunnel_policy.value_or("tunnelall") : "tunnelall";
  line("Split Tunneling Policy", policy == "tunnelspecified"    ? "Tunnel Specified"
                                 : policy == "excludespecified" ? "Exclude Specified"
                                                                : "Disabled");
  // No msie-proxy support: the client's browser settings are never changed.
  line("Browser Proxy Setting", "no-modify");
  line("Browser Proxy Bypass Local", "disable");
  return out;
}

}  // namespace rampart::ike
