#include "dataplane/forward/next_hop.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

NextHops::NextHops(const std::vector<PortConfig>& ports) : ports_(ports) {
  if (auto nl = platform::Netlink::open()) nl_.emplace(std::move(*nl));
  if (auto ev = platform::NetlinkEvents::open()) events_.emplace(std::move(*ev));
  resolver_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  refresh(true);
}

NextHops::~NextHops() {
  if (resolver_ >= 0) ::close(resolver_);
}

int NextHops::event_fd() const {
  return events_ ? events_->fd() : -1;
}

void NextHops::on_event() {
  if (events_ && events_->drain()) refresh(true);
}

void NextHops::refresh(bool force) {
  // Events make refreshes immediate; the periodic one is only a safety net for a lost event
  // (faster while frames wait for a neighbour).
  auto now = std::chrono::steady_clock::now();
  auto every = held_.empty() ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(10);
  if (!force && now - refreshed_ < every) return;
  refreshed_ = now;
  if (!nl_) return;
  if (auto n = nl_->neighbours()) {
    neighbours_.clear();
    for (const auto& e : *n)
      if (e.reachable) std::copy(e.mac, e.mac + 6, neighbours_[e.address].begin());
  }
  if (auto r = nl_->routes()) routes_ = std::move(*r);
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

void NextHops::resolve(uint32_t ip) {
  // A datagram to the address makes the kernel ask for it (port 9, discard).
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(9);
  a.sin_addr.s_addr = htonl(ip);
  ::sendto(resolver_, "", 0, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&a), sizeof a);
}

bool NextHops::hold(const Hop& hop, const uint8_t* frame, size_t len) {
  resolve(hop.address);
  if (held_.count(hop.address) >= kHeldPerHop || held_.size() >= kHeldTotal) return false;
  held_.emplace(hop.address, Held{hop.port, std::vector<uint8_t>(frame, frame + len),
                                  std::chrono::steady_clock::now()});
  return true;
}

void NextHops::release(
    const std::function<void(size_t, const std::array<uint8_t, 6>&, uint8_t*, size_t)>& send,
    const std::function<void()>& expired) {
  if (held_.empty()) return;
  refresh(false);
  auto now = std::chrono::steady_clock::now();
  for (auto it = held_.begin(); it != held_.end();) {
    if (const auto* m = mac(it->first)) {
      send(it->second.port, *m, it->second.frame.data(), it->second.frame.size());
      it = held_.erase(it);
    } else if (now - it->second.since > std::chrono::seconds(1)) {
      expired();
      it = held_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace rampart::dataplane
