// Quick mode as initiator (RFC 2409 5.5), for a crypto map entry or a rekey: QM1 offers the
// proxies, the transform sets (UDP-encapsulated behind a NAT) and PFS; QM2's answer must be one
// of them, its lifetimes no longer than ours (initiator_lifetime, RESPONDER-LIFETIME), and the
// exchange completes on the path both roles share (quick_mode_complete.cpp).
#include <fmt/format.h>

#include "control/ike/ipsec_lifetime.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/phase2.hpp"
#include "control/ike/quick_mode_sa.hpp"
#include "control/ike/sa_config.hpp"

namespace rampart::ike {

namespace {

// Our quick-mode nonce is 20 bytes, as the ASA's: vpnc answers a gateway's rekey by copying its
// own 20-byte nonce over the start of ours in the QM1 it reuses as QM2, so with a longer nonce
// the two ends derive different keys.
constexpr size_t kQuickModeNonceLength = 20;

// A NAT between the ends (and NAT-T agreed): only UDP-encapsulated modes, both ways.
bool udp_encapsulating(const IkeSa& sa) {
  return sa.natt != Vendor::Unknown && (sa.nat_local || sa.nat_peer);
}

}  // namespace

void Phase2::start(IkeSa& sa) {
  if (!sa.wanted) return;
  const config::CryptoMapSettings* entry = static_entry(cfg_, sa.wanted->map, sa.wanted->seq);
  if (!entry) return;
  const config::CryptoMapSettings& cs = *entry;
  auto q = std::make_shared<QuickModeExchange>();
  IpsecSa& ips = q->sa;
  ips.crypto_map = sa.wanted->map;
  ips.map_seq = sa.wanted->seq;
  ips.map_acl = cs.match_address.value_or("");
  ips.local = sa.wanted->local;
  ips.remote = sa.wanted->remote;
  ips.pfs_group = cs.pfs_group.value_or(0);
  q->transform_sets = cs.transform_sets;
  q->life_seconds = cs.lifetime_seconds.value_or(cfg_.crypto.sa_lifetime_seconds);
  q->life_kilobytes = cs.lifetime_kilobytes.value_or(cfg_.crypto.sa_lifetime_kilobytes);
  send_quick_mode_1(sa, std::move(q));
}

void Phase2::start_rekey(IkeSa& sa, IpsecSa& old) {
  // The same proxies, transform and PFS group as the SA being replaced, our side first.
  old.rekeying = true;
  auto q = std::make_shared<QuickModeExchange>();
  IpsecSa& ips = q->sa;
  ips.crypto_map = old.crypto_map;
  ips.map_seq = old.map_seq;
  ips.map_acl = old.map_acl;
  ips.local = old.local;
  ips.remote = old.remote;
  ips.pfs_group = old.pfs_group;
  q->transform_sets = {old.transform_set};
  q->life_seconds = old.lifetime_seconds;
  q->life_kilobytes = old.lifetime_kilobytes;
  q->rekeys = old.id;
  log_.debug(
      &sa, fmt::format("IKE Initiator: Rekeying Phase 2, Intf {}, IKE Peer {}  local Proxy Address "
                       "{}, remote Proxy Address {}",
                       sa.nameif, sa.peer.address.str(), old.local.address.str(),
                       old.remote.address.str()));
  send_quick_mode_1(sa, std::move(q));
}

void Phase2::send_quick_mode_1(IkeSa& sa, std::shared_ptr<QuickModeExchange> q) {
  q->initiator = true;
  q->started = env_.now();
  q->ni = wire_.random_bytes(kQuickModeNonceLength);
  IpsecSa& ips = q->sa;
  ips.id = next_conn_id_++;
  ips.inbound.spi = draw_inbound_spi(sa);
  const int pfs = ips.pfs_group;
  Proposal prop{1, 3, be32(ips.inbound.spi), {}};
  uint8_t n = 1;
  for (const auto& name : q->transform_sets)
    if (auto ts = cfg_.crypto.transform_sets.find(name); ts != cfg_.crypto.transform_sets.end())
      if (auto t = esp_transform_for(ts->second, n, q->life_seconds, q->life_kilobytes, pfs,
                                     udp_encapsulating(sa), sa.natt == Vendor::NatTRfc)) {
        prop.transforms.push_back(*t);
        ++n;
      }
  if (prop.transforms.empty()) {
    log_.event(&sa, "IKE Initiator: no usable transform set for the quick mode");
    return;
  }
  SaPayload offer;
  offer.proposals.push_back(prop);
  std::vector<Payload> rest{offer, OpaquePayload{PayloadType::Nonce, q->ni}};
  if (pfs) {
    auto dh = DhKey::generate(pfs);
    if (!dh) return;
    rest.push_back(OpaquePayload{PayloadType::KE, dh->public_value()});
    q->dh = std::make_unique<DhKey>(std::move(*dh));
  }
  rest.push_back(id_of(ips.local));
  rest.push_back(id_of(ips.remote));
  uint32_t msgid = wire_.random_msgid();
  ips.message_id = msgid;
  sa.quick_modes.add(msgid, q);
  log_.debug(&sa, "oakley constructing quick mode");
  log_.debug(&sa, "constructing blank hash payload");
  log_.debug(&sa, "constructing IPSec SA payload");
  log_.debug(&sa, "constructing IPSec nonce payload");
  log_.debug(&sa, "constructing proxy ID");
  log_.debug(&sa, "constructing qm hash payload");
  log_.decode(&sa, fmt::format("IKE Initiator sending 1st QM pkt: msg id = {:08x}", msgid));
  wire_.send_protected(sa, Exchange::QuickMode, msgid, std::move(rest), {}, true);
}

Outcome Phase2::quick_mode_2(const Received& in) {
  IkeSa& sa = *in.sa;
  const uint32_t msgid = in.msgid;
  const std::vector<Payload>& p = in.payloads;
  QuickModeExchange& q = sa.quick_modes.at(msgid);
  log_.debug(&sa, "processing hash payload");
  if (!wire_.verify_hash(sa, msgid, in.body, in.body.size(), q.ni))
    return Outcome::dropped("Hash verification failed on quick mode message 2, dropping",
                            &IkeStats::hash_fails);
  sa.last_heard = env_.now();
  sa.sent.answered();
  const SaPayload* chosen = nullptr;
  for (const auto& x : p)
    if (const auto* s = std::get_if<SaPayload>(&x)) chosen = s;
  // The answer must be one of the transforms QM1 offered, in an encapsulation mode the responder
  // would accept from us (the transform sets are looked up afresh: one removed since then is no
  // longer acceptable).
  auto choice = match_esp(*chosen, cfg_, q.transform_sets, udp_encapsulating(sa));
  if (!choice || chosen->proposals.size() != 1 || chosen->proposals[0].transforms.size() != 1) {
    ++stats_.in_p2_invalid;
    log_.event(&sa, "The responder chose an IPSec transform we did not offer");
    sa.quick_modes.end(msgid);
    return Outcome::done();
  }
  q.nr = first_opaque(p, PayloadType::Nonce)->data;
  if (q.dh && !initiator_pfs(sa, q, first_opaque(p, PayloadType::KE))) {
    ++stats_.in_p2_invalid;
    sa.quick_modes.end(msgid);
    return Outcome::done();
  }
  IpsecSa& ips = q.sa;
  take_choice(ips, *choice);
  ips.outbound.spi = get_be32(choice->offered->spi);
  Lifetime life = initiator_lifetime({q.life_seconds, q.life_kilobytes}, choice->offer);
  for (const auto& x : p)
    if (const auto* n = std::get_if<NotifyPayload>(&x);
        n && n->type == notify::kResponderLifetime) {
      life = apply_responder_lifetime(life, n->data);
      log_.debug(&sa, "processing notify payload (RESPONDER-LIFETIME)");
    }
  ips.lifetime_seconds = life.seconds;
  ips.lifetime_kilobytes = life.kilobytes;
  complete_quick_mode(sa, msgid);
  return Outcome::done();
}

// PFS we offered: the responder's KE gives g^xy (false, logged, when it sent none or a bad one).
bool Phase2::initiator_pfs(IkeSa& sa, QuickModeExchange& q, const OpaquePayload* ke) {
  if (!ke) {
    log_.event(&sa, "PFS was offered but the responder sent no KE payload");
    return false;
  }
  auto gxy = q.dh->shared_secret(ke->data);
  if (!gxy) return false;
  q.gxy = gxy->bytes();
  return true;
}

}  // namespace rampart::ike
