#include "dataplane/forward/outbound.hpp"

#include <cstring>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

using namespace ipv4;

void Outbound::queue(size_t port, uint8_t* ip, size_t len) {
  if (len < 20 || (ip[0] >> 4) != 4) return;  // the kernel's IPv6 for the device: not ours
  size_t total = get16(ip + 2);
  size_t ihl = (ip[0] & 0x0f) * 4u;
  if (ihl < 20 || total > len || total < ihl) return;
  if (total > kSlotInner) {
    complete();  // in order: what came before leaves first
    single(port, ip, total);
    return;
  }
  std::memcpy(slot(queued_) + kInnerAt, ip, total);
  batch_[queued_++] =
      Pending{.port = port, .src = get32(ip + 12), .dst = get32(ip + 16), .total = total};
  if (queued_ == batch_.size()) complete();
}

void Outbound::complete() {
  size_t n = queued_;
  if (!n) return;
  queued_ = 0;
  std::array<uint32_t, Sad::kMaxBatch> src, dst;
  std::array<Sad::Entry*, Sad::kMaxBatch> sas;
  for (size_t i = 0; i < n; ++i) {
    src[i] = batch_[i].src;
    dst[i] = batch_[i].dst;
  }
  sad_.with_outbound_batch({src.data(), n}, {dst.data(), n}, {sas.data(), n},
                           [&] { seal(n, sas.data()); });
  for (size_t i = 0; i < n; ++i) batch_[i].known = sas[i] != nullptr;
  settle(n);
}

void Outbound::seal(size_t n, Sad::Entry* const* sas) {
  for (size_t i = 0; i < n; ++i) {
    Pending& p = batch_[i];
    ops_[i] = crypto::Op{.status = crypto::OpStatus::Skipped};
    if (!sas[i]) continue;
    uint8_t* outer = slot(i) + kEth;
    p.plan = enc_.seal_prepare(*sas[i], ports_[p.port], slot(i) + kInnerAt, p.total, outer,
                               kSlot - kEth, &ops_[i], &p.seal);
  }
  crypto::run({ops_.data(), n});  // every backend's ops of the batch, in one pass each
  for (size_t i = 0; i < n; ++i) {
    Pending& p = batch_[i];
    if (!sas[i]) continue;
    if (p.plan == Encapsulator::Plan::Whole) enc_.seal_finish(*sas[i], ops_[i], p.seal);
    if (p.plan != Encapsulator::Plan::Other) continue;
    // An ICMP error for the sender (fragmentation needed) comes from this port's address.
    uint8_t* ip = slot(i) + kInnerAt;
    p.icmp_len = enc_.encapsulate(*sas[i], ports_[p.port], ports_[p.port].address, ip, p.total);
    if (p.icmp_len) std::memcpy(slot(i) + kEth, enc_.icmp(), p.icmp_len);
  }
}

void Outbound::settle(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    Pending& p = batch_[i];
    if (!p.known) {
      // Routed into the tunnel with no SA: traffic a crypto map protects waits for its tunnel
      // (the first packet brings it up); anything else here has lost its SA (a route not yet
      // withdrawn, or a pool address's kept after its client left). Either way it goes nowhere
      // in clear.
      counters_.add(sad_.acquire(p.src, p.dst) ? Count::TunnelPending : Count::NoSa);
      continue;
    }
    counters_.add(Count::Frames);
    if (!p.icmp_len) continue;
    // Back into the kernel, which routes it to the sender.
    if (io_.to_kernel(p.port, slot(i) + kEth, p.icmp_len))
      counters_.add(Count::Transmitted);
    else
      counters_.add(Count::TxFailed);
  }
}

void Outbound::single(size_t port, uint8_t* ip, size_t total) {
  uint32_t src = get32(ip + 12), dst = get32(ip + 16);
  size_t icmp_len = 0;
  bool found = sad_.with_outbound(src, dst, [&](Sad::Entry& e) {
    // An ICMP error for the sender (fragmentation needed) comes from this port's address.
    icmp_len = enc_.encapsulate(e, ports_[port], ports_[port].address, ip, total);
  });
  if (!found) {
    counters_.add(sad_.acquire(src, dst) ? Count::TunnelPending : Count::NoSa);
    return;
  }
  counters_.add(Count::Frames);
  // Sent once the SA is released. Back into the kernel, which routes it to the sender.
  if (!icmp_len) return;
  if (io_.to_kernel(port, enc_.icmp(), icmp_len))
    counters_.add(Count::Transmitted);
  else
    counters_.add(Count::TxFailed);
}

}  // namespace rampart::dataplane
