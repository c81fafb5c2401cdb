#include "firmware/daemon/snmp_service.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <set>

#include <fmt/format.h>

#include "cli/render/running_config.hpp"
#include "cli/session.hpp"
#include "control/ike/engine.hpp"
#include "firmware/daemon/box_system.hpp"
#include "platform/firewall.hpp"
#include "platform/log.hpp"
#include "platform/netlink.hpp"

namespace rampart::firmware {

namespace {

// Rampart's AgentX identity: the ASA's sysObjectID arc would be a model's; an enterprise-free
// OID under the MIB it serves is enough for snmpd's agent table [U].
const snmp::Oid kSubagentId = {1, 3, 6, 1, 4, 1, 9, 9, 171};
constexpr uint8_t kAgentxTimeout = 5;  // seconds snmpd waits for our answers
constexpr uint8_t kPriority = 127;     // RFC 2741 6.2.3's default

// The conf holds communities and USM passwords: written 0600 and renamed into place, so that
// no reader ever sees it half-written or with wider permissions.
bool write_secret_file(const std::string& path, const std::string& text) {
  std::string tmp = path + ".new";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return false;
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::close(fd) == 0 && ok;
  return ok && ::rename(tmp.c_str(), path.c_str()) == 0;
}

// "0200.5e00.5301" (as netlink gives it for the ASA's show commands) as six octets.
std::string mac_octets(const std::string& text) {
  std::string hex, out;
  for (char ch : text)
    if (ch != '.') hex += ch;
  if (hex.size() != 12) return {};
  for (size_t i = 0; i < 12; i += 2)
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// A session as crasNumSessions counts it: not a client still in XAUTH, nor one refused or
// ending (Deleting: gone at the engine's next tick).
bool counted_session(const ike::IkeSa& sa) {
  return ike::carries_session(sa) && sa.state != ike::P1State::Deleting &&
         (!sa.remote_access || sa.state != ike::P1State::XauthWait);
}

uint32_t sessions_up(const ike::Engine& e) {
  uint32_t n = 0;
  for (const auto& [idx, sa] : e.sas()) n += counted_session(*sa) ? 1 : 0;
  return n;
}

}  // namespace

SnmpService::SnmpService(Options o, cli::Appliance& app, const BoxSystem& sys)
    : o_(std::move(o)), app_(app), sys_(sys), paths_{o_.run_dir}, counters_(paths_.query_socket()) {
  epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
}

SnmpService::~SnmpService() {
  disconnect("shutting down");
  stop_snmpd();
  if (applied_rules_ && !applied_rules_->empty()) (void)platform::install_snmp_rules({});
  if (epoll_ >= 0) ::close(epoll_);
}

void SnmpService::start_snmpd(const config::Config& cfg, Start why) {
  if (!started_once_) why = Start::First;
  ::mkdir(paths_.dir.c_str(), 0700);
  ::chmod(paths_.dir.c_str(), 0700);  // a directory left by an older run may be wider
  ::mkdir(paths_.persist().c_str(), 0700);
  // snmpd sends its coldStart on every start: held back but for the first.
  const std::string text = why == Start::First
                               ? applied_conf_
                               : snmp::snmpd_conf(cfg, paths_, std::string(cli::kAsaRelease),
                                                  counters_.community(), false);
  if (!write_secret_file(paths_.conf(), text)) {
    platform::log(platform::Severity::Error, "snmp: cannot write snmpd.conf");
    return;
  }
  ::unlink(paths_.socket().c_str());
  last_start_ = std::time(nullptr);
  // -f: stay our child; -C: no other config file; -LF 0-3: errors only (snmpd logs every
  // request, refused ones too, at lower levels: anyone could fill /run with them); -I: IF-MIB's
  // tables are Rampart's (AgentX), not snmpd's own view of the kernel's devices.
  std::vector<std::string> argv{
      o_.snmpd,      "-f",
      "-C",          "-c",
      paths_.conf(), "-LF",
      "0-3",         paths_.log(),
      "-I",          "-interfaces,ifTable,ifXTable,ifInvertedTable,ifStackTable",
      "-p",          paths_.dir + "/snmpd.pid"};
  if (!snmpd_.start(argv, true)) {
    platform::log(platform::Severity::Error, "snmp: cannot start snmpd");
    return;
  }
  counters_.started();
  started_once_ = true;
  // Through snmpd once the subagent is in (queued until then), gated by its filter.
  if (why == Start::Again) notify(snmp::warm_start_varbinds());
}

void SnmpService::stop_snmpd() {
  if (snmpd_.running()) counters_.stopping();
  snmpd_.stop();
}

void SnmpService::sync(const config::Config& cfg) {
  if (auto why = snmpd_.exited()) {
    platform::log(platform::Severity::Error, fmt::format("snmpd {}; restarting it", *why));
    counters_.died();
    disconnect("snmpd exited");
  }
  // The rules first: a restarted snmpd never listens on an address they do not guard yet.
  sync_v3_gate(cfg);
  const bool guarded = apply_rules(cfg);
  std::string conf =
      snmp::snmpd_wanted(cfg)
          ? snmp::snmpd_conf(cfg, paths_, std::string(cli::kAsaRelease), counters_.community())
          : std::string();
  if (!guarded) {
    // Fail closed: without the rules any address could poll it. It starts once they are in.
    if (snmpd_.running()) {
      disconnect("kernel rules missing");
      stop_snmpd();
    }
    applied_conf_ = std::move(conf);
  } else if (conf != applied_conf_) {
    applied_conf_ = std::move(conf);
    disconnect("configuration changed");
    stop_snmpd();
    if (!applied_conf_.empty()) start_snmpd(cfg, Start::Reconfigured);
  } else if (!applied_conf_.empty() && !snmpd_.running() &&
             std::time(nullptr) - last_start_ >= kRestartSeconds) {
    start_snmpd(cfg, Start::Again);
  }
  if (snmpd_.running() && state_ == State::Down) connect();
  watch_tunnels(cfg);
  watch_links(cfg);
  watch_session_limit(cfg);
}

bool SnmpService::apply_rules(const config::Config& cfg) {
  auto wanted =
      snmp::snmp_bindings(cfg, [this](const std::string& hw) { return sys_.device_for(hw); });
  const bool changed = applied_rules_ != wanted;
  if (!changed && rules_installed_) return true;
  // A failure is tried again every few seconds, and logged once per change.
  const int64_t now = std::time(nullptr);
  if (!changed && now - rules_tried_ < kRestartSeconds) return false;
  rules_tried_ = now;
  auto err = platform::install_snmp_rules(wanted);
  if (err && (changed || rules_installed_))
    platform::log(
        platform::Severity::Error,
        fmt::format("snmp: kernel rules: {}; snmpd stays stopped until they are in", *err));
  else if (!err && !rules_installed_ && !changed)
    platform::log(platform::Severity::Info, "snmp: kernel rules in place");
  rules_installed_ = !err;
  applied_rules_ = std::move(wanted);
  return rules_installed_;
}

void SnmpService::sync_v3_gate(const config::Config& cfg) {
  v3_gate_ = snmp::V3Gate(snmp::v3_polling_users(cfg));
  if (v3_gate_.empty()) {
    if (v3_queue_) ::epoll_ctl(epoll_, EPOLL_CTL_DEL, v3_queue_->fd(), nullptr);
    v3_queue_.reset();
    return;
  }
  const int64_t now = std::time(nullptr);
  if (v3_queue_ || now - v3_queue_tried_ < kRestartSeconds) return;
  v3_queue_tried_ = now;
  auto q = std::make_unique<platform::NfqueueReader>();
  auto opened = q->open(platform::kSnmpV3Queue, kV3Queued,
                        [this](const platform::QueuedDatagram& d) { return admit_v3(d); });
  if (!opened) {
    platform::log(
        platform::Severity::Error,
        fmt::format("snmp: v3 user check: {}; v3 polls are dropped until it runs", opened.error()));
    return;
  }
  epoll_event ev{EPOLLIN, {.fd = q->fd()}};
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, q->fd(), &ev);
  v3_queue_ = std::move(q);
}

bool SnmpService::admit_v3(const platform::QueuedDatagram& d) {
  auto verdict = v3_gate_.judge(d.dst, d.src, d.payload);
  if (verdict == snmp::V3Gate::Verdict::Admitted) return true;
  counters_.refused_v3(verdict == snmp::V3Gate::Verdict::Malformed);
  return false;
}

void SnmpService::connect() {
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (s < 0) return;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::snprintf(a.sun_path, sizeof a.sun_path, "%s", paths_.socket().c_str());
  // A unix socket connects at once or not at all (snmpd not listening yet: the next tick).
  if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(s);
    return;
  }
  sock_ = s;
  epoll_event ev{EPOLLIN, {.fd = s}};
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, s, &ev);
  state_ = State::Opening;
  in_.clear();
  send(snmp::agentx::open_pdu(++packet_, kAgentxTimeout, kSubagentId, "Rampart"));
}

void SnmpService::disconnect(const std::string& why) {
  if (sock_ < 0) return;
  // Down first: a Close that cannot be written must not bring us back here.
  int s = sock_;
  bool was_open = state_ == State::Ready;
  sock_ = -1;
  state_ = State::Down;
  if (was_open) {
    auto pdu = snmp::agentx::close_pdu(session_, ++packet_);
    (void)::send(s, pdu.data(), pdu.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, s, nullptr);
  ::close(s);
  platform::log(platform::Severity::Info, fmt::format("snmp: AgentX session closed: {}", why));
}

void SnmpService::send(const std::vector<uint8_t>& pdu) {
  if (sock_ < 0) return;
  // The master reads as fast as it asks; a full socket means it is wedged: start over.
  ssize_t n = ::send(sock_, pdu.data(), pdu.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  if (n != static_cast<ssize_t>(pdu.size())) disconnect("cannot write to snmpd");
}

void SnmpService::readable() {
  epoll_event ev[4];
  ::epoll_wait(epoll_, ev, 4, 0);    // the readiness of both; their data is read below
  if (v3_queue_) v3_queue_->read();  // without blocking: returns at once when nothing waits
  if (sock_ < 0) return;
  uint8_t buf[8192];
  ssize_t n = ::recv(sock_, buf, sizeof buf, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return disconnect("snmpd hung up");
  if (n < 0) return;
  in_.insert(in_.end(), buf, buf + n);
  while (sock_ >= 0 && in_.size() >= snmp::agentx::kHeaderSize) {
    auto h = snmp::agentx::parse_header(in_.data(), in_.size());
    if (!h) return disconnect(fmt::format("bad PDU from snmpd: {}", h.error()));
    size_t total = snmp::agentx::kHeaderSize + h->payload_length;
    if (in_.size() < total) return;
    std::vector<uint8_t> pdu(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(total));
    in_.erase(in_.begin(), in_.begin() + static_cast<ptrdiff_t>(total));
    auto q = snmp::agentx::parse(pdu);
    if (!q) return disconnect(fmt::format("bad PDU from snmpd: {}", q.error()));
    handle(*q);
  }
}

void SnmpService::handle(const snmp::agentx::Request& q) {
  using snmp::agentx::PduType;
  const auto& subtrees = snmp::registered_subtrees();
  switch (q.header.type) {
    case PduType::Response:
      if (state_ == State::Opening) {
        if (q.error != snmp::agentx::Error::NoError) return disconnect("Open refused");
        session_ = q.header.session_id;
        state_ = State::Registering;
        registered_ = 0;
        for (const auto& t : subtrees)
          send(snmp::agentx::register_pdu(session_, ++packet_, t, kPriority));
      } else if (state_ == State::Registering) {
        if (q.error != snmp::agentx::Error::NoError)
          platform::log(platform::Severity::Warning,
                        fmt::format("snmp: snmpd refused a registration (error {})",
                                    static_cast<unsigned>(q.error)));
        if (++registered_ == subtrees.size()) {
          state_ = State::Ready;
          platform::log(platform::Severity::Info, "snmp: AgentX session open");
          while (!queued_.empty()) {
            send(snmp::agentx::notify_pdu(session_, ++packet_, queued_.front()));
            queued_.pop_front();
          }
        }
      }
      return;
    case PduType::Get:
    case PduType::GetNext:
    case PduType::GetBulk: {
      // A non-default context is none of ours (RFC 2741 7.1.4.1).
      snmp::Tree tree;
      if (!(q.header.flags & snmp::agentx::kFlagNonDefaultContext))
        tree = snmp::build_tree(snapshot());
      snmp::Response r = snmp::respond(tree, q);
      send(snmp::agentx::response_pdu(q.header, r.error, 0, r.varbinds));
      return;
    }
    case PduType::TestSet:
      // Read-only, as the ASA: every SET is refused.
      send(snmp::agentx::response_pdu(q.header, snmp::agentx::Error::NotWritable, 1, {}));
      return;
    case PduType::CommitSet:
    case PduType::UndoSet:
    case PduType::CleanupSet:
    case PduType::Ping:
      send(snmp::agentx::response_pdu(q.header, snmp::agentx::Error::NoError, 0, {}));
      return;
    case PduType::Close:
      return disconnect("snmpd closed the session");
    default:
      send(snmp::agentx::response_pdu(q.header, snmp::agentx::Error::ProcessingError, 0, {}));
      return;
  }
}

snmp::Snapshot SnmpService::snapshot() const {
  snmp::Snapshot s;
  std::vector<platform::Link> links;
  if (auto nl = platform::Netlink::open())
    if (auto l = nl->links()) links = std::move(*l);
  const config::Config& cfg = app_.config();
  for (const auto& [hw, itf] : cfg.interfaces) {
    snmp::InterfaceRow r;
    r.hw = hw;
    r.nameif = itf.nameif.value_or("");
    r.admin_up = !itf.shutdown;
    std::string dev = sys_.device_for(hw);
    for (const auto& l : links) {
      if (l.name != dev) continue;
      r.oper_up = l.oper_up && r.admin_up;
      r.mtu = l.mtu;
      r.mac = mac_octets(l.mac);
      r.in_octets = l.stats.rx_bytes;
      r.in_packets = l.stats.rx_packets;
      r.in_errors = l.stats.rx_errors;
      r.in_discards = sys_.in_discards(dev, l.stats.rx_dropped);
      r.out_octets = l.stats.tx_bytes;
      r.out_packets = l.stats.tx_packets;
      r.out_errors = l.stats.tx_errors;
      r.out_discards = l.stats.tx_dropped;
    }
    if (auto c = sys_.link_counters(hw)) r.speed_mbps = c->speed_mbps;
    s.interfaces.push_back(std::move(r));
  }
  s.max_sessions = cfg.vpn_sessiondb.max_session_limit.value_or(0);
  const ike::Engine* e = app_.ike();
  if (!e) return s;
  std::set<std::string> users;
  for (const auto& [idx, sa] : e->sas()) {
    if (!sa->established) continue;
    ++s.ike_tunnels;
    if (!counted_session(*sa)) {
      // Replaced by a phase-1 rekey (an IKE tunnel for a moment more), in XAUTH, or ending.
    } else if (sa->remote_access) {
      ++s.ra_sessions;
      users.insert(sa->username.empty() ? sa->peer.address.str() : sa->username);
    } else {
      ++s.l2l_sessions;
    }
    s.ike.push_back({static_cast<uint32_t>(sa->index), sa->local.address.value,
                     sa->peer.address.value, sa->bytes_rx, sa->bytes_tx});
    for (const auto& i : sa->ipsec) {
      snmp::TunnelRow t;
      t.index = i.id;
      t.ike_index = static_cast<uint32_t>(sa->index);
      t.local = sa->local.address.value;
      t.remote = sa->peer.address.value;
      t.life_kilobytes = i.lifetime_kilobytes;
      t.life_seconds = i.lifetime_seconds;
      t.active_seconds = e->now() > i.established_at ? e->now() - i.established_at : 0;
      if (e->sad())
        e->sad()->with(i.id, [&](const dataplane::Sad::Entry& entry) {
          t.in_octets = entry.in->counters().bytes;
          t.out_octets = entry.out->counters().bytes;
          t.in_packets = entry.in->counters().packets;
          t.out_packets = entry.out->counters().packets;
        });
      s.tunnels.push_back(t);
    }
  }
  s.ra_users = static_cast<uint32_t>(users.size());
  return s;
}

void SnmpService::notify(std::vector<snmp::VarBind> varbinds) {
  if (state_ == State::Ready) {
    send(snmp::agentx::notify_pdu(session_, ++packet_, varbinds));
    return;
  }
  if (queued_.size() == kMaxQueued) {
    platform::log(platform::Severity::Warning, "snmp: snmpd away; oldest notification dropped");
    queued_.pop_front();
  }
  queued_.push_back(std::move(varbinds));
}

void SnmpService::watch_tunnels(const config::Config& cfg) {
  const ike::Engine* e = app_.ike();
  // No agent, nobody to tell: nothing is kept, and the first look once there is one learns
  // what is up (tunnels older than the agent's view are no news).
  if (!e || !snmp::snmpd_wanted(cfg)) {
    tunnels_.clear();
    tunnels_known_ = false;
    return;
  }
  // At 10,000 tunnels the walk below was a twentieth of the daemon's steady CPU: only when an
  // IPsec SA came or went.
  if (tunnels_known_ && e->ipsec_generation() == tunnels_generation_) return;
  tunnels_generation_ = e->ipsec_generation();
  std::map<uint32_t, const ike::IpsecSa*> now;
  for (const auto& [idx, sa] : e->sas())
    for (const auto& i : sa->ipsec) now[i.id] = &i;
  uint64_t t = e->now();
  bool report = tunnels_known_;
  for (const auto& [id, sa] : now) {
    if (tunnels_.contains(id)) continue;
    tunnels_[id] = t;
    if (report && snmp::trap_enabled(cfg.snmp, "ipsec start"))
      notify(snmp::tunnel_start_varbinds(id, sa->lifetime_seconds, sa->lifetime_kilobytes));
  }
  for (auto it = tunnels_.begin(); it != tunnels_.end();) {
    if (now.contains(it->first)) {
      ++it;
      continue;
    }
    if (report && snmp::trap_enabled(cfg.snmp, "ipsec stop"))
      notify(snmp::tunnel_stop_varbinds(it->first, static_cast<uint32_t>((t - it->second) * 100)));
    it = tunnels_.erase(it);
  }
  tunnels_known_ = true;
}

// One netlink dump a tick (about a second), only while linkup or linkdown traps are on. The
// first look learns the states; a change after it is news. ifIndex is the row's position, as
// snapshot() numbers the ifTable.
void SnmpService::watch_links(const config::Config& cfg) {
  bool up_on = snmp::trap_enabled(cfg.snmp, "snmp linkup");
  bool down_on = snmp::trap_enabled(cfg.snmp, "snmp linkdown");
  if (!snmp::snmpd_wanted(cfg) || (!up_on && !down_on)) {
    links_up_.clear();
    return;
  }
  auto nl = platform::Netlink::open();
  if (!nl) return;
  auto links = nl->links();
  if (!links) return;
  bool first = links_up_.empty();
  std::map<std::string, bool> now;
  uint32_t if_index = 0;
  for (const auto& [hw, itf] : cfg.interfaces) {
    ++if_index;
    std::string dev = sys_.device_for(hw);
    bool oper = false;
    for (const auto& l : *links)
      if (l.name == dev) oper = l.oper_up && !itf.shutdown;
    now[hw] = oper;
    auto was = links_up_.find(hw);
    if (first || was == links_up_.end() || was->second == oper) continue;
    if (oper ? up_on : down_on) notify(snmp::link_varbinds(if_index, !itf.shutdown, oper));
  }
  links_up_ = std::move(now);
}

// ciscoRasTooManySessions (control/snmp/session_threshold.hpp says when), with the counts
// of now. The sessions are counted only while the trap waits to be re-armed, and only when
// clients came or went: not a walk of every SA each second.
void SnmpService::watch_session_limit(const config::Config& cfg) {
  const ike::Engine* e = app_.ike();
  if (!e || !snmp::snmpd_wanted(cfg) ||
      !snmp::trap_enabled(cfg.snmp, "remote-access session-threshold-exceeded"))
    return threshold_.forget();
  std::optional<bool> below;
  if (threshold_.disarmed() && e->clients_generation() != threshold_generation_) {
    threshold_generation_ = e->clients_generation();
    const uint32_t limit = cfg.vpn_sessiondb.max_session_limit.value_or(0);
    below = limit == 0 || sessions_up(*e) < limit;
  }
  if (!threshold_.due(e->stats().refused_session_limit, below, e->now())) return;
  threshold_generation_ = e->clients_generation();
  notify(snmp::too_many_sessions_varbinds(snapshot()));
}

}  // namespace rampart::firmware
