#include "dataplane/sad/sad.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

namespace rampart::dataplane {

namespace {

// "debug crypto ipsec" lines for an install. The ASA prints addresses of its own structures as
// handles; ours is the control plane's SA id (never a pointer: the console is not told where
// the keys live in memory). Field lists after the head are [U]: re-translated from seed 000.
std::string selector_text(const Selector4& s) {
  auto ip = [](uint32_t a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
  };
  return fmt::format("{}, mask: {}, protocol: {}, port: {}", ip(s.address), ip(s.mask), s.protocol,
                     s.port);
}

void trace_sa(const Sad::Trace& trace, const SaSpec& spec, bool inbound) {
  if (!trace) return;
  uint32_t spi = inbound ? spec.spi_in : spec.spi_out;
  const char* dir = inbound ? "inbound" : "outbound";
  if (!inbound)  // the inbound one was embryonic since IKE drew its SPI (the control plane's)
    trace(
        fmt::format("IPSEC: New embryonic SA created @ 0x{:08X}, Direction: outbound, SPI: "
                    "0x{:08X}, Session ID: 0x{:08X}, Tunnel type: {}, Protocol: esp, "
                    "Lifetime: {} seconds",
                    spec.id, spi, spec.id, spec.client ? "ra" : "l2l", spec.lifetime_seconds));
  trace(
      fmt::format("IPSEC: Completed host {} update, SPI 0x{:08X}", inbound ? "IBSA" : "OBSA", spi));
  trace(
      fmt::format("IPSEC: Creating {} VPN context, SPI 0x{:08X}, SA: 0x{:08X}", dir, spi, spec.id));
  trace(fmt::format("IPSEC: Completed {} VPN context, SPI 0x{:08X}, VPN handle: 0x{:08X}", dir, spi,
                    spec.id));
}

// One end of the outer flow: ESP, or UDP with the NAT-T port.
std::string outer_text(const SaSpec& s, bool peer_end) {
  uint16_t port = peer_end ? s.peer_port : s.local_port;
  bool udp = s.local_port && s.peer_port;
  return selector_text(
      {peer_end ? s.peer : s.local, 0xffffffffu, uint8_t(udp ? 17 : 50), uint16_t(udp ? port : 0)});
}

void trace_rule(const Sad::Trace& trace, std::string_view what, uint32_t spi,
                const std::string& source, const std::string& destination, uint64_t id) {
  if (!trace) return;
  trace(fmt::format("IPSEC: New {}, SPI 0x{:08X}, source: {}, destination: {}", what, spi, source,
                    destination));
  trace(fmt::format("IPSEC: Completed {}, SPI 0x{:08X}, Rule ID: 0x{:08X}", what, spi, id));
}

}  // namespace

rampart::expected<void, std::string> Sad::add(const SaSpec& spec, const Trace& trace,
                                              const std::function<void()>& outbound_added) {
  if (auto r = add_inbound(spec); !r) return r;
  go_live(spec.id, trace, outbound_added);
  return {};
}

rampart::expected<void, std::string> Sad::add_inbound(const SaSpec& spec) {
  // RFC 4301 4.1: an inbound SPI names one SA. A second SA under the same SPI would take over
  // the first one's packets (and leave its index pointing at a freed entry): refused.
  if (inbound_spi_in_use(spec.spi_in))
    return rampart::unexpected(fmt::format("inbound SPI 0x{:08X} already in use", spec.spi_in));
  auto out = EspSa::create(spec.spi_out, spec.keys_out, 0, spec.backend);
  if (!out) return rampart::unexpected(out.error());
  auto in = EspSa::create(spec.spi_in, spec.keys_in, spec.replay_window, spec.backend);
  if (!in) return rampart::unexpected(in.error());
  auto e = std::make_unique<Entry>();
  e->spec = spec;
  // The contexts hold the keys now: the entry keeps no second copy of them.
  e->spec.keys_in.wipe();
  e->spec.keys_out.wipe();
  e->in = std::move(*in);
  e->out = std::move(*out);
  std::lock_guard lock(mu_);
  if (by_spi_.contains(spec.spi_in))  // added meanwhile by another thread
    return rampart::unexpected(fmt::format("inbound SPI 0x{:08X} already in use", spec.spi_in));
  if (entries_.contains(spec.id))
    return rampart::unexpected(fmt::format("SA {} already installed", spec.id));
  by_spi_[spec.spi_in] = e.get();
  entries_[spec.id] = std::move(e);
  return {};
}

bool Sad::go_live(uint64_t id, const Trace& trace, const std::function<void()>& outbound_added) {
  SaSpec shown;  // what the trace names (the entry holds no keys)
  {
    std::shared_lock lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    if (it->second->live) return true;
    shown = it->second->spec;
  }
  // The ASA's order: the outbound SA and the rules it will take (what it encrypts, the outer
  // header it leaves with), then the inbound one, then the outbound knows its peer; the rules
  // complete when the index takes them.
  trace_sa(trace, shown, false);
  trace_rule(trace, "outbound encrypt rule", shown.spi_out, selector_text(shown.local_ts),
             selector_text(shown.remote_ts), shown.id);
  trace_rule(trace, "outbound permit rule", shown.spi_out, outer_text(shown, false),
             outer_text(shown, true), shown.id);
  if (outbound_added) outbound_added();
  trace_sa(trace, shown, true);
  if (trace) {
    trace(
        fmt::format("IPSEC: Updating outbound VPN context 0x{:08X}, SPI 0x{:08X}, peer: "
                    "0x{:08X}",
                    shown.id, shown.spi_out, shown.id));
    trace(fmt::format("IPSEC: Completed outbound VPN context, SPI 0x{:08X}, VPN handle: 0x{:08X}",
                      shown.spi_out, shown.id));
  }
  // The rules' lines wait until the lock is released: the workers are not held by the console.
  std::vector<std::string> ruled;
  Trace later = [&](const std::string& l) { ruled.push_back(l); };
  if (!trace) later = nullptr;
  {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    publish_locked(it->second.get(), later);
  }
  for (const auto& l : ruled) trace(l);
  return true;
}

void Sad::publish_locked(Entry* e, const Trace& trace) {
  const SaSpec& spec = e->spec;
  // The outbound index (index_locked) holds the encrypt rule (the inner selectors) and, with
  // the entry, the outer header its packets leave with.
  if (trace) {
    trace(fmt::format("IPSEC: Completed outbound inner rule, SPI 0x{:08X}, Rule ID: 0x{:08X}",
                      spec.spi_out, spec.id));
    trace(fmt::format("IPSEC: Completed outbound outer SPD rule, SPI 0x{:08X}, Rule ID: 0x{:08X}",
                      spec.spi_out, spec.id));
  }
  // What a decrypted packet must match (the workers check it against the entry's selectors).
  trace_rule(trace, "inbound tunnel flow rule", spec.spi_in, selector_text(spec.remote_ts),
             selector_text(spec.local_ts), spec.id);
  trace_rule(trace, "inbound decrypt rule", spec.spi_in, outer_text(spec, true),
             outer_text(spec, false), spec.id);
  e->live = true;
  index_locked(e);
}

uint64_t Sad::encrypt_rule(const Selector4& local, const Selector4& remote) const {
  auto same = [](const Selector4& a, const Selector4& b) {
    return a.address == b.address && a.mask == b.mask && a.protocol == b.protocol &&
           a.port == b.port;
  };
  auto exactly = [&](const Entry* e) {
    return same(e->spec.local_ts, local) && same(e->spec.remote_ts, remote);
  };
  std::shared_lock lock(mu_);
  // In the index's order: the one traffic takes first.
  const Entry* found = nullptr;
  if (remote.mask == 0xffffffffu) {
    if (const HostSas* h = by_remote_host_.find(remote.address)) found = h->find_if(exactly);
  } else {
    found = by_remote_prefix_.find_if(remote.address, remote.mask, exactly);
  }
  return found ? found->spec.id : 0;
}

bool Sad::inbound_spi_in_use(uint32_t spi) const {
  std::shared_lock lock(mu_);
  return by_spi_.contains(spi);
}

void Sad::retire(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end() || !it->second->live) return;
  unindex_locked(it->second.get());
  it->second->live = false;
}

void Sad::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  by_spi_.erase(it->second->spec.spi_in);
  {
    std::scoped_lock busy(it->second->in_busy, it->second->out_busy);
    for (size_t i = 0; i < 8; ++i)
      counters_.esp[i] +=
          it->second->in->counters().drops[i] + it->second->out->counters().drops[i];
  }
  if (it->second->live) unindex_locked(it->second.get());
  entries_.erase(it);
}

namespace {

// The outbound order: the most specific remote side first and, of equal ones, the newest (ids
// grow with each negotiation): when a rekey leaves two SAs for the same proxies, traffic
// leaves on the new one while the old one still takes what arrives on it.
bool before(const SaSpec& a, const SaSpec& b) {
  return a.remote_ts.mask != b.remote_ts.mask ? a.remote_ts.mask > b.remote_ts.mask : a.id > b.id;
}

// e into a list kept in that order, in its place.
void insert_in_order(std::vector<Sad::Entry*>& list, Sad::Entry* e) {
  auto at = std::find_if(list.begin(), list.end(),
                         [&](const Sad::Entry* o) { return before(e->spec, o->spec); });
  list.insert(at, e);
}

}  // namespace

// One entry into the outbound index, in its place. Not a rebuild: at 10,000 tunnels a rebuild
// per SA added or removed (each set-up, each rekey) was milliseconds of allocation each.
namespace {

// Whether another entry of the list reaches its host as e does (same peer, same kind).
bool reached_alike(const std::vector<Sad::Entry*>& list, const Sad::Entry* e) {
  return std::any_of(list.begin(), list.end(), [&](const Sad::Entry* o) {
    return o != e && o->spec.peer == e->spec.peer && o->spec.client == e->spec.client;
  });
}

}  // namespace

void Sad::index_locked(Entry* e) {
  if (e->spec.remote_ts.mask != 0xffffffffu) {
    reach_generation_.fetch_add(1, std::memory_order_release);
    by_remote_prefix_.insert(e);
  } else {
    HostSas& host = by_remote_host_[e->spec.remote_ts.address];
    std::vector<Entry*> list = host.all();
    if (!reached_alike(list, e)) reach_generation_.fetch_add(1, std::memory_order_release);
    insert_in_order(list, e);
    host.assign(list);
  }
  generation_.fetch_add(1, std::memory_order_release);
}

void Sad::unindex_locked(Entry* e) {
  if (e->spec.remote_ts.mask == 0xffffffffu) {
    if (HostSas* host = by_remote_host_.find(e->spec.remote_ts.address)) {
      std::vector<Entry*> list = host->all();
      if (!reached_alike(list, e)) reach_generation_.fetch_add(1, std::memory_order_release);
      std::erase(list, e);
      if (list.empty())
        by_remote_host_.erase(e->spec.remote_ts.address);
      else
        host->assign(list);
    }
  } else {
    by_remote_prefix_.erase(e);
    reach_generation_.fetch_add(1, std::memory_order_release);
  }
  generation_.fetch_add(1, std::memory_order_release);
}

Sad::Entry* Sad::outbound_locked(uint32_t src, uint32_t dst) {
  return outbound_choice(by_remote_host_.find(dst), src, dst);
}

Sad::Entry* Sad::outbound_choice(const HostSas* host, uint32_t src, uint32_t dst) {
  // The most specific remote side wins, as an ordered crypto ACL would have it: a host entry
  // first, then the prefixes longest first.
  if (host)
    if (Entry* e = host->find_if([&](const Entry* o) { return o->spec.local_ts.contains(src); }))
      return e;
  return by_remote_prefix_.choose(src, dst);
}

void Sad::PrefixSas::insert(Entry* e) {
  const uint32_t mask = e->spec.remote_ts.mask;
  auto m =
      std::find_if(masks_.begin(), masks_.end(), [&](const Mask& o) { return o.mask <= mask; });
  if (m == masks_.end() || m->mask != mask) m = masks_.insert(m, Mask{mask, {}});
  insert_in_order(m->by_network[e->spec.remote_ts.address & mask], e);
}

void Sad::PrefixSas::erase(Entry* e) {
  const uint32_t mask = e->spec.remote_ts.mask, network = e->spec.remote_ts.address & mask;
  auto m =
      std::find_if(masks_.begin(), masks_.end(), [&](const Mask& o) { return o.mask == mask; });
  if (m == masks_.end()) return;
  std::vector<Entry*>* list = m->by_network.find(network);
  if (!list) return;
  std::erase(*list, e);
  if (!list->empty()) return;
  m->by_network.erase(network);
  if (m->by_network.empty()) masks_.erase(m);
}

Sad::Entry* Sad::PrefixSas::choose(uint32_t src, uint32_t dst) const {
  for (const Mask& m : masks_)
    if (const std::vector<Entry*>* list = m.by_network.find(dst & m.mask))
      for (Entry* e : *list)
        if (e->spec.local_ts.contains(src)) return e;
  return nullptr;
}

void Sad::outbound_batch_locked(std::span<const uint32_t> srcs, std::span<const uint32_t> dsts,
                                std::span<Entry*> found) {
  const size_t n = std::min({srcs.size(), dsts.size(), found.size(), kMaxBatch});
  std::array<const HostSas*, kMaxBatch> hosts;
  for (size_t i = 0; i < n; ++i) by_remote_host_.warm(dsts[i]);
  for (size_t i = 0; i < n; ++i) {
    hosts[i] = by_remote_host_.find(dsts[i]);
    if (hosts[i]) touch_line(&hosts[i]->front()->spec.local_ts);  // what the choice reads
  }
  for (size_t i = 0; i < n; ++i) found[i] = outbound_choice(hosts[i], srcs[i], dsts[i]);
}

std::vector<Sad::Entry*> Sad::HostSas::all() const {
  std::vector<Entry*> out;
  for (Entry* e : first_)
    if (e) out.push_back(e);
  if (more_) out.insert(out.end(), more_->begin(), more_->end());
  return out;
}

void Sad::HostSas::assign(const std::vector<Entry*>& list) {
  first_ = {};
  for (size_t i = 0; i < list.size() && i < first_.size(); ++i) first_[i] = list[i];
  if (list.size() <= first_.size()) {
    more_.reset();
    return;
  }
  more_ = std::make_unique<std::vector<Entry*>>(list.begin() + first_.size(), list.end());
}

std::vector<uint32_t> Sad::remote_hosts() const {
  std::shared_lock lock(mu_);
  std::vector<uint32_t> v;
  by_remote_host_.each([&](uint32_t a, const HostSas& host) {
    if (host.find_if([](const Entry* e) { return e->spec.client; })) v.push_back(a);
  });
  std::sort(v.begin(), v.end());
  return v;
}

void Sad::clear_counters() {
  std::lock_guard lock(mu_);
  for (auto& [id, e] : entries_) {
    std::scoped_lock busy(e->in_busy, e->out_busy);
    e->in->clear_counters();
    e->out->clear_counters();
    e->prefrag_ok = e->prefrag_failed = e->postfrag_ok = e->postfrag_failed = e->fragments =
        e->pmtu_sent = e->invalid_identity = e->invalid_ip_version = 0;
  }
}

std::array<uint64_t, 8> Sad::esp_drops() const {
  std::shared_lock lock(mu_);
  std::array<uint64_t, 8> d{};
  for (size_t i = 0; i < 8; ++i) d[i] = counters_.esp[i];
  for (const auto& [id, e] : entries_) {
    std::scoped_lock busy(e->in_busy, e->out_busy);  // the workers write these under it
    for (size_t i = 0; i < 8; ++i) d[i] += e->in->counters().drops[i] + e->out->counters().drops[i];
  }
  return d;
}

void Sad::clear_drops(int64_t now) {
  std::lock_guard lock(mu_);
  counters_.clear_drops(now);
  for (auto& [id, e] : entries_) {
    std::scoped_lock busy(e->in_busy, e->out_busy);
    for (auto& d : e->in->drops_mut()) d = 0;
    for (auto& d : e->out->drops_mut()) d = 0;
  }
}

void Sad::set_acquire_policies(std::vector<AcquirePolicy> policies) {
  std::lock_guard lock(mu_);
  acquire_policies_ = std::move(policies);
}

bool Sad::acquire(uint32_t src, uint32_t dst) {
  std::shared_lock lock(mu_);
  for (const auto& p : acquire_policies_)
    if (p.local.contains(src) && p.remote.contains(dst)) {
      std::lock_guard q(acquire_mu_);
      if (std::find(acquires_.begin(), acquires_.end(), p.cookie) == acquires_.end())
        acquires_.push_back(p.cookie);
      return true;
    }
  return false;
}

std::vector<uint64_t> Sad::take_acquires() {
  std::lock_guard q(acquire_mu_);
  return std::exchange(acquires_, {});
}

size_t Sad::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

}  // namespace rampart::dataplane
