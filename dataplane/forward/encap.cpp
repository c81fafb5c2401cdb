#include "dataplane/forward/encap.hpp"

#include <algorithm>
#include <cstring>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

using namespace ipv4;

namespace {

// RFC 791: every IPv4 link carries 68 bytes; nothing a port reports is taken below that.
constexpr size_t kMinMtu = 68;
// The most ESP adds around a packet: header 8, IV 16, padding 255, trailer 2, ICV 32; with the
// outer IP and UDP headers, under this.
constexpr size_t kMaxOverhead = 512;

size_t usable_mtu(uint32_t mtu) {
  return std::clamp<size_t>(mtu, kMinMtu, Encapsulator::kMaxPacket);
}

}  // namespace

std::optional<Count> encap_drop(EspDrop d) {
  switch (d) {
    case EspDrop::None:
    case EspDrop::SeqExhausted:
      return std::nullopt;
    default:
      return Count::EncapFailed;
  }
}

Encapsulator::Encapsulator(WorkerCounters& counters, Sink send)
    : counters_(counters),
      send_(std::move(send)),
      out_(kEth + kMaxPacket + kMaxOverhead),
      piece_(kEth + kMaxPacket),
      icmp_(kEth + 128) {}

uint8_t* Encapsulator::icmp() {
  return icmp_.data() + kEth;
}

size_t Encapsulator::encapsulate(Sad::Entry& e, const PortConfig& out, uint32_t icmp_from,
                                 uint8_t* ip, size_t total) {
  bool udp = e.spec.local_port && e.spec.peer_port;
  size_t head = 20 + (udp ? 8 : 0);
  size_t mtu = usable_mtu(out.mtu);
  auto fits = [&](size_t inner) { return head + inner + e.out->overhead(inner) <= mtu; };
  bool inner_df = get16(ip + 6) & kDf;
  bool outer_df = out.df == DfPolicy::Copy ? inner_df : out.df == DfPolicy::Set;
  if (fits(total)) {
    encrypt(e, ip, total, outer_df, udp, /*send=*/true);
    return 0;
  }
  // The largest inner packet that still fits once encrypted.
  size_t room = mtu - head;
  while (room > kMinMtu && !fits(room)) --room;
  if (!out.fragment_after_encryption && !inner_df) {
    fragment_inner(e, ip, total, room, outer_df, udp);
    return 0;
  }
  if (!outer_df) {  // after encryption, or clear-df letting a DF packet through in pieces
    size_t len = encrypt(e, ip, total, false, udp, /*send=*/false);
    if (len)
      fragment_outer(e, len, mtu);
    else
      ++e.postfrag_failed;
    return 0;
  }
  if (inner_df) {
    ++e.pmtu_sent;  // RFC 1191: the sender learns the path MTU
    return frag_needed(icmp_from, ip, total, room);
  }
  ++e.postfrag_failed;  // set-df with fragmentation after encryption: nothing may be split
  counters_.add(Count::TooBig);
  return 0;
}

// ESP-encapsulates pkt into out_ (after room for Ethernet) and sends it unless told not to.
// Returns the outer length, 0 on failure (counted).
size_t Encapsulator::encrypt(Sad::Entry& e, const uint8_t* pkt, size_t plen, bool df, bool udp,
                             bool send) {
  uint8_t* outer = out_.data() + kEth;
  size_t head = 20 + (udp ? 8 : 0);
  // An inner packet near 64 KB encrypts into more than an IPv4 length can say (only possible
  // when fragmenting after encryption): it cannot be sent, whatever the crypto backend would
  // make of it (intel-ipsec-mb refuses such a length outright).
  if (head + plen + e.out->overhead(plen) > kMaxPacket) {
    counters_.add(Count::TooBig);
    return 0;
  }
  EspDrop drop = EspDrop::None;
  size_t esp_len = e.out->encap(pkt, plen, outer + head, out_.size() - kEth - head, &drop);
  if (!esp_len) {
    if (auto c = encap_drop(drop)) counters_.add(*c);
    return 0;
  }
  if (head + esp_len > kMaxPacket) {  // overhead() said less than encap made: never expected
    counters_.add(Count::TooBig);
    return 0;
  }
  size_t outer_len = head + esp_len;
  // DSCP copied into the outer header, as the ASA does.
  write_header(outer, {pkt[1], 64, udp ? kProtoUdp : kProtoEsp, static_cast<uint16_t>(outer_len),
                       ip_id_++, static_cast<uint16_t>(df ? kDf : 0), e.spec.local, e.spec.peer});
  if (udp) {
    put16(outer + 20, e.spec.local_port);
    put16(outer + 22, e.spec.peer_port);
    put16(outer + 24, static_cast<uint16_t>(8 + esp_len));
    put16(outer + 26, 0);  // RFC 3948 3.1.1: zero UDP checksum
  }
  counters_.add(Count::Encapsulated);
  if (send) send_(e.spec.peer, outer, outer_len);
  return outer_len;
}

// Fragmentation before encryption: pieces of the inner packet, each encrypted on its own. Each
// piece is at most room bytes, room below the MTU, the MTU at most kMaxPacket: piece_ holds it.
void Encapsulator::fragment_inner(Sad::Entry& e, uint8_t* ip, size_t total, size_t room, bool df,
                                  bool udp) {
  size_t ihl = (ip[0] & 0x0f) * 4u;
  size_t chunk = room > ihl ? (room - ihl) / 8 * 8 : 0;
  if (chunk < 8 || ihl + chunk > piece_.size() - kEth) {
    ++e.prefrag_failed;
    counters_.add(Count::TooBig);
    return;
  }
  uint8_t* frag = piece_.data() + kEth;
  size_t payload = total - ihl;
  uint16_t base = get16(ip + 6) & kOffsetMask;
  bool more_after = get16(ip + 6) & kMf;
  for (size_t off = 0; off < payload; off += chunk) {
    size_t n = std::min(chunk, payload - off);
    std::memcpy(frag, ip, ihl);
    std::memcpy(frag + ihl, ip + ihl + off, n);
    bool more = off + n < payload || more_after;
    put16(frag + 2, static_cast<uint16_t>(ihl + n));
    put16(frag + 6, static_cast<uint16_t>((more ? kMf : 0) | (base + off / 8)));
    put16(frag + 10, 0);
    put16(frag + 10, checksum(frag, ihl));
    ++e.fragments;
    encrypt(e, frag, ihl + n, df, udp, /*send=*/true);
  }
  ++e.prefrag_ok;
}

// Fragmentation after encryption: the ESP packet in out_ is split to the path MTU; each
// fragment is at most mtu bytes and mtu at most kMaxPacket, so piece_ holds it.
void Encapsulator::fragment_outer(Sad::Entry& e, size_t outer_len, size_t mtu) {
  const uint8_t* outer = out_.data() + kEth;
  size_t chunk = (mtu - 20) / 8 * 8;
  uint8_t* frag = piece_.data() + kEth;
  size_t payload = outer_len - 20;
  for (size_t off = 0; off < payload; off += chunk) {
    size_t n = std::min(chunk, payload - off);
    std::memcpy(frag, outer, 20);
    std::memcpy(frag + 20, outer + 20 + off, n);
    put16(frag + 2, static_cast<uint16_t>(20 + n));
    put16(frag + 6, static_cast<uint16_t>((off + n < payload ? kMf : 0) | (off / 8)));
    put16(frag + 10, 0);
    put16(frag + 10, checksum(frag, 20));
    ++e.fragments;
    send_(e.spec.peer, frag, 20 + n);
  }
  ++e.postfrag_ok;
}

// ICMP destination unreachable, fragmentation needed (RFC 1191), quoting the packet as it
// arrived. Built in icmp_; returns its IP length (at most 20 + 8 + 60 + 8).
size_t Encapsulator::frag_needed(uint32_t from, const uint8_t* ip, size_t total, size_t mtu) {
  size_t ihl = (ip[0] & 0x0f) * 4u;
  size_t quote = std::min(total, ihl + 8);
  size_t len = 20 + 8 + quote;
  uint8_t* h = icmp();
  write_header(
      h, {0xc0, 64, kProtoIcmp, static_cast<uint16_t>(len), ip_id_++, 0, from, get32(ip + 12)});
  uint8_t* m = h + 20;
  m[0] = 3;  // destination unreachable
  m[1] = 4;  // fragmentation needed and DF set
  put16(m + 2, 0);
  put16(m + 4, 0);
  put16(m + 6, static_cast<uint16_t>(mtu));
  std::memcpy(m + 8, ip, quote);
  put16(m + 2, checksum(m, 8 + quote));
  return len;
}

}  // namespace rampart::dataplane
