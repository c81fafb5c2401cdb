#include "control/aaa/server_groups.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/aaa/defaults.hpp"
#include "control/logging/messages.hpp"

namespace rampart::aaa {

namespace {

bool is_failure(ServerAnswer::Kind k) {
  // No valid answer: the server is counted as failing. A malformed or forged answer is no
  // answer either (the client drops it and, in the end, times out).
  using K = ServerAnswer::Kind;
  return k == K::Timeout || k == K::Error || k == K::Malformed || k == K::BadAuthenticator;
}

int max_failed(const config::AaaServerGroup& g) {
  return std::clamp(g.max_failed_attempts.value_or(kDefaultMaxFailedAttempts), 1, 5);
}

std::optional<config::Ipv4> interface_address(const config::Config& cfg, const std::string& nif) {
  for (const auto& [hw, i] : cfg.interfaces)
    if (i.nameif && *i.nameif == nif) return i.address;
  return std::nullopt;
}

}  // namespace

std::string protocol_label(const std::string& protocol) {
  if (protocol == "tacacs+") return "TACACS+";
  if (protocol == "ldap") return "LDAP";
  if (protocol == "local") return "LOCAL";
  return "RADIUS";
}

ServerGroups::ServerGroups(Clock clock) : clock_(std::move(clock)) {
  local_.group = std::string(kLocalGroup);
  local_.protocol = "Local database";
}

ServerStatus ServerGroups::fresh_status(const config::AaaServerGroup& g,
                                        const config::AaaServerHost& h) {
  ServerStatus st;
  st.group = g.name;
  st.protocol = g.protocol;
  st.interface = h.interface;
  st.address = h.address;
  st.authentication_port = authentication_port(g, h);
  st.accounting_port = accounting_port(g, h);
  return st;
}

void ServerGroups::reconcile(const config::Config& cfg) {
  std::map<std::string, Group> next;
  for (const auto& [name, gc] : cfg.aaa_servers) {
    Group g;
    g.cfg = gc;
    g.cfg.name = name;
    g.cfg.hosts.clear();
    auto old = groups_.find(name);
    for (const auto& hc : gc.hosts) {
      Host h;
      h.cfg = hc;
      h.st = fresh_status(g.cfg, hc);
      if (old != groups_.end() && old->second.cfg.protocol == gc.protocol) {
        // A server that stays keeps its state and counters; its settings are the new ones.
        for (const auto& o : old->second.hosts) {
          if (o.cfg.address != hc.address) continue;
          ServerStatus fresh = h.st;
          h = o;
          h.cfg = hc;
          h.st.interface = fresh.interface;
          h.st.authentication_port = fresh.authentication_port;
          h.st.accounting_port = fresh.accounting_port;
        }
      }
      h.source = interface_address(cfg, hc.interface);
      g.hosts.push_back(std::move(h));
    }
    next.emplace(name, std::move(g));
  }
  groups_ = std::move(next);
}

std::string ServerGroups::protocol(const std::string& group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? std::string() : it->second.cfg.protocol;
}

ServerGroups::Host* ServerGroups::find(const std::string& group, config::Ipv4 server) {
  auto g = groups_.find(group);
  if (g == groups_.end()) return nullptr;
  for (auto& h : g->second.hosts)
    if (h.cfg.address == server) return &h;
  return nullptr;
}

namespace {
// The message table holds the words and the level; the group logic gives the values.
template <class... A>
AaaEvent event(uint32_t id, const A&... args) {
  const logging::MessageDef* def = logging::find_message(id);
  return {def ? def->level : 6, static_cast<int>(id), logging::text(id, args...)};
}
}  // namespace

void ServerGroups::mark_failed(Group& g, Host& h, std::vector<AaaEvent>& events) {
  h.st.state = ServerStatus::State::Failed;
  h.failed_at_ms = clock_.steady_ms();
  h.st.failed_since = clock_.wall();
  events.push_back(event(113022, protocol_label(g.cfg.protocol), h.cfg.address.str(), g.cfg.name));
}

void ServerGroups::reactivate(Group& g, std::vector<AaaEvent>& events) {
  int64_t now = clock_.steady_ms();
  bool all_failed = std::all_of(g.hosts.begin(), g.hosts.end(), [](const Host& h) {
    return h.st.state == ServerStatus::State::Failed;
  });
  int64_t last_failed = 0;
  for (const auto& h : g.hosts) last_failed = std::max(last_failed, h.failed_at_ms);
  int64_t deadtime_ms = int64_t{g.cfg.deadtime.value_or(kDefaultDeadtimeMinutes)} * 60'000;
  for (auto& h : g.hosts) {
    if (h.st.state != ServerStatus::State::Failed) continue;
    bool back = g.cfg.reactivation_timed ? now - h.failed_at_ms >= kTimedReactivationMs
                                         : all_failed && now - last_failed >= deadtime_ms;
    if (!back) continue;
    h.st.state = ServerStatus::State::Active;
    h.consecutive_failures = 0;
    events.push_back(
        event(113023, protocol_label(g.cfg.protocol), h.cfg.address.str(), g.cfg.name));
  }
}

Candidate ServerGroups::candidate(const Group& g, const Host& h, RequestKind kind) const {
  Candidate c;
  c.protocol = g.cfg.protocol;
  c.target.address = h.cfg.address;
  c.target.port = kind == RequestKind::Accounting ? h.st.accounting_port : h.st.authentication_port;
  if (h.cfg.key) c.target.key = h.cfg.key->reveal();
  c.target.timeout =
      std::chrono::seconds(std::clamp(h.cfg.timeout.value_or(kDefaultTimeoutSeconds), 1, 300));
  c.target.retry_interval = std::chrono::seconds(
      std::clamp(h.cfg.retry_interval.value_or(kDefaultRetryIntervalSeconds), 1, 10));
  c.target.source = h.source;
  return c;
}

std::optional<Candidate> ServerGroups::next(const std::string& group, RequestKind kind,
                                            const std::map<uint32_t, int>& tries,
                                            std::optional<config::Ipv4> only,
                                            std::vector<AaaEvent>& events) {
  auto git = groups_.find(group);
  if (git == groups_.end()) return std::nullopt;
  Group& g = git->second;
  reactivate(g, events);
  auto tried = [&](const Host& h) {
    auto t = tries.find(h.cfg.address.value);
    return t == tries.end() ? 0 : t->second;
  };
  for (const auto& h : g.hosts) {
    if (only) {
      // The operator named the server: it is tried once, whatever its state.
      if (h.cfg.address == *only && tried(h) == 0) return candidate(g, h, kind);
      continue;
    }
    if (h.st.state == ServerStatus::State::Failed) continue;
    if (tried(h) >= max_failed(g.cfg)) continue;
    return candidate(g, h, kind);
  }
  return std::nullopt;
}

std::vector<Candidate> ServerGroups::simultaneous(const std::string& group,
                                                  std::vector<AaaEvent>& events) {
  std::vector<Candidate> out;
  auto git = groups_.find(group);
  if (git == groups_.end() || !git->second.cfg.accounting_simultaneous) return out;
  reactivate(git->second, events);
  for (const auto& h : git->second.hosts)
    if (h.st.state == ServerStatus::State::Active)
      out.push_back(candidate(git->second, h, RequestKind::Accounting));
  return out;
}

void ServerGroups::begin(const std::string& group, config::Ipv4 server, RequestKind kind) {
  Host* h = find(group, server);
  if (!h) return;  // removed meanwhile: nothing to count
  ++h->st.pending;
  switch (kind) {
    case RequestKind::Authentication:
      ++h->st.authentication_requests;
      break;
    case RequestKind::Authorization:
      ++h->st.authorization_requests;
      break;
    case RequestKind::Accounting:
      ++h->st.accounting_requests;
      break;
  }
}

void ServerGroups::finish(const std::string& group, config::Ipv4 server, RequestKind,
                          const ServerAnswer& a, std::vector<AaaEvent>& events) {
  Host* h = find(group, server);
  if (!h) return;
  ServerStatus& st = h->st;
  if (st.pending > 0) --st.pending;
  st.retransmissions += a.retransmissions;
  using K = ServerAnswer::Kind;
  switch (a.kind) {
    case K::Accept:
      ++st.accepts;
      break;
    case K::Reject:
    case K::PasswordExpired:
      ++st.rejects;
      break;
    case K::Challenge:
      ++st.challenges;
      break;
    case K::Timeout:
    case K::Error:
      ++st.timeouts;
      break;
    case K::Malformed:
      ++st.malformed;
      break;
    case K::BadAuthenticator:
      ++st.bad_authenticators;
      break;
  }
  if (!is_failure(a.kind)) {
    h->consecutive_failures = 0;
    st.last_transaction = clock_.wall();
    st.rtt_total_ms += static_cast<uint64_t>(std::max<int64_t>(0, a.rtt.count()));
    ++st.rtt_samples;
    return;
  }
  ++h->consecutive_failures;
  Group& g = groups_.at(group);
  if (st.state == ServerStatus::State::Active && h->consecutive_failures >= max_failed(g.cfg))
    mark_failed(g, *h, events);
}

void ServerGroups::local_answer(RequestKind kind, bool accepted) {
  local_.last_transaction = clock_.wall();
  if (kind == RequestKind::Authorization)
    ++local_.authorization_requests;
  else
    ++local_.authentication_requests;
  ++(accepted ? local_.accepts : local_.rejects);
}

std::vector<ServerStatus> ServerGroups::status() const {
  std::vector<ServerStatus> out{local_};
  for (const auto& [name, g] : groups_)
    for (const auto& h : g.hosts) out.push_back(h.st);
  return out;
}

void ServerGroups::clear_statistics(const std::string& group) {
  auto clear = [](ServerStatus& st) {
    ServerStatus kept;
    kept.group = st.group;
    kept.protocol = st.protocol;
    kept.interface = st.interface;
    kept.address = st.address;
    kept.authentication_port = st.authentication_port;
    kept.accounting_port = st.accounting_port;
    kept.state = st.state;
    kept.failed_since = st.failed_since;
    kept.last_transaction = st.last_transaction;
    kept.pending = st.pending;  // still in flight: their answers will decrement it
    st = kept;
  };
  if (group.empty() || group == kLocalGroup) clear(local_);
  for (auto& [name, g] : groups_)
    if (group.empty() || group == name)
      for (auto& h : g.hosts) clear(h.st);
}

std::optional<int> ServerGroups::timeout_seconds(const std::string& group,
                                                 config::Ipv4 server) const {
  auto g = groups_.find(group);
  if (g == groups_.end()) return std::nullopt;
  for (const auto& h : g->second.hosts)
    if (h.cfg.address == server) return h.cfg.timeout.value_or(kDefaultTimeoutSeconds);
  return std::nullopt;
}

std::optional<config::Ipv4> ServerGroups::first_server(const std::string& group) const {
  auto g = groups_.find(group);
  if (g == groups_.end() || g->second.hosts.empty()) return std::nullopt;
  return g->second.hosts.front().cfg.address;
}

}  // namespace rampart::aaa
