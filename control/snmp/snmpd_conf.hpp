// net-snmp's snmpd as the appliance's SNMP agent: the snmpd.conf rampartd writes from the
// snmp-server lines. snmpd listens only on the addresses of interfaces that have a polling
// host, answers only those hosts (their community or v3 user), shows only the MIB subtrees an
// ASA serves, sends notifications to the trap hosts, and is an AgentX master on a unix socket
// in a 0700 directory, where Rampart (rampartd) is the only subagent that can connect.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/snmp/v3_gate.hpp"
#include "platform/firewall.hpp"

namespace rampart::snmp {

struct SnmpdPaths {
  std::string dir;  // mode 0700: snmpd.conf (0600, secrets), the AgentX socket, persistent state
  std::string conf() const { return dir + "/snmpd.conf"; }
  std::string socket() const { return dir + "/agentx.sock"; }
  // rampartd's own v2c queries (show snmp-server statistics): the snmp group only.
  std::string query_socket() const { return dir + "/query.sock"; }
  std::string persist() const { return dir + "/persist"; }
  std::string log() const { return dir + "/snmpd.log"; }
};

// snmpd runs at all: enabled and at least one host to answer or notify.
bool snmpd_wanted(const config::Config& cfg);
// `self_community`: the secret of rampartd's own queries on paths.query_socket(), made at
// random by rampartd and never shown; no network address takes it. cold_start false: snmpd's
// coldStart is held back even where enabled (an snmpd started again while the box runs: the
// box did not restart).
std::string snmpd_conf(const config::Config& cfg, const SnmpdPaths& paths,
                       const std::string& asa_release, const std::string& self_community,
                       bool cold_start = true);
// Whether snmpd can serve a v3 user as configured. net-snmp's USM has no 3DES: a user with 3des
// privacy is kept in the configuration but given to snmpd not at all (no polls, no traps), never
// quietly with a weaker cipher.
bool usable(const config::SnmpUser& u);
// The kernel rules' view of the polling hosts snmpd answers (platform::install_snmp_rules):
// by interface and version, the interface's address, its device and VPN device, the hosts.
// None when snmpd does not run. device_for: a hardware name's Linux device.
std::vector<platform::SnmpBinding> snmp_bindings(
    const config::Config& cfg, const std::function<std::string(const std::string&)>& device_for);
// The v3 polling hosts snmpd answers, by interface address and host address, with the user
// their line names (the V3Gate's table). None when snmpd does not run.
V3Gate::Users v3_polling_users(const config::Config& cfg);
// Whether a trap family is on: "ipsec start", "snmp linkup", ...
bool trap_enabled(const config::Snmp& s, const std::string& name);

}  // namespace rampart::snmp
