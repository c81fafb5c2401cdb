#include "dataplane/forward/next_hop.hpp"

#include <algorithm>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

NextHops::NextHops(const std::vector<PortConfig>& ports, std::unique_ptr<NeighbourSource> source,
                   Now now)
    : ports_(ports), source_(std::move(source)), now_(now), notified_(source_->event_fd() >= 0) {
  refresh(true);
}

NextHops::~NextHops() = default;

int NextHops::event_fd() const {
  return source_->event_fd();
}

bool NextHops::ours(int ifindex) const {
  return std::any_of(ports_.begin(), ports_.end(),
                     [&](const PortConfig& p) { return p.ifindex == ifindex; });
}

void NextHops::on_event() {
  using Kind = platform::NetlinkChange::Kind;
  changes_.clear();
  source_->changes(changes_);
  bool routes = false;
  for (const auto& c : changes_) {
    // A lost notification, or a port going down (which flushes its routes without telling).
    if (c.kind == Kind::Lost || (c.kind == Kind::Link && ours(c.ifindex))) return refresh(true);
    if (c.kind == Kind::Route) routes |= c.ifindex == 0 || ours(c.ifindex);
    if (c.kind == Kind::Neighbour && ours(c.ifindex)) {
      if (c.neighbour.reachable)
        std::copy(c.neighbour.mac, c.neighbour.mac + 6, neighbours_[c.neighbour.address].begin());
      else
        neighbours_.erase(c.neighbour.address);
    }
  }
  if (routes) read_routes();
}

void NextHops::refresh(bool force) {
  // With notifications the periodic read is only a safety net; without, it is how changes are
  // seen (faster while frames wait for a neighbour).
  auto now = now_();
  auto every = notified_ ? std::chrono::milliseconds(kRereadNotified)
                         : (held_.empty() ? kRereadEvery : kRereadHolding);
  if (!force && now - refreshed_ < every) return;
  refreshed_ = now;
  source_->neighbours(neighbours_);
  read_routes();
}

void NextHops::read_routes() {
  std::vector<platform::RouteEntry> all;
  if (!source_->routes(all)) return;
  // Only a gateway reached through one of our ports is a next hop; most specific first and, of
  // equally specific ones, the lowest metric, so that route() takes the first that holds.
  routes_.clear();
  for (const auto& r : all)
    if (r.gateway && ours(r.ifindex)) routes_.push_back(r);
  std::stable_sort(routes_.begin(), routes_.end(), [](const auto& a, const auto& b) {
    return a.prefix != b.prefix ? a.prefix > b.prefix : a.metric < b.metric;
  });
}

std::optional<NextHops::Hop> NextHops::route(uint32_t dst) {
  refresh(false);
  for (size_t i = 0; i < ports_.size(); ++i) {
    uint32_t m = ipv4::mask_of(ports_[i].prefix);
    if ((dst & m) == (ports_[i].address & m)) return Hop{i, dst};
  }
  for (const auto& r : routes_)
    if ((dst & ipv4::mask_of(r.prefix)) == r.destination)
      for (size_t i = 0; i < ports_.size(); ++i)
        if (ports_[i].ifindex == r.ifindex) return Hop{i, *r.gateway};
  return std::nullopt;
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
