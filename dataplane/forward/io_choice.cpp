#include "dataplane/forward/io_choice.hpp"

#include <atomic>
#include <map>
#include <mutex>

namespace rampart::dataplane {

namespace {

// Until main() sets it (unit tests never do): AF_PACKET, which loads no program.
std::atomic<IoKind> g_choice{IoKind::AfPacket};

struct PortIo {
  std::string how;
  bool on_xdp = false;
};
struct Ports {
  std::mutex mu;
  std::map<std::string, PortIo> by_name;
};
Ports& ports() {
  static Ports p;
  return p;
}

}  // namespace

std::optional<IoKind> parse_io_kind(std::string_view s) {
  if (s == "af_packet") return IoKind::AfPacket;
  if (s == "af_xdp") return IoKind::AfXdp;
  if (s == "auto") return IoKind::Auto;
  return std::nullopt;
}

std::string_view io_kind_name(IoKind k) {
  return k == IoKind::AfPacket ? "af_packet" : k == IoKind::AfXdp ? "af_xdp" : "auto";
}

void set_io_choice(IoKind k) {
  g_choice = k;
}
IoKind io_choice() {
  return g_choice;
}

void report_port_io(const std::string& port, const std::string& how, bool on_xdp) {
  std::lock_guard lock(ports().mu);
  ports().by_name[port] = {how, on_xdp};
}

void forget_port_io() {
  std::lock_guard lock(ports().mu);
  ports().by_name.clear();
}

std::string io_status() {
  IoKind k = g_choice;
  if (k == IoKind::AfPacket) return "AF_PACKET";
  std::lock_guard lock(ports().mu);
  const auto& by = ports().by_name;
  std::string asked = k == IoKind::AfXdp ? "--packet-io af_xdp" : "--packet-io auto";
  if (by.empty()) return "AF_XDP (" + asked + ", no port with a crypto map yet)";
  const PortIo& first = by.begin()->second;
  bool same = true;
  for (const auto& [name, p] : by) same = same && p.how == first.how && p.on_xdp == first.on_xdp;
  if (same) return (first.on_xdp ? "AF_XDP (" : "AF_PACKET (") + first.how + ")";
  std::string line = "AF_XDP (";
  for (const auto& [name, p] : by) {
    if (line.back() != '(') line += "; ";
    line += name + (p.on_xdp ? " " : " AF_PACKET, ") + p.how;
  }
  return line + ")";
}

}  // namespace rampart::dataplane
