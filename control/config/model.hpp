// The typed configuration model. CLI handlers edit it; the running-config renderer prints it;
// the control plane (IKE, AAA) and platform glue read it. It holds no behaviour beyond lookups,
// so each section can be tested and rendered on its own.
//
// Keyed collections are std::map so that rendering is deterministic without sorting at print
// time; where the ASA prints in insertion order (access-list entries, group-policy attributes,
// transform lists) we keep vectors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/config/algorithms.hpp"
#include "control/config/firewall.hpp"
#include "control/config/logging.hpp"
#include "control/config/types.hpp"

namespace rampart::config {

// ---- system -------------------------------------------------------------------------------

// A password as the ASA stores it: a hash plus the keyword that says which kind.
// "encrypted" is the PIX/ASA MD5 form; "pbkdf2" the ASA 9.x form. Cleartext is never kept.
struct PasswordHash {
  std::string hash;
  std::string kind;  // "encrypted" | "pbkdf2"
  bool operator==(const PasswordHash&) const = default;
};

struct System {
  std::string hostname = "rampart";
  std::optional<std::string> domain_name;
  std::optional<PasswordHash> enable_password;  // empty by default, as on the ASA
  std::optional<PasswordHash> passwd;           // telnet/ssh login password (PIX "passwd")
  int pager_lines = 24;                         // "pager lines N"; 0 disables
  std::vector<std::string> banner_motd;
  int console_timeout = 0;
  std::map<std::string, int> mtu;        // nameif -> MTU ("mtu outside 1500")
  std::vector<std::string> names;        // "name 192.0.2.10 host1" lines, kept in order
  bool names_enabled = false;            // "names"
  std::vector<std::string> boot_images;  // "boot system disk0:/x.bin", tried in this order
  int arp_timeout = 14400;               // "arp timeout N" (seconds): neighbour entries' life
};

// ---- interfaces and routing ---------------------------------------------------------------

struct Interface {
  std::string hw_name;  // canonical, e.g. "GigabitEthernet0/0"
  std::optional<std::string> nameif;
  std::optional<int> security_level;
  std::optional<Ipv4> address;
  std::optional<Mask> mask;
  // A configuration line without "shutdown" means up; the factory default configuration is
  // what shuts the hardware interfaces (Appliance::reset_to_defaults).
  bool shutdown = false;
  std::optional<std::string> description;
  std::optional<std::string> speed;   // auto | 10 | 100 | 1000
  std::optional<std::string> duplex;  // auto | full | half
  bool operator==(const Interface&) const = default;
};

struct Route {
  std::string nameif;
  Ipv4 network;
  Mask mask;
  Ipv4 gateway;
  int distance = 1;
  auto operator<=>(const Route&) const = default;
};

// ---- access lists -------------------------------------------------------------------------

// One address operand of an ACE: any, host A, A M, "object N" or "object-group N" (names that
// control/firewall resolves; a crypto ACL expands them the same way).
struct AclAddress {
  enum class Kind { Any, Host, Subnet, Object, Group, Interface } kind = Kind::Any;
  Ipv4 address;
  Mask mask;
  std::string name;  // Object, Group: the object's name; Interface: the nameif
  bool operator==(const AclAddress&) const = default;
};

struct AccessListEntry {
  enum class Type { Extended, Standard, Remark } type = Type::Extended;
  bool permit = true;
  // "ip", "tcp", "udp", "icmp", or a number; empty for standard/remark. With a service
  // operand ("object-group SVC" or "object SVC" in the protocol's place) it is empty and
  // service names the object.
  std::string protocol;
  std::optional<AclAddress> service;  // Kind Object or Group
  AclAddress source;
  AclPort source_port;
  AclAddress destination;  // standard ACLs use only this one, as the ASA does
  AclPort destination_port;
  std::optional<std::string> icmp_type;  // "permit icmp any any echo-reply"
  // "log [LEVEL] [interval SECS] | log disable": syslog 106100 for this ACE.
  std::optional<int> log_level;  // set when "log" is given (6 when no level)
  std::optional<int> log_interval;
  bool log_disable = false;
  bool inactive = false;
  std::string remark;
  // A port group in a port's place ("... any object-group WEB-PORTS"): an
  // "object-group service NAME tcp|udp|tcp-udp" of port-objects, named instead of an operator.
  std::optional<std::string> source_port_group, destination_port_group;
  bool operator==(const AccessListEntry&) const = default;
};

struct AccessList {
  std::string name;
  std::vector<AccessListEntry> entries;
};

// ---- IPsec / ISAKMP -----------------------------------------------------------------------

struct TransformSet {
  std::string name;
  EspEncryption encryption = EspEncryption::Aes128;  // the first word ("esp-aes")
  EspIntegrity integrity = EspIntegrity::None;       // the second ("esp-sha-hmac"), if any
  std::string mode = "tunnel";                       // "mode transport" is the only non-default
};

// What "set ..." lines of a crypto map or dynamic-map entry configure.
struct CryptoMapSettings {
  std::vector<std::string> transform_sets;  // set [ikev1] transform-set A B ...
  std::optional<int> pfs_group;             // set pfs [groupN]; group 2 when omitted
  std::optional<uint32_t> lifetime_seconds;
  std::optional<uint32_t> lifetime_kilobytes;
  bool reverse_route = false;
  std::optional<std::string> match_address;  // crypto ACL name
  std::vector<std::string> peers;            // set peer A [B ...] (address or hostname)
  bool nat_t_disable = false;
  std::optional<std::string> connection_type;  // answer-only | originate-only | bidirectional
};

struct DynamicMap {
  std::string name;
  std::map<uint32_t, CryptoMapSettings> entries;  // seq -> settings
};

struct CryptoMapEntry {
  uint32_t seq = 0;
  std::optional<std::string> dynamic_map;  // "ipsec-isakmp dynamic NAME"
  bool ipsec_isakmp = true;                // "ipsec-isakmp" (vs ipsec-manual, not supported)
  CryptoMapSettings settings;
};

struct CryptoMap {
  std::string name;
  std::map<uint32_t, CryptoMapEntry> entries;
  std::optional<std::string> interface;  // crypto map NAME interface IFNAME
  // PIX 6.3 "crypto map NAME client configuration address initiate|respond" and
  // "crypto map NAME client authentication AAA-GROUP", kept for the migrated model.
  bool client_config_initiate = false;
  bool client_config_respond = false;
  std::optional<std::string> client_authentication;
};

struct IsakmpPolicy {
  uint32_t priority = 0;
  // The ASA's defaults; words and numbers in control/config/algorithms.
  IkeAuthentication authentication = IkeAuthentication::RsaSig;
  IkeEncryption encryption = IkeEncryption::TripleDes;
  IkeHash hash = IkeHash::Sha1;
  int group = 2;              // a DH group of the table (dh_group() finds it)
  uint32_t lifetime = 86400;  // seconds; 0 = "lifetime none"
  bool operator==(const IsakmpPolicy&) const = default;
};

struct Crypto {
  std::map<std::string, TransformSet> transform_sets;
  uint32_t sa_lifetime_seconds = 28800;  // crypto ipsec security-association lifetime
  uint32_t sa_lifetime_kilobytes = 4608000;
  int replay_window = 64;  // crypto ipsec security-association replay window-size
  std::map<std::string, std::string> df_bit;  // nameif -> clear-df | set-df | copy-df
  std::map<std::string, std::string>
      fragmentation;  // nameif -> before-encryption | after-encryption
  std::map<std::string, DynamicMap> dynamic_maps;
  std::map<std::string, CryptoMap> maps;
  std::set<std::string> isakmp_enabled;  // nameifs with "crypto ikev1 enable"
  std::map<uint32_t, IsakmpPolicy> policies;
  bool nat_traversal = true;  // on by default from ASA 8.3
  int nat_traversal_keepalive = 20;
  std::string identity = "auto";  // address | hostname | key-id | auto
  bool am_disable = false;
  std::optional<int> max_in_negotiation_sa;  // crypto ikev1 limit max-in-negotiation-sa
};

// ---- remote-access objects ----------------------------------------------------------------

struct LocalPool {
  std::string name;
  Ipv4 first, last;
  std::optional<Mask> mask;
};

struct UserAttributes {
  std::optional<Ipv4> framed_ip;
  std::optional<Mask> framed_mask;
  std::optional<std::string> group_policy;     // vpn-group-policy
  std::optional<std::string> service_type;     // admin | remote-access | nas-prompt
  std::optional<std::string> tunnel_protocol;  // vpn-tunnel-protocol
  std::optional<int> idle_timeout;
  std::optional<int> simultaneous_logins;
  bool operator==(const UserAttributes&) const = default;
};

struct User {
  std::string name;
  std::optional<PasswordHash> password;  // absent for "nopassword"
  int privilege = 2;                     // ASA default privilege for username is 2
  UserAttributes attributes;
  bool has_attributes_block = false;  // "username X attributes" entered even if empty
  bool operator==(const User&) const = default;
};

struct TunnelGroupGeneral {
  std::vector<std::string> address_pools;
  std::optional<std::string> default_group_policy;
  std::optional<std::string> authentication_server_group;
  bool authentication_fallback_local = false;  // "authentication-server-group G LOCAL"
  std::optional<std::string> authorization_server_group;
  std::optional<std::string> accounting_server_group;
  // "password-management [password-expire-in-days N]": expired passwords changed in XAUTH.
  std::optional<int> password_management_days;  // 0 without password-expire-in-days
};

struct TunnelGroupIpsec {
  std::optional<Secret> pre_shared_key;
  bool keepalive_disabled = false;
  std::optional<int> keepalive_threshold;  // isakmp keepalive threshold N retry M
  std::optional<int> keepalive_retry;
  std::optional<std::string> peer_id_validate;  // req | cert | nocheck
  bool xauth_disabled = false;                  // isakmp ikev1-user-authentication none
};

struct TunnelGroup {
  std::string name;
  std::string type;  // remote-access | ipsec-l2l (ipsec-ra is accepted and stored as remote-access)
  TunnelGroupGeneral general;
  TunnelGroupIpsec ipsec;
  bool has_general_block = false;
  bool has_ipsec_block = false;
};

// A group-policy attribute whose value the ASA prints after the keyword, e.g.
// "dns-server value 192.0.2.53" -> {"dns-server", "value 192.0.2.53"}. Kept as an ordered map
// by keyword so that set/replace/remove are O(log n) and rendering order is canonical.
struct GroupPolicy {
  std::string name;
  std::string kind = "internal";  // internal | external
  std::optional<std::string> external_server_group;
  bool has_attributes_block = false;
  std::optional<std::vector<Ipv4>> dns_servers;
  std::optional<std::vector<Ipv4>> wins_servers;
  std::optional<std::string> default_domain;
  std::optional<std::string> split_tunnel_policy;  // tunnelall | tunnelspecified | excludespecified
  std::optional<std::string> split_tunnel_network_list;
  std::optional<std::vector<std::string>> split_dns;
  std::optional<std::vector<std::string>> vpn_tunnel_protocol;  // ikev1 ikev2 l2tp-ipsec ...
  std::optional<bool> password_storage;
  std::optional<bool> pfs;
  std::optional<std::vector<std::string>> banner;  // "banner value LINE" lines
  std::optional<std::vector<std::string>>
      backup_servers;                   // "keep-client-config" | "clear-client-config" | addresses
  std::optional<int> vpn_idle_timeout;  // minutes, or none (-1)
  std::optional<int> vpn_session_timeout;
  std::optional<std::vector<std::string>> address_pools;
  std::optional<bool> smartcard_removal_disconnect;
  std::optional<int> vpn_simultaneous_logins;
  std::optional<std::string> vpn_filter;  // "vpn-filter value ACL" ("none" is nullopt)
};

// ---- AAA ----------------------------------------------------------------------------------

// "aaa-server G (IF) host A" and its sub-mode. Unset fields take the ASA's defaults
// (control/aaa/defaults.hpp): timeout 10 s, retry-interval 10 s, RADIUS ports 1645/1646,
// TACACS+ port 49.
struct AaaServerHost {
  std::string interface;  // nameif
  Ipv4 address;
  std::optional<Secret> key;
  std::optional<int> timeout;         // seconds, 1-300
  std::optional<int> retry_interval;  // seconds, 1-10 (RADIUS)
  std::optional<uint16_t> authentication_port;
  std::optional<uint16_t> accounting_port;
  bool operator==(const AaaServerHost&) const = default;
};

struct AaaServerGroup {
  std::string name;
  std::string protocol;                    // radius | tacacs+ | local | ldap
  std::vector<AaaServerHost> hosts;        // tried in this order
  std::optional<int> max_failed_attempts;  // 1-5, default 3
  // "reactivation-mode depletion [deadtime M]" (default, deadtime 10) | "reactivation-mode timed"
  bool reactivation_timed = false;
  std::optional<int> deadtime;  // minutes, 0-1440
  // "interim-accounting-update [periodic [H]]": 0 = on a new address only; H hours.
  std::optional<int> interim_accounting_update;
  bool accounting_simultaneous = false;  // "accounting-mode simultaneous" (default single)
  bool operator==(const AaaServerGroup&) const = default;
};

// "aaa authentication SERVICE console GROUP [LOCAL]".
struct AdminAuthentication {
  std::string group;            // a server group, or "LOCAL"
  bool fallback_local = false;  // "GROUP LOCAL"
  bool operator==(const AdminAuthentication&) const = default;
};

struct Management {
  // "ssh 192.0.2.0 255.255.255.0 inside"
  struct SshAccess {
    Ipv4 network;
    Mask mask;
    std::string nameif;
    auto operator<=>(const SshAccess&) const = default;
  };
  std::set<SshAccess> ssh;
  int ssh_version = 2;
  int ssh_timeout = 5;  // minutes
  // By service: "ssh", "serial", "telnet", "enable", "http".
  std::map<std::string, AdminAuthentication> aaa_authentication;
  bool authorization_exec_server = false;  // "aaa authorization exec authentication-server"
  std::optional<std::string> accounting_command_group;  // "aaa accounting command GROUP"
  std::optional<int> accounting_command_privilege;      // "... command privilege N GROUP"
  // True when SERVICE logins are checked at all (LOCAL or a server group).
  bool authenticates(const std::string& service) const {
    return aaa_authentication.contains(service);
  }
  bool permit_vpn = true;  // sysopt connection permit-vpn: on by default on the ASA
};

// ---- time ---------------------------------------------------------------------------------

// When summer time begins or ends, as "clock summer-time" gives it: a recurring rule (the
// week of the month, 1-4 or 5 for "last", a weekday 0 = Sunday, a month 1-12) or one date.
struct SummerEdge {
  int week = 0;  // recurring: 1-4, 5 = last
  int weekday = 0;
  int month = 1;
  int day = 0;   // date form: the day of the month
  int year = 0;  // date form: the year
  int minute_of_day = 0;
  bool operator==(const SummerEdge&) const = default;
};

struct SummerTime {
  std::string zone;  // "PDT": shown while summer time is in effect
  bool recurring = true;
  SummerEdge start, end;
  int offset_minutes = 60;
  bool operator==(const SummerTime&) const = default;
};

// "clock timezone ZONE HOURS [MINUTES]" and "clock summer-time ...": how the appliance shows
// its clock (show clock, syslog timestamps). The kernel keeps UTC; see control/time.
struct ClockSettings {
  std::string zone = "UTC";
  int offset_minutes = 0;  // from UTC, signed
  bool timezone_set = false;
  std::optional<SummerTime> summer;
  bool operator==(const ClockSettings&) const = default;
};

// "ntp server ADDR [key N] [source IF] [prefer]".
struct NtpServer {
  std::optional<uint32_t> key;
  std::optional<std::string> source;  // nameif
  bool prefer = false;
  bool operator==(const NtpServer&) const = default;
};

struct Ntp {
  std::map<Ipv4, NtpServer> servers;
  bool authenticate = false;            // "ntp authenticate"
  std::map<uint32_t, Secret> md5_keys;  // "ntp authentication-key N md5 KEY"
  std::set<uint32_t> trusted_keys;      // "ntp trusted-key N"
  bool operator==(const Ntp&) const = default;
};

// ---- SNMP ("snmp-server ..."): net-snmp's snmpd answers, Rampart serves its MIBs over AgentX --

enum class SnmpVersion : uint8_t { V1, V2c, V3 };
enum class SnmpSecurity : uint8_t { NoAuth, Auth, Priv };  // "snmp-server group G v3 ..."
enum class SnmpAuth : uint8_t { None, Md5, Sha };
enum class SnmpPriv : uint8_t { None, Des, TripleDes, Aes128, Aes192, Aes256 };

// "snmp-server host IF ADDR [poll|trap] [community C] [version 1|2c|3 USER] [udp-port N]".
struct SnmpHost {
  bool poll = true, trap = true;    // neither keyword: both
  std::optional<Secret> community;  // none: the global "snmp-server community"
  SnmpVersion version = SnmpVersion::V1;
  std::string user;  // version 3
  uint16_t udp_port = 162;
  bool operator==(const SnmpHost&) const = default;
};

// "snmp-server user U G v3 [auth md5|sha P] [priv des|3des|aes 128|192|256 P]".
struct SnmpUser {
  std::string group;
  SnmpAuth auth = SnmpAuth::None;
  Secret auth_password;
  SnmpPriv priv = SnmpPriv::None;
  Secret priv_password;
  bool operator==(const SnmpUser&) const = default;
};

struct Snmp {
  bool enabled = true;  // "snmp-server enable" is the ASA's default
  std::optional<Secret> community;
  std::string location, contact;
  std::set<std::string> traps;  // "ipsec start", "snmp linkup", ... (family and name)
  std::map<std::pair<std::string, Ipv4>, SnmpHost> hosts;  // by nameif and address
  std::map<std::string, SnmpSecurity> groups;              // v3 groups
  std::map<std::string, SnmpUser> users;
  bool operator==(const Snmp&) const = default;
};

// "vpn-sessiondb max-session-limit N": the most sessions (remote-access and LAN-to-LAN
// together) the box admits; none: no limit of the configuration's.
struct VpnSessionDb {
  std::optional<uint32_t> max_session_limit;
};

// ---- the whole configuration --------------------------------------------------------------

struct Config {
  System system;
  std::map<std::string, Interface, NaturalLess>
      interfaces;  // by canonical hw name, 0/2 before 0/10
  std::set<Route> routes;
  std::map<std::string, AccessList> access_lists;
  std::vector<std::string> access_list_order;  // ASA prints ACLs in creation order
  Crypto crypto;
  std::map<std::string, LocalPool> pools;
  std::map<std::string, User> users;
  std::map<std::string, TunnelGroup> tunnel_groups;
  std::map<std::string, GroupPolicy> group_policies;
  std::map<std::string, AaaServerGroup> aaa_servers;
  Management management;
  Firewall firewall;
  Logging logging;
  ClockSettings clock;
  Ntp ntp;
  Snmp snmp;
  VpnSessionDb vpn_sessiondb;

  const Interface* interface_by_nameif(const std::string& nameif) const;
};

}  // namespace rampart::config
