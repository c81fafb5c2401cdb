#include "platform/address_interface.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <chrono>
#include <map>
#include <mutex>

namespace rampart::platform {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kFresh = std::chrono::seconds(1);

std::map<uint32_t, int> read_addresses() {
  std::map<uint32_t, int> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    uint32_t addr = ntohl(reinterpret_cast<const sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr);
    if (unsigned idx = if_nametoindex(a->ifa_name)) out.emplace(addr, static_cast<int>(idx));
  }
  freeifaddrs(list);
  return out;
}

}  // namespace

int interface_of_address(uint32_t address) {
  static std::mutex mu;
  static std::map<uint32_t, int> known;
  static Clock::time_point read_at;
  std::lock_guard lock(mu);
  auto now = Clock::now();
  bool fresh = now - read_at < kFresh;
  auto it = known.find(address);
  if (fresh && it != known.end()) return it->second;
  if (fresh && it == known.end() && now - read_at < std::chrono::milliseconds(100)) return 0;
  known = read_addresses();
  read_at = now;
  it = known.find(address);
  return it == known.end() ? 0 : it->second;
}

}  // namespace rampart::platform
