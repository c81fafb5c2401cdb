// The load generator's client, step by step (RFC 2409 5 and 5.5, draft-ietf-ipsec-isakmp-xauth-06,
// draft-dukes-ike-mode-cfg). The suite is fixed: AES-128, SHA-1, the chosen DH group, as vpnc
// offers first; what the gateway answers must be exactly that.
#include "tests/bench/ike_load/client.hpp"

#include <algorithm>
#include <cmath>

#include "control/ike/mode_config.hpp"
#include "control/ike/notify_types.hpp"
#include "control/ike/phase1_policy.hpp"
#include "control/ike/quick_mode_sa.hpp"

namespace rampart::bench {

using namespace rampart::ike;

namespace {

constexpr CipherAlg kCipher = CipherAlg::Aes128;
constexpr HashAlg kHash = HashAlg::Sha1;
constexpr uint16_t kFirstStatusNotify = 16384;  // RFC 2408 3.14.1: below are errors
constexpr size_t kNonceLength = 20;             // vpnc's
constexpr uint32_t kPhase1Life = 86400;

Transform phase1_transform(uint16_t auth, int group) {
  Transform t{1, 1, {}};
  t.attributes = {Attribute::tv(p1attr::kEncryption, 7),
                  Attribute::tv(p1attr::kKeyLength, 128),
                  Attribute::tv(p1attr::kHash, 2),
                  Attribute::tv(p1attr::kAuth, auth),
                  Attribute::tv(p1attr::kGroup, static_cast<uint16_t>(group)),
                  Attribute::tv(p1attr::kLifeType, p1attr::kLifeSeconds),
                  Attribute::tlv(p1attr::kLifeDuration, be32(kPhase1Life))};
  return t;
}

// The gateway must choose our one transform, with the same values (a lifetime may be shorter).
bool same_phase1_choice(const SaPayload& sa, uint16_t auth, int group) {
  if (sa.proposals.size() != 1 || sa.proposals[0].transforms.size() != 1) return false;
  const Transform& t = sa.proposals[0].transforms[0];
  Transform ours = phase1_transform(auth, group);
  for (const Attribute& a : ours.attributes) {
    if (!a.short_form) continue;
    auto it = std::find_if(t.attributes.begin(), t.attributes.end(),
                           [&](const Attribute& x) { return x.type == a.type; });
    if (it == t.attributes.end() || !it->short_form || it->value != a.value) return false;
  }
  return t.id == 1;
}

IdPayload address_id(uint32_t address, uint32_t mask) {
  IdPayload id;
  id.data = be32(address);
  if (mask == 0xffffffffu) {
    id.id_type = id_type::kIpv4Addr;
  } else {
    id.id_type = id_type::kIpv4AddrSubnet;
    Bytes m = be32(mask);
    id.data.insert(id.data.end(), m.begin(), m.end());
  }
  return id;
}

}  // namespace

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::Phase1:
      return "phase 1";
    case Phase::Xauth:
      return "xauth";
    case Phase::ModeConfig:
      return "mode-config";
    case Phase::QuickMode:
      return "quick mode";
    case Phase::Done:
      return "done";
  }
  return "?";
}

Client::Client(ClientParams p, RandomFill random) : p_(std::move(p)), random_(std::move(random)) {}

Bytes Client::random_bytes(size_t n) {
  Bytes b(n);
  random_(b.data(), n);
  return b;
}

uint32_t Client::random_msgid() {
  uint32_t v = 0;
  while (v == 0) v = get_be32(random_bytes(4));
  return v;
}

std::vector<Bytes> Client::fail(std::string why) {
  if (error_.empty()) error_ = std::move(why);
  awaiting_ = false;
  return {};
}

Bytes Client::request(Bytes b) {
  last_request_ = b;
  awaiting_ = true;
  return b;
}

uint16_t Client::auth_method() const {
  return p_.main_mode || !p_.xauth ? p1attr::kAuthPsk : p1attr::kAuthXauthInitPsk;
}

Bytes Client::start() {
  Bytes c = random_bytes(8);
  std::copy(c.begin(), c.end(), ci_.begin());
  SaPayload sa;
  sa.proposals.push_back(
      Proposal{1, p1attr::kProtoIsakmp, {}, {phase1_transform(auth_method(), p_.dh_group)}});
  sai_b_ = payload_body(sa);
  std::vector<Payload> out{sa};
  if (!p_.main_mode) {
    if (!make_key()) return {};
    ni_ = random_bytes(kNonceLength);
    IdPayload id;
    id.id_type = id_type::kKeyId;  // the group name, as vpnc and the Cisco client send it
    id.data.assign(p_.group.begin(), p_.group.end());
    idi_b_ = payload_body(id);
    out.push_back(OpaquePayload{PayloadType::KE, gxi_});
    out.push_back(OpaquePayload{PayloadType::Nonce, ni_});
    out.push_back(id);
    out.push_back(OpaquePayload{PayloadType::VendorId, vendor_id(Vendor::Xauth)});
    out.push_back(OpaquePayload{PayloadType::VendorId, vendor_id(Vendor::CiscoUnity)});
  }
  out.push_back(OpaquePayload{PayloadType::VendorId, vendor_id(Vendor::Dpd)});
  return request(phase1_message(p_.main_mode ? Exchange::MainMode : Exchange::Aggressive,
                                std::move(out), false));
}

bool Client::make_key() {
  if (p_.key && p_.key->group() == p_.dh_group) {
    dh_ = p_.key;
  } else {
    auto dh = DhKey::generate(p_.dh_group);
    if (!dh) {
      fail("DH: " + dh.error());
      return false;
    }
    dh_ = std::make_shared<const DhKey>(std::move(*dh));
  }
  gxi_ = dh_->public_value();
  return true;
}

Bytes Client::phase1_message(Exchange ex, std::vector<Payload> payloads, bool encrypt) {
  Message m;
  m.header.initiator_cookie = ci_;
  m.header.responder_cookie = cr_;
  m.header.exchange = ex;
  if (!encrypt) {
    m.payloads = std::move(payloads);
    return serialize_message(m);
  }
  auto ct = ike::encrypt(kCipher, keys_.encryption_key, phase1_iv_, serialize_payloads(payloads));
  if (!ct) return {};
  phase1_iv_ = last_block(kCipher, *ct);
  m.header.flags = kFlagEncrypted;
  m.header.next = type_of(payloads.front());
  m.encrypted_body = std::move(*ct);
  return serialize_message(m);
}

Bytes& Client::iv_for(uint32_t msgid) {
  auto it = ivs_.find(msgid);
  if (it == ivs_.end())
    it = ivs_.emplace(msgid, exchange_iv(kHash, kCipher, phase1_iv_, msgid)).first;
  return it->second;
}

Bytes Client::protected_message(Exchange ex, uint32_t msgid, std::vector<Payload> rest,
                                const Bytes& extra, const Bytes* hash_value) {
  Bytes covered = be32(msgid);
  covered.insert(covered.end(), extra.begin(), extra.end());
  Bytes rb = serialize_payloads(rest);
  covered.insert(covered.end(), rb.begin(), rb.end());
  std::vector<Payload> all{OpaquePayload{
      PayloadType::Hash, hash_value ? *hash_value : prf(kHash, keys_.skeyid_a.bytes(), covered)}};
  for (auto& p : rest) all.push_back(std::move(p));
  Bytes& iv = iv_for(msgid);
  auto ct = ike::encrypt(kCipher, keys_.encryption_key, iv, serialize_payloads(all));
  if (!ct) return {};
  iv = last_block(kCipher, *ct);
  Message m;
  m.header.initiator_cookie = ci_;
  m.header.responder_cookie = cr_;
  m.header.exchange = ex;
  m.header.message_id = msgid;
  m.header.flags = kFlagEncrypted;
  m.header.next = PayloadType::Hash;
  m.encrypted_body = std::move(*ct);
  return serialize_message(m);
}

bool Client::open(const Message& m, const Bytes& extra, std::vector<Payload>& out) {
  const uint32_t msgid = m.header.message_id;
  if (m.encrypted_body.empty() || m.encrypted_body.size() % block_size(kCipher) != 0) return false;
  Bytes& iv = iv_for(msgid);
  auto plain = ike::decrypt(kCipher, keys_.encryption_key, iv, m.encrypted_body);
  if (!plain) return false;
  size_t consumed = 0;
  auto chain = parse_payloads(m.header.next, *plain, &consumed);
  if (!chain || chain->empty() || m.header.next != PayloadType::Hash) return false;
  // What follows the chain is padding: at most a block (RFC 2409 appendix B).
  if (plain->size() - consumed > block_size(kCipher)) return false;
  size_t hash_len = (size_t{(*plain)[2]} << 8) | (*plain)[3];
  Bytes covered = be32(msgid);
  covered.insert(covered.end(), extra.begin(), extra.end());
  covered.insert(covered.end(), plain->begin() + static_cast<long>(hash_len),
                 plain->begin() + static_cast<long>(consumed));
  const auto* h = std::get_if<OpaquePayload>(&chain->front());
  if (!h || !equal_ct(h->data, prf(kHash, keys_.skeyid_a.bytes(), covered))) return false;
  iv = last_block(kCipher, m.encrypted_body);  // only a message that verified moves the IV
  out = std::move(*chain);
  return true;
}

std::vector<Bytes> Client::receive(const Bytes& datagram) {
  if (failed() || datagram.empty()) return {};
  if (datagram == last_received_) {  // the gateway did not hear our answer: repeat it
    ++ignored_;
    return last_answer_;
  }
  auto m = parse_message(datagram.data(), datagram.size());
  if (!m) return fail("undecodable message: " + m.error().text());
  if (m->header.initiator_cookie != ci_) {
    ++ignored_;
    return {};
  }
  std::vector<Bytes> answer;
  const Exchange ex = m->header.exchange;
  const bool encrypted = m->header.flags & kFlagEncrypted;
  if (ex == Exchange::Aggressive || ex == Exchange::MainMode) {
    answer = on_phase1(*m);
  } else if (!encrypted && ex == Exchange::Informational) {
    // Before keys exist a refusal comes in the clear (NO-PROPOSAL-CHOSEN, ...).
    const auto* n = first_payload<NotifyPayload>(m->payloads);
    return fail("notify " + std::to_string(n ? n->type : 0) + " in the clear");
  } else if (keys_.encryption_key.size() == 0 || !encrypted) {
    ++ignored_;
    return {};
  } else {
    std::vector<Payload> p;
    Bytes extra = ex == Exchange::QuickMode ? qm_ni_ : Bytes{};
    if (!open(*m, extra, p)) {
      ++ignored_;  // a retransmit of a message whose IV has moved on, or a forgery
      return {};
    }
    if (ex == Exchange::Transaction)
      answer = on_transaction(m->header.message_id, p);
    else if (ex == Exchange::QuickMode)
      answer = on_quick_mode_2(m->header.message_id, p);
    else if (ex == Exchange::Informational)
      answer = on_informational(p);
    else
      ++ignored_;
  }
  if (!answer.empty()) {
    last_received_ = datagram;
    last_answer_ = answer;
  }
  return answer;
}

std::vector<Bytes> Client::on_phase1(const Message& m) {
  if (m.header.flags & kFlagEncrypted) {
    if (!p_.main_mode || keys_.encryption_key.size() == 0) {
      ++ignored_;
      return {};
    }
    return on_main_6(m);
  }
  if (p_.main_mode) {
    if (cr_ == ike::Cookie{}) return on_main_2(m);
    if (!gxi_.empty() && gxr_.empty() && !first_payload<SaPayload>(m.payloads)) return on_main_4(m);
    ++ignored_;
    return {};
  }
  if (phase_ != Phase::Phase1 || !gxr_.empty()) {
    ++ignored_;
    return {};
  }
  return on_aggressive_2(m);
}

bool Client::derive_keys(const Bytes& gxr) {
  if (gxr.size() != dh_public_length(p_.dh_group)) return false;
  auto gxy = dh_->shared_secret(gxr);
  if (!gxy) return false;
  gxr_ = gxr;
  Phase1Inputs in;
  in.hash = kHash;
  in.psk.assign(p_.psk.begin(), p_.psk.end());
  in.ni = ni_;
  in.nr = nr_;
  in.gxy = gxy->bytes();
  in.gxi = gxi_;
  in.gxr = gxr_;
  in.cky_i.assign(ci_.begin(), ci_.end());
  in.cky_r.assign(cr_.begin(), cr_.end());
  in.key_length = key_length(kCipher);
  in.block_size = block_size(kCipher);
  keys_ = derive_phase1_psk(in);
  phase1_iv_ = keys_.iv;
  dh_.reset();  // as a client: the private value is not needed again
  return true;
}

std::vector<Bytes> Client::on_aggressive_2(const Message& m) {
  const auto* sa = first_payload<SaPayload>(m.payloads);
  const auto* ke = first_opaque(m.payloads, PayloadType::KE);
  const auto* nonce = first_opaque(m.payloads, PayloadType::Nonce);
  const auto* id = first_payload<IdPayload>(m.payloads);
  const auto* hash = first_opaque(m.payloads, PayloadType::Hash);
  if (!sa || !ke || !nonce || !id || !hash) return fail("AM2 without SA, KE, nonce, ID or hash");
  if (!same_phase1_choice(*sa, auth_method(), p_.dh_group))
    return fail("AM2 chose a transform we did not offer");
  cr_ = m.header.responder_cookie;
  nr_ = nonce->data;
  if (!derive_keys(ke->data)) return fail("AM2's KE is not a value of the group");
  Bytes cki(ci_.begin(), ci_.end()), ckr(cr_.begin(), cr_.end());
  if (!equal_ct(hash->data,
                hash_r(kHash, keys_.skeyid, gxi_, gxr_, cki, ckr, sai_b_, payload_body(*id))))
    return fail("HASH_R does not verify");
  // AM3 in the clear, as RFC 2409 5.4 draws it; the gateway's XAUTH request follows, or
  // without XAUTH our mode-config request goes right after it.
  Bytes am3 = phase1_message(
      Exchange::Aggressive,
      {OpaquePayload{PayloadType::Hash,
                     hash_i(kHash, keys_.skeyid, gxi_, gxr_, cki, ckr, sai_b_, idi_b_)}},
      false);
  if (!p_.xauth) {
    phase_ = Phase::ModeConfig;
    deferred_ = mode_config_request();
    return {am3};
  }
  phase_ = Phase::Xauth;
  awaiting_ = true;  // the gateway speaks next; our AM3 is what to repeat until it does
  last_request_ = am3;
  return {am3};
}

std::vector<Bytes> Client::on_main_2(const Message& m) {
  const auto* sa = first_payload<SaPayload>(m.payloads);
  if (!sa || !same_phase1_choice(*sa, p1attr::kAuthPsk, p_.dh_group))
    return fail("MM2 chose a transform we did not offer");
  cr_ = m.header.responder_cookie;
  if (!make_key()) return {};
  ni_ = random_bytes(kNonceLength);
  return {request(phase1_message(
      Exchange::MainMode,
      {OpaquePayload{PayloadType::KE, gxi_}, OpaquePayload{PayloadType::Nonce, ni_}}, false))};
}

std::vector<Bytes> Client::on_main_4(const Message& m) {
  const auto* ke = first_opaque(m.payloads, PayloadType::KE);
  const auto* nonce = first_opaque(m.payloads, PayloadType::Nonce);
  if (!ke || !nonce) return fail("MM4 without KE or nonce");
  nr_ = nonce->data;
  if (!derive_keys(ke->data)) return fail("MM4's KE is not a value of the group");
  IdPayload ours = address_id(p_.local_address, 0xffffffffu);
  idi_b_ = payload_body(ours);
  Bytes cki(ci_.begin(), ci_.end()), ckr(cr_.begin(), cr_.end());
  Bytes h = hash_i(kHash, keys_.skeyid, gxi_, gxr_, cki, ckr, sai_b_, idi_b_);
  return {request(phase1_message(Exchange::MainMode,
                                 {ours, OpaquePayload{PayloadType::Hash, std::move(h)}}, true))};
}

std::vector<Bytes> Client::on_main_6(const Message& m) {
  if (phase_ != Phase::Phase1) {
    ++ignored_;
    return {};
  }
  auto plain = ike::decrypt(kCipher, keys_.encryption_key, phase1_iv_, m.encrypted_body);
  if (!plain) return fail("MM6 does not decrypt");
  auto chain = parse_payloads(m.header.next, *plain);
  if (!chain) return fail("MM6 does not decode after decryption");
  const auto* id = first_payload<IdPayload>(*chain);
  const auto* hash = first_opaque(*chain, PayloadType::Hash);
  if (!id || !hash) return fail("MM6 without ID or hash");
  Bytes cki(ci_.begin(), ci_.end()), ckr(cr_.begin(), cr_.end());
  if (!equal_ct(hash->data,
                hash_r(kHash, keys_.skeyid, gxi_, gxr_, cki, ckr, sai_b_, payload_body(*id))))
    return fail("HASH_R does not verify");
  phase1_iv_ = last_block(kCipher, m.encrypted_body);
  assigned_ = p_.local_address;  // a site proposes its own address
  return {quick_mode_1()};
}

std::vector<Bytes> Client::on_transaction(uint32_t msgid, const std::vector<Payload>& p) {
  const auto* a = first_payload<AttributePayload>(p);
  if (!a) return fail("transaction without attributes");
  auto value_of = [&](uint16_t type) -> const Attribute* {
    for (const auto& at : a->attributes)
      if (at.type == type) return &at;
    return nullptr;
  };
  if (a->type == cfg_type::kRequest && phase_ == Phase::Xauth) {
    AttributePayload reply{cfg_type::kReply, a->identifier, {}};
    if (value_of(xauth_attr::kType))
      reply.attributes.push_back(Attribute::tv(xauth_attr::kType, 0));
    reply.attributes.push_back(
        Attribute::tlv(xauth_attr::kUserName, Bytes(p_.user.begin(), p_.user.end())));
    reply.attributes.push_back(
        Attribute::tlv(xauth_attr::kUserPassword, Bytes(p_.password.begin(), p_.password.end())));
    awaiting_ = true;  // the status comes next
    last_request_ = protected_message(Exchange::Transaction, msgid, {reply});
    return {last_request_};
  }
  if (a->type == cfg_type::kSet) {
    const Attribute* status = value_of(xauth_attr::kStatus);
    if (status && status->short_form && status->value != 1) return fail("XAUTH refused");
    if (const Attribute* ip = value_of(cfgattr::kIp4Address); ip && ip->data.size() == 4)
      assigned_ = get_be32(ip->data);
    AttributePayload ack{cfg_type::kAck, a->identifier, {}};
    if (status) ack.attributes.push_back(Attribute::tv(xauth_attr::kStatus, 1));
    std::vector<Bytes> out{protected_message(Exchange::Transaction, msgid, {ack})};
    if (status && phase_ == Phase::Xauth) {
      phase_ = Phase::ModeConfig;
      out.push_back(mode_config_request());
    }
    return out;
  }
  if (a->type == cfg_type::kReply && phase_ == Phase::ModeConfig && msgid == cfg_msgid_ &&
      a->identifier == cfg_identifier_) {
    const Attribute* ip = value_of(cfgattr::kIp4Address);
    if (!ip || ip->data.size() != 4) return fail("mode-config reply without an address");
    assigned_ = get_be32(ip->data);
    return {quick_mode_1()};
  }
  ++ignored_;
  return {};
}

Bytes Client::mode_config_request() {
  cfg_msgid_ = random_msgid();
  Bytes id = random_bytes(2);
  cfg_identifier_ = static_cast<uint16_t>((id[0] << 8) | id[1]);
  AttributePayload req{cfg_type::kRequest, cfg_identifier_, {}};
  for (uint16_t t :
       {cfgattr::kIp4Address, cfgattr::kIp4Netmask, cfgattr::kIp4Dns, cfgattr::kSplitInclude})
    req.attributes.push_back(Attribute::tlv(t, {}));
  return request(protected_message(Exchange::Transaction, cfg_msgid_, {req}));
}

Bytes Client::quick_mode_1() {
  phase_ = Phase::QuickMode;
  qm_msgid_ = random_msgid();
  qm_ni_ = random_bytes(kNonceLength);
  inbound_spi_ = get_be32(random_bytes(4)) | 0x100u;  // SPIs 0-255 are reserved
  Transform t{1, p2attr::kEspAes, {}};
  t.attributes = {Attribute::tv(p2attr::kEncapsulation, p2attr::kTunnel),
                  Attribute::tv(p2attr::kAuthAlgorithm, p2attr::kHmacSha),
                  Attribute::tv(p2attr::kKeyLength, 128),
                  Attribute::tv(p2attr::kLifeType, p2attr::kLifeSeconds),
                  Attribute::tlv(p2attr::kLifeDuration, be32(p_.phase2_life))};
  SaPayload sa;
  sa.proposals.push_back(Proposal{1, p2attr::kProtoEsp, be32(inbound_spi_), {t}});
  return request(protected_message(
      Exchange::QuickMode, qm_msgid_,
      {sa, OpaquePayload{PayloadType::Nonce, qm_ni_}, address_id(assigned_, 0xffffffffu),
       address_id(p_.remote_net, p_.remote_mask)}));
}

std::vector<Bytes> Client::on_quick_mode_2(uint32_t msgid, const std::vector<Payload>& p) {
  if (phase_ != Phase::QuickMode || msgid != qm_msgid_) {
    ++ignored_;
    return {};
  }
  const auto* sa = first_payload<SaPayload>(p);
  const auto* nonce = first_opaque(p, PayloadType::Nonce);
  if (!sa || !nonce) return fail("QM2 without SA or nonce");
  if (sa->proposals.size() != 1 || sa->proposals[0].transforms.size() != 1 ||
      sa->proposals[0].spi.size() != 4)
    return fail("QM2 does not choose one transform");
  EspOffer o = decode_esp(sa->proposals[0].transforms[0]);
  if (o.transform != p2attr::kEspAes || o.key_bits != 128 || o.auth != p2attr::kHmacSha ||
      o.encapsulation != p2attr::kTunnel)
    return fail("QM2 chose a transform we did not offer");
  // Where the gateway echoes the proxies, they must be ours.
  std::vector<const IdPayload*> ids;
  for (const auto& x : p)
    if (const auto* i = std::get_if<IdPayload>(&x)) ids.push_back(i);
  if (!ids.empty() && (ids.size() != 2 || *ids[0] != address_id(assigned_, 0xffffffffu) ||
                       *ids[1] != address_id(p_.remote_net, p_.remote_mask)))
    return fail("QM2 names other proxies");
  outbound_spi_ = get_be32(sa->proposals[0].spi);
  nr_ = nonce->data;
  // The keys of both SAs, by the engine's own KEYMAT split (so the two cannot drift): each
  // direction's from the SPI its receiver chose, Ni and Nr in the initiator's order (no PFS).
  auto enc = config::esp_encryption_of(o.transform, o.key_bits);
  auto integ = config::esp_integrity_of(o.auth);
  if (!enc || !integ) return fail("QM2's transform is not in the algorithm table");
  IpsecSa ips;
  ips.encryption = *enc;
  ips.integrity = *integ;
  ips.inbound.spi = inbound_spi_;
  ips.outbound.spi = outbound_spi_;
  derive_quick_mode_keys(ips, kHash, keys_.skeyid_d, {}, qm_ni_, nr_);
  auto esp_keys = [&](const IpsecKeys& k) {
    return dataplane::EspKeys{config::row(*enc).dataplane, config::row(*integ).dataplane,
                              k.encryption_key.bytes(), k.integrity_key.bytes()};
  };
  if (ips.inbound.encryption_key.size() != esp_encryption_key_length(o) ||
      ips.inbound.integrity_key.size() != esp_integrity_key_length(o))
    return fail("KEYMAT");
  child_ = {inbound_spi_, outbound_spi_, esp_keys(ips.inbound), esp_keys(ips.outbound)};
  ++quick_modes_;
  Bytes covered{0};
  Bytes mid = be32(msgid);
  covered.insert(covered.end(), mid.begin(), mid.end());
  covered.insert(covered.end(), qm_ni_.begin(), qm_ni_.end());
  covered.insert(covered.end(), nr_.begin(), nr_.end());
  Bytes h3 = prf(kHash, keys_.skeyid_a.bytes(), covered);
  phase_ = Phase::Done;
  awaiting_ = false;
  return {protected_message(Exchange::QuickMode, msgid, {}, {}, &h3)};
}

std::vector<Bytes> Client::on_informational(const std::vector<Payload>& p) {
  for (const auto& x : p) {
    if (const auto* n = std::get_if<NotifyPayload>(&x); n && n->type < kFirstStatusNotify)
      return fail("notify " + std::to_string(n->type));
    if (std::holds_alternative<DeletePayload>(x) && phase_ != Phase::Done)
      return fail("deleted by the gateway");
    if (std::holds_alternative<DeletePayload>(x)) ++deletes_;  // a held tunnel the gateway ended
    // A held client answers DPD as vpnc does (RFC 3706: the ACK echoes the sequence number),
    // so that the gateway keeps its tunnel; anything else that verified is only counted.
    if (const auto* n = std::get_if<NotifyPayload>(&x); n && n->type == ike::notify::kRUThere) {
      NotifyPayload ack = *n;
      ack.type = ike::notify::kRUThereAck;
      ++dpd_acks_;
      return {protected_message(Exchange::Informational, random_msgid(), {ack})};
    }
  }
  ++ignored_;  // RESPONDER-LIFETIME and the like
  return {};
}

std::vector<Bytes> Client::rekey() {
  if (!done()) return {};
  previous_spi_ = inbound_spi_;
  return {quick_mode_1()};
}

std::vector<Bytes> Client::retire_previous() {
  if (!done() || previous_spi_ == 0) return {};
  DeletePayload esp{1, p2attr::kProtoEsp, 4, {be32(std::exchange(previous_spi_, 0))}};
  return {protected_message(Exchange::Informational, random_msgid(), {esp})};
}

std::vector<Bytes> Client::disconnect() {
  if (!done()) return {};
  DeletePayload esp{1, p2attr::kProtoEsp, 4, {be32(inbound_spi_)}};
  Bytes cookies(ci_.begin(), ci_.end());
  cookies.insert(cookies.end(), cr_.begin(), cr_.end());
  DeletePayload ike{1, p1attr::kProtoIsakmp, 16, {cookies}};
  return {protected_message(Exchange::Informational, random_msgid(), {esp}),
          protected_message(Exchange::Informational, random_msgid(), {ike})};
}

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

}  // namespace rampart::bench
