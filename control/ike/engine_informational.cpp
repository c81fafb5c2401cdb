// Informational exchanges: notifications and deletes both ways, and dead peer detection
// (RFC 3706 R-U-THERE / R-U-THERE-ACK).
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/engine.hpp"
#include "control/ike/ipsec_proposal.hpp"

namespace rampart::ike {

void Engine::send_informational(IkeSa& sa, std::vector<Payload> payloads) {
  for (const auto& p : payloads)
    if (std::holds_alternative<NotifyPayload>(p)) ++stats_.out_notifies;
  uint32_t msgid = wire_.random_msgid();
  // A one-shot exchange: it must not replace the message we retransmit.
  Retransmission::Kept kept = sa.sent.keep();
  wire_.send_protected(sa, Exchange::Informational, msgid, std::move(payloads), {}, false);
  sa.sent.restore(std::move(kept));
  sa.exchange_ivs.erase(msgid);
}

void Engine::send_dpd(IkeSa& sa) {
  const uint32_t sequence = sa.dpd.probe(env_.now());
  NotifyPayload n;
  n.protocol = 1;
  n.type = notify::kRUThere;
  n.spi.assign(sa.icookie.begin(), sa.icookie.end());
  n.spi.insert(n.spi.end(), sa.rcookie.begin(), sa.rcookie.end());
  n.data = be32(sequence);
  log_.debug(&sa,
             fmt::format("Sending keep-alive of type DPD R-U-THERE (seq number 0x{:x})", sequence));
  send_informational(sa, {n});
}

void Engine::delete_ipsec(IkeSa& sa, size_t which, bool notify_peer, std::string_view reason,
                          bool drain) {
  if (which >= sa.ipsec.size()) return;
  const IpsecSa& ips = sa.ipsec[which];
  if (notify_peer && sa.keys.skeyid_a.size() != 0) {
    DeletePayload del;
    del.protocol = p2attr::kProtoEsp;
    del.spi_size = 4;
    del.spis.push_back(be32(ips.inbound.spi));  // ours: the SA the peer sends on
    log_.debug(&sa, "constructing IPSec delete payload");
    send_informational(sa, {del});
    ++stats_.out_p2_sa_delete;
  }
  ipsec_sa_syslog(sa, ips.inbound.spi, true, false);
  ipsec_sa_syslog(sa, ips.outbound.spi, false, false);
  log_.debug(&sa, fmt::format("IPSec SA with SPI 0x{:08x} deleted: {}", ips.inbound.spi, reason));
  if (drain)
    uninstall_draining(sa, ips);
  else
    uninstall(sa, ips);
  sa.ipsec.erase(sa.ipsec.begin() + static_cast<long>(which));
}

// An IKE Delete names its SA by the cookie pair (RFC 2408 3.15). It is the SA it came on, or
// one that SA replaced: a client that rekeyed phase 1 deletes its old SA through the new one
// (vpnc does). Nothing else: one peer cannot end another's SAs.
IkeSa* Engine::ike_sa_named(IkeSa& via, const Bytes& cookies) {
  auto named = [&](const IkeSa& s) {
    return cookies.size() == 16 &&
           std::equal(s.icookie.begin(), s.icookie.end(), cookies.begin()) &&
           std::equal(s.rcookie.begin(), s.rcookie.end(), cookies.begin() + 8);
  };
  IkeSa* replaced = nullptr;
  for (auto& [idx, other] : sas_.all())
    if (other->p1_rekey.replaced_by() == via.index) replaced = other.get();
  if (named(via)) {
    // vpnc, having rekeyed phase 1, deletes "the old SA" by the new SA's cookies, on the new
    // SA. While the SA this one replaced is still here, that Delete means the replaced one: a
    // client does not end the session it has just rekeyed (its ESP deletes would come first).
    if (replaced) {
      log_.debug(&via,
                 "IKE Delete names the SA that just replaced another: the peer means "
                 "the replaced one");  // [U] ours
      return replaced;
    }
    return &via;
  }
  if (replaced && named(*replaced)) return replaced;
  log_.debug(&via, "IKE Delete for an SA this peer does not hold, ignored");  // [U]
  return nullptr;
}

void Engine::peer_deletes_ike(IkeSa& via, IkeSa& target) {
  log_.event(&target, "Received an IKE Delete from the peer");
  if (&target != &via) log_.debug(&via, "The peer deleted the IKE SA this one replaced");
  target.state = P1State::Deleting;
  for (size_t i = target.ipsec.size(); i-- > 0;) delete_ipsec(target, i, false, "peer deleted");
  // Removed once the message is handled (the caller still holds the SA it came on).
  target.delete_reason = EndReason::UserRequested;
  peer_deleted_.push_back(target.index);
}

Outcome Engine::informational(const Received& in) {
  IkeSa& sa = *in.sa;
  const std::vector<Payload>& p = in.payloads;
  log_.debug(&sa, "processing hash payload");
  if (p.empty() || !std::holds_alternative<OpaquePayload>(p.front()) ||
      std::get<OpaquePayload>(p.front()).type != PayloadType::Hash ||
      !wire_.verify_hash(sa, in.msgid, in.body, in.body.size(), {}))
    return Outcome::dropped("Information Exchange processing failed", &IkeStats::hash_fails);
  sa.exchange_ivs.erase(in.msgid);
  sa.last_heard = env_.now();
  for (const auto& x : p) {
    if (const auto* n = std::get_if<NotifyPayload>(&x)) peer_notifies(sa, *n);
    if (const auto* d = std::get_if<DeletePayload>(&x)) peer_deletes(sa, *d);
  }
  return Outcome::done();
}

void Engine::peer_notifies(IkeSa& sa, const NotifyPayload& n) {
  ++stats_.in_notifies;
  log_.debug(&sa, "processing notify payload");
  if (n.type == notify::kRUThere) {
    log_.debug(&sa, fmt::format("Received keep-alive of type DPD R-U-THERE (seq number 0x{:x})",
                                get_be32(n.data)));
    NotifyPayload ack = n;
    ack.type = notify::kRUThereAck;
    log_.debug(&sa, fmt::format("Sending keep-alive of type DPD R-U-THERE-ACK (seq number 0x{:x})",
                                get_be32(n.data)));
    send_informational(sa, {ack});
  } else if (n.type == notify::kRUThereAck) {
    log_.debug(&sa, fmt::format("Received keep-alive of type DPD R-U-THERE-ACK (seq number 0x{:x})",
                                get_be32(n.data)));
    sa.dpd.acked(get_be32(n.data));  // any probe outstanding (dpd.hpp)
  } else if (n.type == notify::kInitialContact) {
    log_.debug(&sa, "Received INITIAL-CONTACT notify");
  } else {
    log_.event(&sa,
               fmt::format("Received notify message of type {} (protocol {})", n.type, n.protocol));
  }
}

void Engine::peer_deletes(IkeSa& sa, const DeletePayload& d) {
  log_.debug(&sa, "processing delete");
  if (d.protocol == 1) {
    if (d.spis.empty()) peer_deletes_ike(sa, sa);  // no SPI: the SA it came on, leniently
    for (const auto& spi : d.spis)
      if (IkeSa* target = ike_sa_named(sa, spi)) peer_deletes_ike(sa, *target);
    return;
  }
  if (d.protocol != p2attr::kProtoEsp) return;
  ++stats_.in_p2_sa_delete;
  for (const auto& spi : d.spis) {
    uint32_t v = get_be32(spi);
    for (size_t i = sa.ipsec.size(); i-- > 0;)
      if (sa.ipsec[i].outbound.spi == v) {
        log_.event(&sa,
                   fmt::format("Connection terminated for peer {}.  Reason: Peer Terminate  "
                               "Remote Proxy {}, Local Proxy {}",
                               sa.username.empty() ? sa.peer.address.str() : sa.username,
                               sa.ipsec[i].remote.address.str(), sa.ipsec[i].local.address.str()));
        delete_ipsec(sa, i, false, "peer deleted", true);
      }
  }
}

}  // namespace rampart::ike
