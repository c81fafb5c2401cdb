#include "platform/nfqueue.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
// After netinet/in.h: that order lets the kernel's header skip what glibc's defined.
#include <linux/netfilter.h>
extern "C" {
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
}
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <fmt/format.h>

#include "platform/ipv4_view.hpp"

namespace rampart::platform {

namespace {

// What a verdict may need of a datagram: UDP's largest payload, whole.
constexpr uint32_t kQueueCopyBytes = 0xffff;

}  // namespace

// RFC 768: UDP's ports and length in its first six bytes.
bool parse_udp4(std::span<const uint8_t> b, QueuedDatagram& d) {
  auto ip = ipv4_view(b);
  if (!ip || ip->protocol != IPPROTO_UDP || !ip->first_fragment || ip->l4.size() < 8) return false;
  d.src = ip->src;
  d.dst = ip->dst;
  auto udp = ip->l4;
  d.sport = be16(udp, 0);
  d.dport = be16(udp, 2);
  size_t length = be16(udp, 4);
  if (length < 8) return false;
  d.payload = udp.subspan(8, std::min(length, udp.size()) - 8);
  return true;
}

namespace {

// One NEWRULE in a batch, its acknowledgement read: an error says why the kernel refused it.
rampart::expected<void, std::string> send_rule(nftnl_rule* r) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  uint32_t seq = static_cast<uint32_t>(::time(nullptr));
  mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buf.data(), buf.size());
  nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
  mnl_nlmsg_batch_next(batch);
  const uint32_t rule_seq = seq;
  // No NLM_F_APPEND: the rule goes to the head of the chain.
  nlmsghdr* nlh =
      nftnl_rule_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)),
                                 NFT_MSG_NEWRULE, NFPROTO_IPV4, NLM_F_CREATE | NLM_F_ACK, seq++);
  nftnl_rule_nlmsg_build_payload(nlh, r);
  mnl_nlmsg_batch_next(batch);
  nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch)), seq++);
  mnl_nlmsg_batch_next(batch);
  std::string why;
  mnl_socket* nl = mnl_socket_open(NETLINK_NETFILTER);
  if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
      mnl_socket_sendto(nl, mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch)) < 0) {
    why = std::strerror(errno);
  } else {
    ssize_t n = mnl_socket_recvfrom(nl, buf.data(), buf.size());
    if (n < 0 ||
        mnl_cb_run(buf.data(), n, rule_seq, mnl_socket_get_portid(nl), nullptr, nullptr) < 0)
      why = std::strerror(errno);
  }
  mnl_nlmsg_batch_stop(batch);
  if (nl) mnl_socket_close(nl);
  if (!why.empty()) return rampart::unexpected(why);
  return {};
}

}  // namespace

rampart::expected<void, std::string> insert_queue_rule(const std::string& table,
                                                       const std::string& chain, uint16_t num) {
  // Revision 1: a queue number and a count of 1; no bypass flag, so that nobody listening means
  // the packet is dropped. The target's data is XT_ALIGNed, as nft_compat checks, and malloc'd:
  // the expression takes it and frees it.
  constexpr size_t kInfoSize = XT_ALIGN(sizeof(xt_NFQ_info_v1));
  nftnl_rule* r = nftnl_rule_alloc();
  nftnl_expr* e = nftnl_expr_alloc("target");
  auto* info = static_cast<xt_NFQ_info_v1*>(std::calloc(1, kInfoSize));
  if (!r || !e || !info) {
    if (r) nftnl_rule_free(r);
    if (e) nftnl_expr_free(e);
    std::free(info);
    return rampart::unexpected(std::string("out of memory"));
  }
  info->queuenum = num;
  info->queues_total = 1;
  nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table.c_str());
  nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain.c_str());
  nftnl_expr_set_str(e, NFTNL_EXPR_TG_NAME, "NFQUEUE");
  nftnl_expr_set_u32(e, NFTNL_EXPR_TG_REV, 1);
  nftnl_expr_set(e, NFTNL_EXPR_TG_INFO, info, kInfoSize);
  nftnl_rule_add_expr(r, e);  // the rule owns it now
  auto sent = send_rule(r);
  nftnl_rule_free(r);
  if (!sent)
    return rampart::unexpected(fmt::format("queue rule in {} {}: {}", table, chain, sent.error()));
  return {};
}

NfqueueReader::~NfqueueReader() {
  if (q_) nfq_destroy_queue(q_);
  if (h_) nfq_close(h_);
}

rampart::expected<void, std::string> NfqueueReader::open(uint16_t num, uint32_t max_queued,
                                                         Verdict v) {
  verdict_ = std::move(v);
  h_ = nfq_open();
  if (!h_) return rampart::unexpected(fmt::format("nfqueue: {}", std::strerror(errno)));
  q_ = nfq_create_queue(h_, num, &NfqueueReader::on_packet, this);
  if (!q_) return rampart::unexpected(fmt::format("nfqueue {}: {}", num, std::strerror(errno)));
  if (nfq_set_mode(q_, NFQNL_COPY_PACKET, kQueueCopyBytes) < 0 ||
      nfq_set_queue_maxlen(q_, max_queued) < 0) {
    std::string why = fmt::format("nfqueue {} mode: {}", num, std::strerror(errno));
    nfq_destroy_queue(q_);
    q_ = nullptr;
    return rampart::unexpected(why);
  }
  int fd = nfq_fd(h_);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return {};
}

int NfqueueReader::fd() const {
  return h_ ? nfq_fd(h_) : -1;
}

void NfqueueReader::read() {
  if (!q_) return;
  buf_.resize(kQueueCopyBytes + 4096);  // a whole datagram and netlink's headers around it
  // A bounded round: what stays queued is read on the next readiness.
  for (int i = 0; i < 64; ++i) {
    ssize_t n = ::recv(nfq_fd(h_), buf_.data(), buf_.size(), 0);
    // ENOBUFS: the kernel dropped messages for us; those packets had no verdict and are gone.
    if (n < 0 && errno == ENOBUFS) continue;
    if (n <= 0) break;
    nfq_handle_packet(h_, buf_.data(), static_cast<int>(n));
  }
}

int NfqueueReader::on_packet(::nfq_q_handle* q, ::nfgenmsg*, ::nfq_data* nfa, void* self) {
  auto* r = static_cast<NfqueueReader*>(self);
  const nfqnl_msg_packet_hdr* ph = nfq_get_msg_packet_hdr(nfa);
  if (!ph) return 0;
  uint32_t id = ntohl(ph->packet_id);
  unsigned char* data = nullptr;
  int len = nfq_get_payload(nfa, &data);
  QueuedDatagram d;
  bool accept = len > 0 && parse_udp4({data, static_cast<size_t>(len)}, d) && r->verdict_(d);
  return nfq_set_verdict(q, id, accept ? NF_ACCEPT : NF_DROP, 0, nullptr);
}

}  // namespace rampart::platform
