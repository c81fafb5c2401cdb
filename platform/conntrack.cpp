#include "platform/conntrack.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/format.h>

namespace rampart::platform {

namespace {

uint32_t ip_attr(const nf_conntrack* ct, nf_conntrack_attr a) {
  return nfct_attr_is_set(ct, a) > 0 ? ntohl(nfct_get_attr_u32(ct, a)) : 0;
}
uint16_t port_attr(const nf_conntrack* ct, nf_conntrack_attr a) {
  return nfct_attr_is_set(ct, a) > 0 ? ntohs(nfct_get_attr_u16(ct, a)) : 0;
}
uint64_t u64_attr(const nf_conntrack* ct, nf_conntrack_attr a) {
  return nfct_attr_is_set(ct, a) > 0 ? nfct_get_attr_u64(ct, a) : 0;
}

ConntrackEntry entry_of(const nf_conntrack* ct) {
  ConntrackEntry e;
  if (nfct_attr_is_set(ct, ATTR_ID) > 0) e.id = nfct_get_attr_u32(ct, ATTR_ID);
  e.protocol = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
  e.orig_src = ip_attr(ct, ATTR_ORIG_IPV4_SRC);
  e.orig_dst = ip_attr(ct, ATTR_ORIG_IPV4_DST);
  e.reply_src = ip_attr(ct, ATTR_REPL_IPV4_SRC);
  e.reply_dst = ip_attr(ct, ATTR_REPL_IPV4_DST);
  if (e.protocol == IPPROTO_ICMP) {
    e.icmp_type = nfct_get_attr_u8(ct, ATTR_ICMP_TYPE);
    e.icmp_code = nfct_get_attr_u8(ct, ATTR_ICMP_CODE);
    e.orig_sport = e.reply_dport = port_attr(ct, ATTR_ICMP_ID);
  } else {
    e.orig_sport = port_attr(ct, ATTR_ORIG_PORT_SRC);
    e.orig_dport = port_attr(ct, ATTR_ORIG_PORT_DST);
    e.reply_sport = port_attr(ct, ATTR_REPL_PORT_SRC);
    e.reply_dport = port_attr(ct, ATTR_REPL_PORT_DST);
  }
  e.orig_bytes = u64_attr(ct, ATTR_ORIG_COUNTER_BYTES);
  e.orig_packets = u64_attr(ct, ATTR_ORIG_COUNTER_PACKETS);
  e.reply_bytes = u64_attr(ct, ATTR_REPL_COUNTER_BYTES);
  e.reply_packets = u64_attr(ct, ATTR_REPL_COUNTER_PACKETS);
  e.start_ns = u64_attr(ct, ATTR_TIMESTAMP_START);
  e.stop_ns = u64_attr(ct, ATTR_TIMESTAMP_STOP);
  if (nfct_attr_is_set(ct, ATTR_TIMEOUT) > 0) e.timeout = nfct_get_attr_u32(ct, ATTR_TIMEOUT);
  if (e.protocol == IPPROTO_TCP && nfct_attr_is_set(ct, ATTR_TCP_STATE) > 0)
    e.tcp_state = nfct_get_attr_u8(ct, ATTR_TCP_STATE);
  if (nfct_attr_is_set(ct, ATTR_STATUS) > 0) e.status = nfct_get_attr_u32(ct, ATTR_STATUS);
  if (nfct_attr_is_set(ct, ATTR_HELPER_NAME) > 0)
    e.helper = static_cast<const char*>(nfct_get_attr(ct, ATTR_HELPER_NAME));
  return e;
}

struct HandleCloser {
  void operator()(nfct_handle* h) const { nfct_close(h); }
};
using Handle = std::unique_ptr<nfct_handle, HandleCloser>;

int collect(enum nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
  auto* out = static_cast<std::vector<ConntrackEntry>*>(data);
  if (nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) == AF_INET) out->push_back(entry_of(ct));
  return NFCT_CB_CONTINUE;
}

// The original-direction tuple, which is all the kernel needs to find an entry to delete.
void set_tuple(nf_conntrack* ct, const ConntrackEntry& e) {
  nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
  nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, e.protocol);
  nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, htonl(e.orig_src));
  nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, htonl(e.orig_dst));
  if (e.protocol == IPPROTO_ICMP) {
    nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, e.icmp_type);
    nfct_set_attr_u8(ct, ATTR_ICMP_CODE, e.icmp_code);
    nfct_set_attr_u16(ct, ATTR_ICMP_ID, htons(e.orig_sport));
  } else if (e.protocol == IPPROTO_TCP || e.protocol == IPPROTO_UDP) {
    nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(e.orig_sport));
    nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(e.orig_dport));
  }
}

bool write_sysctl(const std::string& name, const char* value) {
  std::ofstream f("/proc/sys/net/netfilter/" + name);
  return static_cast<bool>(f << value << '\n');
}

uint32_t read_sysctl(const std::string& name) {
  std::ifstream f("/proc/sys/net/netfilter/" + name);
  uint32_t v = 0;
  return (f >> v) ? v : 0;
}

int dispatch(enum nf_conntrack_msg_type type, nf_conntrack* ct, void* data) {
  if (nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != AF_INET) return NFCT_CB_CONTINUE;
  auto* h = static_cast<ConntrackEvents::Handler*>(data);
  auto t = type == NFCT_T_NEW       ? ConntrackEvents::Type::New
           : type == NFCT_T_DESTROY ? ConntrackEvents::Type::Destroy
                                    : ConntrackEvents::Type::Update;
  (*h)(t, entry_of(ct));
  return NFCT_CB_CONTINUE;
}

}  // namespace

std::string tcp_state_name(int state) {
  static constexpr const char* kNames[] = {"NONE",     "SYN_SENT",   "SYN_RECV", "ESTABLISHED",
                                           "FIN_WAIT", "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT",
                                           "CLOSE",    "SYN_SENT2"};
  if (state < 0 || state >= static_cast<int>(std::size(kNames))) return "";
  return kNames[state];
}

bool seen_reply(const ConntrackEntry& e) {
  return e.status & IPS_SEEN_REPLY;
}
bool assured(const ConntrackEntry& e) {
  return e.status & IPS_ASSURED;
}
bool src_nat(const ConntrackEntry& e) {
  return e.status & IPS_SRC_NAT;
}
bool dst_nat(const ConntrackEntry& e) {
  return e.status & IPS_DST_NAT;
}
bool expected_flow(const ConntrackEntry& e) {
  return e.status & IPS_EXPECTED;
}

std::vector<std::string> conntrack_enable_accounting() {
  std::vector<std::string> failed;
  for (const char* name : {"nf_conntrack_acct", "nf_conntrack_timestamp"})
    if (!write_sysctl(name, "1")) failed.push_back(fmt::format("cannot set {}", name));
  return failed;
}

uint32_t conntrack_default_timeout(const ConntrackEntry& e) {
  if (e.protocol == IPPROTO_UDP)
    return read_sysctl(assured(e) ? "nf_conntrack_udp_timeout_stream" : "nf_conntrack_udp_timeout");
  if (e.protocol == IPPROTO_ICMP) return read_sysctl("nf_conntrack_icmp_timeout");
  if (e.protocol != IPPROTO_TCP) return read_sysctl("nf_conntrack_generic_timeout");
  std::string state = tcp_state_name(e.tcp_state);
  for (char& c : state) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (state.empty() || state == "none" || state == "syn_sent2") return 0;
  return read_sysctl("nf_conntrack_tcp_timeout_" + state);
}

rampart::expected<std::vector<ConntrackEntry>, std::string> conntrack_dump() {
  Handle h(nfct_open(CONNTRACK, 0));
  if (!h) return rampart::unexpected(fmt::format("conntrack: {}", std::strerror(errno)));
  std::vector<ConntrackEntry> out;
  nfct_callback_register(h.get(), NFCT_T_ALL, collect, &out);
  uint32_t family = AF_INET;
  if (nfct_query(h.get(), NFCT_Q_DUMP, &family) < 0)
    return rampart::unexpected(fmt::format("conntrack dump: {}", std::strerror(errno)));
  return out;
}

rampart::expected<size_t, std::string> conntrack_delete(
    const std::function<bool(const ConntrackEntry&)>& select) {
  auto all = conntrack_dump();
  if (!all) return rampart::unexpected(all.error());
  Handle h(nfct_open(CONNTRACK, 0));
  if (!h) return rampart::unexpected(fmt::format("conntrack: {}", std::strerror(errno)));
  size_t n = 0;
  for (const auto& e : *all) {
    if (!select(e)) continue;
    std::unique_ptr<nf_conntrack, void (*)(nf_conntrack*)> ct(nfct_new(), nfct_destroy);
    if (!ct) break;
    set_tuple(ct.get(), e);
    // ENOENT: it ended on its own between the dump and now, which is what was asked.
    if (nfct_query(h.get(), NFCT_Q_DESTROY, ct.get()) == 0) ++n;
  }
  return n;
}

ConntrackEvents::~ConntrackEvents() {
  if (h_) nfct_close(h_);
}

rampart::expected<void, std::string> ConntrackEvents::open(Handler h, int rcvbuf) {
  handler_ = std::move(h);
  h_ = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_UPDATE |
                                NF_NETLINK_CONNTRACK_DESTROY);
  if (!h_) return rampart::unexpected(fmt::format("conntrack events: {}", std::strerror(errno)));
  nfnl_rcvbufsiz(nfct_nfnlh(h_), static_cast<unsigned>(rcvbuf));
  int fd = nfct_fd(h_);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  nfct_callback_register(h_, NFCT_T_ALL, dispatch, &handler_);
  return {};
}

int ConntrackEvents::fd() const {
  return h_ ? nfct_fd(h_) : -1;
}

bool ConntrackEvents::read() {
  bool overflow = false;
  // nfct_catch processes messages until the socket has none left (EAGAIN) or fails. After
  // ENOBUFS the socket still holds what arrived since the overflow, so read on.
  for (int i = 0; i < 64; ++i) {
    if (nfct_catch(h_) >= 0) continue;
    if (errno == ENOBUFS) {
      overflow = true;
      continue;
    }
    break;
  }
  return !overflow;
}

}  // namespace rampart::platform
