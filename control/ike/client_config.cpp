#include "control/ike/client_config.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/config/acl_expand.hpp"
#include "control/ike/mode_config.hpp"
#include "control/ike/proxy_arp.hpp"
#include "control/ike/sa_config.hpp"

namespace rampart::ike {

namespace {

// What the client is told: the effective group-policy, its split list, the address.
ModeConfigInputs mode_config_inputs(const config::Config& cfg, const IkeSa& sa) {
  ModeConfigInputs in;
  if (auto gp = cfg.group_policies.find(sa.group_policy); gp != cfg.group_policies.end()) {
    in.policy = &gp->second;
    if (gp->second.split_tunnel_network_list)
      if (auto acl = cfg.access_lists.find(*gp->second.split_tunnel_network_list);
          acl != cfg.access_lists.end())
        in.split_acl = config::expand_acl(cfg, acl->second);
  }
  in.address = *sa.assigned;
  in.netmask = sa.assigned_mask;
  in.application_version = "Rampart Version " RAMPART_VERSION_STRING;
  return in;
}

// "Cisco Systems VPN Client 5.0.07.0290:WinNT" reads "Client Type: WinNT  Client Application
// Version: 5.0.07.0290" on the ASA: the platform after the colon, the version before it.
std::string client_type_line(const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos)
    return fmt::format("Client Type: Unknown  Client Application Version: {}", v);
  std::string version = v.substr(0, colon);
  if (auto sp = version.rfind(' '); sp != std::string::npos) version = version.substr(sp + 1);
  return fmt::format("Client Type: {}  Client Application Version: {}", v.substr(colon + 1),
                     version);
}

// The pools a client's address comes from: the group-policy's override the tunnel-group's, as
// on the ASA.
std::vector<std::string> pools_for(const config::Config& cfg, const IkeSa& sa) {
  if (auto gp = cfg.group_policies.find(sa.group_policy); gp != cfg.group_policies.end() &&
                                                          gp->second.address_pools &&
                                                          !gp->second.address_pools->empty())
    return *gp->second.address_pools;
  if (auto tg = cfg.tunnel_groups.find(sa.tunnel_group); tg != cfg.tunnel_groups.end())
    return tg->second.general.address_pools;
  return {};
}

}  // namespace

// ---- the address ----------------------------------------------------------------------------

bool ClientConfig::assign(IkeSa& sa) {
  if (sa.assigned) return true;
  // The user's own address: what the AAA server said (Framed-IP-Address), or the local
  // user's vpn-framed-ip-address. Never one another session holds.
  std::optional<config::Ipv4> framed;
  std::optional<config::Mask> framed_mask;
  if (sa.aaa_server) {
    framed = sa.authz.framed_ip;
    framed_mask = sa.authz.framed_mask;
  } else if (auto u = cfg_.users.find(sa.username); u != cfg_.users.end()) {
    framed = u->second.attributes.framed_ip;
    framed_mask = u->second.attributes.framed_mask;
  }
  if (framed) {
    if (!pools_.claim(*framed)) {
      log_.event(&sa, fmt::format("Address {} of user {} is in use by another session",
                                  framed->str(), sa.username));
      log_.syslog_sa(&sa, nullptr, 713132);
      return false;
    }
    took(sa, *framed, framed_mask.value_or(config::Mask{0xffffffffu}), false);
    return true;
  }
  const std::vector<std::string> names = pools_for(cfg_, sa);
  auto a = pools_.allocate(cfg_, names);
  if (!a) {
    log_.event(&sa, "Cannot obtain an IP address for remote peer");
    log_.syslog_sa(&sa, nullptr, 713132);
    return false;
  }
  config::Mask mask{0xffffffffu};
  for (const auto& name : names)
    if (auto p = cfg_.pools.find(name);
        p != cfg_.pools.end() && p->second.first <= *a && *a <= p->second.last) {
      if (p->second.mask) mask = *p->second.mask;
      break;
    }
  took(sa, *a, mask, true);
  return true;
}

void ClientConfig::took(IkeSa& sa, config::Ipv4 address, config::Mask mask, bool from_pool) {
  sa.assigned = address;
  sa.assigned_mask = mask;
  sa.address_from_pool = from_pool;
  changed();
  journal_.touch(sa.index);
}

void ClientConfig::release(IkeSa& sa) {
  if (!sa.assigned) return;
  pools_.release(*sa.assigned);
  sa.assigned.reset();
  changed();
  journal_.touch(sa.index);
}

void ClientConfig::announce(const IkeSa& sa) {
  // The daemon follows the assignment (generation, the sessions journal) with the proxy ARP
  // entry and the gratuitous ARP on each interface proxy_arp_interfaces names, once this
  // datagram is handled.
  if (sa.assigned && !proxy_arp_interfaces(cfg_, *sa.assigned).empty())
    log_.event(&sa, fmt::format("Gratuitous ARP sent for {}", sa.assigned->str()));
}

// ---- pulled and pushed ----------------------------------------------------------------------

bool ClientConfig::answer(IkeSa& sa, uint32_t msgid, const AttributePayload& request) {
  log_.debug(&sa, "Processing cfg Request attributes");
  auto lines = mode_config_request_lines(request.attributes);
  for (size_t i = 0; i < request.attributes.size(); ++i) {
    const Attribute& at = request.attributes[i];
    log_.line(&sa, lines[i].level <= 1 ? IkeLog::Tag::Event : IkeLog::Tag::Debug, lines[i].text);
    if (at.type == cfgattr::kApplicationVersion && !at.data.empty()) {
      sa.client_version = at.text();
      log_.event(&sa, client_type_line(sa.client_version));
    }
  }
  if (!assign(sa)) return false;
  log_.debug(&sa, fmt::format("Obtained IP addr ({}) prior to initiating Mode Cfg (XAuth {})",
                              sa.assigned->str(), sa.username.empty() ? "disabled" : "enabled"));
  if (std::any_of(request.attributes.begin(), request.attributes.end(),
                  [](const Attribute& x) { return x.type == cfgattr::kIp4Netmask; }))
    log_.debug(&sa,
               fmt::format("Sending subnet mask ({}) to remote client", sa.assigned_mask.str()));
  log_.event(&sa, fmt::format("Assigned private IP address {} to remote user", sa.assigned->str()));
  log_.syslog_sa(&sa, nullptr, 713228, sa.assigned->str());
  // As the ASA: the blank hash first, then the attributes (construct_cfg_set), then the hash.
  log_.debug(&sa, "constructing blank hash payload");
  auto reply = build_mode_config_reply(request.attributes, mode_config_inputs(cfg_, sa));
  log_.lines(sa, reply.log);
  AttributePayload out;
  out.type = cfg_type::kReply;
  out.identifier = request.identifier;
  out.attributes = std::move(reply.attributes);
  log_.debug(&sa, "constructing qm hash payload");
  wire_.send_protected(sa, Exchange::Transaction, msgid, {out}, {}, false);
  sa.exchange_ivs.erase(msgid);
  announce(sa);
  return true;
}

bool ClientConfig::push(IkeSa& sa) {
  // Push only where the crypto map on this interface says so (PIX "client configuration
  // address initiate"); everyone else pulls. A Cisco Unity client (VPN Client 3.x and later,
  // vpnc) asks by itself right after XAUTH: where the map also responds, a push would cross its
  // request and the client, waiting for its reply, would take our SET for a wrong answer and
  // give up (seed 004 has both lines). Such a client is answered instead.
  if (!pushes_config(cfg_, sa)) return true;
  if (!assign(sa)) return false;
  std::vector<Attribute> want;
  for (uint16_t t : {cfgattr::kIp4Address, cfgattr::kIp4Netmask, cfgattr::kIp4Dns,
                     cfgattr::kIp4Nbns, cfgattr::kDefaultDomain, cfgattr::kSplitInclude})
    want.push_back(Attribute::tlv(t, {}));
  auto reply = build_mode_config_reply(want, mode_config_inputs(cfg_, sa));
  AttributePayload set;
  set.type = cfg_type::kSet;
  Bytes id = wire_.random_bytes(2);
  set.identifier = static_cast<uint16_t>((id[0] << 8) | id[1]);
  set.attributes = std::move(reply.attributes);
  sa.transaction.set_sent(wire_.random_msgid(), Transaction::Set::ModeCfg);
  log_.event(&sa, fmt::format("Assigned private IP address {} to remote user", sa.assigned->str()));
  log_.syslog_sa(&sa, nullptr, 713228, sa.assigned->str());
  log_.debug(&sa, "constructing blank hash payload");
  log_.debug(&sa, "constructing qm hash payload");
  wire_.send_protected(sa, Exchange::Transaction, sa.transaction.set_msgid(), {set}, {}, true);
  announce(sa);
  return true;
}

}  // namespace rampart::ike
