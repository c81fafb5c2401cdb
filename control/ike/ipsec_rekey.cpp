// Phase-2 rekey started by us, as an ASA does: shortly before an IPsec SA's lifetime runs out
// (by time or by volume, whichever comes first) we negotiate its successor, and the old SA
// stays until the successor carries the peer's traffic. Clients such as vpnc do not rekey
// themselves; without this every tunnel would die at its first lifetime.
#include <fmt/format.h>

#include "control/ike/phase2.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

void Phase2::timers(IkeSa& sa, uint64_t now) {
  quick_mode_timer(sa, now);
  rekey_timers(sa, now);
  lifetime_timers(sa, now);
}

// Quick modes whose last message never came are forgotten (a rekey is tried again).
void Phase2::quick_mode_timer(IkeSa& sa, uint64_t now) {
  sa.quick_modes.expire(now, timers::kHalfOpen, [&](const QuickModeExchange& q) {
    dataplane_.forget(q);
    if (q.rekeys) rekey_failed(sa, q.rekeys);
  });
}

// The IPsec SAs' hard lifetimes, by time and by what the dataplane says (volume, sequence
// numbers).
void Phase2::lifetime_timers(IkeSa& sa, uint64_t now) {
  for (size_t i = sa.ipsec.size(); i-- > 0;) {
    const auto& ips = sa.ipsec[i];
    if (ips.lifetime_seconds && now >= ips.established_at + ips.lifetime_seconds)
      delete_ipsec(sa, i, true, "lifetime expired");
    else if (auto why = dataplane_.expired(ips))
      delete_ipsec(sa, i, true, *why);
  }
}

void Phase2::ipsec_established(IkeSa& sa, IpsecSa& fresh) {
  if (fresh.lifetime_seconds) {
    Bytes r = wire_.random_bytes(2);
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

void Phase2::rekey_timers(IkeSa& sa, uint64_t now) {
  if (!sa.authorized) return;
  for (size_t i = sa.ipsec.size(); i-- > 0;) {
    IpsecSa& ips = sa.ipsec[i];
    check_verification(sa, ips, now);
    if (ips.replaced_by) {
      if (dataplane_.carries_traffic(ips.replaced_by))
        delete_ipsec(sa, i, true, "replaced by its rekey", true);
      continue;
    }
    if (!ips.rekeying &&
        ((ips.rekey_at && now >= ips.rekey_at) || dataplane_.volume_soft_limit(ips)))
      start_rekey(sa, ips);
  }
}

// A session whose newest SA drops every packet at the ICV still shows up in every view (vpnc's
// delete-triggered quick mode did that: it kept the old keys). The operator is told, once per
// SA; a forged packet cannot trigger it on an SA that has carried a good one.
void Phase2::check_verification(const IkeSa& sa, IpsecSa& ips, uint64_t now) {
  if (ips.verify_alarm) return;
  auto t = dataplane_.traffic(ips.id);
  if (!t || t->in_packets || t->auth_failed < timers::kVerifyAlarmPackets) return;
  uint64_t failed = t->auth_failed;
  uint32_t seq = t->last_failed_seq;
  ips.verify_alarm = true;
  ++stats_.sas_failing_verification;
  log_.ipsec(&sa, 1,
             fmt::format("IPSEC: Inbound SA (SPI 0x{:08X}) from {}: {} packets failed "
                         "authentication and none passed",  // [U] ours, no ASA sample
                         ips.inbound.spi, sa.peer.address.str(), failed));
  if (now < next_verify_syslog_) return;
  next_verify_syslog_ = now + timers::kVerifySyslogGap;
  log_.syslog_plain(402120, "ESP", ips.inbound.spi, seq, sa.peer.address.str(),
                    sa.username.empty() ? sa.peer.address.str() : sa.username,
                    sa.local.address.str());
}

void Phase2::rekey_failed(IkeSa& sa, uint32_t old_id) {
  // The peer did not answer: try again shortly; the hard lifetime still ends the old SA.
  for (IpsecSa& ips : sa.ipsec)
    if (ips.id == old_id && !ips.replaced_by) {
      ips.rekeying = false;
      ips.rekey_at = env_.now() + timers::kRekeyRetry;
    }
}

}  // namespace rampart::ike
