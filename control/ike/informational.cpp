#include "control/ike/informational.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "control/ike/notify_types.hpp"

namespace rampart::ike {

namespace {

Bytes cookies_of(const IkeSa& sa) {
  Bytes b(sa.icookie.begin(), sa.icookie.end());
  b.insert(b.end(), sa.rcookie.begin(), sa.rcookie.end());
  return b;
}

}  // namespace

// ---- to the peer ---------------------------------------------------------------------------

void Informational::send(IkeSa& sa, std::vector<Payload> payloads) {
  for (const auto& p : payloads)
    if (std::holds_alternative<NotifyPayload>(p)) ++stats_.out_notifies;
  uint32_t msgid = wire_.random_msgid();
  Retransmission::Kept kept = sa.sent.keep();
  wire_.send_protected(sa, Exchange::Informational, msgid, std::move(payloads), {}, false);
  sa.sent.restore(std::move(kept));
  sa.exchange_ivs.erase(msgid);
}

void Informational::send_dpd(IkeSa& sa) {
  const uint32_t sequence = sa.dpd.probe(env_.now());
  NotifyPayload n;
  n.protocol = 1;
  n.type = notify::kRUThere;
  n.spi = cookies_of(sa);
  n.data = be32(sequence);
  log_.debug(&sa,
             fmt::format("Sending keep-alive of type DPD R-U-THERE (seq number 0x{:x})", sequence));
  send(sa, {n});
}

void Informational::send_ipsec_delete(IkeSa& sa, const IpsecSa& ips) {
  DeletePayload del;
  del.protocol = p2attr::kProtoEsp;
  del.spi_size = 4;
  del.spis.push_back(be32(ips.inbound.spi));  // ours: the SA the peer sends on
  log_.debug(&sa, "constructing IPSec delete payload");
  send(sa, {del});
  ++stats_.out_p2_sa_delete;
}

void Informational::send_ike_delete(IkeSa& sa) {
  DeletePayload del;
  del.protocol = 1;
  del.spi_size = 16;
  del.spis.push_back(cookies_of(sa));
  log_.debug(&sa, "constructing IKE delete payload");
  send(sa, {del});
}

// ---- from the peer -------------------------------------------------------------------------

Outcome Informational::unprotected(const std::vector<Payload>& payloads) {
  const NotifyPayload* n = nullptr;
  for (const auto& x : payloads)
    if (!n) n = std::get_if<NotifyPayload>(&x);
  return Outcome::dropped(
      n ? fmt::format("Received an un-encrypted {} notify message, dropping", notify::name(n->type))
        : std::string("Received an un-encrypted notify message, dropping"),
      &IkeStats::in_notifies);
}

Outcome Informational::received(IkeSa& sa, uint32_t msgid, const std::vector<Payload>& p,
                                const Bytes& body) {
  log_.debug(&sa, "processing hash payload");
  if (p.empty() || !std::holds_alternative<OpaquePayload>(p.front()) ||
      std::get<OpaquePayload>(p.front()).type != PayloadType::Hash ||
      !wire_.verify_hash(sa, msgid, body, body.size(), {}))
    return Outcome::dropped("Information Exchange processing failed", &IkeStats::hash_fails);
  sa.exchange_ivs.erase(msgid);
  sa.last_heard = env_.now();
  for (const auto& x : p) {
    if (const auto* n = std::get_if<NotifyPayload>(&x)) notified(sa, *n);
    if (const auto* d = std::get_if<DeletePayload>(&x)) deleted(sa, *d);
  }
  return Outcome::done();
}

void Informational::notified(IkeSa& sa, const NotifyPayload& n) {
  ++stats_.in_notifies;
  log_.debug(&sa, "processing notify payload");
  if (n.type == notify::kRUThere) {
    log_.debug(&sa, fmt::format("Received keep-alive of type DPD R-U-THERE (seq number 0x{:x})",
                                get_be32(n.data)));
    NotifyPayload ack = n;
    ack.type = notify::kRUThereAck;
    log_.debug(&sa, fmt::format("Sending keep-alive of type DPD R-U-THERE-ACK (seq number 0x{:x})",
                                get_be32(n.data)));
    send(sa, {ack});
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

void Informational::deleted(IkeSa& sa, const DeletePayload& d) {
  log_.debug(&sa, "processing delete");
  if (d.protocol == 1) {
    if (d.spis.empty()) ike_deleted(sa, sa);  // no SPI: the SA it came on, leniently
    for (const auto& spi : d.spis)
      if (IkeSa* target = ike_sa_named(sa, spi)) ike_deleted(sa, *target);
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
        end_ipsec_(sa, i, "peer deleted", true);
      }
  }
}

// An IKE Delete names its SA by the cookie pair (RFC 2408 3.15). It is the SA it came on, or
// one that SA replaced: a client that rekeyed phase 1 deletes its old SA through the new one
// (vpnc does). Nothing else: one peer cannot end another's SAs.
IkeSa* Informational::ike_sa_named(IkeSa& via, const Bytes& cookies) {
  auto named = [&](const IkeSa& s) { return cookies == cookies_of(s); };
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

void Informational::ike_deleted(IkeSa& via, IkeSa& target) {
  log_.event(&target, "Received an IKE Delete from the peer");
  if (&target != &via) log_.debug(&via, "The peer deleted the IKE SA this one replaced");
  target.state = P1State::Deleting;
  for (size_t i = target.ipsec.size(); i-- > 0;) end_ipsec_(target, i, "peer deleted", false);
  // Removed once the message is handled (the caller still holds the SA it came on).
  target.delete_reason = EndReason::UserRequested;
  peer_deleted_.push_back(target.index);
}

}  // namespace rampart::ike
