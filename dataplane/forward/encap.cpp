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

Encapsulator::Shape Encapsulator::shape_of(const Sad::Entry& e, const PortConfig& out,
                                           const uint8_t* ip) {
  Shape s;
  s.udp = e.spec.local_port && e.spec.peer_port;
  s.head = 20 + (s.udp ? 8 : 0);
  s.mtu = usable_mtu(out.mtu);
  s.inner_df = get16(ip + 6) & kDf;
  s.outer_df = out.df == DfPolicy::Copy ? s.inner_df : out.df == DfPolicy::Set;
  return s;
}

size_t Encapsulator::encapsulate(Sad::Entry& e, const PortConfig& out, uint32_t icmp_from,
                                 uint8_t* ip, size_t total) {
  Shape sh = shape_of(e, out, ip);
  bool udp = sh.udp, inner_df = sh.inner_df, outer_df = sh.outer_df;
  size_t mtu = sh.mtu;
  if (sh.fits(e, total)) {
    encrypt(e, ip, total, outer_df, udp, /*send=*/true);
    return 0;
  }
  // The largest inner packet that still fits once encrypted.
  size_t room = mtu - sh.head;
  while (room > kMinMtu && !sh.fits(e, room)) --room;
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

Encapsulator::Plan Encapsulator::seal_prepare(Sad::Entry& e, const PortConfig& out,
                                              const uint8_t* ip, size_t total, uint8_t* outer,
                                              size_t cap, crypto::Op* op, Sealing* s) {
  op->status = crypto::OpStatus::Skipped;
  Shape sh = shape_of(e, out, ip);
  if (!sh.fits(e, total)) return Plan::Other;
  // Read before the framing moves the packet (ip may lie inside outer's buffer).
  *s = Sealing{.outer = outer, .tos = ip[1], .df = sh.outer_df, .udp = sh.udp};
  return esp_prepare(e, ip, total, outer, cap, sh.udp, op) ? Plan::Whole : Plan::Refused;
}

void Encapsulator::seal_finish(Sad::Entry& e, const crypto::Op& op, const Sealing& s) {
  if (size_t len = esp_finish(e, op, s)) send_(e.spec.peer, s.outer, len);
}

// ESP-encapsulates pkt into out_ (after room for Ethernet) and sends it unless told not to.
// Returns the outer length, 0 on failure (counted).
size_t Encapsulator::encrypt(Sad::Entry& e, const uint8_t* pkt, size_t plen, bool df, bool udp,
                             bool send) {
  Sealing s{.outer = out_.data() + kEth, .tos = pkt[1], .df = df, .udp = udp};
  crypto::Op op;
  if (!esp_prepare(e, pkt, plen, s.outer, out_.size() - kEth, udp, &op)) return 0;
  crypto::run({&op, 1});
  size_t outer_len = esp_finish(e, op, s);
  if (outer_len && send) send_(e.spec.peer, s.outer, outer_len);
  return outer_len;
}

// Frames pkt as ESP after the outer headers' room at outer; false when the SA refused it
// (counted).
bool Encapsulator::esp_prepare(Sad::Entry& e, const uint8_t* pkt, size_t plen, uint8_t* outer,
                               size_t cap, bool udp, crypto::Op* op) {
  size_t head = 20 + (udp ? 8 : 0);
  // Near 64 KB, the ESP packet would be more than an IPv4 length says (only when fragmenting
  // after encryption): too big, before any backend sees it (intel-ipsec-mb refuses the length
  // as a crypto error).
  if (head + plen + e.out->overhead(plen) > kMaxPacket) {
    counters_.add(Count::TooBig);
    return false;
  }
  EspDrop drop = EspDrop::None;
  if (e.out->encap_prepare(pkt, plen, outer + head, cap - head, op, &drop)) return true;
  if (auto c = encap_drop(drop)) counters_.add(*c);
  return false;
}

// After the crypto run: the outer IPv4 (and UDP) header. The outer length, 0 when dropped
// (counted).
size_t Encapsulator::esp_finish(Sad::Entry& e, const crypto::Op& op, const Sealing& s) {
  uint8_t* outer = s.outer;
  size_t head = 20 + (s.udp ? 8 : 0);
  EspDrop drop = EspDrop::None;
  size_t esp_len = e.out->encap_finish(op, &drop);
  if (!esp_len) {
    if (auto c = encap_drop(drop)) counters_.add(*c);
    return 0;
  }
  if (head + esp_len > kMaxPacket) {  // overhead() said less than the SA made: not expected
    counters_.add(Count::TooBig);
    return 0;
  }
  size_t outer_len = head + esp_len;
  // DSCP copied into the outer header, as the ASA does.
  write_header(outer, {s.tos, 64, s.udp ? kProtoUdp : kProtoEsp, static_cast<uint16_t>(outer_len),
                       ip_id_++, static_cast<uint16_t>(s.df ? kDf : 0), e.spec.local, e.spec.peer});
  if (s.udp) {
    put16(outer + 20, e.spec.local_port);
    put16(outer + 22, e.spec.peer_port);
    put16(outer + 24, static_cast<uint16_t>(8 + esp_len));
    put16(outer + 26, 0);  // RFC 3948 3.1.1: zero UDP checksum
  }
  counters_.add(Count::Encapsulated);
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
