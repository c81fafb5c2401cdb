// Phase-2 rekey started by us, as an ASA does: shortly before an IPsec SA's lifetime runs out
// (by time or by volume, whichever comes first) we negotiate its successor, and the old SA
// stays until the successor carries the peer's traffic. Clients such as vpnc do not rekey
// themselves; without this every tunnel would die at its first lifetime.
#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

void Engine::ipsec_established(IkeSa& sa, IpsecSa& fresh) {
  if (fresh.lifetime_seconds) {
    Bytes r = random_bytes(2);
    fresh.rekey_at = timers::ipsec_soft_expiry(fresh.established_at, fresh.lifetime_seconds,
                                               static_cast<uint16_t>(r[0] << 8 | r[1]));
  }
  // What it replaces (our rekey, the peer's, or both at once: every older SA for the same
  // proxies, so that none waits on a successor that is itself gone) goes once it carries
  // traffic.
  for (IpsecSa& other : sa.ipsec)
    if (other.local == fresh.local && other.remote == fresh.remote) {
      other.replaced_by = fresh.id;
      other.rekeying = true;
    }
}

bool Engine::carries_traffic(uint32_t id) const {
  if (!sad_) return true;  // no dataplane to wait for
  bool in_use = false;
  sad_->with(id, [&](const dataplane::Sad::Entry& e) { in_use = e.in->counters().packets > 0; });
  return in_use;
}

Engine::SaUse Engine::use_of(uint32_t id) const {
  SaUse u;
  if (!sad_) return u;
  sad_->with(id, [&](const dataplane::Sad::Entry& e) {
    const dataplane::EspCounters& in = e.in->counters();
    u.in_packets = in.packets;
    u.in_bytes = in.bytes;
    u.auth_failed = in.drops[static_cast<size_t>(dataplane::EspDrop::AuthFailed)];
    u.last_failed_seq = in.last_failed_seq;
    u.out_bytes = e.out->counters().bytes;
    u.out_sequence = e.out->last_sequence();
    u.seq_exhausted =
        e.out->counters().drops[static_cast<size_t>(dataplane::EspDrop::SeqExhausted)];
  });
  return u;
}

bool Engine::volume_soft_limit(const IpsecSa& ips, const SaUse& use) const {
  if (!sad_ || !ips.lifetime_kilobytes) return false;
  uint64_t soft = timers::ipsec_soft_volume(ips.lifetime_kilobytes);
  return use.in_bytes >= soft || use.out_bytes >= soft;
}

void Engine::rekey_timer(IkeSa& sa, size_t which, const SaUse& use, uint64_t now) {
  IpsecSa& ips = sa.ipsec[which];
  check_verification(sa, ips, use, now);
  if (ips.replaced_by) {
    if (carries_traffic(ips.replaced_by))
      delete_ipsec(sa, which, true, "replaced by its rekey", true);
    return;
  }
  if (!ips.rekeying && ((ips.rekey_at && now >= ips.rekey_at) || volume_soft_limit(ips, use)))
    start_rekey(sa, ips);
}

// A session whose newest SA drops every packet at the ICV still shows up in every view (vpnc's
// delete-triggered quick mode did that: it kept the old keys). The operator is told, once per
// SA; a forged packet cannot trigger it on an SA that has carried a good one.
void Engine::check_verification(const IkeSa& sa, IpsecSa& ips, const SaUse& use, uint64_t now) {
  if (!sad_ || ips.verify_alarm) return;
  if (use.in_packets || use.auth_failed < timers::kVerifyAlarmPackets) return;
  ips.verify_alarm = true;
  ++stats_.sas_failing_verification;
  ipsec_log(1, fmt::format("IPSEC: Inbound SA (SPI 0x{:08X}) from {}: {} packets failed "
                           "authentication and none passed",  // [U] ours, no ASA sample
                           ips.inbound.spi, sa.peer.address.str(), use.auth_failed));
  if (now < next_verify_syslog_) return;
  next_verify_syslog_ = now + timers::kVerifySyslogGap;
  syslog_plain(402120, "ESP", ips.inbound.spi, use.last_failed_seq, sa.peer.address.str(),
               sa.username.empty() ? sa.peer.address.str() : sa.username, sa.local.address.str());
}

void Engine::rekey_failed(IkeSa& sa, uint32_t old_id) {
  // The peer did not answer: try again shortly; the hard lifetime still ends the old SA.
  for (IpsecSa& ips : sa.ipsec)
    if (ips.id == old_id && !ips.replaced_by) {
      ips.rekeying = false;
      ips.rekey_at = env_.now() + timers::kRekeyRetry;
    }
}

}  // namespace rampart::ike
