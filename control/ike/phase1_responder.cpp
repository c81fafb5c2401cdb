// Phase 1 as responder (RFC 2409 5.4): aggressive mode (three messages, the EzVPN client flow)
// and main mode (six), pre-shared keys, with NAT discovery (RFC 3947) and the vendor IDs; the
// DH, the keys and NAT-D both roles share.
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/peer_vendor_ids.hpp"
#include "control/ike/phase1.hpp"
#include "control/ike/sa_config.hpp"

namespace rampart::ike {

namespace {

std::string id_text(const IdPayload& id) {
  if (id.id_type == id_type::kIpv4Addr && id.data.size() == 4)
    return config::Ipv4{(uint32_t{id.data[0]} << 24) | (uint32_t{id.data[1]} << 16) |
                        (uint32_t{id.data[2]} << 8) | id.data[3]}
        .str();
  return std::string(id.data.begin(), id.data.end());
}

Bytes endpoint_bytes(const Endpoint& e) {
  uint32_t a = e.address.value;
  return {static_cast<uint8_t>(a >> 24),     static_cast<uint8_t>(a >> 16),
          static_cast<uint8_t>(a >> 8),      static_cast<uint8_t>(a),
          static_cast<uint8_t>(e.port >> 8), static_cast<uint8_t>(e.port)};
}

bool is_draft(Vendor v) {
  return v == Vendor::NatT02 || v == Vendor::NatT02n || v == Vendor::NatT03;
}

// The responder's SA payload: the proposal and transform it chose, with only the attributes
// the policy match understood, never more of what the initiator sent: an answer that echoed
// the offer would let anyone bounce a large SA payload off us. A class given twice is
// answered once with the value the match used (the last); life type/duration pairs (seconds,
// kilobytes) are kept in order, two pairs at most.
SaPayload chosen_sa(const SaPayload& offered, const Phase1Choice& c) {
  static constexpr uint16_t kClasses[] = {p1attr::kEncryption, p1attr::kKeyLength, p1attr::kHash,
                                          p1attr::kAuth, p1attr::kGroup};
  auto is_class = [](uint16_t t) {
    return std::find(std::begin(kClasses), std::end(kClasses), t) != std::end(kClasses);
  };
  SaPayload reply;
  for (const auto& prop : offered.proposals) {
    if (prop.number != c.proposal) continue;
    Proposal p{prop.number, prop.protocol, prop.spi, {}};
    for (const auto& t : prop.transforms) {
      if (t.number != c.transform) continue;
      Transform kept{t.number, t.id, {}};
      size_t life = 0;
      for (const auto& a : t.attributes) {
        auto same = std::find_if(kept.attributes.begin(), kept.attributes.end(),
                                 [&](const Attribute& k) { return k.type == a.type; });
        if (is_class(a.type) && same != kept.attributes.end())
          *same = a;
        else if (is_class(a.type))
          kept.attributes.push_back(a);
        else if ((a.type == p1attr::kLifeType || a.type == p1attr::kLifeDuration) && life++ < 4)
          kept.attributes.push_back(a);
      }
      p.transforms.push_back(std::move(kept));
      break;
    }
    reply.proposals.push_back(std::move(p));
    break;
  }
  return reply;
}

}  // namespace

bool Phase1::select_group(IkeSa& sa, const IdPayload* id) {
  // Aggressive mode names its group in the ID (ID_KEY_ID from the Cisco client and vpnc).
  std::optional<std::string> named;
  if (id && (id->id_type == id_type::kKeyId || id->id_type == id_type::kFqdn ||
             id->id_type == id_type::kUserFqdn))
    named = id_text(*id);
  Landing l = landing_group(cfg_, sa.aggressive, sa.xauth, sa.peer.address, named);
  if (l.l2l_named_from_elsewhere)
    log_.debug(nullptr,
               fmt::format("Aggressive mode identity names LAN-to-LAN group {}, which is reached "
                           "only from its own address",
                           l.wanted),
               &sa.peer);
  if (l.group.empty()) {
    log_.event(nullptr,
               fmt::format("Can't find a valid tunnel group, aborting...{}",
                           l.wanted.empty() ? "" : fmt::format(" (group {})", l.wanted)),
               &sa.peer);
    log_.syslog_sa(nullptr, &sa.peer, 713245);
    return false;
  }
  sa.tunnel_group = l.group;
  sa.remote_access = l.remote_access;
  log_.event(nullptr, fmt::format("Connection landed on tunnel_group {}", sa.tunnel_group),
             &sa.peer);
  return true;
}

void Phase1::start_dh(IkeSa& sa, const Bytes& peer_ke) {
  if (peer_ke.size() != dh_public_length(sa.choice.group)) {
    log_.event(&sa,
               fmt::format("Received KE payload of {} bytes for DH group {}, expected {}",
                           peer_ke.size(), sa.choice.group, dh_public_length(sa.choice.group)));
    dh_failed(sa);
    return;
  }
  sa.p1->gxi = peer_ke;
  sa.p1->dh_pending = true;
  const uint64_t index = sa.index;
  bool queued = env_.compute_dh(sa.choice.group, peer_ke, [this, index](DhOutcome o) {
    hooks_.dh_result(index, std::move(o));
  });
  if (queued) return;  // sa may be gone already: done may have run in line
  refuse(Refusal::CryptoBusy, sa.peer);
  hooks_.remove(sa.index, EndReason::None, false);
}

void Phase1::dh_failed(IkeSa& sa) {
  ++stats_.responder_fails;
  if (sa.aggressive) {
    // Aggressive mode tells the initiator its KE was refused; main mode stays silent.
    Header h;
    h.initiator_cookie = sa.icookie;
    h.responder_cookie = sa.rcookie;
    wire_.send_notify_unencrypted(Datagram{sa.local, sa.peer, sa.nameif, {}}, h,
                                  notify::kInvalidKeyInformation);
  }
  hooks_.remove(sa.index, EndReason::None, false);
}

void Phase1::dh_done(uint64_t index, DhOutcome outcome) {
  IkeSa* found = sas_.get(index);
  // Expired, cleared or (should the peer's next message have won) past phase 1 meanwhile.
  if (!found || !found->p1 || !found->p1->dh_pending) return;
  IkeSa& sa = *found;
  sa.p1->dh_pending = false;
  if (!outcome) {
    log_.event(&sa, fmt::format("Invalid Diffie-Hellman value from peer: {}", outcome.error()));
    dh_failed(sa);
    return;
  }
  sa.p1->gxr = outcome->our_public;
  sa.p1->nr = wire_.random_bytes(kNonceLength);
  if (sa.aggressive) {  // AM2 derives the keys once its nonce is in, as the ASA logs it
    send_aggressive_2(sa, outcome->shared);
    return;
  }
  if (!phase1_keys(sa, outcome->shared)) {  // the group or its key went meanwhile
    ++stats_.responder_fails;
    hooks_.remove(sa.index, EndReason::None, false);
    return;
  }
  log_.debug(&sa, "Generating keys for Responder...");
  send_key_exchange(sa, sa.p1->gxr, sa.p1->nr, P1State::MmWaitMsg5);
}

bool Phase1::phase1_keys(IkeSa& sa, const SecretBytes& gxy) {
  const config::TunnelGroup* tg = sa.p1->decoy ? nullptr : tunnel_group_of(cfg_, sa);
  if (!sa.p1->decoy && (!tg || !tg->ipsec.pre_shared_key || tg->ipsec.pre_shared_key->empty())) {
    log_.event(&sa, "Tunnel group or its pre-shared key was removed, aborting negotiation");
    return false;
  }
  Phase1Inputs in;
  in.hash = sa.choice.hash;
  if (sa.p1->decoy) {
    in.psk = sa.p1->decoy_key.bytes();
  } else {
    const auto& psk = tg->ipsec.pre_shared_key->reveal();
    in.psk.assign(psk.begin(), psk.end());
  }
  in.ni = sa.p1->ni;
  in.nr = sa.p1->nr;
  in.gxy = gxy.bytes();
  in.gxi = sa.p1->gxi;
  in.gxr = sa.p1->gxr;
  in.cky_i.assign(sa.icookie.begin(), sa.icookie.end());
  in.cky_r.assign(sa.rcookie.begin(), sa.rcookie.end());
  in.key_length = key_length(sa.choice.cipher);
  in.block_size = block_size(sa.choice.cipher);
  sa.keys = derive_phase1_psk(in);
  std::fill(in.psk.begin(), in.psk.end(), 0);
  std::fill(in.gxy.begin(), in.gxy.end(), 0);
  sa.phase1_iv = sa.keys.iv;
  return true;
}

void Phase1::add_nat_d(IkeSa& sa, std::vector<Payload>& out) {
  if (sa.natt == Vendor::Unknown) return;
  PayloadType t = is_draft(sa.natt) ? PayloadType::NatDDraft : PayloadType::NatD;
  Bytes ck(sa.icookie.begin(), sa.icookie.end());
  ck.insert(ck.end(), sa.rcookie.begin(), sa.rcookie.end());
  // RFC 3947 3.2: first the far end as we address it, then ourselves.
  for (const Endpoint* e : {&sa.peer, &sa.local}) {
    log_.debug(&sa, "constructing NAT-Discovery payload");
    log_.debug(&sa, "computing NAT Discovery hash");
    Bytes in = ck;
    Bytes eb = endpoint_bytes(*e);
    in.insert(in.end(), eb.begin(), eb.end());
    out.push_back(OpaquePayload{t, hash(sa.choice.hash, in)});
  }
}

void Phase1::nat_discovery(IkeSa& sa, const std::vector<Payload>& p,
                           std::span<const Endpoint> locals, std::span<const Endpoint> peers,
                           const std::function<void()>& before_verdict) {
  if (sa.natt == Vendor::Unknown) {
    if (before_verdict) before_verdict();
    return;
  }
  Bytes ck(sa.icookie.begin(), sa.icookie.end());
  ck.insert(ck.end(), sa.rcookie.begin(), sa.rcookie.end());
  auto digest = [&](const Endpoint& e) {
    Bytes in = ck;
    Bytes eb = endpoint_bytes(e);
    in.insert(in.end(), eb.begin(), eb.end());
    return hash(sa.choice.hash, in);
  };
  std::vector<Bytes> hashes;
  for (const auto& x : p)
    if (const auto* o = std::get_if<OpaquePayload>(&x);
        o && (o->type == PayloadType::NatD || o->type == PayloadType::NatDDraft)) {
      log_.debug(&sa, "processing NAT-Discovery payload");
      log_.debug(&sa, "computing NAT Discovery hash");
      hashes.push_back(o->data);
    }
  if (before_verdict) before_verdict();
  if (hashes.empty()) return;
  // The first is us as the peer addressed us; the others are the peer's own addresses.
  sa.nat_local = std::none_of(locals.begin(), locals.end(),
                              [&](const Endpoint& e) { return equal_ct(hashes[0], digest(e)); });
  sa.nat_peer = std::none_of(peers.begin(), peers.end(), [&](const Endpoint& e) {
    Bytes them = digest(e);
    return std::any_of(hashes.begin() + 1, hashes.end(),
                       [&](const Bytes& h) { return equal_ct(h, them); });
  });
  log_.event(
      &sa, fmt::format("Automatic NAT Detection Status:     Remote end {} behind a NAT device     "
                       "This   end {} behind a NAT device",
                       sa.nat_peer ? "IS" : "is NOT", sa.nat_local ? "IS" : "is NOT"));
}

// ---- aggressive mode ----------------------------------------------------------------------

// Before an AM1 is read: aggressive mode may be switched off.
bool Phase1::aggressive_allowed(const Received& in) {
  if (!cfg_.crypto.am_disable) return true;
  ++stats_.in_drop;
  log_.event(nullptr, "Aggressive Mode is disabled (crypto ikev1 am-disable), dropping",
             &in.d.peer);
  return false;
}

Outcome Phase1::aggressive_1(const Received& in) {
  const Datagram& d = in.d;
  const Message& m = in.m;
  IkeSa& sa = new_responder_sa(d, m);
  sa.aggressive = true;
  const auto* sap = first_payload<SaPayload>(m.payloads);
  const auto* id = first_payload<IdPayload>(m.payloads);
  log_.debug(&sa, "processing SA payload");
  log_.debug(&sa, "processing ke payload");
  log_.debug(&sa, "processing ISA_KE payload");
  log_.debug(&sa, "processing nonce payload");
  log_.debug(&sa, "processing ID payload");
  log_.decode(&sa, fmt::format("{} ID received--{}",
                               id->id_type == id_type::kKeyId      ? "ID_KEY_ID"
                               : id->id_type == id_type::kFqdn     ? "ID_FQDN"
                               : id->id_type == id_type::kIpv4Addr ? "ID_IPV4_ADDR"
                                                                   : "ID",
                               id_text(*id)));
  log_.lines(sa, read_vendor_ids(sa, m.payloads, cfg_.crypto.nat_traversal));

  auto match = match_phase1(*sap, cfg_.crypto.policies);
  if (match.choice) sa.xauth = match.choice->auth_method == p1attr::kAuthXauthInitPsk;
  if (!select_group(sa, id)) {
    // No group of that name: answer exactly as for one (the same proposal check, DH, and an
    // AM2 whose HASH_R is over a random key), so that an answer confirms no group name and
    // offers no key to crack. Its AM3 can only fail.
    sa.p1->decoy = true;
    sa.p1->decoy_key = SecretBytes(wire_.random_bytes(32));
    log_.debug(&sa, "No tunnel group for this identity: answering with a decoy");
  }
  log_.debug(&sa, "processing IKE SA payload");
  for (const auto& l : match.log)  // the ASA prints "Phase 1 failure" bare, with no prefix
    log_.line(l.text.starts_with("Phase 1 failure") ? nullptr : &sa,
              l.level <= 1 ? IkeLog::Tag::Event : IkeLog::Tag::Debug, l.text);
  if (!match.choice) {
    Header h = m.header;
    h.responder_cookie = sa.rcookie;
    wire_.send_notify_unencrypted(d, h, notify::kNoProposalChosen);
    return Outcome::failed(sa, &IkeStats::responder_fails);
  }
  sa.choice = *match.choice;
  sa.p1->sai_b = payload_body(*sap);
  sa.p1->idi_b = payload_body(*id);
  sa.p1->ni = first_opaque(m.payloads, PayloadType::Nonce)->data;
  sa.p1->reply_sa = chosen_sa(*sap, sa.choice);
  sa.state = P1State::AmWaitMsg3;
  start_dh(sa, first_opaque(m.payloads, PayloadType::KE)->data);  // AM2 follows in dh_done
  return Outcome::done();
}

void Phase1::send_aggressive_2(IkeSa& sa, const SecretBytes& gxy) {
  // AM2: the chosen transform, our KE, nonce and identity, HASH_R, vendor IDs, NAT-D, and the
  // gateway's VID last (the ASA's order).
  std::vector<Payload> out;
  log_.debug(&sa, "constructing ISAKMP SA payload");
  out.push_back(std::move(sa.p1->reply_sa));
  sa.p1->reply_sa = {};
  log_.debug(&sa, "constructing ke payload");
  out.push_back(OpaquePayload{PayloadType::KE, sa.p1->gxr});
  log_.debug(&sa, "constructing nonce payload");
  out.push_back(OpaquePayload{PayloadType::Nonce, sa.p1->nr});
  log_.debug(&sa, "Generating keys for Responder...");
  if (!phase1_keys(sa, gxy)) {  // the group or its key went meanwhile
    ++stats_.responder_fails;
    hooks_.remove(sa.index, EndReason::None, false);
    return;
  }
  add_identity_and_hash_r(sa, out);
  // Our lifetime, when shorter than offered, goes in its own notify once phase 1 completes
  // (report_established), as seed 000's ASA sends it: its aggressive mode 2 carries none.
  log_.lines(sa, add_our_vendor_ids(sa, out, false));
  add_nat_d(sa, out);
  log_.lines(sa, add_gateway_vid(out));
  wire_.send_phase1(sa, Exchange::Aggressive, std::move(out), false, true);
}

Outcome Phase1::aggressive_3(const Received& in) {
  IkeSa& sa = *in.sa;
  const std::vector<Payload>& p = in.payloads;
  log_.debug(&sa, "processing hash payload");
  log_.debug(&sa, "Computing hash for ISAKMP");
  // AM3's NAT-D hashes: vpnc's cover the endpoints of AM1/AM2 even when AM3 comes on port 4500;
  // strongSwan's, those AM3 travels on (it floats for AM3 and hashes the message's own
  // addresses). Either matching is no NAT (the authentication below accepts the new ports).
  const Endpoint locals[] = {sa.local, in.d.local}, peers[] = {sa.peer, in.d.peer};
  if (auto failed = unauthenticated(sa, first_opaque(p, PayloadType::Hash)->data, sa.p1->idi_b))
    return *failed;
  if (sa.p1->decoy)  // cannot happen: nobody knows its key; never let it complete
    return Outcome::failed(sa);
  settle(sa);
  // The ASA's order: notify, NAT-D, then the vendor IDs, then the NAT verdict.
  process_initial_contact(sa, p);
  nat_discovery(sa, p, locals, peers, [&] { log_.lines(sa, read_later_vendor_ids(p)); });
  complete(sa, {});
  return Outcome::done();
}

// ---- main mode ----------------------------------------------------------------------------

Outcome Phase1::main_1(const Received& in) {
  const Datagram& d = in.d;
  const Message& m = in.m;
  IkeSa& sa = new_responder_sa(d, m);
  const auto* sap = first_payload<SaPayload>(m.payloads);
  log_.debug(&sa, "processing SA payload");
  auto match = match_phase1(*sap, cfg_.crypto.policies);
  for (const auto& l : match.log)  // the ASA prints "Phase 1 failure" bare, with no prefix
    log_.line(l.text.starts_with("Phase 1 failure") ? nullptr : &sa,
              l.level <= 1 ? IkeLog::Tag::Event : IkeLog::Tag::Debug, l.text);
  log_.lines(sa, read_vendor_ids(sa, m.payloads, cfg_.crypto.nat_traversal));
  if (!match.choice) {
    Header h = m.header;
    h.responder_cookie = sa.rcookie;
    wire_.send_notify_unencrypted(d, h, notify::kNoProposalChosen);
    return Outcome::failed(sa, &IkeStats::responder_fails);
  }
  log_.debug(&sa, "Oakley proposal is acceptable");
  sa.choice = *match.choice;
  sa.xauth = sa.choice.auth_method == p1attr::kAuthXauthInitPsk;
  sa.p1->sai_b = payload_body(*sap);
  std::vector<Payload> out;
  log_.debug(&sa, "constructing ISAKMP SA payload");
  out.push_back(chosen_sa(*sap, sa.choice));
  log_.lines(sa, add_our_vendor_ids(sa, out, true));
  sa.state = P1State::MmWaitMsg3;
  wire_.send_phase1(sa, Exchange::MainMode, std::move(out), false, true);
  return Outcome::done();
}

Outcome Phase1::main_3(const Received& in) {
  IkeSa& sa = *in.sa;
  const Message& m = in.m;
  log_.debug(&sa, "processing ke payload");
  log_.debug(&sa, "processing ISA_KE payload");
  log_.debug(&sa, "processing nonce payload");
  // Main mode with a pre-shared key: the key must be chosen before the peer's identity is
  // known, so by its address (RFC 2409 5.4), else the default groups.
  if (!select_group(sa, nullptr)) return Outcome::failed(sa, &IkeStats::responder_fails);
  sa.p1->ni = first_opaque(m.payloads, PayloadType::Nonce)->data;
  nat_discovery(sa, m.payloads, std::span(&sa.local, 1), std::span(&sa.peer, 1));
  start_dh(sa, first_opaque(m.payloads, PayloadType::KE)->data);  // MM4 follows in dh_done
  return Outcome::done();
}

void Phase1::send_key_exchange(IkeSa& sa, const Bytes& ke, const Bytes& nonce, P1State next) {
  std::vector<Payload> out;
  log_.debug(&sa, "constructing ke payload");
  out.push_back(OpaquePayload{PayloadType::KE, ke});
  log_.debug(&sa, "constructing nonce payload");
  out.push_back(OpaquePayload{PayloadType::Nonce, nonce});
  add_nat_d(sa, out);
  sa.state = next;
  wire_.send_phase1(sa, Exchange::MainMode, std::move(out), false, true);
}

Outcome Phase1::main_5(const Received& in) {
  IkeSa& sa = *in.sa;
  const std::vector<Payload>& p = in.payloads;
  const auto* id = first_payload<IdPayload>(p);
  log_.debug(&sa, "processing ID payload");
  log_.decode(&sa,
              fmt::format("{} ID received {}",
                          id->id_type == id_type::kIpv4Addr ? "ID_IPV4_ADDR" : "ID", id_text(*id)));
  log_.debug(&sa, "processing hash payload");
  log_.debug(&sa, "Computing hash for ISAKMP");
  sa.p1->idi_b = payload_body(*id);
  if (auto failed = unauthenticated(sa, first_opaque(p, PayloadType::Hash)->data, sa.p1->idi_b))
    return *failed;
  if (!peer_id_valid(sa, *id))
    return Outcome::failed(sa, &IkeStats::auth_fails, &IkeStats::responder_fails);
  settle(sa);
  std::vector<Payload> out;
  add_identity_and_hash_r(sa, out);
  wire_.send_phase1(sa, Exchange::MainMode, std::move(out), true, false);
  complete(sa, p);
  return Outcome::done();
}

bool Phase1::peer_id_valid(IkeSa& sa, const IdPayload& id) {
  // peer-id-validate (req by default): a pre-shared-key peer that names itself by address must
  // name the address it comes from, unless NAT-T found a NAT in front of it (it then names its
  // private address). Other identity types can only be checked against a certificate.
  const config::TunnelGroup* tg = tunnel_group_of(cfg_, sa);
  std::string mode = tg && tg->ipsec.peer_id_validate ? *tg->ipsec.peer_id_validate : "req";
  if (mode == "nocheck" || id.id_type != id_type::kIpv4Addr || id.data.size() != 4 || sa.nat_peer)
    return true;
  if (get_be32(id.data, 0) == sa.peer.address.value) return true;
  // [U] the ASA's words for a failed peer identity check.
  std::string why = fmt::format(
      "Peer ID check failed: ID_IPV4_ADDR {} is not the peer's address (peer-id-validate {})",
      id_text(id), mode);
  log_.event(&sa, why);
  log_.syslog_sa(&sa, nullptr, 713167, why);
  return false;
}

void Phase1::add_identity_and_hash_r(IkeSa& sa, std::vector<Payload>& out) {
  // Our identity is our address (ID_IPV4_ADDR, UDP 500, as the ASA sends it), and HASH_R
  // proves our key over it.
  log_.debug(&sa, "constructing ID payload");
  IdPayload ours;
  ours.id_type = id_type::kIpv4Addr;
  ours.protocol = 17;
  ours.port = 500;
  ours.data = be32(sa.local.address.value);
  out.push_back(ours);
  log_.debug(&sa, "constructing hash payload");
  log_.debug(&sa, "Computing hash for ISAKMP");
  Bytes cki(sa.icookie.begin(), sa.icookie.end()), ckr(sa.rcookie.begin(), sa.rcookie.end());
  out.push_back(OpaquePayload{
      PayloadType::Hash, hash_r(sa.choice.hash, sa.keys.skeyid, sa.p1->gxi, sa.p1->gxr, cki, ckr,
                                sa.p1->sai_b, payload_body(ours))});
}

}  // namespace rampart::ike
