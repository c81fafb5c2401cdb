// The running configuration as the ASA prints it, rendered from the model in the ASA's order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cli/render/writer.hpp"
#include "control/config/model.hpp"

namespace rampart::cli {

class System;

// The one ASA release Rampart speaks, everywhere it shows: "show version", the running-config's
// "ASA Version" header, the password hash forms (PBKDF2, 9.7+) and the debug and show formats
// (9.x with IKEv1 and the 8.4 command set of the seeds). README "Which ASA" says why this one.
inline constexpr std::string_view kAsaRelease = "9.8(4)";

// Every block of the configuration, in ASA order, with the header (": Saved", "ASA Version")
// and trailer (": end"). Used by show running-config, write memory and the round-trip tests.
std::string render_running_config(const config::Config& cfg, const RenderOptions& opt);
// The startup-config text "write memory" saves: the running configuration with its secrets.
std::string render_saved_config(const config::Config& cfg);
// Only the blocks whose top-level line starts with one of the prefixes ("crypto map",
// "tunnel-group EZ", ...), in configuration order; no header.
std::string render_section(const config::Config& cfg, const RenderOptions& opt,
                           const std::vector<std::string>& prefixes);

// MD5 of the masked rendering, printed as "Cryptochecksum:" and by write memory.
std::string config_checksum(const config::Config& cfg);

// Section renderers, called in this order by render_running_config. Each lives beside the
// commands that edit its part of the model (cli/commands/<section>.cpp).
void render_system(const config::Config& cfg, ConfigWriter& w);  // hostname, enable, passwd, names
void render_interfaces(const config::Config& cfg, ConfigWriter& w);     // interface blocks
void render_same_security(const config::Config& cfg, ConfigWriter& w);  // same-security-traffic
void render_objects(const config::Config& cfg, ConfigWriter& w);        // object network|service
void render_object_groups(const config::Config& cfg, ConfigWriter& w);  // object-group
void render_access_lists(const config::Config& cfg, ConfigWriter& w);   // access-list
void render_icmp(const config::Config& cfg, ConfigWriter& w);           // icmp permit|deny
void render_arp(const config::Config& cfg, ConfigWriter& w);            // arp timeout
void render_nat(const config::Config& cfg, ConfigWriter& w);  // twice NAT, object NAT blocks
void render_access_groups(const config::Config& cfg, ConfigWriter& w);  // access-group
void render_timeouts(const config::Config& cfg, ConfigWriter& w);       // timeout
void render_mpf(const config::Config& cfg,
                ConfigWriter& w);  // class-map, policy-map, service-policy
void render_terminal(const config::Config& cfg, ConfigWriter& w);  // pager lines, logging, mtu
void render_logging(const config::Config& cfg, ConfigWriter& w);   // logging ...
void render_pools(const config::Config& cfg, ConfigWriter& w);     // ip local pool
void render_boot(const config::Config& cfg, ConfigWriter& w);      // boot system
void render_routes(const config::Config& cfg, ConfigWriter& w);    // route
void render_aaa(const config::Config& cfg, ConfigWriter& w);       // aaa-server, aaa authentication
void render_sysopt(const config::Config& cfg, ConfigWriter& w);    // sysopt connection permit-vpn
void render_crypto(const config::Config& cfg,
                   ConfigWriter& w);  // crypto ipsec/dynamic-map/map/ikev1
void render_management(const config::Config& cfg, ConfigWriter& w);  // ssh, console timeout
void render_clock(const config::Config& cfg, ConfigWriter& w);       // clock timezone|summer-time
void render_ntp(const config::Config& cfg, ConfigWriter& w);         // ntp
void render_snmp(const config::Config& cfg, ConfigWriter& w);        // snmp-server
void render_group_policies(const config::Config& cfg, ConfigWriter& w);
void render_users(const config::Config& cfg, ConfigWriter& w);
void render_tunnel_groups(const config::Config& cfg, ConfigWriter& w);
// vpn-sessiondb max-session-limit
void render_vpn_sessiondb(const config::Config& cfg, ConfigWriter& w);

}  // namespace rampart::cli
