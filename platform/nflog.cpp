#include "platform/nflog.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
extern "C" {
#include <libnetfilter_log/libnetfilter_log.h>
}

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "platform/ipv4_view.hpp"

namespace rampart::platform {

namespace {

// Headers are all a log message needs; 128 bytes holds IPv4 with options plus TCP's flags.
constexpr uint32_t kLogCopyBytes = 128;

}  // namespace

// The transport header is read only from the first fragment (offset 0).
bool parse_ipv4(std::span<const uint8_t> b, LoggedPacket& p) {
  auto ip = ipv4_view(b);
  if (!ip) return false;
  p.protocol = ip->protocol;
  p.src = ip->src;
  p.dst = ip->dst;
  auto l4 = ip->l4;
  if (!ip->first_fragment) return true;
  if ((p.protocol == IPPROTO_TCP || p.protocol == IPPROTO_UDP) && l4.size() >= 4) {
    p.sport = be16(l4, 0);
    p.dport = be16(l4, 2);
  }
  if (p.protocol == IPPROTO_TCP && l4.size() >= 14) p.tcp_flags = l4[13];
  if (p.protocol == IPPROTO_ICMP && l4.size() >= 2) {
    p.icmp_type = l4[0];
    p.icmp_code = l4[1];
  }
  return true;
}

NflogReader::~NflogReader() {
  if (gh_) nflog_unbind_group(gh_);
  if (h_) nflog_close(h_);
}

rampart::expected<void, std::string> NflogReader::open(uint16_t group, Handler h) {
  handler_ = std::move(h);
  h_ = nflog_open();
  if (!h_) return rampart::unexpected(fmt::format("nflog: {}", std::strerror(errno)));
  // Kernels before 3.17 wanted the family bound; later ones ignore it.
  nflog_bind_pf(h_, AF_INET);
  gh_ = nflog_bind_group(h_, group);
  if (!gh_)
    return rampart::unexpected(fmt::format("nflog group {}: {}", group, std::strerror(errno)));
  if (nflog_set_mode(gh_, NFULNL_COPY_PACKET, kLogCopyBytes) < 0)
    return rampart::unexpected(fmt::format("nflog copy mode: {}", std::strerror(errno)));
  nflog_callback_register(gh_, &NflogReader::on_packet, this);
  int fd = nflog_fd(h_);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return {};
}

int NflogReader::fd() const {
  return h_ ? nflog_fd(h_) : -1;
}

uint64_t NflogReader::read() {
  uint64_t lost = 0;
  std::vector<char> buf(65536);
  for (int i = 0; i < 256; ++i) {
    ssize_t n = ::recv(nflog_fd(h_), buf.data(), buf.size(), 0);
    if (n < 0 && errno == ENOBUFS) {
      ++lost;
      continue;
    }
    if (n <= 0) break;
    nflog_handle_packet(h_, buf.data(), static_cast<int>(n));
  }
  return lost;
}

int NflogReader::on_packet(::nflog_g_handle*, ::nfgenmsg*, ::nflog_data* nfa, void* self) {
  auto* r = static_cast<NflogReader*>(self);
  LoggedPacket p;
  if (const char* prefix = nflog_get_prefix(nfa)) p.prefix = prefix;
  if (uint32_t in = nflog_get_indev(nfa)) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(in, name)) p.in_device = name;
  }
  char* payload = nullptr;
  int len = nflog_get_payload(nfa, &payload);
  if (len <= 0 ||
      !parse_ipv4({reinterpret_cast<const uint8_t*>(payload), static_cast<size_t>(len)}, p)) {
    ++r->malformed_;
    return 0;
  }
  r->handler_(p);
  return 0;
}

}  // namespace rampart::platform
