#include "firmware/daemon/firewall_service.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/session_filter.hpp"
#include "platform/log.hpp"
#include "platform/netlink.hpp"
#include "platform/sysctl.hpp"

namespace rampart::firmware {

namespace {

std::string dotted(uint32_t a) {
  return config::Ipv4{a}.str();
}

std::string counter_identity(const firewall::CounterInfo& c) {
  return fmt::format("{}|{}|{}", static_cast<int>(c.kind), c.key, c.text);
}

}  // namespace

FirewallService::FirewallService(firewall::DeviceOf device_of) : device_of_(std::move(device_of)) {
  // Fail closed: nothing is forwarded until a ruleset is in force.
  if (auto r = platform::set_sysctl("net.ipv4.ip_forward", "0"); !r)
    platform::log(platform::Severity::Warning, r.error());
  auto nft = platform::Nftables::open();
  if (nft)
    nft_ = std::move(*nft);
  else
    platform::log(platform::Severity::Error, "firewall: " + nft.error());
  if (auto elements = platform::NftSetElements::open())
    elements_ = std::move(*elements);
  else  // each client's change then makes the whole table again, clients and all
    platform::log(platform::Severity::Warning, "firewall: set elements: " + elements.error());
}

FirewallService::Inputs FirewallService::inputs_of(const config::Config& cfg) {
  Inputs in;
  in.interfaces = cfg.interfaces;
  for (const auto& [name, acl] : cfg.access_lists) in.acls[name] = acl.entries;
  in.firewall = cfg.firewall;
  for (const auto& [name, map] : cfg.crypto.maps)
    if (map.interface) in.crypto_bindings[name] = *map.interface;
  for (const auto& [name, gp] : cfg.group_policies)
    if (gp.vpn_filter) in.vpn_filters[name] = *gp.vpn_filter;
  for (const auto& [name, pool] : cfg.pools) in.pools.insert({pool.first.value, pool.last.value});
  in.routes = cfg.routes;
  in.permit_vpn = cfg.management.permit_vpn;
  return in;
}

bool FirewallService::same_inputs(const Inputs& a, const config::Config& cfg) {
  // Compared in place, without copying the configuration on every tick.
  if (a.permit_vpn != cfg.management.permit_vpn || a.interfaces != cfg.interfaces ||
      a.routes != cfg.routes || !(a.firewall == cfg.firewall) ||
      a.acls.size() != cfg.access_lists.size() || a.pools.size() != cfg.pools.size())
    return false;
  for (const auto& [name, acl] : cfg.access_lists) {
    auto it = a.acls.find(name);
    if (it == a.acls.end() || it->second != acl.entries) return false;
  }
  size_t bound = 0;
  for (const auto& [name, map] : cfg.crypto.maps) {
    if (!map.interface) continue;
    ++bound;
    auto it = a.crypto_bindings.find(name);
    if (it == a.crypto_bindings.end() || it->second != *map.interface) return false;
  }
  size_t filters = 0;
  for (const auto& [name, gp] : cfg.group_policies) {
    if (!gp.vpn_filter) continue;
    ++filters;
    auto it = a.vpn_filters.find(name);
    if (it == a.vpn_filters.end() || it->second != *gp.vpn_filter) return false;
  }
  for (const auto& [name, pool] : cfg.pools)
    if (!a.pools.contains({pool.first.value, pool.last.value})) return false;
  return bound == a.crypto_bindings.size() && filters == a.vpn_filters.size();
}

std::vector<std::string> FirewallService::sync(const config::Config& cfg,
                                               const ike::Engine* engine) {
  std::vector<std::string> warnings;
  if (!nft_) return warnings;
  // A client's filter follows its session and its group-policy's vpn-filter, which
  // same_inputs compares. A failed change resets inputs_ (or leaves applied_ unset): the next
  // call does it all.
  if (engine && applied_ && inputs_ && same_inputs(*inputs_, cfg)) {
    const ike::SessionJournal& journal = engine->sessions_journal();
    if (journal.end() == journal_at_) return warnings;
    if (auto touched = journal.since(journal_at_))
      if (auto w = follow(cfg, *engine, *touched)) {
        journal_at_ = journal.end();
        return *w;
      }
  }
  if (engine) journal_at_ = engine->sessions_journal().end();
  Clients now = clients_of(cfg, engine);
  std::set<std::string> filters;
  for (const auto& [address, client] : now)
    if (client.filter) filters.insert(*client.filter);
  // A filter ACL no group-policy names (a server's Filter-Id) gets its chains and set only
  // while a session uses it.
  if (!inputs_ || !same_inputs(*inputs_, cfg) || inputs_->session_filters != filters)
    warnings = rebuild(cfg, filters);
  auto more = sync_clients(std::move(now));
  warnings.insert(warnings.end(), more.begin(), more.end());
  return warnings;
}

std::vector<std::string> FirewallService::rebuild(const config::Config& cfg,
                                                  const std::set<std::string>& session_filters) {
  inputs_ = inputs_of(cfg);
  inputs_->session_filters = session_filters;
  firewall::Policy p = firewall::build_policy(cfg, device_of_, session_filters);
  pools_.clear();
  for (const auto& [first, last] : inputs_->pools)
    pools_.push_back({std::min(first, last), std::max(first, last)});
  std::sort(pools_.begin(), pools_.end(), [](auto& a, auto& b) { return a.lo < b.lo; });
  firewall::AddressSet merged;
  for (const auto& r : pools_) {
    if (!merged.empty() && r.lo <= merged.back().hi) {
      merged.back().hi = std::max(merged.back().hi, r.hi);
      continue;
    }
    merged.push_back(r);
  }
  pools_ = merged;
  // The key: what the policy compiles to, without counts or clients (those change alone).
  firewall::RulesetInputs bare;
  bare.vpn_pools = pools_;
  std::string key = firewall::compile_ruleset(p, bare).script;
  if (applied_ && key == applied_key_) {
    policy_ = std::move(p);  // e.g. a route or a remark: nothing the kernel enforces changed
    return {};
  }
  return apply(p, key);
}

// Whether a client may be in the VPN client set under policy p: a client whose filter ACL has no
// set in p (the ruleset that would have compiled it was refused) is kept out of every set, so
// that its traffic meets the interface's access rules instead of passing unfiltered.
bool FirewallService::admitted(const firewall::Policy& p, const Client& c) {
  return !c.filter || !firewall::vpn_filter_set(p, *c.filter).empty();
}

firewall::RulesetInputs FirewallService::runtime_inputs(const firewall::Policy& p) const {
  firewall::RulesetInputs in;
  in.vpn_pools = pools_;
  in.deny_new = deny_new_;
  for (const auto& [address, client] : clients_) {
    if (!admitted(p, client)) continue;
    if (!in_pools(address)) in.all_vpn_clients.push_back(address);
    if (client.filter) in.vpn_clients[*client.filter].push_back(address);
  }
  return in;
}

std::vector<std::string> FirewallService::apply(const firewall::Policy& p, const std::string& key) {
  std::vector<std::string> warnings;
  // Hit counts carry over for rules whose key and text did not change, as on the ASA.
  std::map<std::string, platform::CounterValue> by_identity;
  for (const auto& [name, value] : read_counters())
    if (auto it = counters_.find(name); it != counters_.end())
      by_identity[counter_identity(it->second)] = value;
  firewall::RulesetInputs in = runtime_inputs(p);
  firewall::Ruleset probe = firewall::compile_ruleset(p, in);
  for (const auto& [name, info] : probe.counters)
    if (auto it = by_identity.find(counter_identity(info)); it != by_identity.end())
      in.counters[name] = {it->second.packets, it->second.bytes};
  firewall::Ruleset rs = firewall::compile_ruleset(p, in);
  if (auto r = nft_->run(rs.script); !r) {
    // The kernel refused it: the previous ruleset (if any) stays in force, whole.
    warnings.push_back("firewall: the new ruleset was refused, the previous one stays: " +
                       r.error());
    if (!applied_) (void)platform::set_sysctl("net.ipv4.ip_forward", "0");
    // Not retried (nor logged again) until the configuration changes.
    return warnings;
  }
  policy_ = p;
  applied_key_ = key;
  counters_ = rs.counters;
  for (const auto& line : p.not_enforced) warnings.push_back("firewall: " + line);
  for (const auto& line : rs.problems) warnings.push_back("firewall: " + line);
  auto more = set_kernel_parameters(p);
  warnings.insert(warnings.end(), more.begin(), more.end());
  more = sync_proxy_arp(rs.proxy_arp);
  warnings.insert(warnings.end(), more.begin(), more.end());
  if (!applied_) {
    if (auto r = platform::set_sysctl("net.ipv4.ip_forward", "1"); !r)
      warnings.push_back("firewall: " + r.error());
  }
  applied_ = true;
  ++applies_;
  platform::log(platform::Severity::Notice,
                fmt::format("firewall: ruleset applied ({} counters)", counters_.size()));
  return warnings;
}

std::vector<std::string> FirewallService::set_kernel_parameters(const firewall::Policy& p) {
  std::vector<std::string> warnings;
  auto set = [&](std::string_view name, uint64_t value) {
    if (auto r = platform::set_sysctl(name, std::to_string(value)); !r)
      warnings.push_back("firewall: " + r.error());
  };
  set("net.netfilter.nf_conntrack_tcp_timeout_established", p.conn_timeout);
  set("net.netfilter.nf_conntrack_udp_timeout", p.udp_timeout);
  set("net.netfilter.nf_conntrack_udp_timeout_stream", p.udp_timeout);
  set("net.netfilter.nf_conntrack_icmp_timeout", p.icmp_timeout);
  for (auto name : {"net.netfilter.nf_conntrack_tcp_timeout_fin_wait",
                    "net.netfilter.nf_conntrack_tcp_timeout_close_wait",
                    "net.netfilter.nf_conntrack_tcp_timeout_last_ack"})
    set(name, p.half_closed_timeout);
  // Bytes/packets and start times per connection: "show conn" prints them.
  set("net.netfilter.nf_conntrack_acct", 1);
  set("net.netfilter.nf_conntrack_timestamp", 1);
  // A TCP connection starts with a SYN, as on the ASA: no picking up of mid-stream packets.
  set("net.netfilter.nf_conntrack_tcp_loose", 0);
  // ARP answers only for addresses of the interface asked (the ASA's behaviour; Linux would
  // otherwise answer for any of its addresses, proxy-ARP ones included, on every interface).
  set("net.ipv4.conf.all.arp_ignore", 1);
  // No ICMP redirects: the kernel sends them before the forward hook (for traffic the ruleset
  // then drops, or that the dataplane owns), and the ASA never sends any.
  set("net.ipv4.conf.all.send_redirects", 0);
  set("net.ipv4.conf.default.send_redirects", 0);
  for (const auto& i : p.interfaces)
    (void)platform::set_sysctl("net.ipv4.conf." + i.device + ".send_redirects", "0");
  return warnings;
}

std::vector<std::string> FirewallService::sync_proxy_arp(
    const std::vector<firewall::ProxyArp>& wanted) {
  std::vector<std::string> warnings;
  if (wanted == proxy_arp_) return warnings;
  auto nl = platform::Netlink::open();
  if (!nl) return {"firewall: proxy ARP: " + nl.error()};
  auto links = nl->links();
  if (!links) return {"firewall: proxy ARP: " + links.error()};
  auto ifindex = [&](const std::string& dev) {
    for (const auto& l : *links)
      if (l.name == dev) return l.ifindex;
    return 0;
  };
  for (const auto& old : proxy_arp_)
    if (std::find(wanted.begin(), wanted.end(), old) == wanted.end())
      if (int i = ifindex(old.device))
        if (auto r = nl->delete_address(i, old.address, 32); !r)
          warnings.push_back(
              fmt::format("firewall: {} on {}: {}", dotted(old.address), old.device, r.error()));
  for (const auto& w : wanted) {
    if (std::find(proxy_arp_.begin(), proxy_arp_.end(), w) != proxy_arp_.end()) continue;
    int i = ifindex(w.device);
    if (!i) continue;
    if (auto r = nl->add_address(i, w.address, 32); !r)
      warnings.push_back(
          fmt::format("firewall: {} on {}: {}", dotted(w.address), w.device, r.error()));
  }
  proxy_arp_ = wanted;
  return warnings;
}

bool FirewallService::owns_address(const std::string& device, uint32_t address, int prefix) const {
  return prefix == 32 && std::any_of(proxy_arp_.begin(), proxy_arp_.end(), [&](const auto& a) {
           return a.device == device && a.address == address;
         });
}

FirewallService::Share FirewallService::share_of(const config::Config& cfg, const ike::IkeSa& sa) {
  Share s;
  if (sa.remote_access && sa.authorized && sa.assigned)
    s.client = {sa.assigned->value, {sa.group_policy, ike::session_vpn_filter(cfg, sa)}};
  if (!sa.remote_access)
    for (const auto& child : sa.ipsec) {
      uint32_t m = child.remote.mask.value;
      s.sites.push_back({{child.remote.address.value & m, (child.remote.address.value & m) | ~m},
                         sa.group_policy});
    }
  return s;
}

FirewallService::Clients FirewallService::clients_of(const config::Config& cfg,
                                                     const ike::Engine* engine) {
  Clients now;
  l2l_.clear();
  by_sa_.clear();
  owner_.clear();
  filter_users_.clear();
  if (engine)
    for (const auto& [index, sa] : engine->sas()) {
      Share s = share_of(cfg, *sa);
      if (s.client) {
        now[s.client->first] = s.client->second;
        owner_[s.client->first] = index;
      }
      l2l_.insert(l2l_.end(), s.sites.begin(), s.sites.end());
      if (s.client || !s.sites.empty()) by_sa_[index] = std::move(s);
    }
  for (const auto& [a, c] : now)
    if (c.filter) ++filter_users_[*c.filter];
  return now;
}

std::optional<std::vector<std::string>> FirewallService::follow(
    const config::Config& cfg, const ike::Engine& engine, const std::vector<uint64_t>& touched) {
  std::vector<std::pair<uint64_t, Share>> changed;
  std::map<std::string, int> users = filter_users_;
  auto count = [&](const std::optional<std::pair<uint32_t, Client>>& c, int by) {
    if (c && c->second.filter) users[*c->second.filter] += by;
  };
  const Share none;
  for (uint64_t idx : touched) {
    auto it = engine.sas().find(idx);
    Share now = it == engine.sas().end() ? Share{} : share_of(cfg, *it->second);
    auto was = by_sa_.find(idx);
    const Share& before = was == by_sa_.end() ? none : was->second;
    if (before == now) continue;
    count(before.client, -1);
    count(now.client, +1);
    changed.emplace_back(idx, std::move(now));
  }
  // A filter's first client or its last: its chains and set come or go with the ruleset.
  for (const auto& [filter, n] : users) {
    auto had = filter_users_.find(filter);
    if ((n > 0) != (had != filter_users_.end() && had->second > 0)) return std::nullopt;
  }
  std::vector<std::string> warnings;
  ElementChanges elements;
  bool sites = false;
  for (auto& [idx, now] : changed) {
    Share& before = by_sa_[idx];
    if (const auto& c = before.client; c && owner_[c->first] == idx) {
      if (admitted(policy_, c->second)) client_elements(false, c->first, c->second, elements);
      clients_.erase(c->first);
      owner_.erase(c->first);
    }
    if (const auto& c = now.client) {
      if (auto other = clients_.find(c->first); other != clients_.end()) {
        // Another SA's until now (a phase-1 rekey's predecessor): its elements go first.
        if (admitted(policy_, other->second))
          client_elements(false, c->first, other->second, elements);
        clients_.erase(other);
      }
      if (admitted(policy_, c->second))
        client_elements(true, c->first, c->second, elements);
      else
        warnings.push_back(
            fmt::format("firewall: VPN client {} kept out: its filter {} is not in force",
                        dotted(c->first), *c->second.filter));
      clients_[c->first] = c->second;
      owner_[c->first] = idx;
    }
    sites = sites || before.sites != now.sites;
    if (!now.client && now.sites.empty())
      by_sa_.erase(idx);
    else
      before = std::move(now);
  }
  std::erase_if(users, [](const auto& u) { return u.second == 0; });
  filter_users_ = std::move(users);
  if (sites) {  // LAN-to-LAN SAs are few: their list is made again
    l2l_.clear();
    for (const auto& [idx, share] : by_sa_)
      l2l_.insert(l2l_.end(), share.sites.begin(), share.sites.end());
  }
  if (auto error = apply_elements(elements)) warnings.push_back(*error);
  return warnings;
}

bool FirewallService::in_pools(uint32_t a) const {
  return std::ranges::any_of(pools_, [&](const auto& r) { return r.lo <= a && a <= r.hi; });
}

void FirewallService::client_elements(bool add, uint32_t a, const Client& c,
                                      ElementChanges& out) const {
  // A pool's address is guarded by the pool's rules already: a client given one (most of
  // them) costs the kernel no transaction of its own unless a vpn-filter names it.
  if (!in_pools(a)) out.push_back({add, "vpn_clients", a});
  if (c.filter)
    if (auto set = firewall::vpn_filter_set(policy_, *c.filter); !set.empty())
      out.push_back({add, set, a});
}

std::optional<std::string> FirewallService::apply_elements(const ElementChanges& changes) {
  if (changes.empty()) return std::nullopt;
  if (!elements_) {  // said at start: the next sync makes the table again with the clients
    apply_whole_next();
    return std::nullopt;
  }
  auto r = elements_->apply(firewall::kFirewallTable, changes);
  if (r) return std::nullopt;
  apply_whole_next();
  return "firewall: VPN client sets: " + r.error();
}

void FirewallService::apply_whole_next() {
  // The kernel's table is not what clients_ and deny_new_ say. Both are runtime inputs, outside
  // the key that spares an unchanged policy its apply: forget the key too, or the next sync
  // would find the policy unchanged and leave the table as it is.
  inputs_.reset();
  applied_key_.clear();
}

std::vector<std::string> FirewallService::set_deny_new(bool deny) {
  if (deny == deny_new_) return {};
  deny_new_ = deny;
  if (!nft_ || !applied_) return {};  // the first ruleset applied carries it
  std::string script =
      fmt::format("flush chain ip {} {}\n", firewall::kFirewallTable, firewall::kHostdownChain);
  firewall::Ruleset scratch;
  for (const auto& rule : firewall::hostdown_rules(scratch, deny))
    script += fmt::format("add rule ip {} {} {}\n", firewall::kFirewallTable,
                          firewall::kHostdownChain, rule);
  platform::log(platform::Severity::Notice,
                fmt::format("firewall: new connections {} (TCP syslog hostdown policy)",
                            deny ? "denied" : "permitted again"));
  if (auto r = nft_->run(script); !r) {
    apply_whole_next();
    return {"firewall: syslog hostdown policy: " + r.error()};
  }
  return {};
}

std::vector<std::string> FirewallService::sync_clients(Clients now) {
  if (now == clients_ || !applied_) {
    clients_ = std::move(now);
    return {};
  }
  // Small element changes, one transaction: the table and its counters stay as they are.
  ElementChanges elements;
  std::vector<std::string> warnings;
  for (const auto& [a, c] : clients_) {
    auto it = now.find(a);
    if ((it != now.end() && it->second == c) || !admitted(policy_, c)) continue;
    client_elements(false, a, c, elements);
  }
  for (const auto& [a, c] : now) {
    auto it = clients_.find(a);
    if (it != clients_.end() && it->second == c) continue;
    if (!admitted(policy_, c)) {
      warnings.push_back(fmt::format(
          "firewall: VPN client {} kept out: its filter {} is not in force", dotted(a), *c.filter));
      continue;
    }
    client_elements(true, a, c, elements);
  }
  clients_ = std::move(now);
  if (auto error = apply_elements(elements)) warnings.push_back(*error);
  return warnings;
}

std::map<std::string, platform::CounterValue> FirewallService::read_counters() const {
  if (!nft_) return {};
  auto c = nft_->counters("ip", firewall::kFirewallTable);
  if (!c) return {};
  return *c;
}

std::map<std::string, uint64_t> FirewallService::acl_hits() const {
  std::map<std::string, uint64_t> out;
  for (const auto& [name, value] : read_counters())
    if (auto it = counters_.find(name);
        it != counters_.end() && it->second.kind == firewall::CounterInfo::Kind::Acl)
      out[it->second.key] += value.packets;
  return out;
}

std::map<std::string, std::pair<uint64_t, uint64_t>> FirewallService::nat_hits() const {
  std::map<std::string, std::pair<uint64_t, uint64_t>> out;
  for (const auto& [name, value] : read_counters()) {
    auto it = counters_.find(name);
    using K = firewall::CounterInfo::Kind;
    if (it == counters_.end() || (it->second.kind != K::Nat && it->second.kind != K::NatReverse))
      continue;
    auto& hits = out[it->second.key];
    (it->second.kind == firewall::CounterInfo::Kind::Nat ? hits.first : hits.second) +=
        value.packets;
  }
  return out;
}

std::map<std::string, uint64_t> FirewallService::drop_counts() const {
  std::map<std::string, uint64_t> out;
  for (const auto& [name, value] : read_counters())
    if (auto it = counters_.find(name);
        it != counters_.end() && it->second.kind == firewall::CounterInfo::Kind::Drop)
      out[it->second.key] += value.packets;
  return out;
}

std::optional<std::string> FirewallService::vpn_group_policy(uint32_t address) const {
  if (auto it = clients_.find(address); it != clients_.end()) return it->second.group_policy;
  for (const auto& [range, gp] : l2l_)
    if (address >= range.lo && address <= range.hi) return gp;
  return std::nullopt;
}

std::optional<std::string> FirewallService::vpn_filter(uint32_t address) const {
  if (auto it = clients_.find(address); it != clients_.end()) return it->second.filter;
  // A LAN-to-LAN network: its group-policy's filter (not enforced in the kernel, traced).
  return firewall::PolicyState::vpn_filter(address);
}

}  // namespace rampart::firmware
