// The kernel's neighbour and route tables for NextHops, through netlink; its own file so that
// the logic (next_hop.cpp) links without netlink, as the unit tests and the fuzzer use it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "dataplane/forward/next_hop.hpp"

namespace rampart::dataplane {

namespace {

// The kernel's tables through netlink. A datagram to an address makes the kernel resolve it.
class KernelNeighbours final : public NeighbourSource {
 public:
  KernelNeighbours() {
    if (auto nl = platform::Netlink::open()) nl_.emplace(std::move(*nl));
    if (auto ev = platform::NetlinkEvents::open()) events_.emplace(std::move(*ev));
    resolver_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }
  ~KernelNeighbours() override {
    if (resolver_ >= 0) ::close(resolver_);
  }
  int event_fd() const override { return events_ ? events_->fd() : -1; }
  void changes(std::vector<platform::NetlinkChange>& out) override {
    if (events_) events_->drain(out);
  }
  bool neighbours(std::map<uint32_t, std::array<uint8_t, 6>>& out) override {
    if (!nl_) return false;
    auto n = nl_->neighbours();
    if (!n) return false;
    out.clear();
    for (const auto& e : *n)
      if (e.reachable) std::copy(e.mac, e.mac + 6, out[e.address].begin());
    return true;
  }
  bool routes(std::vector<platform::RouteEntry>& out) override {
    if (!nl_) return false;
    auto r = nl_->routes();
    if (!r) return false;
    out = std::move(*r);
    return true;
  }
  void resolve(uint32_t ip) override {
    // Port 9 (discard): the datagram itself goes nowhere that matters.
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(9);
    a.sin_addr.s_addr = htonl(ip);
    ::sendto(resolver_, "", 0, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&a), sizeof a);
  }

 private:
  std::optional<platform::Netlink> nl_;
  std::optional<platform::NetlinkEvents> events_;
  int resolver_ = -1;
};

}  // namespace

std::unique_ptr<NeighbourSource> NeighbourSource::kernel() {
  return std::make_unique<KernelNeighbours>();
}

}  // namespace rampart::dataplane
