// The kernel rules that keep the kernel off what the dataplane owns (DESIGN: "rules live in one
// place in platform/"): ESP addressed to the box is dropped at input, so the kernel, which has
// no ESP of its own here, never answers it with ICMP protocol-unreachable (the ESP the dataplane
// decrypts reaches the kernel through a TUN device, as cleartext). ESP-in-UDP needs no
// rule: the IKE socket's filter refuses it and the socket exists, so no port-unreachable either.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rampart::platform {

// Installs (or refreshes) table ip rampart_dataplane. An error text when nft is unavailable.
// Forwarding is the firewall's (table ip rampart_fw, firmware/daemon/firewall_service).
std::string dataplane_rules_script();
std::optional<std::string> install_dataplane_rules();
void remove_dataplane_rules();

// SSH to the box is admitted on an interface's own address only when it arrives on that
// interface: Linux answers for any of its addresses on every port (the weak host model), so
// without these rules an outside host could route to the inside address and log in there
// under "ssh ... inside". Table ip rampart_ssh; an empty list removes it.
struct SshBinding {
  std::string address;  // the interface's address, sshd's ListenAddress
  std::string device;   // the Linux device it belongs to ("eth1")
};
std::string ssh_rules_script(const std::vector<SshBinding>& bindings);
std::optional<std::string> install_ssh_rules(const std::vector<SshBinding>& bindings);

// SNMP to the box (UDP 161) is admitted on an interface's address only from the polling hosts
// configured on that interface, arriving on its device (or its VPN device), and only in the
// SNMP version their host line names: snmpd's com2sec ties a community to a source, but its
// VACM has none for SNMPv3 users, and without these rules any address could reach snmpd at all.
// Every other packet to UDP 161 of the box, on any address and device (lo too: rampartd asks
// snmpd over a unix socket), is counted (counter "refused", kept while the table is) and
// dropped. Table ip rampart_snmp; an empty list removes it. A version 3 request that passes
// is not accepted but goes to chain v3_user, which queues it to kSnmpV3Queue (insert_queue_rule),
// where rampartd checks its user against the host's (snmp::V3Gate); with nobody reading the
// queue the kernel drops it, and without the queue rule the chain drops and counts it
// (counter v3_unchecked).
constexpr uint16_t kSnmpV3Queue = 161;
struct SnmpBinding {
  std::string address;               // the interface's address, where snmpd listens
  std::vector<std::string> devices;  // where its polls may arrive ("eth1", "eth1-vpn")
  std::vector<std::string> hosts;    // the polling hosts of this version on that interface
  uint8_t version = 1;               // msgVersion as the message carries it: 0 v1, 1 v2c, 3 v3
  bool operator==(const SnmpBinding&) const = default;
};
std::string snmp_rules_script(const std::vector<SnmpBinding>& bindings);
std::optional<std::string> install_snmp_rules(const std::vector<SnmpBinding>& bindings);

}  // namespace rampart::platform
