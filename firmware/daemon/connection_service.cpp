#include "firmware/daemon/connection_service.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>

#include <fmt/format.h>

#include "platform/log.hpp"

namespace rampart::firmware {

namespace {

// 106100 aggregates a flow's hits per interval (the ASA's default "interval 300"); at most this
// many flows are cached, as the ASA's deny-flow-max.
constexpr uint32_t kAceInterval = 300;
constexpr size_t kMaxAceFlows = 4096;
// Deny messages come from the network: at most this many a second reach syslog.
constexpr uint32_t kDeniesPerSecond = 100;

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
int64_t now_s() {
  return now_ns() / 1'000'000'000;
}

platform::Severity severity_of(int level) {
  return level <= 3   ? platform::Severity::Error
         : level == 4 ? platform::Severity::Warning
         : level == 5 ? platform::Severity::Notice
         : level == 6 ? platform::Severity::Info
                      : platform::Severity::Debug;
}

// The ASA's idle timer for a connection in this state, when the configuration sets one.
uint32_t policy_timeout(const platform::ConntrackEntry& e, const firewall::Policy& p) {
  if (e.protocol == IPPROTO_UDP) return p.udp_timeout;
  if (e.protocol == IPPROTO_ICMP) return p.icmp_timeout;
  if (e.protocol != IPPROTO_TCP) return 0;
  std::string st = platform::tcp_state_name(e.tcp_state);
  if (st == "ESTABLISHED") return p.conn_timeout;
  if (st == "FIN_WAIT" || st == "CLOSE_WAIT" || st == "LAST_ACK") return p.half_closed_timeout;
  return 0;
}

bool static_source(const firewall::Policy& p, const firewall::Connection& c,
                   const firewall::ConnView& v) {
  const firewall::NatRule* r = c.snat ? firewall::source_rule(p, c, v) : nullptr;
  return r && r->is_static;
}

bool matches(const firewall::ConnectionFilter& f, const platform::ConntrackEntry& e,
             const firewall::Policy& p) {
  if (!f.to_box &&
      (firewall::is_box_address(p, e.orig_src) || firewall::is_box_address(p, e.reply_src)))
    return false;
  if (f.protocol && e.protocol != *f.protocol) return false;
  auto in = [&f](uint32_t a) { return (a & f.netmask) == (*f.address & f.netmask); };
  if (f.address && !in(e.orig_src) && !in(e.orig_dst) && !in(e.reply_src) && !in(e.reply_dst))
    return false;
  if (f.port && e.orig_sport != *f.port && e.orig_dport != *f.port && e.reply_sport != *f.port &&
      e.reply_dport != *f.port)
    return false;
  if (f.translated_only && !platform::src_nat(e) && !platform::dst_nat(e)) return false;
  return true;
}

}  // namespace

bool LogView::same_as(const LogView& o) const {
  auto same_if = [](const firewall::Interface& a, const firewall::Interface& b) {
    return a.nameif == b.nameif && a.device == b.device && a.vpn == b.vpn && a.level == b.level &&
           a.address == b.address && a.prefix == b.prefix;
  };
  auto same_route = [](const firewall::Route& a, const firewall::Route& b) {
    return a.network == b.network && a.prefix == b.prefix && a.nameif == b.nameif &&
           a.gateway == b.gateway;
  };
  const auto &a = base, &b = o.base;
  return std::equal(a.interfaces.begin(), a.interfaces.end(), b.interfaces.begin(),
                    b.interfaces.end(), same_if) &&
         std::equal(a.routes.begin(), a.routes.end(), b.routes.begin(), b.routes.end(),
                    same_route) &&
         a.conn_timeout == b.conn_timeout && a.half_closed_timeout == b.half_closed_timeout &&
         a.udp_timeout == b.udp_timeout && a.icmp_timeout == b.icmp_timeout && aces == o.aces &&
         std::equal(a.nat.begin(), a.nat.end(), b.nat.begin(), b.nat.end(),
                    [](const firewall::NatRule& x, const firewall::NatRule& y) {
                      return x.section == y.section && x.line == y.line && x.text == y.text &&
                             x.real_if == y.real_if && x.real_source == y.real_source &&
                             x.is_static == y.is_static &&
                             x.mapped_destination == y.mapped_destination;
                    });
}

LogView log_view_of(const firewall::Policy& p) {
  LogView v;
  v.base.interfaces = p.interfaces;
  v.base.routes = p.routes;
  v.base.conn_timeout = p.conn_timeout;
  v.base.half_closed_timeout = p.half_closed_timeout;
  v.base.udp_timeout = p.udp_timeout;
  v.base.icmp_timeout = p.icmp_timeout;
  v.base.xlate_timeout = p.xlate_timeout;
  v.base.nat = p.nat;
  for (const auto& [name, acl] : p.acls)
    for (const auto& ace : acl.aces)
      if (ace.log) v.aces[fmt::format("{}/{}", name, ace.line)] = {ace.hash, ace.log_level};
  return v;
}

firewall::Connection connection_of(const platform::ConntrackEntry& e,
                                   const firewall::Policy& timeouts, int64_t now) {
  firewall::Connection c;
  c.id = e.id;
  c.protocol = e.protocol;
  c.orig_src = e.orig_src;
  c.orig_dst = e.orig_dst;
  c.reply_src = e.reply_src;
  c.reply_dst = e.reply_dst;
  c.orig_sport = e.orig_sport;
  c.orig_dport = e.orig_dport;
  c.reply_sport = e.reply_sport;
  c.reply_dport = e.reply_dport;
  c.bytes = e.orig_bytes + e.reply_bytes;
  c.packets = e.orig_packets + e.reply_packets;
  uint64_t end = e.stop_ns ? e.stop_ns : static_cast<uint64_t>(now);
  c.age_seconds = e.start_ns && end > e.start_ns
                      ? static_cast<uint32_t>((end - e.start_ns) / 1'000'000'000)
                      : 0;
  c.timeout_seconds = e.timeout;
  // The kernel resets the timer to the state's full value on each packet: the configured
  // timeout when the ruleset set one (the timer left is then within it), else its default.
  uint32_t full = policy_timeout(e, timeouts);
  if (full == 0 || e.timeout > full) full = platform::conntrack_default_timeout(e);
  c.idle_seconds = full > e.timeout ? full - e.timeout : 0;
  if (e.start_ns && c.idle_seconds > c.age_seconds) c.idle_seconds = c.age_seconds;
  if (e.tcp_state >= 0) c.tcp_state = platform::tcp_state_name(e.tcp_state);
  c.assured = platform::assured(e);
  c.snat = platform::src_nat(e);
  c.dnat = platform::dst_nat(e);
  if (!e.helper.empty()) c.helper = e.helper;
  c.expected = platform::expected_flow(e);
  return c;
}

ConnectionService::ConnectionService(int event_buffer)
    : view_(std::make_shared<LogView>()), event_buffer_(event_buffer) {}

ConnectionService::~ConnectionService() {
  if (thread_.joinable()) {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t w = ::write(stop_fd_, &one, sizeof one);
    thread_.join();
  }
  if (stop_fd_ >= 0) ::close(stop_fd_);
}

std::vector<std::string> ConnectionService::start() {
  std::vector<std::string> problems = platform::conntrack_enable_accounting();
  if (auto r = events_.open([this](auto t, const auto& e) { on_event(t, e); }, event_buffer_); !r)
    problems.push_back(r.error());
  else
    events_ok_ = true;
  if (auto r = nflog_.open(1, [this](const auto& p) { on_log(p); }); !r)
    problems.push_back(r.error());
  else
    nflog_ok_ = true;
  // What is there already: it counts toward "most used" and its teardowns are reported.
  if (auto all = platform::conntrack_dump()) {
    for (const auto& e : *all) live_[e.id] = e, number_[e.id] = next_number_++;
    most_used_ = live_.size();
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (events_ok_ || nflog_ok_) thread_ = std::thread([this] { run(); });
  return problems;
}

void ConnectionService::set_view(LogView v) {
  std::lock_guard lock(mu_);
  if (!view_->same_as(v)) view_ = std::make_shared<const LogView>(std::move(v));
}

std::shared_ptr<const LogView> ConnectionService::view() const {
  std::lock_guard lock(mu_);
  return view_;
}

void ConnectionService::emit(const firewall::FwMessage& m) {
  if (auto* log = logger_.load()) {
    // 106100's level is the ACE's ("log LEVEL"); the others' are the message table's.
    log->emit(static_cast<uint32_t>(m.id), m.text,
              m.id == 106100 ? std::optional<int>(m.severity) : std::nullopt);
    return;
  }
  platform::log(severity_of(m.severity), fmt::format("%ASA-{}-{}: {}", m.severity, m.id, m.text));
}

void ConnectionService::run() {
  pollfd fds[3] = {{stop_fd_, POLLIN, 0},
                   {events_ok_ ? events_.fd() : -1, POLLIN, 0},
                   {nflog_ok_ ? nflog_.fd() : -1, POLLIN, 0}};
  for (;;) {
    int n = ::poll(fds, 3, 1000);
    if (n < 0 && errno != EINTR) break;
    if (fds[0].revents) break;
    // An overflowed socket may report only POLLERR: read it too, or the loop would spin.
    if (fds[1].revents & (POLLIN | POLLERR) && !events_.read()) {
      ++overflows_;
      resync();
    }
    if (fds[2].revents & (POLLIN | POLLERR)) {
      log_lost_ += nflog_.read();
      log_malformed_ = nflog_.malformed();
    }
    flush_ace_logs(false);
  }
  flush_ace_logs(true);
}

void ConnectionService::on_event(platform::ConntrackEvents::Type t,
                                 const platform::ConntrackEntry& e) {
  auto v = view();
  int64_t now = now_ns();
  if (t == platform::ConntrackEvents::Type::New) {
    // Known already: a resynchronisation found it and counted its event lost, which it was
    // not; it was only late.
    if (live_.count(e.id) && events_lost_ > 0) --events_lost_;
    live_[e.id] = e;
    if (!number_.count(e.id)) number_[e.id] = next_number_++;
    if (live_.size() > most_used_) most_used_ = live_.size();
    firewall::Connection c = connection_of(e, v->base, now);
    c.id = number_[e.id];
    firewall::ConnView cv = firewall::view_of(v->base, c);
    if (cv.to_box()) return;  // the box's own connections (IKE, SSH) are not through-traffic
    if (auto m = firewall::xlate_message(cv, c, true, 0, static_source(v->base, c, cv))) emit(*m);
    if (auto m = firewall::built_message(cv, c)) emit(*m);
    return;
  }
  if (t == platform::ConntrackEvents::Type::Update) {
    if (auto it = live_.find(e.id); it != live_.end()) it->second.status = e.status;
    return;
  }
  bool was_live = live_.erase(e.id) > 0;
  auto number = number_.find(e.id);
  uint32_t id = number != number_.end() ? number->second : 0;
  if (number != number_.end()) number_.erase(number);
  bool cleared = false;
  {
    std::lock_guard lock(mu_);
    cleared = cleared_.erase(e.id) > 0;
  }
  firewall::Connection c = connection_of(e, v->base, now);
  c.id = id;
  if (c.helper) {
    std::lock_guard lock(helper_mu_);
    helper_packets_[*c.helper] += c.packets;
  }
  firewall::ConnView cv = firewall::view_of(v->base, c);
  if (cv.to_box() || !was_live) return;
  if (auto m =
          firewall::teardown_message(cv, c, c.age_seconds, firewall::teardown_reason(c, cleared)))
    emit(*m);
  if (auto m = firewall::xlate_message(cv, c, false, c.age_seconds, static_source(v->base, c, cv)))
    emit(*m);
}

// After an overflow: what the dump holds is the truth. Entries we did not know are NEW events
// we lost; entries we knew that are gone are DESTROY events we lost (their messages too).
void ConnectionService::resync() {
  auto all = platform::conntrack_dump();
  if (!all) return;
  std::unordered_map<uint32_t, platform::ConntrackEntry> now;
  for (const auto& e : *all) now[e.id] = e;
  uint64_t lost = 0;
  for (const auto& [id, e] : now)
    if (!live_.count(id)) ++lost;
  for (const auto& [id, e] : live_)
    if (!now.count(id)) ++lost;
  events_lost_ += lost;
  for (auto it = number_.begin(); it != number_.end();)
    it = now.count(it->first) ? std::next(it) : number_.erase(it);
  for (const auto& [id, e] : now)
    if (!number_.count(id)) number_[id] = next_number_++;
  live_ = std::move(now);
  if (live_.size() > most_used_) most_used_ = live_.size();
}

void ConnectionService::on_log(const platform::LoggedPacket& p) {
  auto prefix = firewall::parse_log_prefix(p.prefix);
  if (!prefix) return;  // not one of ours
  auto v = view();
  firewall::LoggedFlow f;
  const firewall::Interface* in = firewall::interface_of_device(v->base, p.in_device);
  const firewall::Interface* out = firewall::interface_for(v->base, p.dst);
  f.in_if = in ? in->nameif : "unknown";
  f.out_if = out ? out->nameif : "unknown";
  f.protocol = p.protocol;
  f.src = p.src;
  f.dst = p.dst;
  f.sport = p.sport;
  f.dport = p.dport;
  f.icmp_type = p.icmp_type;
  f.icmp_code = p.icmp_code;
  f.tcp_flags = p.tcp_flags;
  if (prefix->id == 106100) {
    std::string key = fmt::format("{}/{}/{}/{}/{}/{}/{}", prefix->acl, prefix->line, f.protocol,
                                  f.src, f.sport, f.dst, f.dport);
    auto it = ace_flows_.find(key);
    if (it != ace_flows_.end()) {
      ++it->second.hits;
      return;
    }
    if (ace_flows_.size() >= kMaxAceFlows) {
      ++log_suppressed_;
      return;
    }
    ace_flows_[key] = {0, now_s(), f, prefix->acl, prefix->line};
    log_flows_ = ace_flows_.size();
    auto ace = v->aces.find(fmt::format("{}/{}", prefix->acl, prefix->line));
    auto [hash, level] = ace != v->aces.end() ? ace->second : std::pair<uint32_t, int>{0, 6};
    emit(firewall::ace_log_message(f, prefix->acl, level, hash, 1, true, kAceInterval));
    return;
  }
  int64_t second = now_s();
  if (second != deny_second_) deny_second_ = second, deny_in_second_ = 0;
  if (++deny_in_second_ > kDeniesPerSecond) {
    ++log_suppressed_;
    return;
  }
  if (prefix->id == 106023)
    emit(firewall::acl_deny_message(f, prefix->acl));
  else if (prefix->id == 313001)
    emit(firewall::icmp_deny_message(f));
  else if (auto m = firewall::level_deny_message(prefix->id, f))
    emit(*m);
}

// At the end of each flow's interval: its further hits, or the flow leaves the cache.
void ConnectionService::flush_ace_logs(bool all) {
  auto v = view();
  int64_t now = now_s();
  for (auto it = ace_flows_.begin(); it != ace_flows_.end();) {
    AceFlow& a = it->second;
    if (!all && now - a.since < kAceInterval) {
      ++it;
      continue;
    }
    if (a.hits == 0) {
      it = ace_flows_.erase(it);
      continue;
    }
    auto ace = v->aces.find(fmt::format("{}/{}", a.acl, a.line));
    auto [hash, level] = ace != v->aces.end() ? ace->second : std::pair<uint32_t, int>{0, 6};
    emit(firewall::ace_log_message(a.flow, a.acl, level, hash, a.hits, false, kAceInterval));
    a.hits = 0;
    a.since = now;
    ++it;
  }
  log_flows_ = ace_flows_.size();
}

std::vector<firewall::Connection> ConnectionService::connections() const {
  auto all = platform::conntrack_dump();
  if (!all) return {};
  auto v = view();
  int64_t now = now_ns();
  std::vector<firewall::Connection> out;
  out.reserve(all->size());
  for (const auto& e : *all) out.push_back(connection_of(e, v->base, now));
  return out;
}

size_t ConnectionService::clear(const firewall::ConnectionFilter& filter) {
  auto v = view();
  auto n = platform::conntrack_delete([&](const platform::ConntrackEntry& e) {
    if (!matches(filter, e, v->base)) return false;
    // Marked before the delete, so that its DESTROY event finds the mark.
    std::lock_guard lock(mu_);
    cleared_.insert(e.id);
    return true;
  });
  std::lock_guard lock(mu_);
  // Ids of entries that ended before the delete reached them never come back as events.
  while (cleared_.size() > 65536) cleared_.erase(cleared_.begin());
  return n ? *n : 0;
}

firewall::ConnectionStats ConnectionService::stats() const {
  firewall::ConnectionStats s;
  s.most_used = most_used_;
  s.event_overflows = overflows_;
  s.events_lost = events_lost_;
  s.log_lost = log_lost_;
  s.log_suppressed = log_suppressed_;
  s.log_flows = log_flows_;
  s.log_malformed = log_malformed_;
  std::lock_guard lock(helper_mu_);
  s.helper_packets = helper_packets_;
  return s;
}

}  // namespace rampart::firmware
