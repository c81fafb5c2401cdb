// BoxSystem's system views: interface counters, ARP, CPU, memory, threads and ping, from the
// kernel (rtnetlink, /proc, sysfs) and raw ICMP sockets (ping, traceroute).
#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "firmware/daemon/box_system.hpp"
#include "platform/netlink.hpp"
#include "platform/ping.hpp"
#include "platform/sysinfo.hpp"
#include "platform/traceroute.hpp"

namespace rampart::firmware {

namespace {

// The link speed the driver reports in sysfs (Mbps); 0 when it has none (-1 or absent).
// The ASA's letter for an unreachable's code (RFC 792 / 1812 codes).
char unreachable_mark(uint8_t code) {
  switch (code) {
    case 0:
      return 'N';
    case 1:
      return 'H';
    case 2:
      return 'P';
    case 9:
    case 10:
    case 13:
      return 'A';
    default:
      return '?';
  }
}

uint32_t speed_of(const std::string& device) {
  std::ifstream f("/sys/class/net/" + device + "/speed");
  long v = 0;
  if (!(f >> v) || v <= 0) return 0;
  return static_cast<uint32_t>(v);
}

// The sockets' drops the kernel's own link counts do not hold already.
uint64_t uncounted(const dataplane::xdp::SocketDrops::Reading& r) {
  return (r.in_rx_dropped ? 0 : r.drops.xsk()) + r.drops.packet_ring;
}

// What the rate lines count: the Traffic Statistics' packets, bytes and drops (the kernel's,
// and what it could not hand to our sockets where it did not count that itself).
platform::LinkSample sample_of(const platform::LinkStats& s,
                               const dataplane::xdp::SocketDrops::Reading& x) {
  uint64_t sockets = uncounted(x);
  return {s.rx_packets, s.rx_bytes, s.tx_packets, s.tx_bytes,
          s.rx_dropped + s.tx_dropped + s.rx_nohandler + sockets};
}

std::string mac_text(const uint8_t* b) {
  return fmt::format("{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}", b[0], b[1], b[2], b[3], b[4], b[5]);
}

}  // namespace

void add_socket_drops(cli::LinkCounters& c, const dataplane::xdp::SocketDrops::Reading& r) {
  const dataplane::xdp::Drops& d = r.drops;
  uint64_t xsk = d.xsk();
  if (r.in_rx_dropped) {
    // Clamped: the kernel's figure and the sockets' are read a moment apart.
    c.rx_no_buffer -= std::min(c.rx_no_buffer, xsk);
    c.dropped -= std::min(c.dropped, xsk);
  }
  // A full AF_PACKET ring, like an empty fill ring, is a frame that found no buffer.
  c.rx_no_buffer += d.fill_empty + d.packet_ring;
  c.rx_overrun += d.ring_full;
  c.rx_errors += d.ring_full + d.other;
  c.dropped += xsk + d.packet_ring;
}

uint64_t in_discards(uint64_t kernel_rx_dropped, const dataplane::xdp::SocketDrops::Reading& r) {
  return kernel_rx_dropped + uncounted(r);
}

dataplane::xdp::SocketDrops::Reading BoxSystem::socket_drops(const std::string& device) const {
  return socket_drops_ ? socket_drops_->read(device) : dataplane::xdp::SocketDrops::Reading{};
}

std::optional<cli::LinkCounters> BoxSystem::link_counters(const std::string& hw) const {
  std::string dev = device_for(hw);
  auto nl = platform::Netlink::open();
  if (!nl) return std::nullopt;
  auto links = nl->links();
  if (!links) return std::nullopt;
  for (const auto& l : *links) {
    if (l.name != dev) continue;
    const platform::LinkStats& s = l.stats;
    cli::LinkCounters c;
    c.rx_packets = s.rx_packets;
    c.rx_bytes = s.rx_bytes;
    c.tx_packets = s.tx_packets;
    c.tx_bytes = s.tx_bytes;
    c.rx_broadcast = s.multicast;
    c.rx_errors = s.rx_errors;
    c.rx_crc = s.rx_crc;
    c.rx_frame = s.rx_frame;
    c.rx_overrun = s.rx_over + s.rx_fifo;
    c.rx_ignored = s.rx_missed;
    c.rx_runts = s.rx_length;
    // The kernel's receive drops are packets it had no room or no use for.
    c.rx_no_buffer = s.rx_dropped;
    c.tx_errors = s.tx_errors;
    c.tx_underruns = s.tx_fifo;
    c.collisions = s.collisions;
    c.dropped = s.rx_dropped + s.tx_dropped + s.rx_nohandler;
    add_socket_drops(c, socket_drops(dev));
    c.speed_mbps = speed_of(dev);
    if (auto h = link_rates_.find(dev); h != link_rates_.end()) {
      c.one_minute = h->second.rate(60);
      c.five_minutes = h->second.rate(300);
    }
    return c;
  }
  return std::nullopt;
}

std::vector<cli::ArpEntry> BoxSystem::arp_table() const {
  std::vector<cli::ArpEntry> out;
  auto nl = platform::Netlink::open();
  if (!nl) return out;
  auto links = nl->links();
  auto arp = nl->arp_table();
  if (!links || !arp) return out;
  for (const auto& n : *arp) {
    cli::ArpEntry e;
    for (const auto& l : *links)
      if (l.ifindex == n.ifindex) e.device = l.name;
    e.address = config::Ipv4{n.address};
    e.mac = mac_text(n.mac);
    e.age_seconds = n.age_seconds;
    e.permanent = n.permanent;
    out.push_back(std::move(e));
  }
  return out;
}

void BoxSystem::sample_cpu() {
  cpu_.add(platform::uptime_seconds(), platform::read_proc_stat());
}

void BoxSystem::sample_links() {
  uint64_t now = platform::uptime_seconds();
  if (!link_rates_.empty() && now < last_link_sample_ + platform::LinkRateHistory::kInterval)
    return;
  auto nl = platform::Netlink::open();
  if (!nl) return;
  auto links = nl->links();
  if (!links) return;
  last_link_sample_ = now;
  // Devices that went away (a VPN's TUN device) take their history with them.
  std::erase_if(link_rates_, [&](const auto& e) {
    return std::none_of(links->begin(), links->end(),
                        [&](const auto& l) { return l.name == e.first; });
  });
  for (const auto& l : *links)
    link_rates_[l.name].add(now, sample_of(l.stats, socket_drops(l.name)));
}

cli::CpuUsage BoxSystem::cpu_usage() const {
  cli::CpuUsage u;
  auto five = cpu_.usage(5), minute = cpu_.usage(60), five_min = cpu_.usage(300);
  if (five.empty() || five.size() != minute.size() || five.size() != five_min.size()) return u;
  u.known = true;
  u.total = {five[0], minute[0], five_min[0]};
  for (size_t i = 1; i < five.size(); ++i) u.cores.push_back({five[i], minute[i], five_min[i]});
  return u;
}

std::optional<cli::MemoryUsage> BoxSystem::memory() const {
  auto m = platform::read_meminfo();
  if (!m) return std::nullopt;
  return cli::MemoryUsage{m->total, m->free};
}

std::vector<cli::ProcessEntry> BoxSystem::processes() const {
  std::vector<cli::ProcessEntry> out;
  for (const auto& t : platform::read_threads())
    out.push_back({t.tid, t.name, t.runtime_ms, t.state});
  return out;
}

rampart::expected<std::vector<cli::PingResult>, std::string> BoxSystem::ping(
    const cli::PingRequest& r) {
  platform::PingOptions o;
  o.device = r.device;
  o.target = r.target.value;
  o.repeat = r.repeat;
  o.size = r.size;
  o.timeout_seconds = r.timeout_seconds;
  auto probes = platform::ping(o);
  if (!probes) return rampart::unexpected(probes.error());
  std::vector<cli::PingResult> out;
  for (const auto& p : *probes) out.push_back({p.result, p.rtt_ms});
  return out;
}

rampart::expected<std::vector<cli::TraceHopResult>, std::string> BoxSystem::traceroute(
    const cli::TraceRequest& r) {
  platform::TraceOptions o;
  o.device = r.device;
  o.source = r.source ? r.source->value : 0;
  o.target = r.target.value;
  o.timeout_seconds = r.timeout_seconds;
  o.probes = r.probes;
  o.min_ttl = r.min_ttl;
  o.max_ttl = r.max_ttl;
  o.port = static_cast<uint16_t>(r.port);
  o.use_icmp = r.use_icmp;
  auto hops = platform::traceroute(o);
  if (!hops) return rampart::unexpected(hops.error());
  std::vector<cli::TraceHopResult> out;
  for (const auto& h : *hops) {
    cli::TraceHopResult hop{h.ttl, {}};
    for (const auto& p : h.probes) {
      char mark = p.answered && p.reply.answer == platform::TraceAnswer::Unreachable
                      ? unreachable_mark(p.reply.code)
                      : 0;
      hop.probes.push_back({p.answered, config::Ipv4{p.from}, p.rtt_ms, mark});
    }
    out.push_back(std::move(hop));
  }
  return out;
}

}  // namespace rampart::firmware
