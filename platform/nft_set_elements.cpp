#include "platform/nft_set_elements.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/set.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include <fmt/format.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

namespace rampart::platform {

namespace {

struct SetFree {
  void operator()(nftnl_set* s) const { nftnl_set_free(s); }
};

std::string dotted(uint32_t a) {
  return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

std::string describe(const SetElementChange& c) {
  return fmt::format("{} element {} {{ {} }}", c.add ? "add" : "delete", c.set, dotted(c.address));
}

// One change as one message of the batch: the set named, one element keyed by the address.
bool put_change(mnl_nlmsg_batch* batch, std::string_view table, const SetElementChange& c,
                uint32_t seq) {
  std::unique_ptr<nftnl_set, SetFree> set(nftnl_set_alloc());
  nftnl_set_elem* elem = nftnl_set_elem_alloc();
  if (!set || !elem) {
    if (elem) nftnl_set_elem_free(elem);
    return false;
  }
  nftnl_set_set_str(set.get(), NFTNL_SET_TABLE, std::string(table).c_str());
  nftnl_set_set_str(set.get(), NFTNL_SET_NAME, c.set.c_str());
  uint32_t key = htonl(c.address);
  nftnl_set_elem_set(elem, NFTNL_SET_ELEM_KEY, &key, sizeof key);
  nftnl_set_elem_add(set.get(), elem);  // the set owns elem from here
  // NLM_F_CREATE without NLM_F_EXCL: nft's "add element", which keeps an element already there.
  uint16_t type = c.add ? NFT_MSG_NEWSETELEM : NFT_MSG_DELSETELEM;
  uint16_t flags = NLM_F_ACK | (c.add ? NLM_F_CREATE : 0);
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(static_cast<char*>(mnl_nlmsg_batch_current(batch)), type,
                                        NFPROTO_IPV4, flags, seq);
  nftnl_set_elems_nlmsg_build_payload(nlh, set.get());
  return mnl_nlmsg_batch_next(batch);
}

}  // namespace

rampart::expected<NftSetElements, std::string> NftSetElements::open() {
  mnl_socket* nl = mnl_socket_open(NETLINK_NETFILTER);
  if (!nl) return rampart::unexpected(fmt::format("netlink: {}", std::strerror(errno)));
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int e = errno;
    mnl_socket_close(nl);
    return rampart::unexpected(fmt::format("netlink bind: {}", std::strerror(e)));
  }
  // Acknowledgements carry only their header, not the message they answer: a batch's answers
  // then fit the socket's buffer.
  int on = 1;
  mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &on, sizeof on);
  return NftSetElements(nl, mnl_socket_get_portid(nl));
}

NftSetElements::NftSetElements(NftSetElements&& o) noexcept
    : nl_(std::exchange(o.nl_, nullptr)), port_(o.port_), seq_(o.seq_), rcvbuf_(o.rcvbuf_) {}

NftSetElements& NftSetElements::operator=(NftSetElements&& o) noexcept {
  if (this != &o) {
    if (nl_) mnl_socket_close(nl_);
    nl_ = std::exchange(o.nl_, nullptr);
    port_ = o.port_;
    seq_ = o.seq_;
    rcvbuf_ = o.rcvbuf_;
  }
  return *this;
}

NftSetElements::~NftSetElements() {
  if (nl_) mnl_socket_close(nl_);
}

rampart::expected<void, std::string> NftSetElements::apply(
    std::string_view table, std::span<const SetElementChange> changes) {
  if (changes.empty()) return {};
  // Every answer waits in the socket's buffer until the send returns: room for all of them (an
  // answer's buffer cost is its skb, about 1 kB), as libnftables makes for its batches.
  if (size_t need = changes.size() * 1024 + 65536; need > rcvbuf_) {
    int bytes = static_cast<int>(std::min<size_t>(need, 64 << 20));
    int fd = mnl_socket_get_fd(nl_);
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
      ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
    rcvbuf_ = need;
  }
  // A message is its headers and attributes (under 128 bytes) and the two names; the batch API
  // wants room for one more past its limit.
  size_t limit = 2 * 128;
  for (const auto& c : changes) limit += 128 + table.size() + c.set.size();
  std::vector<char> buf(2 * limit + MNL_SOCKET_BUFFER_SIZE);
  mnl_nlmsg_batch* batch = mnl_nlmsg_batch_start(buf.data(), limit);
  const uint32_t first = ++seq_;
  nftnl_batch_begin(static_cast<char*>(mnl_nlmsg_batch_current(batch)), first);
  bool room = mnl_nlmsg_batch_next(batch);
  for (size_t i = 0; i < changes.size() && room; ++i)
    room = put_change(batch, table, changes[i], ++seq_);
  nftnl_batch_end(static_cast<char*>(mnl_nlmsg_batch_current(batch)), ++seq_);
  room = room && mnl_nlmsg_batch_next(batch);
  ssize_t sent =
      room ? mnl_socket_sendto(nl_, mnl_nlmsg_batch_head(batch), mnl_nlmsg_batch_size(batch)) : 0;
  mnl_nlmsg_batch_stop(batch);
  if (!room) return rampart::unexpected(std::string("netlink: batch too large"));
  if (sent < 0) return rampart::unexpected(fmt::format("netlink send: {}", std::strerror(errno)));
  return answers(changes);
}

// The kernel handles a batch inside the send: every answer is queued when it returns, so what
// is not there now will not come (libnftables reads its answers the same way).
rampart::expected<void, std::string> NftSetElements::answers(
    std::span<const SetElementChange> changes) {
  const uint32_t first_change = seq_ - static_cast<uint32_t>(changes.size());
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  size_t acked = 0;
  std::string error;
  for (;;) {
    ssize_t n = ::recv(mnl_socket_get_fd(nl_), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    // Answers were lost: the rest is read all the same, so that none is left for the next call.
    if (n < 0 && errno == ENOBUFS) {
      if (error.empty()) error = "netlink: answers lost";
      continue;
    }
    if (n < 0) return rampart::unexpected(fmt::format("netlink: {}", std::strerror(errno)));
    int len = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data()); mnl_nlmsg_ok(nlh, len);
         nlh = mnl_nlmsg_next(nlh, &len)) {
      // Only this call's answers (one left by an earlier call that failed is not one of them).
      size_t i = nlh->nlmsg_seq - first_change;
      if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_pid != port_ || i >= changes.size())
        continue;
      const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      ++acked;
      if (err->error != 0 && error.empty())
        error = fmt::format("{}: {}", describe(changes[i]), std::strerror(-err->error));
    }
  }
  if (!error.empty()) return rampart::unexpected(error);
  if (acked < changes.size())
    return rampart::unexpected(
        fmt::format("netlink: {} of {} set element changes answered", acked, changes.size()));
  return {};
}

}  // namespace rampart::platform
