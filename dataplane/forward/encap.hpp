// Outbound ESP for one inner packet: encrypted whole when it fits the outside port's MTU, else
// fragmented before encryption (each piece in its own ESP packet), fragmented after encryption
// (the ESP packet split to the MTU), or refused with ICMP fragmentation-needed, as the port's
// crypto ipsec df-bit and fragmentation settings say. No sockets here: finished packets go to a
// sink, so that the whole path runs in a unit test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "dataplane/forward/port_config.hpp"
#include "dataplane/sad/dataplane_counters.hpp"
#include "dataplane/sad/sad.hpp"

namespace rampart::dataplane {

// The worker's drop reason for an ESP encapsulation the SA refused, when the SA's own counter is
// not already the row show asp drop prints for it: an exhausted sequence number is
// ipsec-seq-exhausted (the SA's count, which also ends the SA through IKE); any other refusal is
// the cipher's (EncapFailed). Never "too big": that is for packets no encapsulation can carry.
std::optional<Count> encap_drop(EspDrop d);

class Encapsulator {
 public:
  // The largest IPv4 packet there is (RFC 791: a 16-bit total length). Every buffer here holds
  // one, whatever MTU a port reports: a link may accept 65535 (veth, jumbo NICs) and the
  // kernel hands us reassembled datagrams up to that size.
  static constexpr size_t kMaxPacket = 65535;
  // Sends an IPv4 packet of len bytes that has kEth bytes of room before ip, toward dst.
  using Sink = std::function<void(uint32_t dst, uint8_t* ip, size_t len)>;

  Encapsulator(WorkerCounters& counters, Sink send);

  // Encrypts the inner packet ip (total bytes, as the kernel routed it into the tunnel: its
  // TTL already decremented, so it is left alone here) for SA e toward the
  // outside port out. Returns the IP length of an ICMP error for the sender, built in icmp()
  // with room for Ethernet before it, 0 when there is none; icmp_from is the address it comes
  // from. Called with the SA held; the ICMP error is sent once it is released.
  size_t encapsulate(Sad::Entry& e, const PortConfig& out, uint32_t icmp_from, uint8_t* ip,
                     size_t total);
  uint8_t* icmp();

 private:
  size_t encrypt(Sad::Entry& e, const uint8_t* pkt, size_t plen, bool df, bool udp, bool send);
  void fragment_inner(Sad::Entry& e, uint8_t* ip, size_t total, size_t room, bool df, bool udp);
  void fragment_outer(Sad::Entry& e, size_t outer_len, size_t mtu);
  size_t frag_needed(uint32_t from, const uint8_t* ip, size_t total, size_t mtu);

  WorkerCounters& counters_;
  Sink send_;
  uint16_t ip_id_ = 1;
  // Room for Ethernet, then the encrypted packet (up to the largest inner packet plus the most
  // ESP and UDP can add), one fragment of either, and an ICMP error.
  std::vector<uint8_t> out_, piece_, icmp_;
};

}  // namespace rampart::dataplane
