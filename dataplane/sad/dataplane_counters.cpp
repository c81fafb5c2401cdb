#include "dataplane/sad/dataplane_counters.hpp"

#include <algorithm>

namespace rampart::dataplane {

DataplaneCounters::DataplaneCounters() : control_(std::make_shared<WorkerCounters>()) {
  live_.push_back(control_);
}

bool DataplaneCounters::is_drop(Count c) {
  switch (c) {
    case Count::Frames:
    case Count::Decapsulated:
    case Count::Encapsulated:
    case Count::Transmitted:
    case Count::ArpAnnounced:
    case Count::kCount:
      return false;
    default:
      return true;
  }
}

std::shared_ptr<WorkerCounters> DataplaneCounters::attach() {
  auto block = std::make_shared<WorkerCounters>();
  std::lock_guard lock(mu_);
  live_.push_back(block);
  return block;
}

void DataplaneCounters::detach(const std::shared_ptr<WorkerCounters>& block) {
  std::lock_guard lock(mu_);
  auto it = std::find(live_.begin(), live_.end(), block);
  if (it == live_.end()) return;
  for (size_t i = 0; i < kCounts; ++i) retired_[i] += block->get(static_cast<Count>(i));
  live_.erase(it);
}

CounterSnapshot DataplaneCounters::sum_locked() const {
  CounterSnapshot s;
  s.v = retired_;
  for (const auto& b : live_)
    for (size_t i = 0; i < kCounts; ++i) s.v[i] += b->get(static_cast<Count>(i));
  return s;
}

CounterSnapshot DataplaneCounters::read() const {
  std::lock_guard lock(mu_);
  CounterSnapshot s = sum_locked();
  for (size_t i = 0; i < kCounts; ++i) s.v[i] -= baseline_[i];
  return s;
}

void DataplaneCounters::clear_drops(int64_t now) {
  std::lock_guard lock(mu_);
  CounterSnapshot s = sum_locked();
  for (size_t i = 0; i < kCounts; ++i)
    if (is_drop(static_cast<Count>(i))) baseline_[i] = s.v[i];
  for (auto& e : esp) e = 0;
  cleared_at_.store(now, std::memory_order_relaxed);
}

}  // namespace rampart::dataplane
