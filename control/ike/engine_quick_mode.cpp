// Quick mode as responder (RFC 2409 5.5): proxy identities checked against the crypto map (the
// client's assigned address for remote access), the ESP proposal matched against the entry's
// transform sets, optional PFS, RESPONDER-LIFETIME, and the keys of both SAs.
#include <algorithm>

#include <fmt/format.h>

#include "control/config/acl_expand.hpp"
#include "control/ike/engine.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/message_rules.hpp"

namespace rampart::ike {

namespace {

constexpr uint8_t kIdIpv4 = 1, kIdIpv4Subnet = 4;
constexpr uint16_t kResponderLifetime = 24576;
constexpr uint16_t kNoProposalChosen = 14;
constexpr uint16_t kInvalidIdInformation = 18;
constexpr size_t kMaxPendingQuickModes = 16;  // per IKE SA: QM1 without QM3 costs us state
// Per IKE SA. A site-to-site peer negotiates a pair per crypto ACL line (and a second during a
// rekey); past this an authenticated peer is only filling our memory and the SPD.
constexpr size_t kMaxIpsecSasPerIkeSa = 128;

std::optional<Selector> selector_of(const IdPayload& id) {
  Selector s;
  s.protocol = id.protocol;
  s.port = id.port;
  if (id.id_type == kIdIpv4 && id.data.size() == 4) {
    s.address = config::Ipv4{get_be32(id.data, 0)};
    return s;
  }
  if (id.id_type == kIdIpv4Subnet && id.data.size() == 8) {
    s.address = config::Ipv4{get_be32(id.data, 0)};
    s.mask = config::Mask{get_be32(id.data, 4)};
    return s;
  }
  return std::nullopt;
}

bool within(const Selector& s, const config::AclAddress& a) {
  using K = config::AclAddress::Kind;
  if (a.kind == K::Any) return true;
  uint32_t m = a.kind == K::Host ? 0xffffffffu : a.mask.value;
  return (s.mask.value & m) == m && (s.address.value & m) == (a.address.value & m);
}

// A static crypto map's ACL names our side as source and the peer's as destination.
bool acl_covers(const config::AccessList& acl, const Selector& local, const Selector& remote) {
  for (const auto& e : acl.entries) {
    if (e.type != config::AccessListEntry::Type::Extended || !e.permit) continue;
    if (within(local, e.source) && within(remote, e.destination)) return true;
  }
  return false;
}

std::string proxy_text(const Selector& s) {
  return fmt::format("{}/{}/{}/{}", s.address.str(), s.mask.str(), s.protocol, s.port);
}

}  // namespace

// A new SA for the same proxies replaces what came before: the one it rekeys stays (traffic in
// flight still arrives on it) until its own lifetime, anything older goes now, so that a peer
// repeating quick mode cannot pile SAs up.
void Engine::retire_superseded(IkeSa& sa, const IpsecSa& fresh) {
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

bool Engine::abandon_quick_mode(IkeSa& sa) {
  auto m = parse_message(sa.last_sent.data(), sa.last_sent.size());
  if (!m || m->header.exchange != Exchange::QuickMode) return false;
  const uint32_t msgid = m->header.message_id;
  auto pending = sa.pending_qm.find(msgid);
  if (pending == sa.pending_qm.end()) return false;
  // The ASA's QM state machine fails with this line and phase 1 stays up: the peer may try
  // again, and DPD or the idle timeout ends a session that is really gone.
  log(&sa, Tag::Event,
      fmt::format("QM FSM error (P2 struct &0x{:x}, mess id 0x{:x})!", pending->second->sa.id,
                  msgid));
  if (pending->second->rekeys) rekey_failed(sa, pending->second->rekeys);
  sa.pending_qm.erase(pending);
  sa.exchange_ivs.erase(msgid);
  sa.awaiting_reply = false;
  sa.last_sent.clear();
  return true;
}

void Engine::quick_mode(IkeSa& sa, uint32_t msgid, const std::vector<Payload>& p,
                        const Bytes& body) {
  sa.last_heard = env_.now();
  if (auto pending = sa.pending_qm.find(msgid);
      pending != sa.pending_qm.end() && pending->second->initiator) {
    quick_mode_2(sa, msgid, p, body);
    return;
  }
  if (auto pending = sa.pending_qm.find(msgid); pending != sa.pending_qm.end()) {
    // QM3: HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b) and nothing else.
    auto& q = *pending->second;
    log(&sa, Tag::Debug, "processing hash payload");
    Bytes data{0};
    Bytes mid = be32(msgid);
    data.insert(data.end(), mid.begin(), mid.end());
    data.insert(data.end(), q.ni.begin(), q.ni.end());
    data.insert(data.end(), q.nr.begin(), q.nr.end());
    const auto* h = p.empty() ? nullptr : std::get_if<OpaquePayload>(&p.front());
    if (!h || h->type != PayloadType::Hash ||
        !equal_ct(h->data, prf(sa.choice.hash, sa.keys.skeyid_a.bytes(), data))) {
      ++stats_.hash_fails;
      ++stats_.in_p2_invalid;
      log(&sa, Tag::Event, "Hash verification failed on quick mode message 3, dropping");
      return;
    }
    commit_inbound(sa);
    sa.awaiting_reply = false;
    log(&sa, Tag::Debug, "loading all IPSEC SAs");
    IpsecSa ips = q.sa;
    log(&sa, Tag::Debug, "Generating Quick Mode Key!");
    EspOffer o;
    o.transform = ips.esp_transform;
    o.key_bits = ips.key_bits;
    o.auth = ips.auth_algorithm;
    size_t ek = esp_encryption_key_length(o), ak = esp_integrity_key_length(o);
    for (IpsecKeys* k : {&ips.inbound, &ips.outbound}) {
      SecretBytes km = quick_mode_keymat(sa.choice.hash, sa.keys.skeyid_d, q.gxy, p2attr::kProtoEsp,
                                         k->spi, q.ni, q.nr, ek + ak);
      const Bytes& b = km.bytes();
      k->encryption_key = SecretBytes(Bytes(b.begin(), b.begin() + static_cast<long>(ek)));
      k->integrity_key = SecretBytes(Bytes(b.begin() + static_cast<long>(ek), b.end()));
    }
    log(&sa, Tag::Debug, "Generating Quick Mode Key!");
    ips.established_at = env_.now();
    std::string who = sa.remote_access && !sa.username.empty()
                          ? fmt::format("User ({})", sa.username)
                          : fmt::format("Group {}", sa.tunnel_group);
    // Logged once the dataplane holds the outbound SA, amid its "IPSEC: ..." steps (as the
    // ASA prints it when its key engine has added that SA).
    install(sa, ips, [&] {
      log(&sa, Tag::Event,
          fmt::format("Security negotiation complete for {}  Responder, Inbound SPI = 0x{:08x}, "
                      "Outbound SPI = 0x{:08x}",
                      who, ips.inbound.spi, ips.outbound.spi));
    });
    if (ips.lifetime_seconds)
      log(&sa, Tag::Debug,
          fmt::format("Starting P2 rekey timer: {} seconds.", ips.lifetime_seconds * 95 / 100));
    if (sa.assigned) {
      log(&sa, Tag::Event,
          fmt::format("Adding static route for client address: {}", sa.assigned->str()));
    }
    ipsec_sa_syslog(sa, ips.inbound.spi, true, true);
    ipsec_sa_syslog(sa, ips.outbound.spi, false, true);
    log(&sa, Tag::Event, fmt::format("PHASE 2 COMPLETED (msgid={:08x})", msgid));
    syslog_sa(&sa, nullptr, 713120, msgid);
    ++stats_.in_p2_exchanges;
    retire_superseded(sa, ips);
    ipsec_established(sa, ips);
    sa.ipsec.push_back(std::move(ips));
    sa.pending_qm.erase(pending);
    sa.exchange_ivs.erase(msgid);
    return;
  }

  // QM1.
  if (!sa.authorized) {
    ++stats_.in_drop;
    log(&sa, Tag::Debug, "Delay Quick Mode processing, Cert/Trans Exch/RM DSID in progress");
    return;  // the client retransmits once XAUTH is through
  }
  if (sa.ipsec.size() + sa.pending_qm.size() >= kMaxIpsecSasPerIkeSa) {
    ++stats_.in_drop;
    ++stats_.in_p2_rejects;
    log(&sa, Tag::Event,
        fmt::format("Rejecting IPSec tunnel: the peer already has {} IPsec SAs", sa.ipsec.size()));
    return;
  }
  if (sa.pending_qm.size() >= kMaxPendingQuickModes) {
    ++stats_.in_drop;
    log(&sa, Tag::Event, "Too many quick modes in progress, dropping");
    return;
  }
  if (!sa.phase1_reported) established_syslog(sa);  // a client that asked for no configuration
  log(nullptr, Tag::Decode, fmt::format("IKE Responder starting QM: msg id = {:08x}", msgid),
      &sa.peer);
  if (auto bad = check_message(MessageKind::QM1, true, p)) {
    ++stats_.malformed;
    ++stats_.in_p2_invalid;
    log(&sa, Tag::Event, fmt::format("Dropping malformed message: {}", bad->text));
    return;
  }
  log(&sa, Tag::Debug, "processing hash payload");
  if (!verify_hash(sa, msgid, body, body.size(), {})) {
    ++stats_.hash_fails;
    ++stats_.in_p2_invalid;
    log(&sa, Tag::Event, "Hash verification failed on quick mode message 1, dropping");
    return;
  }
  const SaPayload* offered = nullptr;
  const OpaquePayload *nonce = nullptr, *ke = nullptr;
  std::vector<const IdPayload*> ids;
  for (const auto& x : p) {
    if (const auto* s = std::get_if<SaPayload>(&x)) offered = s;
    if (const auto* i = std::get_if<IdPayload>(&x)) ids.push_back(i);
    if (const auto* o = std::get_if<OpaquePayload>(&x)) {
      if (o->type == PayloadType::Nonce) nonce = o;
      if (o->type == PayloadType::KE) ke = o;
    }
  }
  log(&sa, Tag::Debug, "processing SA payload");
  log(&sa, Tag::Debug, "processing nonce payload");

  auto reject = [&](uint16_t notify, std::string_view why) {
    ++stats_.in_p2_rejects;
    log(&sa, Tag::Event, why);
    NotifyPayload n;
    n.protocol = p2attr::kProtoEsp;
    n.type = notify;
    send_informational(sa, {n});
  };

  // Proxy identities: absent means the two peers themselves (RFC 2409 5.5).
  Selector remote{sa.peer.address}, local{sa.local.address};
  if (ids.size() == 2) {
    auto r = selector_of(*ids[0]), l = selector_of(*ids[1]);
    if (!r || !l) {
      reject(kInvalidIdInformation, "Received an unsupported proxy ID type, rejecting");
      return;
    }
    remote = *r;
    local = *l;
    for (auto [s, side] : {std::pair{&remote, "remote"}, std::pair{&local, "local"}}) {
      log(&sa, Tag::Debug, "processing ID payload");
      if (s->mask.value == 0xffffffffu &&
          (side == std::string_view("remote") ? ids[0] : ids[1])->id_type == kIdIpv4) {
        log(&sa, Tag::Decode, fmt::format("ID_IPV4_ADDR ID received {}", s->address.str()));
        log(&sa, Tag::Event,
            fmt::format("Received {} Proxy Host data in ID Payload:  Address {}, Protocol {}, "
                        "Port {}",
                        side, s->address.str(), s->protocol, s->port));
      } else {
        log(&sa, Tag::Decode,
            fmt::format("ID_IPV4_ADDR_SUBNET ID received--{}--{}", s->address.str(),
                        s->mask.str()));
        log(&sa, Tag::Event,
            fmt::format("Received {} IP Proxy Subnet data in ID Payload:   Address {}, Mask {}, "
                        "Protocol {}, Port {}",
                        side, s->address.str(), s->mask.str(), s->protocol, s->port));
      }
    }
  }
  // A remote-access client speaks for the one address it was given, nothing else: not an inside
  // host, not the pool's next address, not a subnet. Without an assigned address (a client that
  // skipped mode-config) it speaks for nothing.
  if (sa.remote_access &&
      (!sa.assigned || remote.address != *sa.assigned || remote.mask.value != 0xffffffffu)) {
    std::string why = fmt::format(
        "Rejecting IPSec tunnel: remote proxy {} is not the address assigned to the client ({})",
        proxy_text(remote), sa.assigned ? sa.assigned->str() : "none");
    syslog_sa(&sa, nullptr, 713061, why);
    reject(kInvalidIdInformation, why);
    return;
  }

  // A rekey is an SA for the same remote proxy that this peer already holds (retire_superseded
  // settles which one stays once the new one is up).
  if (std::none_of(sa.ipsec.begin(), sa.ipsec.end(),
                   [&](const IpsecSa& o) { return o.remote.address == remote.address; }))
    log(&sa, Tag::Event, "QM IsRekeyed old sa not found by addr");
  else
    log(&sa, Tag::Event, "QM IsRekeyed old sa found by addr");

  // The crypto map on the interface the peer reached: static entries for this peer whose ACL
  // covers the proxies, then dynamic entries.
  const config::CryptoMap* map = nullptr;
  for (const auto& [name, m] : cfg_.crypto.maps)
    if (m.interface == sa.nameif) map = &m;
  if (!map) {
    reject(kNoProposalChosen,
           fmt::format("Rejecting IPSec tunnel: no crypto map on interface {}", sa.nameif));
    return;
  }
  std::optional<EspChoice> choice;
  bool proxies_matched = false;
  std::string map_tag;
  const config::CryptoMapSettings* settings = nullptr;
  uint32_t seq = 0;
  for (const auto& [s, entry] : map->entries) {
    std::vector<std::pair<uint32_t, const config::CryptoMapSettings*>> candidates;
    log(&sa, Tag::Event,
        fmt::format("Static Crypto Map check, checking map = {}, seq = {}...", map->name, s));
    if (entry.dynamic_map) {
      // A dynamic entry names no peer and no ACL: nothing to check it against statically.
      log(&sa, Tag::Event, "Static Crypto Map check by-passed: Crypto map entry incomplete!");
      auto dm = cfg_.crypto.dynamic_maps.find(*entry.dynamic_map);
      if (dm == cfg_.crypto.dynamic_maps.end()) continue;
      for (const auto& [ds, dset] : dm->second.entries) candidates.emplace_back(ds, &dset);
    } else {
      const auto& peers = entry.settings.peers;
      if (std::find(peers.begin(), peers.end(), sa.peer.address.str()) == peers.end()) continue;
      candidates.emplace_back(s, &entry.settings);
    }
    for (const auto& [cseq, cs] : candidates) {
      if (cs->match_address) {
        auto acl = cfg_.access_lists.find(*cs->match_address);
        // within() reads plain addresses: objects and object-groups are expanded first.
        if (acl == cfg_.access_lists.end() ||
            !acl_covers(config::expand_acl(cfg_, acl->second), local, remote))
          continue;
      }
      proxies_matched = true;
      bool udp_only = sa.nat_peer || sa.nat_local;
      if (udp_only)
        log(&sa, Tag::Debug,
            "Selecting only UDP-Encapsulated-Tunnel and UDP-Encapsulated-Transport modes defined "
            "by NAT-Traversal");
      if (auto c = match_esp(*offered, cfg_, cs->transform_sets, udp_only)) {
        choice = c;
        settings = cs;
        seq = cseq;
        map_tag = entry.dynamic_map ? *entry.dynamic_map : map->name;  // as the ASA tags it
        log(&sa, Tag::Event,
            fmt::format("IKE Remote Peer configured for crypto map: {}",
                        entry.dynamic_map ? *entry.dynamic_map : map->name));
        break;
      }
    }
    if (choice) break;
  }
  if (!choice && !proxies_matched) {
    std::string why = fmt::format(
        "Rejecting IPSec tunnel: no matching crypto map entry for remote proxy {} local proxy {} "
        "on interface {}",
        proxy_text(remote), proxy_text(local), sa.nameif);
    syslog_sa(&sa, nullptr, 713061, why);
    reject(kInvalidIdInformation, why);
    return;
  }
  if (!choice) {
    ++stats_.in_p2_rejects;
    log(&sa, Tag::Event, "All IPSec SA proposals found unacceptable!");
    syslog_sa(&sa, nullptr, 713902, "All IPSec SA proposals found unacceptable!");
    NotifyPayload n;
    n.protocol = p2attr::kProtoEsp;
    n.type = kNoProposalChosen;
    send_informational(sa, {n});
    return;
  }
  log(&sa, Tag::Debug, "processing IPSec SA payload");
  log(&sa, Tag::Debug,
      fmt::format("IPSec SA Proposal # {}, Transform # {} acceptable  Matches global IPSec SA "
                  "entry # {}",
                  choice->proposal, choice->transform_number, seq));

  // PFS: the entry demands it, or the client offers a KE.
  int want_group = settings->pfs_group.value_or(0);
  if (want_group && !ke) {
    reject(
        kNoProposalChosen,
        fmt::format("Rejecting IPSec tunnel: PFS group {} required but not offered", want_group));
    return;
  }
  auto q = std::make_shared<IkeSa::PendingQm>();
  q->ni = nonce->data;
  q->nr = random_bytes(32);
  q->started = env_.now();
  Bytes our_ke;
  if (ke) {
    int group = choice->offer.group.value_or(0);
    if (!group || (want_group && group != want_group) || !dh_group_supported(group) ||
        ke->data.size() != dh_public_length(group)) {
      reject(kNoProposalChosen, "Rejecting IPSec tunnel: PFS group mismatch");
      return;
    }
    auto dh = DhKey::generate(group);
    if (!dh) return;
    auto gxy = dh->shared_secret(ke->data);
    if (!gxy) {
      reject(kNoProposalChosen, "Rejecting IPSec tunnel: invalid PFS public value");
      return;
    }
    q->gxy = gxy->bytes();
    our_ke = dh->public_value();
    q->sa.pfs_group = group;
  }

  IpsecSa& ips = q->sa;
  ips.id = next_conn_id_++;
  ips.message_id = msgid;
  ips.crypto_map = map_tag;
  ips.map_seq = seq;
  ips.transform_set = choice->transform_set;
  ips.esp_transform = choice->offer.transform;
  ips.key_bits = choice->offer.key_bits;
  ips.auth_algorithm = choice->offer.auth;
  ips.udp_encapsulated = choice->offer.encapsulation == p2attr::kUdpTunnel ||
                         choice->offer.encapsulation == p2attr::kUdpTunnelDraft ||
                         choice->offer.encapsulation == p2attr::kUdpTransport ||
                         choice->offer.encapsulation == p2attr::kUdpTransportDraft;
  ips.tunnel_mode = choice->offer.encapsulation != p2attr::kTransport &&
                    choice->offer.encapsulation != p2attr::kUdpTransport &&
                    choice->offer.encapsulation != p2attr::kUdpTransportDraft;
  ips.local = local;
  ips.remote = remote;
  ips.outbound.spi = get_be32(choice->offered->spi, 0);
  log(&sa, Tag::Event, "IKE: requesting SPI!");
  ips.inbound.spi = draw_inbound_spi();
  // The SPI is held by this not yet keyed SA (pending_qm) until QM3 installs it.
  ipsec_log(1, fmt::format("IPSEC: New embryonic SA created @ 0x{:08X}, Direction: inbound, SPI: "
                           "0x{:08X}, Session ID: 0x{:08X}, Tunnel type: {}, Protocol: esp",
                           ips.id, ips.inbound.spi, ips.id, sa.remote_access ? "ra" : "l2l"));
  log(&sa, Tag::Debug, fmt::format("IKE got SPI from key engine: SPI = 0x{:08x}", ips.inbound.spi));

  // Lifetimes: ours (the entry's, else global) against the offer; the shorter is used and we
  // tell the initiator when that is ours.
  uint32_t our_s = settings->lifetime_seconds.value_or(cfg_.crypto.sa_lifetime_seconds);
  uint32_t our_kb = settings->lifetime_kilobytes.value_or(cfg_.crypto.sa_lifetime_kilobytes);
  uint32_t their_s = choice->offer.life_seconds.value_or(28800);
  uint32_t their_kb = choice->offer.life_kilobytes.value_or(0);
  ips.lifetime_seconds = std::min(our_s, their_s);
  ips.lifetime_kilobytes = their_kb ? std::min(our_kb, their_kb) : our_kb;
  bool tell = their_s > our_s || (their_kb && their_kb > our_kb);

  log(&sa, Tag::Debug, "oakley constucting quick mode");
  log(&sa, Tag::Debug, "constructing blank hash payload");
  std::vector<Payload> rest;
  log(&sa, Tag::Debug, "constructing IPSec SA payload");
  if (their_s > our_s)
    log(&sa, Tag::Event,
        fmt::format("Overriding Initiator's IPSec rekeying duration from {} to {} seconds", their_s,
                    our_s));
  if (their_kb && their_kb > our_kb)
    log(&sa, Tag::Event,
        fmt::format("Overriding Initiator's IPSec rekeying duration from {} to {} Kbs", their_kb,
                    our_kb));
  SaPayload reply;
  Proposal prop = *choice->offered;
  prop.spi = be32(ips.inbound.spi);
  prop.transforms = {*choice->transform};
  reply.proposals.push_back(prop);
  rest.push_back(reply);
  log(&sa, Tag::Debug, "constructing IPSec nonce payload");
  rest.push_back(OpaquePayload{PayloadType::Nonce, q->nr});
  if (!our_ke.empty()) {
    log(&sa, Tag::Debug, "constructing pfs ke payload");
    rest.push_back(OpaquePayload{PayloadType::KE, our_ke});
  }
  if (ids.size() == 2) {
    log(&sa, Tag::Debug, "constructing proxy ID");
    log(&sa, Tag::Debug,
        fmt::format("Transmitting Proxy Id:   Remote {}: {}  Protocol {}  Port {}   Local "
                    "subnet:  {}  mask {} Protocol {}  Port {}",
                    remote.mask.value == 0xffffffffu ? "host" : "subnet", remote.address.str(),
                    remote.protocol, remote.port, local.address.str(), local.mask.str(),
                    local.protocol, local.port));
    rest.push_back(*ids[0]);
    rest.push_back(*ids[1]);
  }
  if (tell) {
    log(&sa, Tag::Debug, "Sending RESPONDER LIFETIME notification to Initiator");
    NotifyPayload n;
    n.protocol = p2attr::kProtoEsp;
    n.type = kResponderLifetime;
    n.spi = choice->offered->spi;
    Writer w;
    std::vector<Attribute> life = {
        Attribute::tv(p2attr::kLifeType, p2attr::kLifeSeconds),
        Attribute::tlv(p2attr::kLifeDuration, be32(ips.lifetime_seconds)),
        Attribute::tv(p2attr::kLifeType, p2attr::kLifeKilobytes),
        Attribute::tlv(p2attr::kLifeDuration, be32(ips.lifetime_kilobytes))};
    serialize_attributes(life, w);
    n.data = w.take();
    rest.push_back(n);
  }
  log(&sa, Tag::Debug, "constructing qm hash payload");
  log(&sa, Tag::Decode, fmt::format("IKE Responder sending 2nd QM pkt: msg id = {:08x}", msgid));
  sa.pending_qm[msgid] = q;
  send_protected(sa, Exchange::QuickMode, msgid, std::move(rest), q->ni, true);
}

}  // namespace rampart::ike
