// The kernel's connection table (conntrack) over netlink, through libnetfilter_conntrack: a
// dump with counters and timestamps, deletion of the entries a predicate selects, and the
// NEW/UPDATE/DESTROY event stream. IPv4 only, as the firewall is. Addresses and ports are in
// host order. Nothing here knows the configuration; the firewall service maps entries to
// interfaces and ASA messages.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "platform/expected.hpp"

struct nfct_handle;

namespace rampart::platform {

struct ConntrackEntry {
  uint32_t id = 0;
  uint8_t protocol = 0;
  uint32_t orig_src = 0, orig_dst = 0, reply_src = 0, reply_dst = 0;
  uint16_t orig_sport = 0, orig_dport = 0, reply_sport = 0, reply_dport = 0;
  uint8_t icmp_type = 0, icmp_code = 0;  // ICMP: ports hold the echo id
  uint64_t orig_bytes = 0, orig_packets = 0, reply_bytes = 0, reply_packets = 0;
  uint64_t start_ns = 0, stop_ns = 0;  // CLOCK_REALTIME, 0 unless nf_conntrack_timestamp
  uint32_t timeout = 0;                // seconds left on its timer
  int tcp_state = -1;                  // TCP_CONNTRACK_* (linux/netfilter); -1: not TCP
  uint32_t status = 0;                 // IPS_* bits
  std::string helper;                  // "ftp", "tftp", ... when a helper watches it
};

// The name of a TCP_CONNTRACK_* state as conntrack(8) prints it ("ESTABLISHED").
std::string tcp_state_name(int state);
// IPS_* bits the firewall reads.
bool seen_reply(const ConntrackEntry& e);
bool assured(const ConntrackEntry& e);
bool src_nat(const ConntrackEntry& e);
bool dst_nat(const ConntrackEntry& e);
bool expected_flow(const ConntrackEntry& e);  // opened by a helper (FTP data)

// Turns on byte/packet accounting and timestamps for new entries in this network namespace
// (nf_conntrack_acct, nf_conntrack_timestamp): without them "bytes" and durations are unknown.
// Returns what could not be set, if anything.
std::vector<std::string> conntrack_enable_accounting();

// The kernel's per-state timeout in seconds (its sysctl), for TCP states, UDP (assured or not)
// and ICMP; 0 when unknown.
uint32_t conntrack_default_timeout(const ConntrackEntry& e);

rampart::expected<std::vector<ConntrackEntry>, std::string> conntrack_dump();

// Deletes every IPv4 entry select() picks; returns how many went.
rampart::expected<size_t, std::string> conntrack_delete(
    const std::function<bool(const ConntrackEntry&)>& select);

// The event stream. Non-blocking: the owner polls fd() and calls read() when it is readable.
class ConntrackEvents {
 public:
  enum class Type { New, Update, Destroy };
  using Handler = std::function<void(Type, const ConntrackEntry&)>;

  ConntrackEvents() = default;
  ~ConntrackEvents();
  ConntrackEvents(const ConntrackEvents&) = delete;
  ConntrackEvents& operator=(const ConntrackEvents&) = delete;

  // Subscribes to the three event groups with a receive buffer of rcvbuf bytes.
  rampart::expected<void, std::string> open(Handler h, int rcvbuf);
  int fd() const;
  // Delivers what is queued. Returns false when the socket overflowed (ENOBUFS) since the last
  // read: events were lost and the caller should resynchronise from a dump.
  bool read();

 private:
  nfct_handle* h_ = nullptr;
  Handler handler_;
};

}  // namespace rampart::platform
