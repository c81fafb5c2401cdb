// Hands negotiated IPsec SAs to the dataplane's SA database, takes them back, reads them.
#include "control/ike/ipsec_dataplane.hpp"

#include "control/ike/timers.hpp"

namespace rampart::ike {

namespace {

void wipe(dataplane::SaSpec& spec) {
  spec.keys_in.wipe();
  spec.keys_out.wipe();
}

}  // namespace

dataplane::Selector4 selector4(const Selector& s) {
  return {s.address.value, s.mask.value, s.protocol, s.port};
}

dataplane::SaSpec sa_spec(const config::Config& cfg, const IkeSa& sa, const IpsecSa& ips) {
  dataplane::SaSpec spec;
  spec.id = ips.id;
  spec.spi_in = ips.inbound.spi;
  spec.spi_out = ips.outbound.spi;
  // The dataplane knows only its own numeric transforms: each row of the table names its one.
  const auto cipher = config::row(ips.encryption).dataplane;
  const auto auth = config::row(ips.integrity).dataplane;
  spec.keys_in = {cipher, auth, ips.inbound.encryption_key.bytes(),
                  ips.inbound.integrity_key.bytes()};
  spec.keys_out = {cipher, auth, ips.outbound.encryption_key.bytes(),
                   ips.outbound.integrity_key.bytes()};
  spec.local = sa.local.address.value;
  spec.peer = sa.peer.address.value;
  if (ips.udp_encapsulated) {
    spec.local_port = sa.local.port;
    spec.peer_port = sa.peer.port;
  }
  spec.local_ts = selector4(ips.local);
  spec.remote_ts = selector4(ips.remote);
  spec.replay_window = static_cast<size_t>(cfg.crypto.replay_window);
  spec.lifetime_seconds = ips.lifetime_seconds;
  spec.lifetime_kilobytes = ips.lifetime_kilobytes;
  // Quick mode admits a remote-access SA only for the client's assigned address/32.
  spec.client = sa.remote_access && sa.assigned && ips.remote.address == *sa.assigned &&
                ips.remote.mask.value == 0xffffffffu;
  return spec;
}

bool IpsecDataplane::add_inbound(const IkeSa& sa, const IpsecSa& ips) {
  if (!sad_) return false;
  dataplane::SaSpec spec = sa_spec(cfg_, sa, ips);
  auto r = sad_->add_inbound(spec);
  wipe(spec);
  // Not fatal here: go_live tries the whole install again, and says why it fails.
  return r.has_value();
}

std::optional<IpsecDataplane::Installed> IpsecDataplane::go_live(
    const IkeSa& sa, const IpsecSa& ips, const dataplane::Sad::Trace& trace,
    const std::function<void()>& outbound_added) {
  if (!sad_) return std::nullopt;
  if (sad_->go_live(ips.id, trace, outbound_added)) return Installed{};
  dataplane::SaSpec spec = sa_spec(cfg_, sa, ips);
  Installed r = sad_->add(spec, trace, outbound_added);
  wipe(spec);
  return r;
}

std::optional<uint64_t> IpsecDataplane::encrypt_rule(const IpsecSa& ips) const {
  if (!sad_) return std::nullopt;
  return sad_->encrypt_rule(selector4(ips.local), selector4(ips.remote));
}

void IpsecDataplane::forget(const QuickModeExchange& q) {
  if (sad_ && q.inbound_installed) sad_->remove(q.sa.id);
}

void IpsecDataplane::remove(uint32_t id) {
  if (sad_) sad_->remove(id);
}

void IpsecDataplane::retire(uint32_t id, uint64_t until, std::weak_ptr<AccountingSession> session,
                            SessionAccounting::Traffic credited) {
  if (!sad_) return;
  sad_->retire(id);
  draining_.push_back({id, until, std::move(session), credited});
}

void IpsecDataplane::drain(uint64_t now) {
  while (!draining_.empty() && draining_.front().until <= now) {
    const Draining& d = draining_.front();
    // What arrived on it since it was retired, for a session still accounted (a Stop already
    // sent is not reopened); counters cleared meanwhile ("clear crypto ipsec sa counters")
    // count from zero again.
    auto since = [](uint64_t now_n, uint64_t then) { return now_n >= then ? now_n - then : now_n; };
    auto t = traffic(d.id);
    if (auto s = d.session.lock(); s && t)
      SessionAccounting::credit(*s, {since(t->in_bytes, d.credited.in_octets),
                                     since(t->in_packets, d.credited.in_packets),
                                     since(t->out_bytes, d.credited.out_octets),
                                     since(t->out_packets, d.credited.out_packets)});
    remove(d.id);
    draining_.pop_front();
  }
}

std::optional<SaTraffic> IpsecDataplane::traffic(uint32_t id) const {
  if (!sad_) return std::nullopt;
  std::optional<SaTraffic> t;
  sad_->with(id, [&](const dataplane::Sad::Entry& e) {
    const dataplane::EspCounters& in = e.in->counters();
    const dataplane::EspCounters& out = e.out->counters();
    t = SaTraffic{in.bytes, in.packets, out.bytes, out.packets,
                  in.drops[static_cast<size_t>(dataplane::EspDrop::AuthFailed)], in.last_failed_seq,
                  // RFC 4303 3.3.3: the sender's 32-bit sequence number must not cycle.
                  e.out->last_sequence() >= kSequenceLimit ||
                      out.drops[static_cast<size_t>(dataplane::EspDrop::SeqExhausted)] > 0};
  });
  return t;
}

bool IpsecDataplane::carries_traffic(uint32_t id) const {
  if (!sad_) return true;
  auto t = traffic(id);
  return t && t->in_packets > 0;
}

bool IpsecDataplane::volume_soft_limit(const IpsecSa& ips) const {
  if (!ips.lifetime_kilobytes) return false;
  auto t = traffic(ips.id);
  uint64_t soft = timers::ipsec_soft_volume(ips.lifetime_kilobytes);
  return t && (t->in_bytes >= soft || t->out_bytes >= soft);
}

std::optional<std::string> IpsecDataplane::expired(const IpsecSa& ips) const {
  auto t = traffic(ips.id);
  if (!t) return std::nullopt;
  // The volume lifetime holds for each direction's SA on its own, counted over what
  // authenticated (inbound) or was sent (outbound).
  uint64_t limit = uint64_t{ips.lifetime_kilobytes} * 1024;
  if (limit && (t->in_bytes >= limit || t->out_bytes >= limit))
    return "lifetime expired (kilobytes)";
  if (t->sequence_exhausted) return "sequence number exhausted";
  return std::nullopt;
}

uint32_t IpsecDataplane::draw_inbound_spi(uint64_t index, const Holds& holds,
                                          const std::function<uint32_t()>& random) {
  auto taken = [&](uint32_t spi) {
    return (sad_ && sad_->inbound_spi_in_use(spi)) || inbound_spis_.taken(spi, holds);
  };
  // RFC 4303 2.1: SPIs 1-255 are reserved, 0 is never sent. A broken random source that keeps
  // repeating itself ends the loop: the SA database then refuses the duplicate (no overwrite).
  uint32_t spi = 0;
  for (int tries = 0; tries < 1024; ++tries) {
    spi = random();
    if (spi >= 0x100 && !taken(spi)) break;
  }
  inbound_spis_.record(spi, index, holds);
  return spi;
}

}  // namespace rampart::ike
