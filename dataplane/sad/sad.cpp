#include "dataplane/sad/sad.hpp"

namespace rampart::dataplane {

rampart::expected<void, std::string> Sad::add(const SaSpec& spec) {
  auto in = EspSa::create(spec.spi_in, spec.keys_in, spec.replay_window);
  if (!in) return rampart::unexpected(in.error());
  auto out = EspSa::create(spec.spi_out, spec.keys_out, 0);
  if (!out) return rampart::unexpected(out.error());
  auto e = std::make_unique<Entry>();
  e->spec = spec;
  e->in = std::move(*in);
  e->out = std::move(*out);
  std::lock_guard lock(mu_);
  by_spi_[spec.spi_in] = e.get();
  entries_[spec.id] = std::move(e);
  return {};
}

void Sad::remove(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  by_spi_.erase(it->second->spec.spi_in);
  for (size_t i = 0; i < 8; ++i)
    counters_.esp[i] += it->second->in->counters().drops[i] + it->second->out->counters().drops[i];
  entries_.erase(it);
}

Sad::Entry* Sad::outbound_locked(uint32_t src, uint32_t dst) {
  // The most specific remote side wins, as an ordered crypto ACL would have it.
  Entry* best = nullptr;
  for (auto& [id, e] : entries_)
    if (e->spec.local_ts.contains(src) && e->spec.remote_ts.contains(dst) &&
        (!best || e->spec.remote_ts.mask > best->spec.remote_ts.mask))
      best = e.get();
  return best;
}

void Sad::clear_counters() {
  std::lock_guard lock(mu_);
  for (auto& [id, e] : entries_) {
    e->in->clear_counters();
    e->out->clear_counters();
  }
}

std::array<uint64_t, 8> Sad::esp_drops() const {
  std::shared_lock lock(mu_);
  std::array<uint64_t, 8> d{};
  for (size_t i = 0; i < 8; ++i) d[i] = counters_.esp[i];
  for (const auto& [id, e] : entries_)
    for (size_t i = 0; i < 8; ++i) d[i] += e->in->counters().drops[i] + e->out->counters().drops[i];
  return d;
}

void Sad::clear_drops(int64_t now) {
  std::lock_guard lock(mu_);
  for (auto* c :
       {&counters_.no_sa, &counters_.policy_mismatch, &counters_.ttl_expired, &counters_.no_route,
        &counters_.no_adjacency, &counters_.tx_failed, &counters_.too_big})
    *c = 0;
  for (auto& c : counters_.esp) c = 0;
  for (auto& [id, e] : entries_) {
    for (auto& d : e->in->drops_mut()) d = 0;
    for (auto& d : e->out->drops_mut()) d = 0;
  }
  counters_.cleared_at = now;
}

size_t Sad::size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

}  // namespace rampart::dataplane
