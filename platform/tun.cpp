#include "platform/tun.hpp"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>

#include "platform/errno_text.hpp"
#include "platform/log.hpp"
#include "platform/netlink.hpp"
#include "platform/tun_steering.hpp"

namespace rampart::platform {

namespace {

// The largest MTU a TUN device takes, and the largest IPv4 packet.
constexpr uint32_t kTunMtu = 65535;

}  // namespace

rampart::expected<TunQueue, std::string> TunQueue::open(const std::string& device) {
  if (device.empty() || device.size() >= IFNAMSIZ)
    return rampart::unexpected("TUN device name '" + device + "' is too long");
  TunQueue q;
  q.fd_ = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (q.fd_ < 0) return rampart::unexpected(errno_text("/dev/net/tun"));
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, device.data(), device.size());
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | IFF_MULTI_QUEUE;
  if (::ioctl(q.fd_, TUNSETIFF, &ifr) != 0) return rampart::unexpected(errno_text(device));
  // Without it (a kernel without BPF) the kernel's flow hash chooses: still correct, only an
  // SA may be shared by workers. Said once.
  if (auto r = steer_by_destination(q.fd_); !r) {
    static std::once_flag said;
    std::call_once(said, [&] {
      log(Severity::Warning, device + ": queues chosen by flow, not by destination: " + r.error());
    });
  }
  return q;
}

TunQueue::TunQueue(TunQueue&& o) noexcept : fd_(o.fd_) {
  o.fd_ = -1;
}

TunQueue& TunQueue::operator=(TunQueue&& o) noexcept {
  std::swap(fd_, o.fd_);
  return *this;
}

TunQueue::~TunQueue() {
  if (fd_ >= 0) ::close(fd_);
}

ssize_t TunQueue::read(uint8_t* buf, size_t len) const {
  return ::read(fd_, buf, len);
}

ssize_t TunQueue::write(const uint8_t* ip, size_t len) const {
  return ::write(fd_, ip, len);
}

namespace {

rampart::expected<void, std::string> write_proc(const std::string& path, const std::string& value) {
  std::ofstream f(path);
  f << value << '\n';
  f.flush();
  if (!f) return rampart::unexpected("cannot write " + path);
  return {};
}

bool plain_name(const std::string& s) {
  return !s.empty() && s.find('/') == std::string::npos && s != "." && s != "..";
}

}  // namespace

rampart::expected<void, std::string> set_ipv4_sysctl(const std::string& device,
                                                     const std::string& key,
                                                     const std::string& value) {
  if (!plain_name(key) || (!device.empty() && !plain_name(device)))
    return rampart::unexpected("bad sysctl name '" + device + "." + key + "'");
  return write_proc(device.empty() ? "/proc/sys/net/ipv4/" + key
                                   : "/proc/sys/net/ipv4/conf/" + device + "/" + key,
                    value);
}

rampart::expected<void, std::string> set_ipv4_neigh_sysctl(const std::string& device,
                                                           const std::string& key,
                                                           const std::string& value) {
  if (!plain_name(key) || !plain_name(device))
    return rampart::unexpected("bad sysctl name '" + device + "." + key + "'");
  return write_proc("/proc/sys/net/ipv4/neigh/" + device + "/" + key, value);
}

rampart::expected<void, std::string> prepare_tun_device(const std::string& device) {
  auto nl = Netlink::open();
  if (!nl) return rampart::unexpected(nl.error());
  auto links = nl->links();
  if (!links) return rampart::unexpected(links.error());
  const Link* tun = nullptr;
  for (const auto& l : *links)
    if (l.name == device) tun = &l;
  if (!tun) return rampart::unexpected(device + ": no such device");
  if (tun->mtu != kTunMtu)
    if (auto r = nl->set_mtu(tun->ifindex, kTunMtu); !r) return r;
  if (!tun->admin_up)
    if (auto r = nl->set_up(tun->ifindex, true); !r) return r;
  // No reverse-path filter here: the dataplane let through only sources the SA's selectors
  // allow, and the ICMP errors it returns come from the box's own address, which a device
  // without an address of its own fails under any rp_filter (the kernel's effective value is
  // the larger of conf.all and the device's: conf.all must stay 0, the namespace's default).
  if (auto r = set_ipv4_sysctl(device, "rp_filter", "0"); !r) return r;
  if (auto r = set_ipv4_sysctl(device, "accept_local", "1"); !r) return r;
  // The tunnels carry IPv4: the kernel's own IPv6 for the device (router solicitations, MLD)
  // has nowhere to go. Best effort: a kernel without IPv6 has no such setting.
  (void)write_proc("/proc/sys/net/ipv6/conf/" + device + "/disable_ipv6", "1");
  return {};
}

}  // namespace rampart::platform
