// Packets the kernel's rules hand to rampartd for a verdict (a queue rule: insert_queue_rule),
// read and answered over netlink through libnetfilter_queue. Used where a decision needs a field no
// rule can reach (one behind variable-length fields). Fail closed: with nobody bound to the
// queue, or the queue full, the kernel drops what the rule queues (no "bypass" flag).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "platform/expected.hpp"

struct nfq_handle;
struct nfq_q_handle;
struct nfq_data;
struct nfgenmsg;

namespace rampart::platform {

// Puts a rule that queues every packet to queue `num` at the head of chain `chain` of the ip
// table `table`. It is the x_tables NFQUEUE target (revision 1) through nft_compat, as
// iptables-nft writes it: kernels built without nftables' own queue expression (the lab's has
// none) have that, and nft's language cannot write it, so the rule is built with libnftnl.
// Packets reach the chain only by the ruleset's own matches; the chain's own last rule is what
// happens to them while this one is not there.
rampart::expected<void, std::string> insert_queue_rule(const std::string& table,
                                                       const std::string& chain, uint16_t num);

// A queued IPv4 UDP datagram: its addresses (host order) and its payload.
struct QueuedDatagram {
  uint32_t src = 0, dst = 0;
  uint16_t sport = 0, dport = 0;
  std::span<const uint8_t> payload;
};

// The UDP datagram an IPv4 packet carries, or false: not IPv4, not UDP, a fragment other than
// the first, or headers cut short. The payload ends where the UDP length says (or at the
// bytes' end, when they were cut shorter).
bool parse_udp4(std::span<const uint8_t> packet, QueuedDatagram& d);

class NfqueueReader {
 public:
  // True: the packet goes on (accept); false: it is dropped.
  using Verdict = std::function<bool(const QueuedDatagram&)>;
  NfqueueReader() = default;
  ~NfqueueReader();
  NfqueueReader(const NfqueueReader&) = delete;
  NfqueueReader& operator=(const NfqueueReader&) = delete;

  // Binds queue `num` (whole packets, at most max_queued waiting: more are dropped).
  rampart::expected<void, std::string> open(uint16_t num, uint32_t max_queued, Verdict v);
  bool is_open() const { return q_ != nullptr; }
  int fd() const;
  // Answers what is queued without blocking. A packet that is not IPv4 UDP is dropped without
  // asking the verdict (the queue rules match UDP only: it cannot come).
  void read();

 private:
  static int on_packet(::nfq_q_handle* q, ::nfgenmsg*, ::nfq_data* nfa, void* self);
  nfq_handle* h_ = nullptr;
  nfq_q_handle* q_ = nullptr;
  Verdict verdict_;
  std::vector<char> buf_;
};

}  // namespace rampart::platform
