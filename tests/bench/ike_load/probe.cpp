// ike_load's ESP probes (probe.hpp): framing of the echo, the SA pairs a tunnel keeps, and the
// accounting of answers and losses.
#include "tests/bench/ike_load/probe.hpp"

#include <algorithm>
#include <cstring>

#include "dataplane/forward/ipv4.hpp"
#include "platform/inet_checksum.hpp"

namespace rampart::bench {

namespace ip4 = dataplane::ipv4;

namespace {

constexpr size_t kIpHeader = 20, kIcmpHeader = 8;
constexpr uint8_t kEchoReply = 0, kEchoRequest = 8;  // RFC 792
constexpr uint8_t kNextHeaderIpv4 = 4;               // RFC 4303 2.6: tunnel mode, IPv4 inside
constexpr char kMarker[8] = {'i', 'k', 'e', '_', 'l', 'o', 'a', 'd'};
constexpr size_t kEchoData = 8 + sizeof kMarker;  // tag | number | marker
constexpr size_t kEchoLength = kIpHeader + kIcmpHeader + kEchoData;
constexpr size_t kRekeysKept = 4;  // more than fit in kProbeDeadline at any sane rekey period

}  // namespace

ProbeCounts& ProbeCounts::operator+=(const ProbeCounts& o) {
  sent += o.sent;
  answered += o.answered;
  lost += o.lost;
  lost_near_rekey += o.lost_near_rekey;
  near_rekey += o.near_rekey;
  late += o.late;
  on_previous += o.on_previous;
  refused_replay += o.refused_replay;
  refused_auth += o.refused_auth;
  refused_other += o.refused_other;
  not_ours += o.not_ours;
  return *this;
}

Bytes echo_request(uint32_t src, uint32_t dst, uint32_t tag, uint32_t number) {
  Bytes p(kEchoLength);
  ip4::write_header(p.data(), {.protocol = ip4::kProtoIcmp,
                               .total = static_cast<uint16_t>(kEchoLength),
                               .id = static_cast<uint16_t>(number),
                               .source = src,
                               .destination = dst});
  uint8_t* icmp = p.data() + kIpHeader;
  icmp[0] = kEchoRequest;
  // Identifier and sequence number as ping sets them; the data says which probe it is.
  ip4::put16(icmp + 4, static_cast<uint16_t>(tag));
  ip4::put16(icmp + 6, static_cast<uint16_t>(number));
  ip4::put32(icmp + 8, tag);
  ip4::put32(icmp + 12, number);
  std::memcpy(icmp + 16, kMarker, sizeof kMarker);
  uint16_t sum = platform::inet_checksum(icmp, kIcmpHeader + kEchoData);
  std::memcpy(icmp + 2, &sum, 2);
  return p;
}

bool is_echo_reply(const uint8_t* inner, size_t len, uint32_t src, uint32_t dst, uint32_t tag,
                   uint32_t* number) {
  if (len < kEchoLength || inner[0] != 0x45 || inner[9] != ip4::kProtoIcmp) return false;
  if (ip4::get16(inner + 2) != kEchoLength || ip4::get32(inner + 12) != src ||
      ip4::get32(inner + 16) != dst)
    return false;
  const uint8_t* icmp = inner + kIpHeader;
  if (icmp[0] != kEchoReply || icmp[1] != 0 || ip4::get32(icmp + 8) != tag ||
      std::memcmp(icmp + 16, kMarker, sizeof kMarker) != 0)
    return false;
  *number = ip4::get32(icmp + 12);
  return true;
}

void Prober::rekey_began(ProbeTime now) {
  rekeys_.emplace_back(now, ProbeTime::max());
  if (rekeys_.size() > kRekeysKept) rekeys_.pop_front();
}

bool Prober::take(const ChildSa& c, ProbeTime now, uint32_t* closed, std::string* error) {
  auto out = dataplane::EspSa::create(c.outbound_spi, c.outbound);
  auto in = dataplane::EspSa::create(c.inbound_spi, c.inbound);
  if (!out || !in) {
    *error = "ESP keys refused: " + (out ? in.error() : out.error());
    return false;
  }
  *closed = 0;
  if (in_.size() >= 2) {
    *closed = in_.back()->spi();
    in_.pop_back();
  }
  in_.insert(in_.begin(), std::move(*in));
  out_ = std::move(*out);
  if (!rekeys_.empty() && rekeys_.back().second == ProbeTime::max()) rekeys_.back().second = now;
  return true;
}

Bytes Prober::probe(ProbeTime now) {
  if (!out_) return {};
  const uint32_t number = next_number_;
  Bytes inner = echo_request(ends_.inner_local, ends_.target, ends_.outer_local, number);
  Bytes packet(kIpHeader + inner.size() + out_->overhead(inner.size()));
  size_t esp =
      out_->encap(inner.data(), inner.size(), packet.data() + kIpHeader, packet.size() - kIpHeader);
  if (esp == 0) return {};
  packet.resize(kIpHeader + esp);
  ip4::write_header(packet.data(), {.protocol = ip4::kProtoEsp,
                                    .total = static_cast<uint16_t>(packet.size()),
                                    .id = static_cast<uint16_t>(number),
                                    .source = ends_.outer_local,
                                    .destination = ends_.gateway});
  ++next_number_;
  ++counts_.sent;
  pending_.push_back({number, now, false});
  return packet;
}

void Prober::receive(uint8_t* esp, size_t len, ProbeTime now) {
  if (len < dataplane::kEspHeader) return;
  const uint32_t spi = ip4::get32(esp);
  auto sa = std::find_if(in_.begin(), in_.end(), [&](const auto& s) { return s->spi() == spi; });
  uint8_t* inner = nullptr;
  uint8_t next = 0;
  uint32_t number = 0;
  dataplane::EspDrop drop = dataplane::EspDrop::None;
  size_t n = sa == in_.end() ? 0 : (*sa)->decap(esp, len, &inner, &next, &drop);
  if (n == 0) {
    using dataplane::EspDrop;
    ++(drop == EspDrop::Replay || drop == EspDrop::TooOld ? counts_.refused_replay
       : drop == EspDrop::AuthFailed                      ? counts_.refused_auth
                                                          : counts_.refused_other);
    return;
  }
  if (next != kNextHeaderIpv4 ||
      !is_echo_reply(inner, n, ends_.target, ends_.inner_local, ends_.outer_local, &number)) {
    ++counts_.not_ours;
    return;
  }
  expire(now);  // an answer after the deadline is late even if no tick has passed since
  auto p = std::find_if(pending_.begin(), pending_.end(),
                        [&](const Pending& x) { return x.number == number; });
  if (p == pending_.end() || p->answered) {
    ++counts_.late;
    return;
  }
  p->answered = true;
  ++counts_.answered;
  if (sa != in_.begin()) ++counts_.on_previous;
}

bool Prober::near_rekey(ProbeTime sent) const {
  return std::any_of(rekeys_.begin(), rekeys_.end(), [&](const auto& r) {
    return sent + kProbeDeadline >= r.first &&
           (r.second == ProbeTime::max() || sent <= r.second + kProbeDeadline);
  });
}

void Prober::expire(ProbeTime now, bool all) {
  // Probes are pending in the order sent, so their deadlines come in order too.
  while (!pending_.empty() && (all || pending_.front().sent + kProbeDeadline <= now)) {
    const Pending& p = pending_.front();
    const bool near = near_rekey(p.sent);
    counts_.near_rekey += near;
    if (!p.answered) {
      ++counts_.lost;
      counts_.lost_near_rekey += near;
    }
    pending_.pop_front();
  }
}

size_t Prober::outstanding() const {
  return static_cast<size_t>(std::count_if(pending_.begin(), pending_.end(),
                                           [](const Pending& p) { return !p.answered; }));
}

std::vector<uint32_t> Prober::inbound_spis() const {
  std::vector<uint32_t> v;
  for (const auto& s : in_) v.push_back(s->spi());
  return v;
}

}  // namespace rampart::bench
