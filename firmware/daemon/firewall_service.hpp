// The firewall as rampartd runs it: the configuration compiled into table ip rampart_fw and
// applied in one transaction whenever what it depends on changes; the appliance's namespace
// set up for it (forwarding only once the ruleset is in place, conntrack timeouts from the
// configuration, accounting and timestamps for "show conn"); proxy ARP for mapped addresses;
// the vpn-filter client sets kept in step with the IKE engine's sessions. It is the
// PolicyState the CLI reads (policy in force, hit counts, VPN client -> group-policy).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/firewall/nft_ruleset.hpp"
#include "control/firewall/runtime.hpp"
#include "platform/nft_set_elements.hpp"
#include "platform/nftables.hpp"

namespace rampart::ike {
class Engine;
struct IkeSa;
}  // namespace rampart::ike

namespace rampart::firmware {

class FirewallService : public firewall::PolicyState {
 public:
  explicit FirewallService(firewall::DeviceOf device_of);

  // Rebuilds and applies when the configuration's firewall inputs changed; brings the VPN
  // client sets up to date with the engine's sessions. Cheap when nothing changed: call it
  // after every CLI line and on every tick. While the firewall's inputs (the group-policies'
  // vpn-filters among them) are as at the last call, only the SAs the engine's sessions
  // journal names since then are looked at, and only their clients' set elements change (at
  // 10,000 sessions, working the set out from every SA per new client and once a second was
  // the biggest share of the event loop's time). Returns the warnings of this call.
  std::vector<std::string> sync(const config::Config& cfg, const ike::Engine* engine);

  // The syslog hostdown policy (logging::HostdownWatch): while set, new connections through
  // the box are dropped; open ones and traffic to the box are not. Changes chain hostdown
  // alone, without rebuilding the table; a later rebuild keeps the state.
  std::vector<std::string> set_deny_new(bool deny);

  // An address this service put on an interface (proxy ARP for a NAT mapped address).
  bool owns_address(const std::string& device, uint32_t address, int prefix) const;

  // Whether a ruleset is in force (forwarding is off until one is).
  bool applied() const { return applied_; }
  // How many rulesets were applied since start (a change that compiles to the same ruleset
  // applies nothing).
  uint64_t applies() const { return applies_; }

  const firewall::Policy& policy() const override { return policy_; }
  std::map<std::string, uint64_t> acl_hits() const override;
  std::map<std::string, std::pair<uint64_t, uint64_t>> nat_hits() const override;
  std::optional<std::string> vpn_group_policy(uint32_t address) const override;
  std::optional<std::string> vpn_filter(uint32_t address) const override;
  // Packets dropped by reason ("tcp-not-syn", "acl-drop", ...), for "show asp drop".
  std::map<std::string, uint64_t> drop_counts() const override;

 private:
  // The parts of the configuration the firewall depends on, kept to tell a change cheaply.
  struct Inputs {
    std::map<std::string, config::Interface, config::NaturalLess> interfaces;
    std::map<std::string, std::vector<config::AccessListEntry>> acls;
    config::Firewall firewall;
    std::map<std::string, std::string> crypto_bindings;
    std::map<std::string, std::string> vpn_filters;
    std::set<std::string> session_filters;  // filter ACLs of the sessions up
    std::set<std::pair<uint32_t, uint32_t>> pools;
    std::set<config::Route> routes;
    bool permit_vpn = true;
    bool operator==(const Inputs&) const = default;
  };
  static bool same_inputs(const Inputs& a, const config::Config& cfg);
  static Inputs inputs_of(const config::Config& cfg);

  // A remote-access client as the firewall places it: its group-policy and the filter ACL in
  // force for it (the server's Filter-Id, else the group-policy's vpn-filter).
  struct Client {
    std::string group_policy;
    std::optional<std::string> filter;
    bool operator==(const Client&) const = default;
  };
  using Clients = std::map<uint32_t, Client>;  // by client address
  using Sites = std::vector<std::pair<firewall::AddressRange, std::string>>;
  // What one SA puts in the firewall: its client (address, placement), its sites' networks.
  struct Share {
    std::optional<std::pair<uint32_t, Client>> client;
    Sites sites;
    bool operator==(const Share&) const = default;
  };
  static Share share_of(const config::Config& cfg, const ike::IkeSa& sa);
  static bool admitted(const firewall::Policy& p, const Client& c);
  // Every SA's share, from scratch (by_sa_, owner_, filter_users_ with it).
  Clients clients_of(const config::Config& cfg, const ike::Engine* engine);
  // The SAs touched since the last sync, alone; nullopt when a filter came into use or went
  // out of it (its chains come or go: the whole ruleset is rebuilt instead).
  std::optional<std::vector<std::string>> follow(const config::Config& cfg,
                                                 const ike::Engine& engine,
                                                 const std::vector<uint64_t>& touched);
  // A client's set elements to add or delete: vpn_clients (unless a pool holds its address:
  // the vpn_pools set's rules are the same), and its filter's set.
  using ElementChanges = std::vector<platform::SetElementChange>;
  void client_elements(bool add, uint32_t address, const Client& c, ElementChanges& out) const;
  bool in_pools(uint32_t address) const;
  // Applies them as one transaction; the error's text when the kernel refused. After a refusal,
  // or without the netlink socket, the next sync makes the whole table again.
  std::optional<std::string> apply_elements(const ElementChanges& changes);
  // After a change the kernel refused: the next sync applies the whole table, from the state.
  void apply_whole_next();

  std::vector<std::string> rebuild(const config::Config& cfg,
                                   const std::set<std::string>& session_filters);
  std::vector<std::string> apply(const firewall::Policy& p, const std::string& key);
  std::vector<std::string> sync_clients(Clients now);
  std::vector<std::string> sync_proxy_arp(const std::vector<firewall::ProxyArp>& wanted);
  std::vector<std::string> set_kernel_parameters(const firewall::Policy& p);
  firewall::RulesetInputs runtime_inputs(const firewall::Policy& p) const;
  std::map<std::string, platform::CounterValue> read_counters() const;

  firewall::DeviceOf device_of_;
  mutable std::optional<platform::Nftables> nft_;
  std::optional<platform::NftSetElements> elements_;  // the sets' elements, without nft's parser
  std::optional<Inputs> inputs_;
  firewall::Policy policy_;
  std::string applied_key_;  // the script with no runtime inputs: what the policy compiles to
  bool applied_ = false;
  uint64_t applies_ = 0;
  std::map<std::string, firewall::CounterInfo> counters_;  // of the ruleset in force
  std::vector<firewall::ProxyArp> proxy_arp_;
  firewall::AddressSet pools_;
  Clients clients_;
  bool deny_new_ = false;
  // LAN-to-LAN peer networks (their IPsec SAs' remote proxies) -> group-policy. Answered by
  // vpn_group_policy(); their vpn-filter is not enforced in the kernel (see not_enforced).
  Sites l2l_;
  // Each SA's share as last applied, which SA a client address is of, how many clients use
  // each filter, and where the engine's sessions journal was read up to.
  std::map<uint64_t, Share> by_sa_;
  std::map<uint32_t, uint64_t> owner_;
  std::map<std::string, int> filter_users_;
  uint64_t journal_at_ = 0;
};

}  // namespace rampart::firmware
