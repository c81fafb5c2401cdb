// Packets the firewall's rules log (nftables "log group 1 prefix ..."), read over netlink
// through libnetfilter_log, with their IPv4 header parsed for the syslog message. The prefix
// says which message to write (the contract with the ruleset: "106023 <acl> ", "106001 - ",
// "106100 <acl> <line> ", ...); this layer only carries it.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "platform/expected.hpp"

struct nflog_handle;
struct nflog_g_handle;
struct nflog_data;
struct nfgenmsg;

namespace rampart::platform {

// The parts of a logged IPv4 packet an ASA message names.
struct LoggedPacket {
  std::string prefix;
  std::string in_device;  // "eth0", "eth0-vpn"; empty when the packet was locally generated
  uint8_t protocol = 0;
  uint32_t src = 0, dst = 0;  // host order
  uint16_t sport = 0, dport = 0;
  uint8_t icmp_type = 0, icmp_code = 0;
  uint8_t tcp_flags = 0;  // FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20
};

// Parses an IPv4 packet into p (addresses, protocol, ports or ICMP type/code, TCP flags).
// False when the bytes are not an IPv4 header whose length fits; a transport header cut short
// (a later fragment, a snapped copy) leaves its fields 0.
bool parse_ipv4(std::span<const uint8_t> bytes, LoggedPacket& p);

class NflogReader {
 public:
  using Handler = std::function<void(const LoggedPacket&)>;
  NflogReader() = default;
  ~NflogReader();
  NflogReader(const NflogReader&) = delete;
  NflogReader& operator=(const NflogReader&) = delete;

  // Binds log group `group` (copying the first 128 bytes of each packet: headers only).
  rampart::expected<void, std::string> open(uint16_t group, Handler h);
  int fd() const;
  // Delivers what is queued without blocking. Returns the count of packets the kernel could
  // not queue to us (ENOBUFS), 0 normally.
  uint64_t read();
  // Packets whose bytes did not parse as IPv4.
  uint64_t malformed() const { return malformed_; }

 private:
  static int on_packet(::nflog_g_handle*, ::nfgenmsg*, ::nflog_data* nfa, void* self);
  nflog_handle* h_ = nullptr;
  nflog_g_handle* gh_ = nullptr;
  Handler handler_;
  uint64_t malformed_ = 0;
};

}  // namespace rampart::platform
