// SNMP through net-snmp's snmpd: rampartd writes snmpd.conf from the snmp-server lines into a
// 0700 directory, runs snmpd as its own child (an AgentX master on a unix socket in that
// directory), and is its AgentX subagent (RFC 2741) for IF-MIB and the Cisco VPN MIBs: each
// request is answered from a snapshot of the interfaces and sessions taken for it. Tunnels
// coming up and going down become cipSecTunnelStart/Stop notifications, interfaces' links
// IF-MIB linkUp/linkDown, and sessions refused at vpn-sessiondb max-session-limit
// ciscoRasTooManySessions, which snmpd sends to the trap hosts. Kernel rules (table ip
// rampart_snmp) keep UDP 161 to the polling hosts of each interface, in their version, and
// queue v3 requests to rampartd, which lets on only those of the host line's user (V3Gate).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/snmp/agentx.hpp"
#include "control/snmp/mib.hpp"
#include "control/snmp/session_threshold.hpp"
#include "control/snmp/snmpd_conf.hpp"
#include "control/snmp/v3_gate.hpp"
#include "firmware/daemon/snmp_counters.hpp"
#include "platform/child.hpp"
#include "platform/firewall.hpp"
#include "platform/nfqueue.hpp"

namespace rampart::cli {
class Appliance;
}

namespace rampart::firmware {

class BoxSystem;

class SnmpService {
 public:
  struct Options {
    std::string snmpd = "/usr/sbin/snmpd";
    std::string run_dir = "/run/rampart/snmp";
  };
  SnmpService(Options o, cli::Appliance& app, const BoxSystem& sys);
  ~SnmpService();
  SnmpService(const SnmpService&) = delete;
  SnmpService& operator=(const SnmpService&) = delete;

  // A stable descriptor for the server's loop to watch (an epoll set holding the AgentX
  // connection, whichever it is now); readable() does the work.
  int fd() const { return epoll_; }
  void readable();
  // After every CLI line and once a second: applies changed snmp-server lines (restarting
  // snmpd), reconnects to snmpd, and turns tunnel changes into notifications.
  void sync(const config::Config& cfg);

  // show snmp-server statistics' source (BoxSystem hands it to the CLI).
  cli::SnmpStatsClient* statistics() { return &counters_; }

  static constexpr int kRestartSeconds = 5;
  // Notifications kept while snmpd is not there; past this the oldest go (counted in the log).
  static constexpr size_t kMaxQueued = 64;
  // v3 requests waiting for the user check; past this the kernel drops them (as a lost poll).
  static constexpr uint32_t kV3Queued = 256;

 private:
  enum class State { Down, Opening, Registering, Ready };
  // Why snmpd starts: the first time since rampartd did (the box booting: its coldStart goes
  // out where enabled), after a change of the snmp-server lines (nothing is announced: the box
  // did not restart, and an ASA's agent does not for a configuration change), or again after it
  // died or its rules were missing (warmStart, where enabled: the agent restarted with its
  // configuration unaltered, RFC 3418).
  enum class Start { First, Reconfigured, Again };
  void start_snmpd(const config::Config& cfg, Start why);
  void stop_snmpd();
  void connect();
  void disconnect(const std::string& why);
  void send(const std::vector<uint8_t>& pdu);
  void handle(const snmp::agentx::Request& q);
  void watch_tunnels(const config::Config& cfg);
  void watch_links(const config::Config& cfg);
  void watch_session_limit(const config::Config& cfg);
  // Whether the rules wanted are in the kernel (snmpd runs only then).
  bool apply_rules(const config::Config& cfg);
  // The v3 user check: its table from the host lines, its queue open while any v3 host polls
  // (retried every kRestartSeconds; until it is open the kernel drops v3 polls).
  void sync_v3_gate(const config::Config& cfg);
  bool admit_v3(const platform::QueuedDatagram& d);
  void notify(std::vector<snmp::VarBind> varbinds);
  snmp::Snapshot snapshot() const;

  Options o_;
  cli::Appliance& app_;
  const BoxSystem& sys_;
  snmp::SnmpdPaths paths_;
  SnmpCounters counters_;
  platform::Child snmpd_;
  std::string applied_conf_;
  // The kernel rules that keep UDP 161 to the polling hosts (platform::install_snmp_rules);
  // none yet: the first sync() applies them, which also removes what a killed rampartd left.
  std::optional<std::vector<platform::SnmpBinding>> applied_rules_;
  bool rules_installed_ = false;
  snmp::V3Gate v3_gate_;
  std::unique_ptr<platform::NfqueueReader> v3_queue_;
  int64_t v3_queue_tried_ = 0;
  int64_t rules_tried_ = 0;
  int64_t last_start_ = 0;
  bool started_once_ = false;
  int epoll_ = -1;
  int sock_ = -1;
  State state_ = State::Down;
  uint32_t session_ = 0, packet_ = 0;
  size_t registered_ = 0;
  std::vector<uint8_t> in_;
  std::deque<std::vector<snmp::VarBind>> queued_;
  // IPsec SAs seen up at the last look: conn_id -> when we first saw it (seconds, monotonic).
  std::map<uint32_t, uint64_t> tunnels_;
  bool tunnels_known_ = false;
  uint64_t tunnels_generation_ = 0;  // the engine's ipsec_generation at the last walk
  // Operational state of each configured interface at the last look (by hardware name), while
  // linkup or linkdown traps are on; empty otherwise.
  std::map<std::string, bool> links_up_;
  // ciscoRasTooManySessions: when it is due, and the engine's clients_generation when the
  // sessions were last counted for it.
  snmp::SessionThreshold threshold_;
  uint64_t threshold_generation_ = 0;
};

}  // namespace rampart::firmware
