#include "dataplane/forward/decap.hpp"

#include <algorithm>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

using namespace ipv4;

Decapsulator::Esp Decapsulator::esp_of(uint8_t* ip, size_t len) const {
  size_t ihl = (ip[0] & 0x0f) * 4u;
  size_t total = get16(ip + 2);
  if ((ip[0] >> 4) != 4 || ihl < 20 || total > len || total < ihl) return {};
  uint32_t dst = get32(ip + 16);
  if (std::none_of(ports_.begin(), ports_.end(), [&](const auto& p) { return p.address == dst; }))
    return {};
  if (ip[9] == kProtoEsp) return {ip + ihl, total - ihl};
  // RFC 3948: ESP right after the UDP header, told from IKE by a non-zero SPI where IKE has
  // its four-byte zero marker.
  if (ip[9] == kProtoUdp && total >= ihl + 8 + 8 && get16(ip + ihl + 2) == kNattPort &&
      get32(ip + ihl + 8) != 0)
    return {ip + ihl + 8, total - ihl - 8};
  return {};  // IKE, keepalives and everything else are the kernel's
}

size_t Decapsulator::finish(Sad::Entry& e, const crypto::Op& op, uint8_t** inner) {
  uint8_t nh = 0;
  EspDrop drop;
  size_t inner_len = e.in->decap_finish(op, inner, &nh, &drop);
  if (!inner_len) return 0;  // counted by the SA under its EspDrop
  // Our SAs carry IPv4 in tunnel mode. What decrypts to anything else is the ASA's
  // "#pkts invalid ip version (rcv)": typically the client's own IPv6 (a Router
  // Solicitation, MLD reports) that its kernel sends into the tunnel device as soon as it
  // is up. vpnc wraps it as next header 4, so the version nibble decides too.
  if (nh != 4 || inner_len < 20 || ((*inner)[0] >> 4) != 4) {
    ++e.invalid_ip_version;
    counters_.add(Count::InnerNotIpv4);
    return 0;
  }
  // The SA carries only its selectors (RFC 4301 5.2): an IPv4 packet that decrypts but
  // whose addresses do not belong is "#pkts invalid identity (rcv)". Checked here, before
  // the kernel sees it: the firewall then knows the source is the peer's to claim.
  if (!e.spec.remote_ts.contains(get32(*inner + 12)) ||
      !e.spec.local_ts.contains(get32(*inner + 16))) {
    ++e.invalid_identity;
    counters_.add(Count::PolicyMismatch);
    return 0;
  }
  return inner_len;
}

void Decapsulator::queue(size_t port, uint8_t* f, size_t len) {
  if (len < kEth + 20 || get16(f + 12) != kTypeIpv4) return;
  Esp esp = esp_of(f + kEth, len - kEth);
  if (!esp.at) return;
  counters_.add(Count::Frames);
  // RFC 4303 2: an SPI and a sequence number at least; shorter is no SA's to count.
  if (esp.len < 8) {
    counters_.add(Count::EspRunt);
    return;
  }
  batch_[queued_++] = Pending{.port = port, .esp = esp.at, .esp_len = esp.len};
  if (queued_ == batch_.size()) complete();
}

void Decapsulator::complete() {
  size_t n = queued_;
  if (!n) return;
  queued_ = 0;
  std::array<uint32_t, Sad::kMaxBatch> spis;
  std::array<Sad::Entry*, Sad::kMaxBatch> sas;
  for (size_t i = 0; i < n; ++i) spis[i] = get32(batch_[i].esp);
  sad_.with_inbound_batch({spis.data(), n}, {sas.data(), n}, [&] {
    for (size_t i = 0; i < n; ++i) {
      ops_[i] = crypto::Op{.status = crypto::OpStatus::Skipped};
      EspDrop drop;
      if (sas[i]) sas[i]->in->decap_prepare(batch_[i].esp, batch_[i].esp_len, &ops_[i], &drop);
    }
    crypto::run({ops_.data(), n});  // every backend's ops of the batch, in one pass each
    for (size_t i = 0; i < n; ++i)
      if (sas[i]) batch_[i].inner_len = finish(*sas[i], ops_[i], &batch_[i].inner);
  });
  for (size_t i = 0; i < n; ++i) batch_[i].known = sas[i] != nullptr;
  deliver(n);
}

void Decapsulator::deliver(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    Pending& p = batch_[i];
    if (!p.known) {
      counters_.add(Count::NoSa);
      continue;
    }
    if (!p.inner_len) continue;
    counters_.add(Count::Decapsulated);
    // As it arrived: the kernel decrements the TTL when it forwards (and answers an expired
    // one with time-exceeded through this same device and tunnel).
    if (io_.to_kernel(p.port, p.inner, std::min<size_t>(get16(p.inner + 2), p.inner_len)))
      counters_.add(Count::Transmitted);
    else
      counters_.add(Count::TxFailed);
  }
}

}  // namespace rampart::dataplane
