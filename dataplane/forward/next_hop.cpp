#include "dataplane/forward/next_hop.hpp"

#include <algorithm>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

NextHops::NextHops(const std::vector<PortConfig>& ports, std::unique_ptr<NeighbourSource> source,
                   Now now)
    : ports_(ports), source_(std::move(source)), now_(now) {
  refresh(true);
}

NextHops::~NextHops() = default;

int NextHops::event_fd() const {
  return source_->event_fd();
}

void NextHops::on_event() {
  if (source_->changed()) refresh(true);
}

void NextHops::refresh(bool force) {
  // Events make refreshes immediate; the periodic one is only a safety net for a lost event
  // (faster while frames wait for a neighbour).
  auto now = now_();
  auto every = held_.empty() ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(10);
  if (!force && now - refreshed_ < every) return;
  refreshed_ = now;
  source_->neighbours(neighbours_);
  source_->routes(routes_);
}

std::optional<NextHops::Hop> NextHops::route(uint32_t dst) {
  refresh(false);
  for (size_t i = 0; i < ports_.size(); ++i) {
    uint32_t m = ipv4::mask_of(ports_[i].prefix);
    if ((dst & m) == (ports_[i].address & m)) return Hop{i, dst};
  }
  std::optional<Hop> best;
  int best_prefix = -1;
  for (const auto& r : routes_)
    if (r.gateway && r.prefix > best_prefix && (dst & ipv4::mask_of(r.prefix)) == r.destination)
      for (size_t i = 0; i < ports_.size(); ++i)
        if (ports_[i].ifindex == r.ifindex) {
          best = Hop{i, *r.gateway};
          best_prefix = r.prefix;
        }
  return best;
}

const std::array<uint8_t, 6>* NextHops::mac(uint32_t neighbour) {
  auto n = neighbours_.find(neighbour);
  return n == neighbours_.end() ? nullptr : &n->second;
}

bool NextHops::hold(const Hop& hop, const uint8_t* frame, size_t len) {
  source_->resolve(hop.address);
  if (held_.count(hop.address) >= kHeldPerHop || held_.size() >= kHeldTotal) return false;
  held_.emplace(hop.address, Held{hop.port, std::vector<uint8_t>(frame, frame + len), now_()});
  return true;
}

void NextHops::release(
    const std::function<void(size_t, const std::array<uint8_t, 6>&, uint8_t*, size_t)>& send,
    const std::function<void()>& expired) {
  if (held_.empty()) return;
  refresh(false);
  auto now = now_();
  for (auto it = held_.begin(); it != held_.end();) {
    if (const auto* m = mac(it->first)) {
      send(it->second.port, *m, it->second.frame.data(), it->second.frame.size());
      it = held_.erase(it);
    } else if (now - it->second.since > kHoldFor) {
      expired();
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rampart::dataplane
