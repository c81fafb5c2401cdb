// Each configuration section registers its commands here. One file per section:
// cli/commands/<section>.cpp holds the command table, the handlers and the section renderer.
#pragma once

#include "cli/engine/tree.hpp"

namespace rampart::cli {

void register_exec(
    CommandTree& t);  // enable, disable, configure, exit, end, terminal, show version/history
void register_system(
    CommandTree& t);  // hostname, domain-name, enable password, passwd, names, banner, pager, mtu
void register_interfaces(
    CommandTree& t);  // interface sub-mode, route, show interface ip brief, show route
void register_config_io(
    CommandTree& t);  // show running/startup-config, write, copy, clear configure
void register_access_lists(CommandTree& t);
void register_objects(CommandTree& t);            // object network|service
void register_object_groups(CommandTree& t);      // object-group and its members
void register_access_groups(CommandTree& t);      // access-group
void register_firewall_settings(CommandTree& t);  // same-security-traffic, timeout, arp timeout
void register_mpf(CommandTree& t);                // class-map, policy-map, service-policy
void register_fixup(CommandTree& t);              // PIX fixup protocol -> inspect
void register_crypto(CommandTree& t);             // crypto ipsec / dynamic-map / map / isakmp|ikev1
void register_pools(CommandTree& t);              // ip local pool, show ip local pool
void register_users(CommandTree& t);              // username, username attributes
void register_tunnel_groups(CommandTree& t);
void register_group_policies(CommandTree& t);
void register_aaa(CommandTree& t);           // aaa-server, aaa authentication
void register_aaa_show(CommandTree& t);      // show/clear/test aaa-server
void register_management(CommandTree& t);    // ssh, sysopt, console timeout
void register_icmp_access(CommandTree& t);   // icmp permit|deny (ICMP to the box)
void register_flash(CommandTree& t);         // dir, copy, delete, boot system, show bootvar, reload
void register_pix(CommandTree& t);           // PIX 6.3 commands migrated to the ASA model
void register_nat(CommandTree& t);           // object NAT, twice NAT, show running-config nat
void register_pix_nat(CommandTree& t);       // PIX global/static (nat: register_nat)
void register_debug(CommandTree& t);         // debug crypto ..., undebug all, show debug
void register_system_views(CommandTree& t);  // show nameif|ip address|arp|cpu|memory, ping
void register_logging(CommandTree& t);       // logging ... (configuration)
void register_logging_show(CommandTree& t);  // show logging, clear logging buffer
void register_counters(CommandTree& t);      // show counters (bad input the CLI refused)
void register_connections(CommandTree& t);   // show conn/xlate/local-host, clear conn/xlate
void register_firewall_show(CommandTree& t);  // show access-list, show nat, show service-policy
void register_packet_tracer(CommandTree& t);
void register_time(CommandTree& t);  // clock, ntp, show clock, show ntp  // packet-tracer input ...
void register_snmp(CommandTree& t);  // snmp-server ...
void register_vpn_sessions(CommandTree& t);
void register_vpn_sessiondb(CommandTree& t);  // vpn-sessiondb max-session-limit
void register_ipsec_sa(CommandTree& t);  // show crypto ipsec sa, clear crypto ipsec sa  // show
                                         // crypto isakmp sa, show vpn-sessiondb, clear

void register_crypto_accelerator(CommandTree& t);  // show/clear crypto accelerator statistics
std::string crypto_engine_line();  // show version's "Encryption hardware device" line

inline void register_all(CommandTree& t) {
  register_exec(t);
  register_system(t);
  register_logging(t);
  register_logging_show(t);
  register_interfaces(t);
  register_system_views(t);
  register_config_io(t);
  register_access_lists(t);
  register_objects(t);
  register_object_groups(t);
  register_access_groups(t);
  register_firewall_settings(t);
  register_mpf(t);
  register_fixup(t);
  register_crypto(t);
  register_pools(t);
  register_users(t);
  register_tunnel_groups(t);
  register_group_policies(t);
  register_aaa(t);
  register_aaa_show(t);
  register_management(t);
  register_icmp_access(t);
  register_vpn_sessions(t);
  register_vpn_sessiondb(t);
  register_ipsec_sa(t);
  register_crypto_accelerator(t);
  register_flash(t);
  register_pix(t);
  register_nat(t);
  register_pix_nat(t);
  register_debug(t);
  register_counters(t);
  register_packet_tracer(t);
  register_connections(t);
  register_firewall_show(t);
  register_time(t);
  register_snmp(t);
}

}  // namespace rampart::cli
