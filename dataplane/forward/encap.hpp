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

  // For a batch, in three steps like EspSa's. seal_prepare: when the inner packet at ip leaves
  // whole in one ESP packet (it fits the port's MTU), frames it at outer (kEth bytes of room
  // before it, cap bytes from it; ip may lie inside) and describes its crypto in *op. Other:
  // it must be fragmented or answered, and the caller runs encapsulate() for it in its turn.
  // After crypto::run, seal_finish writes the outer header and sends it.
  enum class Plan { Whole, Refused, Other };
  struct Sealing {
    uint8_t* outer = nullptr;
    uint8_t tos = 0;
    bool df = false, udp = false;
  };
  Plan seal_prepare(Sad::Entry& e, const PortConfig& out, const uint8_t* ip, size_t total,
                    uint8_t* outer, size_t cap, crypto::Op* op, Sealing* s);
  void seal_finish(Sad::Entry& e, const crypto::Op& op, const Sealing& s);

 private:
  // How a packet leaves through a port under an SA.
  struct Shape {
    bool udp = false, inner_df = false, outer_df = false;
    size_t head = 0, mtu = 0;
    bool fits(const Sad::Entry& e, size_t inner) const {
      return head + inner + e.out->overhead(inner) <= mtu;
    }
  };
  static Shape shape_of(const Sad::Entry& e, const PortConfig& out, const uint8_t* ip);
  size_t encrypt(Sad::Entry& e, const uint8_t* pkt, size_t plen, bool df, bool udp, bool send);
  bool esp_prepare(Sad::Entry& e, const uint8_t* pkt, size_t plen, uint8_t* outer, size_t cap,
                   bool udp, crypto::Op* op);
  size_t esp_finish(Sad::Entry& e, const crypto::Op& op, const Sealing& s);
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
