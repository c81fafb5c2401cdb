// Phase 1.5 (transaction exchanges): each message to its place (XAUTH's replies to xauth_,
// xauth.hpp), what the ACK of our XAUTH status starts, and mode-config
// (draft-dukes-ike-mode-cfg), pulled by the client (Cisco VPN Client 4.x, vpnc) or pushed by us
// (crypto map ... client configuration address initiate, the PIX and VPN Client 1.1 flow).
#include <fmt/format.h>

#include "control/config/acl_expand.hpp"
#include "control/ike/engine.hpp"
#include "control/ike/mode_config.hpp"
#include "control/ike/proxy_arp.hpp"
#include "control/ike/timers.hpp"

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

}  // namespace

// ---- addresses ----------------------------------------------------------------------------

bool Engine::assign_address(IkeSa& sa) {
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
    sa.assigned = *framed;
    ++clients_generation_;
    journal_.touch(sa.index);
    sa.assigned_mask = framed_mask.value_or(config::Mask{0xffffffffu});
    sa.address_from_pool = false;
    return true;
  }
  // Pools: the group-policy's override the tunnel-group's, as on the ASA.
  std::vector<std::string> names;
  if (auto gp = cfg_.group_policies.find(sa.group_policy);
      gp != cfg_.group_policies.end() && gp->second.address_pools)
    names = *gp->second.address_pools;
  if (names.empty())
    if (auto tg = cfg_.tunnel_groups.find(sa.tunnel_group); tg != cfg_.tunnel_groups.end())
      names = tg->second.general.address_pools;
  auto a = pools_.allocate(cfg_, names);
  if (!a) {
    log_.event(&sa, "Cannot obtain an IP address for remote peer");
    log_.syslog_sa(&sa, nullptr, 713132);
    return false;
  }
  sa.assigned = *a;
  ++clients_generation_;
  journal_.touch(sa.index);
  sa.address_from_pool = true;
  sa.assigned_mask = config::Mask{0xffffffffu};
  for (const auto& name : names)
    if (auto p = cfg_.pools.find(name);
        p != cfg_.pools.end() && p->second.first <= *a && *a <= p->second.last) {
      if (p->second.mask) sa.assigned_mask = *p->second.mask;
      break;
    }
  return true;
}

void Engine::release_address(IkeSa& sa) {
  if (!sa.assigned) return;
  pools_.release(*sa.assigned);
  sa.assigned.reset();
  ++clients_generation_;
  journal_.touch(sa.index);
}

// ---- XAUTH --------------------------------------------------------------------------------

// Seed 000: an ASA answering a client's mode-config request prints PHASE 1 COMPLETED (and
// sends its lifetime notify) after the reply; one that pushes, or has nothing to configure,
// completes phase 1 at once. A client that pulls nothing completes with its first quick mode.
void Engine::report_phase1_unless_pulling(IkeSa& sa) {
  if (!sa.remote_access || pushes_config(cfg_, sa)) established_syslog(sa);
}

void Engine::start_cfg_set(IkeSa& sa) {
  // Push only where the crypto map on this interface says so (PIX "client configuration
  // address initiate"); everyone else pulls. A Cisco Unity client (VPN Client 3.x and later,
  // vpnc) asks by itself right after XAUTH: where the map also responds, a push would cross its
  // request and the client, waiting for its reply, would take our SET for a wrong answer and
  // give up (seed 004 has both lines). Such a client is answered instead.
  if (!pushes_config(cfg_, sa)) return;
  if (!assign_address(sa)) {
    sa.state = P1State::Deleting;
    return;
  }
  std::vector<Attribute> want;
  for (uint16_t t : {cfgattr::kIp4Address, cfgattr::kIp4Netmask, cfgattr::kIp4Dns,
                     cfgattr::kIp4Nbns, cfgattr::kDefaultDomain, cfgattr::kSplitInclude})
    want.push_back(Attribute::tlv(t, {}));
  ModeConfigInputs in = mode_config_inputs(cfg_, sa);
  auto reply = build_mode_config_reply(want, in);
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
  announce_client(sa);
}

void Engine::announce_client(const IkeSa& sa) {
  // The daemon follows the assignment (clients_generation, the sessions journal) with the proxy
  // ARP entry and the gratuitous ARP on each interface proxy_arp_interfaces names, once this
  // datagram is handled.
  if (sa.assigned && !proxy_arp_interfaces(cfg_, *sa.assigned).empty())
    log_.event(&sa, fmt::format("Gratuitous ARP sent for {}", sa.assigned->str()));
}

// ---- the transaction exchange ---------------------------------------------------------------

void Engine::xauth_through(IkeSa& sa) {
  sa.authorized = true;
  // A QM1 held meanwhile waits for mode-config's address from now on, not from its arrival.
  sa.quick_modes.delay_until(env_.now() + timers::kDelayedQuickMode);
  journal_.touch(sa.index);
  sa.state = sa.aggressive ? P1State::AmActive : P1State::MmActive;
  if (continue_session(sa)) {
    // The client's phase-1 rekey: it has its address and asks for no configuration (vpnc
    // waits for our lifetime notify instead, and gives up without it), so phase 1 completes now.
    established_syslog(sa);
  } else {
    report_phase1_unless_pulling(sa);
  }
  start_cfg_set(sa);
}

Outcome Engine::transaction(const Received& in) {
  IkeSa& sa = *in.sa;
  log_.debug(&sa, "processing hash payload");
  if (!wire_.verify_hash(sa, in.msgid, in.body, in.body.size(), {}))
    return Outcome::dropped("Hash verification failed on a transaction message, dropping",
                            &IkeStats::hash_fails);
  sa.last_heard = env_.now();
  transaction_attributes(sa, in.msgid, *first_payload<AttributePayload>(in.payloads));
  return Outcome::done();
}

void Engine::transaction_attributes(IkeSa& sa, uint32_t msgid, const AttributePayload& a) {
  log_.debug(&sa, "process_attr(): Enter!");
  if (a.type == cfg_type::kReply && sa.transaction.asking_server()) {
    // The client sent its reply again while the server is being asked: one question is enough,
    // and the status goes out (and is retransmitted) once the answer is in.
    ++stats_.duplicates;
    log_.debug(&sa, "XAUTH reply repeated while the AAA server is asked, dropping");
  } else if (a.type == cfg_type::kReply && sa.transaction.is_reply(msgid) &&
             sa.state == P1State::XauthWait) {
    sa.sent.answered();
    sa.exchange_ivs.erase(msgid);
    log_.debug(&sa, "Processing MODE_CFG Reply attributes.");
    xauth_.reply(sa, a);
  } else if (a.type == cfg_type::kAck && sa.transaction.is_ack(msgid)) {
    transaction_ack(sa, msgid);
  } else if (a.type == cfg_type::kRequest) {
    mode_config_request(sa, msgid, a);
  } else {
    log_.debug(&sa, fmt::format("Unexpected transaction message (type {}), dropping", a.type));
  }
}

void Engine::transaction_ack(IkeSa& sa, uint32_t msgid) {
  sa.sent.answered();
  sa.exchange_ivs.erase(msgid);
  log_.debug(&sa, "Processing cfg ACK attributes");
  switch (sa.transaction.acked()) {
    case Transaction::Set::XauthFail:
      sa.state = P1State::Deleting;
      break;
    case Transaction::Set::XauthOk:
      xauth_through(sa);
      break;
    case Transaction::Set::ModeCfg:
      accounting_start(sa);
      break;  // the pushed address is taken
    case Transaction::Set::None:
      break;  // a repeated ACK
  }
}

void Engine::mode_config_request(IkeSa& sa, uint32_t msgid, const AttributePayload& a) {
  if (sa.transaction.pending_set() == Transaction::Set::XauthOk) {
    // The client's ACK of our XAUTH status was lost, but it has moved on to mode-config: its
    // authenticated request shows it saw the status. Take it as the ACK (else we would resend
    // the status while the client waits for its reply, until the session times out).
    log_.debug(&sa, "Mode-config request before the XAUTH status ACK: taking it as the ACK");
    sa.sent.answered();
    sa.exchange_ivs.erase(sa.transaction.set_msgid());
    sa.transaction.acked();
    xauth_through(sa);
  }
  if (!sa.authorized || !sa.remote_access) {
    // Addresses go to authenticated remote-access users only: never before XAUTH is through,
    // never to a LAN-to-LAN peer.
    ++stats_.in_drop;
    log_.event(&sa, sa.remote_access ? "Mode-config request before XAUTH completed, dropping"
                                     : "Mode-config request from a LAN-to-LAN peer, dropping");
    return;
  }
  log_.debug(&sa, "Processing cfg Request attributes");
  auto lines = mode_config_request_lines(a.attributes);
  for (size_t i = 0; i < a.attributes.size(); ++i) {
    const Attribute& at = a.attributes[i];
    log_.line(&sa, lines[i].level <= 1 ? IkeLog::Tag::Event : IkeLog::Tag::Debug, lines[i].text);
    if (at.type == cfgattr::kApplicationVersion && !at.data.empty()) {
      sa.client_version = at.text();
      log_.event(&sa, client_type_line(sa.client_version));
    }
  }
  if (!assign_address(sa)) {
    sa.state = P1State::Deleting;
    return;
  }
  log_.debug(&sa, fmt::format("Obtained IP addr ({}) prior to initiating Mode Cfg (XAuth {})",
                              sa.assigned->str(), sa.username.empty() ? "disabled" : "enabled"));
  if (std::any_of(a.attributes.begin(), a.attributes.end(),
                  [](const Attribute& x) { return x.type == cfgattr::kIp4Netmask; }))
    log_.debug(&sa,
               fmt::format("Sending subnet mask ({}) to remote client", sa.assigned_mask.str()));
  log_.event(&sa, fmt::format("Assigned private IP address {} to remote user", sa.assigned->str()));
  log_.syslog_sa(&sa, nullptr, 713228, sa.assigned->str());
  send_mode_config_reply(sa, msgid, a);
}

void Engine::send_mode_config_reply(IkeSa& sa, uint32_t msgid, const AttributePayload& request) {
  // As the ASA: the blank hash first, then the attributes (construct_cfg_set), then the hash.
  log_.debug(&sa, "constructing blank hash payload");
  ModeConfigInputs in = mode_config_inputs(cfg_, sa);
  auto reply = build_mode_config_reply(request.attributes, in);
  log_.lines(sa, reply.log);
  AttributePayload out;
  out.type = cfg_type::kReply;
  out.identifier = request.identifier;
  out.attributes = std::move(reply.attributes);
  log_.debug(&sa, "constructing qm hash payload");
  wire_.send_protected(sa, Exchange::Transaction, msgid, {out}, {}, false);
  sa.exchange_ivs.erase(msgid);
  announce_client(sa);
  established_syslog(sa);
  accounting_start(sa);
}

}  // namespace rampart::ike
