// Quick mode as responder (RFC 2409 5.5): proxy identities checked against the crypto map (the
// client's assigned address for remote access), the entry chosen by select_crypto_map, optional
// PFS, the lifetimes by negotiate_lifetime, and QM2; QM3's HASH(3) then completes the exchange
// on the path both roles share (quick_mode_complete.cpp).
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/crypto_map_select.hpp"
#include "control/ike/ipsec_lifetime.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/phase2.hpp"
#include "control/ike/quick_mode_sa.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

namespace {

// Per IKE SA. A site-to-site peer negotiates a pair per crypto ACL line (and a second during a
// rekey); past this an authenticated peer is only filling our memory and the SPD.
constexpr size_t kMaxIpsecSasPerIkeSa = 128;
constexpr size_t kResponderNonceLength = 32;

std::string proxy_text(const Selector& s) {
  return fmt::format("{}/{}/{}/{}", s.address.str(), s.mask.str(), s.protocol, s.port);
}

// The payloads of a QM1 that passed its message rules (message_rules.cpp): SA and nonce are there.
struct Qm1 {
  const SaPayload* offered = nullptr;
  const OpaquePayload *nonce = nullptr, *ke = nullptr;
  std::vector<const IdPayload*> ids;
};

Qm1 qm1_of(const std::vector<Payload>& p) {
  Qm1 m;
  for (const auto& x : p) {
    if (const auto* s = std::get_if<SaPayload>(&x)) m.offered = s;
    if (const auto* i = std::get_if<IdPayload>(&x)) m.ids.push_back(i);
    if (const auto* o = std::get_if<OpaquePayload>(&x)) {
      if (o->type == PayloadType::Nonce) m.nonce = o;
      if (o->type == PayloadType::KE) m.ke = o;
    }
  }
  return m;
}

}  // namespace

// A new SA for the same proxies replaces what came before: the one it rekeys stays (traffic in
// flight still arrives on it) until its own lifetime, anything older goes now, so that a peer
// repeating quick mode cannot pile SAs up.
void Phase2::retire_superseded(IkeSa& sa, const IpsecSa& fresh) {
  bool kept_one = false;
  for (size_t i = sa.ipsec.size(); i-- > 0;) {
    if (sa.ipsec[i].local != fresh.local || sa.ipsec[i].remote != fresh.remote) continue;
    if (!kept_one) {
      kept_one = true;
      continue;
    }
    delete_ipsec(sa, i, true, "superseded by a newer SA");
  }
}

bool Phase2::abandon_quick_mode(IkeSa& sa) {
  auto m = parse_message(sa.sent.last().data(), sa.sent.last().size());
  if (!m || m->header.exchange != Exchange::QuickMode) return false;
  const uint32_t msgid = m->header.message_id;
  std::shared_ptr<QuickModeExchange> pending = sa.quick_modes.take(msgid);
  if (!pending) return false;
  // The ASA's QM state machine fails with this line and phase 1 stays up: the peer may try
  // again, and DPD or the idle timeout ends a session that is really gone.
  log_.event(
      &sa, fmt::format("QM FSM error (P2 struct &0x{:x}, mess id 0x{:x})!", pending->sa.id, msgid));
  dataplane_.forget(*pending);
  if (pending->rekeys) rekey_failed(sa, pending->rekeys);
  sa.exchange_ivs.erase(msgid);
  sa.sent.forget();
  return true;
}

Outcome Phase2::quick_mode_3(const Received& in) {
  // QM3: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) and nothing else.
  IkeSa& sa = *in.sa;
  const QuickModeExchange& q = sa.quick_modes.at(in.msgid);
  log_.debug(&sa, "processing hash payload");
  const auto* h = in.payloads.empty() ? nullptr : std::get_if<OpaquePayload>(&in.payloads.front());
  if (!h || h->type != PayloadType::Hash ||
      !equal_ct(h->data, quick_mode_hash3(sa.choice.hash, sa.keys.skeyid_a, in.msgid, q.ni, q.nr)))
    return Outcome::dropped("Hash verification failed on quick mode message 3, dropping",
                            &IkeStats::hash_fails, &IkeStats::in_p2_invalid);
  sa.last_heard = env_.now();  // only a message that proved the key shows the peer alive (DPD)
  wire_.commit(sa);
  sa.sent.answered();
  complete_quick_mode(sa, in.msgid);
  return Outcome::done();
}

bool Phase2::admitted(IkeSa& sa) {
  if (!sa.authorized) {
    ++stats_.in_drop;  // a held QM1 is resumed only for a user who passed XAUTH: not reached
    return false;
  }
  if (sa.ipsec.size() + sa.quick_modes.size() >= kMaxIpsecSasPerIkeSa) {
    ++stats_.in_drop;
    ++stats_.in_p2_rejects;
    log_.event(&sa, fmt::format("Rejecting IPSec tunnel: the peer already has {} IPsec SAs",
                                sa.ipsec.size()));
    return false;
  }
  if (sa.quick_modes.full()) {
    ++stats_.in_drop;
    log_.event(&sa, "Too many quick modes in progress, dropping");
    return false;
  }
  return true;
}

void Phase2::reject_quick_mode(IkeSa& sa, uint16_t notify, std::string_view why) {
  ++stats_.in_p2_rejects;
  log_.event(&sa, why);
  NotifyPayload n;
  n.protocol = p2attr::kProtoEsp;
  n.type = notify;
  informational_.send(sa, {n});
}

// Proxy identities: absent means the two peers themselves (RFC 2409 5.5). False (rejected) for
// an identity type a proxy cannot be.
bool Phase2::read_proxies(IkeSa& sa, const std::vector<const IdPayload*>& ids, Selector& local,
                          Selector& remote) {
  remote = Selector{sa.peer.address};
  local = Selector{sa.local.address};
  if (ids.size() != 2) return true;
  auto r = selector_of(*ids[0]), l = selector_of(*ids[1]);
  if (!r || !l) {
    reject_quick_mode(sa, notify::kInvalidIdInformation,
                      "Received an unsupported proxy ID type, rejecting");
    return false;
  }
  remote = *r;
  local = *l;
  for (auto [s, id, side] : {std::tuple{&remote, ids[0], "remote"}, {&local, ids[1], "local"}}) {
    log_.debug(&sa, "processing ID payload");
    if (s->mask.value == 0xffffffffu && id->id_type == kIdIpv4Addr) {
      log_.decode(&sa, fmt::format("ID_IPV4_ADDR ID received {}", s->address.str()));
      log_.event(&sa,
                 fmt::format("Received {} Proxy Host data in ID Payload:  Address {}, Protocol {}, "
                             "Port {}",
                             side, s->address.str(), s->protocol, s->port));
    } else {
      log_.decode(&sa, fmt::format("ID_IPV4_ADDR_SUBNET ID received--{}--{}", s->address.str(),
                                   s->mask.str()));
      log_.event(
          &sa, fmt::format("Received {} IP Proxy Subnet data in ID Payload:   Address {}, Mask {}, "
                           "Protocol {}, Port {}",
                           side, s->address.str(), s->mask.str(), s->protocol, s->port));
    }
  }
  return true;
}

// The crypto map entry for the proxies (select_crypto_map), its walk logged; false (rejected,
// counted) when there is none or none accepts a transform offered.
bool Phase2::select_entry(IkeSa& sa, const MapQuery& query, MapSelection& out) {
  out = select_crypto_map(cfg_, query);
  using O = MapSelection::Outcome;
  if (out.outcome == O::NoMap) {
    reject_quick_mode(
        sa, notify::kNoProposalChosen,
        fmt::format("Rejecting IPSec tunnel: no crypto map on interface {}", sa.nameif));
    return false;
  }
  log_.lines(sa, out.log);
  if (out.outcome == O::NoProxyMatch) {
    std::string why = fmt::format(
        "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy {} local proxy {} "
        "on interface {}",
        proxy_text(query.remote), proxy_text(query.local), sa.nameif);
    log_.syslog_sa(&sa, nullptr, 713061, why);
    reject_quick_mode(sa, notify::kInvalidIdInformation, why);
    return false;
  }
  if (out.outcome == O::NoProposal) {
    ++stats_.in_p2_rejects;
    log_.event(&sa, "All IPSec SA proposals found unacceptable!");
    log_.syslog_sa(&sa, nullptr, 713902, "All IPSec SA proposals found unacceptable!");
    NotifyPayload n;
    n.protocol = p2attr::kProtoEsp;
    n.type = notify::kNoProposalChosen;
    informational_.send(sa, {n});
    return false;
  }
  log_.debug(&sa, "processing IPSec SA payload");
  log_.debug(
      &sa, fmt::format("IPSec SA Proposal # {}, Transform # {} acceptable  Matches global IPSec SA "
                       "entry # {}",
                       out.choice->proposal, out.choice->transform_number, out.seq));
  return true;
}

// PFS: the entry demands a group, or the client offers a KE in the group of the transform
// chosen. On success q holds g^xy and our public value is in our_ke (empty without PFS).
bool Phase2::responder_pfs(IkeSa& sa, QuickModeExchange& q, const OpaquePayload* ke, int want_group,
                           const EspChoice& choice, Bytes& our_ke) {
  if (want_group && !ke) {
    reject_quick_mode(
        sa, notify::kNoProposalChosen,
        fmt::format("Rejecting IPSec tunnel: PFS group {} required but not offered", want_group));
    return false;
  }
  if (!ke) return true;
  int group = choice.offer.group.value_or(0);
  if (!group || (want_group && group != want_group) || !dh_group_supported(group) ||
      ke->data.size() != dh_public_length(group)) {
    reject_quick_mode(sa, notify::kNoProposalChosen, "Rejecting IPSec tunnel: PFS group mismatch");
    return false;
  }
  auto dh = DhKey::generate(group);
  if (!dh) return false;
  auto gxy = dh->shared_secret(ke->data);
  if (!gxy) {
    reject_quick_mode(sa, notify::kNoProposalChosen,
                      "Rejecting IPSec tunnel: invalid PFS public value");
    return false;
  }
  q.gxy = gxy->bytes();
  our_ke = dh->public_value();
  q.sa.pfs_group = group;
  return true;
}

// A remote-access client speaks for the one address it was given, nothing else: not an inside
// host, not the pool's next address, not a subnet. Without an assigned address (a client that
// skipped mode-config) it speaks for nothing. False: refused (logged, the peer told).
bool Phase2::client_proxy_allowed(IkeSa& sa, const Selector& remote) {
  if (!sa.remote_access ||
      (sa.assigned && remote.address == *sa.assigned && remote.mask.value == 0xffffffffu))
    return true;
  std::string why = fmt::format(
      "Rejecting IPSec tunnel: remote proxy {} is not the address assigned to the client ({})",
      proxy_text(remote), sa.assigned ? sa.assigned->str() : "none");
  log_.syslog_sa(&sa, nullptr, 713061, why);
  reject_quick_mode(sa, notify::kInvalidIdInformation, why);
  return false;
}

// Our inbound SPI for ips, as the ASA's key engine hands it out and logs it. It is held by this
// not yet keyed SA (quick_modes) until the SA is installed.
void Phase2::take_inbound_spi(IkeSa& sa, IpsecSa& ips) {
  log_.event(&sa, "IKE: requesting SPI!");
  ips.inbound.spi = draw_inbound_spi(sa);
  log_.ipsec(&sa, 1,
             fmt::format("IPSEC: New embryonic SA created @ 0x{:08X}, Direction: inbound, SPI: "
                         "0x{:08X}, Session ID: 0x{:08X}, Tunnel type: {}, Protocol: esp",
                         ips.id, ips.inbound.spi, ips.id, sa.remote_access ? "ra" : "l2l"));
  log_.debug(&sa, fmt::format("IKE got SPI from key engine: SPI = 0x{:08x}", ips.inbound.spi));
}

Outcome Phase2::quick_mode_1(const Received& in) {
  IkeSa& sa = *in.sa;
  const uint32_t msgid = in.msgid;
  log_.debug(&sa, "processing hash payload");
  if (!wire_.verify_hash(sa, msgid, in.body, in.body.size(), {}))
    return Outcome::dropped("Hash verification failed on quick mode message 1, dropping",
                            &IkeStats::hash_fails, &IkeStats::in_p2_invalid);
  sa.last_heard = env_.now();
  const Qm1 m = qm1_of(in.payloads);
  log_.debug(&sa, "processing SA payload");
  log_.debug(&sa, "processing nonce payload");
  Selector remote, local;
  if (!read_proxies(sa, m.ids, local, remote)) return Outcome::done();
  if (!client_proxy_allowed(sa, remote)) return Outcome::done();
  // A rekey is an SA for the same remote proxy that this peer already holds (retire_superseded
  // settles which one stays once the new one is up).
  if (std::none_of(sa.ipsec.begin(), sa.ipsec.end(),
                   [&](const IpsecSa& o) { return o.remote.address == remote.address; }))
    log_.event(&sa, "QM IsRekeyed old sa not found by addr");
  else
    log_.event(&sa, "QM IsRekeyed old sa found by addr");

  MapSelection entry;
  if (!select_entry(
          sa, {sa.nameif, sa.peer.address, local, remote, m.offered, sa.nat_peer || sa.nat_local},
          entry))
    return Outcome::done();
  const EspChoice& choice = *entry.choice;
  int want_group = entry.settings->pfs_group.value_or(0);
  auto q = std::make_shared<QuickModeExchange>();
  q->ni = m.nonce->data;
  q->nr = wire_.random_bytes(kResponderNonceLength);
  q->started = env_.now();
  Bytes our_ke;
  if (!responder_pfs(sa, *q, m.ke, want_group, choice, our_ke)) return Outcome::done();

  IpsecSa& ips = q->sa;
  ips.id = next_conn_id_++;
  ips.message_id = msgid;
  ips.crypto_map = entry.map_tag;
  ips.map_seq = entry.seq;
  ips.map_acl = entry.settings->match_address.value_or("");
  take_choice(ips, choice);
  ips.local = local;
  ips.remote = remote;
  ips.outbound.spi = get_be32(choice.offered->spi, 0);
  take_inbound_spi(sa, ips);

  // Lifetimes: ours (the entry's, else global) against the offer.
  const config::CryptoMapSettings& cs = *entry.settings;
  ResponderLifetime life =
      negotiate_lifetime({cs.lifetime_seconds.value_or(cfg_.crypto.sa_lifetime_seconds),
                          cs.lifetime_kilobytes.value_or(cfg_.crypto.sa_lifetime_kilobytes)},
                         choice.offer);
  ips.lifetime_seconds = life.chosen.seconds;
  ips.lifetime_kilobytes = life.chosen.kilobytes;
  send_quick_mode_2(sa, msgid, std::move(q), choice, m.ids, life, our_ke);
  return Outcome::done();
}

void Phase2::send_quick_mode_2(IkeSa& sa, uint32_t msgid, std::shared_ptr<QuickModeExchange> q,
                               const EspChoice& choice, const std::vector<const IdPayload*>& ids,
                               const ResponderLifetime& life, const Bytes& our_ke) {
  const IpsecSa& ips = q->sa;
  log_.debug(&sa, "oakley constucting quick mode");
  log_.debug(&sa, "constructing blank hash payload");
  std::vector<Payload> rest;
  log_.debug(&sa, "constructing IPSec SA payload");
  if (life.overridden_seconds)
    log_.event(&sa,
               fmt::format("Overriding Initiator's IPSec rekeying duration from {} to {} seconds",
                           *life.overridden_seconds, life.chosen.seconds));
  if (life.overridden_kilobytes)
    log_.event(&sa, fmt::format("Overriding Initiator's IPSec rekeying duration from {} to {} Kbs",
                                *life.overridden_kilobytes, life.chosen.kilobytes));
  SaPayload reply;
  Proposal prop = *choice.offered;
  prop.spi = be32(ips.inbound.spi);
  prop.transforms = {*choice.transform};
  reply.proposals.push_back(prop);
  rest.push_back(reply);
  log_.debug(&sa, "constructing IPSec nonce payload");
  rest.push_back(OpaquePayload{PayloadType::Nonce, q->nr});
  if (!our_ke.empty()) {
    log_.debug(&sa, "constructing pfs ke payload");
    rest.push_back(OpaquePayload{PayloadType::KE, our_ke});
  }
  if (ids.size() == 2) {
    const Selector &remote = ips.remote, &local = ips.local;
    log_.debug(&sa, "constructing proxy ID");
    log_.debug(
        &sa, fmt::format("Transmitting Proxy Id:   Remote {}: {}  Protocol {}  Port {}   Local "
                         "subnet:  {}  mask {} Protocol {}  Port {}",
                         remote.mask.value == 0xffffffffu ? "host" : "subnet", remote.address.str(),
                         remote.protocol, remote.port, local.address.str(), local.mask.str(),
                         local.protocol, local.port));
    rest.push_back(*ids[0]);
    rest.push_back(*ids[1]);
  }
  if (life.notify()) {
    log_.debug(&sa, "Sending RESPONDER LIFETIME notification to Initiator");
    NotifyPayload n;
    n.protocol = p2attr::kProtoEsp;
    n.type = notify::kResponderLifetime;
    n.spi = choice.offered->spi;
    n.data = responder_lifetime_data(life.chosen);
    rest.push_back(n);
  }
  log_.debug(&sa, "constructing qm hash payload");
  log_.decode(&sa, fmt::format("IKE Responder sending 2nd QM pkt: msg id = {:08x}", msgid));
  // The initiator may send on our SPI as soon as it has QM2: the inbound SA is there before.
  derive_quick_mode_keys(q->sa, sa.choice.hash, sa.keys.skeyid_d, q->gxy, q->ni, q->nr);
  q->inbound_installed = dataplane_.add_inbound(sa, q->sa);
  const Bytes ni = q->ni;
  sa.quick_modes.add(msgid, std::move(q));
  wire_.send_protected(sa, Exchange::QuickMode, msgid, std::move(rest), ni, true);
}

}  // namespace rampart::ike
