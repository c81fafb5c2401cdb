// Phase 1 as initiator, for LAN-to-LAN: main mode with a pre-shared key (RFC 2409 5, messages
// 1, 3, 5 sent and 2, 4, 6 checked), with NAT-T; the engine then starts quick mode for the
// crypto map entry (phase2.hpp).
#include <algorithm>

#include <fmt/format.h>

#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/peer_vendor_ids.hpp"
#include "control/ike/phase1.hpp"

namespace rampart::ike {

IkeSa& Phase1::new_initiator_sa(const Endpoint& local, const Endpoint& peer,
                                const std::string& nameif, const std::string& tunnel_group) {
  auto owned = std::make_unique<IkeSa>();
  owned->index = sas_.next_index();
  Bytes ic = wire_.random_bytes(8);
  std::copy(ic.begin(), ic.end(), owned->icookie.begin());
  owned->responder = false;
  owned->local = local;
  owned->peer = peer;
  owned->nameif = nameif;
  owned->tunnel_group = tunnel_group;
  owned->remote_access = false;
  owned->created = env_.now();
  owned->last_heard = owned->created;
  owned->state = P1State::MmWaitMsg2;
  return sas_.adopt(std::move(owned));
}

bool Phase1::send_main_1(IkeSa& sa) {
  // MM1: every pre-shared-key policy, in priority order, as the transforms of one proposal.
  SaPayload offer;
  Proposal prop{1, 1, {}, {}};
  uint8_t n = 1;
  for (const auto& [prio, policy] : cfg_.crypto.policies)
    if (auto t = transform_for(policy, n)) {
      prop.transforms.push_back(*t);
      ++n;
    }
  if (prop.transforms.empty()) {
    log_.event(&sa, "IKE Initiator: no pre-shared-key IKEv1 policy to offer");
    return false;
  }
  offer.proposals.push_back(prop);
  sa.p1->sai_b = payload_body(offer);
  std::vector<Payload> out{offer};
  log_.debug(&sa, "constructing ISAKMP SA payload");
  for (Vendor v :
       {Vendor::NatTRfc, Vendor::NatT03, Vendor::NatT02n, Vendor::Dpd, Vendor::CiscoVpn3000})
    out.push_back(OpaquePayload{PayloadType::VendorId, vendor_id(v)});
  wire_.send_phase1(sa, Exchange::MainMode, std::move(out), false, true);
  return true;
}

Outcome Phase1::main_2(const Received& in) {
  IkeSa& sa = *in.sa;
  const Message& m = in.m;
  sa.sent.answered();
  const SaPayload* chosen = nullptr;
  for (const auto& x : m.payloads)
    if (const auto* s = std::get_if<SaPayload>(&x)) chosen = s;
  log_.debug(&sa, "processing SA payload");
  // The responder must return exactly one of the transforms we offered.
  auto match = match_phase1(*chosen, cfg_.crypto.policies);
  if (!match.choice || chosen->proposals.size() != 1 ||
      chosen->proposals[0].transforms.size() != 1) {
    log_.lines(sa, match.log);
    log_.event(&sa, "Phase 1 failure: the responder chose a transform we did not offer");
    return Outcome::failed(sa, &IkeStats::initiator_fails);
  }
  log_.debug(&sa, "Oakley proposal is acceptable");
  sa.choice = *match.choice;
  log_.lines(sa, read_vendor_ids(sa, m.payloads, cfg_.crypto.nat_traversal));
  auto dh = DhKey::generate(sa.choice.group);
  if (!dh) return Outcome::failed(sa, nullptr, nullptr, EndReason::DhFailure);
  sa.p1->gxi = dh->public_value();
  sa.p1->dh = std::make_unique<DhKey>(std::move(*dh));
  sa.p1->ni = wire_.random_bytes(kNonceLength);
  send_key_exchange(sa, sa.p1->gxi, sa.p1->ni, P1State::MmWaitMsg4);
  return Outcome::done();
}

Outcome Phase1::main_4(const Received& in) {
  IkeSa& sa = *in.sa;
  const Message& m = in.m;
  sa.sent.answered();
  log_.debug(&sa, "processing ke payload");
  log_.debug(&sa, "processing nonce payload");
  const Bytes& gxr = first_opaque(m.payloads, PayloadType::KE)->data;
  if (gxr.size() != dh_public_length(sa.choice.group)) {
    log_.event(&sa, "Received KE payload of the wrong length");
    return Outcome::failed(sa, &IkeStats::initiator_fails);
  }
  auto gxy = sa.p1->dh->shared_secret(gxr);
  if (!gxy) {
    log_.event(&sa, fmt::format("Invalid Diffie-Hellman value from peer: {}", gxy.error()));
    return Outcome::failed(sa, &IkeStats::initiator_fails);
  }
  sa.p1->gxr = gxr;
  sa.p1->nr = first_opaque(m.payloads, PayloadType::Nonce)->data;
  if (!phase1_keys(sa, *gxy)) return Outcome::failed(sa, &IkeStats::initiator_fails);
  log_.debug(&sa, "Generating keys for Initiator...");
  nat_discovery(sa, m.payloads, std::span(&sa.local, 1), std::span(&sa.peer, 1));
  if (sa.natt != Vendor::Unknown && (sa.nat_local || sa.nat_peer)) {
    // RFC 3947 4: with a NAT in between the initiator moves to port 4500 from message 5 on.
    sa.local.port = 4500;
    sa.peer.port = 4500;
  }
  IdPayload ours;
  ours.id_type = id_type::kIpv4Addr;
  ours.data = be32(sa.local.address.value);
  sa.p1->idi_b = payload_body(ours);
  std::vector<Payload> out;
  log_.debug(&sa, "constructing ID payload");
  out.push_back(ours);
  log_.debug(&sa, "constructing hash payload");
  log_.debug(&sa, "Computing hash for ISAKMP");
  Bytes cki(sa.icookie.begin(), sa.icookie.end()), ckr(sa.rcookie.begin(), sa.rcookie.end());
  out.push_back(
      OpaquePayload{PayloadType::Hash, hash_i(sa.choice.hash, sa.keys.skeyid, sa.p1->gxi,
                                              sa.p1->gxr, cki, ckr, sa.p1->sai_b, sa.p1->idi_b)});
  // We start afresh with this peer: anything it still holds for us is stale. Not so when
  // this SA replaces one: the peer must keep the IPsec SAs.
  if (!sa.p1_rekey.replaces()) {
    NotifyPayload ic;
    ic.protocol = 1;
    ic.type = notify::kInitialContact;
    ic.spi = cki;
    ic.spi.insert(ic.spi.end(), ckr.begin(), ckr.end());
    log_.debug(&sa, "constructing initial contact notify payload");
    out.push_back(ic);
  }
  sa.state = P1State::MmWaitMsg6;
  wire_.send_phase1(sa, Exchange::MainMode, std::move(out), true, true);
  return Outcome::done();
}

Outcome Phase1::main_6(const Received& in) {
  IkeSa& sa = *in.sa;
  const std::vector<Payload>& p = in.payloads;
  const IdPayload* id = nullptr;
  for (const auto& x : p)
    if (const auto* i = std::get_if<IdPayload>(&x)) id = i;
  log_.debug(&sa, "processing ID payload");
  log_.debug(&sa, "processing hash payload");
  log_.debug(&sa, "Computing hash for ISAKMP");
  if (auto failed =
          unauthenticated(sa, first_opaque(p, PayloadType::Hash)->data, payload_body(*id)))
    return *failed;
  complete(sa, {});
  return Outcome::done();
}

}  // namespace rampart::ike
