// A test-side IKEv1 initiator, written from RFC 2409 with the codec and crypto primitives, that
// plays the Cisco VPN Client against the engine in-process: aggressive mode with PSK, XAUTH,
// mode-config pull, quick mode. Deterministic: the engine's randomness and clock are the
// FakeEnv's.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "control/ike/codec/message.hpp"
#include "control/ike/crypto/cipher.hpp"
#include "control/ike/crypto/dh.hpp"
#include "control/ike/engine.hpp"
#include "control/ike/ipsec_proposal.hpp"

namespace rampart::test {

struct FakeEnv : ike::Environment {
  uint64_t t = 1000;
  uint64_t seed = 42;
  std::vector<std::pair<ike::Endpoint, ike::Bytes>> sent;
  std::vector<std::string> lines, syslogs;
  uint64_t now() override { return t; }
  // Values the next 4-byte draws return (SPIs, message ids), in order: a rigged RNG.
  std::vector<uint32_t> rigged_u32;
  void random(uint8_t* out, size_t n) override {
    if (n == 4 && !rigged_u32.empty()) {
      uint32_t v = rigged_u32.front();
      rigged_u32.erase(rigged_u32.begin());
      for (size_t i = 0; i < 4; ++i) out[i] = static_cast<uint8_t>(v >> (24 - 8 * i));
      return;
    }
    for (size_t i = 0; i < n; ++i) {
      seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
      out[i] = static_cast<uint8_t>(seed >> 56);
    }
  }
  std::vector<ike::Endpoint> sent_from;  // the local endpoint of each entry of sent
  void send(const ike::Endpoint& local, const ike::Endpoint& peer, const ike::Bytes& d) override {
    sent.emplace_back(peer, d);
    sent_from.push_back(local);
  }
  // While hold_dh is set, DH work waits in held_dh as it would on the daemon's crypto workers;
  // run_held_dh() finishes it.
  bool hold_dh = false;
  std::vector<std::function<void()>> held_dh;
  bool compute_dh(int group, ike::Bytes peer, ike::DhDone done) override {
    if (!hold_dh) return ike::Environment::compute_dh(group, std::move(peer), std::move(done));
    held_dh.push_back([group, peer, done] { done(ike::dh_respond(group, peer)); });
    return true;
  }
  void run_held_dh() {
    auto jobs = std::move(held_dh);
    held_dh.clear();
    for (auto& j : jobs) j();
  }
  // XAUTH and accounting go to this service when set (as the daemon's IkeService does), else
  // the local database answers in line and records are dropped.
  aaa::Service* aaa = nullptr;
  void authenticate(const config::Config& cfg, aaa::AuthRequest r, aaa::AuthDone done) override {
    if (aaa)
      aaa->authenticate(std::move(r), std::move(done));
    else
      ike::Environment::authenticate(cfg, std::move(r), std::move(done));
  }
  void account(aaa::AccountingRecord r) override {
    if (aaa) aaa->account(std::move(r));
  }
  int keepalives = 0;
  void send_nat_keepalive(const ike::Endpoint&, const ike::Endpoint&) override { ++keepalives; }
  void debug(ike::DebugKind, int, std::string_view line, const ike::DebugSubject* about) override {
    lines.emplace_back(line);
    about_lines.emplace_back(std::string(line),
                             about ? std::optional(Subject{about->peer, std::string(about->user),
                                                           std::string(about->group)})
                                   : std::nullopt);
  }
  // Each line with what it was about (copied: the engine's views end with the call).
  struct Subject {
    uint32_t peer;
    std::string user, group;
  };
  std::vector<std::pair<std::string, std::optional<Subject>>> about_lines;
  void syslog(int sev, int id, std::string_view text) override {
    syslogs.push_back(fmt::format("%ASA-{}-{}: {}", sev, id, text));
  }
  bool logged(std::string_view needle) const {
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
  ike::Bytes take() {
    if (sent.empty()) throw std::runtime_error("the engine sent nothing");
    ike::Bytes d = sent.front().second;
    sent.erase(sent.begin());
    if (!sent_from.empty()) sent_from.erase(sent_from.begin());
    return d;
  }
};

inline ike::Bytes be32(uint32_t v) {
  return {static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
          static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)};
}

struct Initiator {
  ike::Endpoint me{*config::Ipv4::parse("198.51.100.2"), 500};
  ike::Endpoint gw{*config::Ipv4::parse("198.51.100.1"), 500};
  ike::Cookie ci{1, 2, 3, 4, 5, 6, 7, 8}, cr{};
  ike::DhKey dh = std::move(*ike::DhKey::generate(2));
  ike::Bytes ni = ike::Bytes(32, 0x11), nr, gxr;
  ike::Bytes sai_b, idi_b;
  ike::Phase1Keys keys;
  std::string psk = "cisco123";
  uint16_t auth_method = 65001;  // XAUTHInitPreShared
  int group = 2;
  std::map<uint32_t, ike::Bytes> ivs;
  bool hash_ok = false;        // the last HASH the engine sent verified
  bool natt = false;           // announce RFC 3947 and send NAT-D in AM3
  ike::Endpoint gw_seen = gw;  // the gateway's address as a NAT in between would show it

  // Thrown when what the engine sent cannot be read at all (tests fail, fuzzing moves on).
  static void need(bool ok) {
    if (!ok) throw std::runtime_error("unreadable message from the engine");
  }

  ike::Datagram datagram(ike::Bytes data) const {
    return ike::Datagram{gw, me, "outside", std::move(data)};
  }

  static ike::Bytes body(const ike::Payload& p) {
    ike::Writer w;
    ike::serialize_payload(p, w);
    return w.take();
  }

  ike::Bytes am1(const std::string& group_name) {
    using ike::Attribute;
    ike::Transform t{1, 1, {}};
    t.attributes = {Attribute::tv(1, 7),
                    Attribute::tv(14, 128),
                    Attribute::tv(2, 2),
                    Attribute::tv(3, auth_method),
                    Attribute::tv(4, static_cast<uint16_t>(group)),
                    Attribute::tv(11, 1),
                    Attribute::tlv(12, be32(86400))};
    ike::SaPayload sa;
    sa.proposals.push_back(ike::Proposal{1, 1, {}, {t}});
    ike::IdPayload id;
    id.id_type = 11;  // ID_KEY_ID: the group name
    id.data.assign(group_name.begin(), group_name.end());
    sai_b = body(sa);
    idi_b = body(id);
    ike::Message m;
    m.header.initiator_cookie = ci;
    m.header.exchange = ike::Exchange::Aggressive;
    m.payloads = {
        sa,
        ike::OpaquePayload{ike::PayloadType::KE, dh.public_value()},
        ike::OpaquePayload{ike::PayloadType::Nonce, ni},
        id,
        ike::OpaquePayload{ike::PayloadType::VendorId, ike::vendor_id(ike::Vendor::Dpd)},
        ike::OpaquePayload{ike::PayloadType::VendorId, ike::vendor_id(ike::Vendor::CiscoUnity)}};
    if (natt)
      m.payloads.push_back(
          ike::OpaquePayload{ike::PayloadType::VendorId, ike::vendor_id(ike::Vendor::NatTRfc)});
    return ike::serialize_message(m);
  }

  // Reads AM2, derives the keys and checks HASH_R. Returns AM3.
  ike::Bytes am3(const ike::Bytes& am2) {
    auto m = ike::parse_message(am2.data(), am2.size());
    need(m.has_value());
    cr = m->header.responder_cookie;
    ike::Bytes idr_b, hash_r;
    for (const auto& p : m->payloads) {
      if (const auto* o = std::get_if<ike::OpaquePayload>(&p)) {
        if (o->type == ike::PayloadType::KE) gxr = o->data;
        if (o->type == ike::PayloadType::Nonce) nr = o->data;
        if (o->type == ike::PayloadType::Hash) hash_r = o->data;
      }
      if (std::holds_alternative<ike::IdPayload>(p)) idr_b = body(p);
    }
    auto gxy = dh.shared_secret(gxr);
    need(gxy.has_value());
    ike::Phase1Inputs in;
    in.psk.assign(psk.begin(), psk.end());
    in.ni = ni;
    in.nr = nr;
    in.gxy = gxy->bytes();
    in.gxi = dh.public_value();
    in.gxr = gxr;
    in.cky_i.assign(ci.begin(), ci.end());
    in.cky_r.assign(cr.begin(), cr.end());
    keys = ike::derive_phase1_psk(in);
    hash_ok = ike::equal_ct(hash_r, ike::hash_r(ike::HashAlg::Sha1, keys.skeyid, in.gxi, gxr,
                                                in.cky_i, in.cky_r, sai_b, idr_b));
    ike::Message out;
    out.header.initiator_cookie = ci;
    out.header.responder_cookie = cr;
    out.header.exchange = ike::Exchange::Aggressive;
    out.payloads = {ike::OpaquePayload{
        ike::PayloadType::Hash, ike::hash_i(ike::HashAlg::Sha1, keys.skeyid, in.gxi, gxr, in.cky_i,
                                            in.cky_r, sai_b, idi_b)}};
    if (natt)
      for (const ike::Endpoint* e : {&gw_seen, &me}) {  // RFC 3947 3.2: them first, then us
        ike::Bytes h = in.cky_i;
        h.insert(h.end(), in.cky_r.begin(), in.cky_r.end());
        ike::Bytes a = be32(e->address.value);
        h.insert(h.end(), a.begin(), a.end());
        h.push_back(static_cast<uint8_t>(e->port >> 8));
        h.push_back(static_cast<uint8_t>(e->port));
        out.payloads.push_back(
            ike::OpaquePayload{ike::PayloadType::NatD, ike::hash(ike::HashAlg::Sha1, h)});
      }
    return ike::serialize_message(out);
  }

  ike::Bytes& iv_for(uint32_t msgid) {
    auto it = ivs.find(msgid);
    if (it == ivs.end())
      it = ivs.emplace(msgid,
                       ike::exchange_iv(ike::HashAlg::Sha1, ike::CipherAlg::Aes128, keys.iv, msgid))
               .first;
    return it->second;
  }

  // Decrypts and parses a protected message; checks its HASH over M-ID | extra | rest.
  std::vector<ike::Payload> open(const ike::Bytes& d, uint32_t& msgid,
                                 const ike::Bytes& extra = {}) {
    auto m = ike::parse_message(d.data(), d.size());
    need(m.has_value());
    need(m->header.flags & ike::kFlagEncrypted);
    msgid = m->header.message_id;
    ike::Bytes& iv = iv_for(msgid);
    auto plain = ike::decrypt(ike::CipherAlg::Aes128, keys.encryption_key, iv, m->encrypted_body);
    need(plain.has_value());
    iv = ike::last_block(ike::CipherAlg::Aes128, m->encrypted_body);
    size_t consumed = 0;
    auto chain = ike::parse_payloads(m->header.next, *plain, &consumed);
    need(chain.has_value() && !chain->empty());
    size_t hl = (size_t{(*plain)[2]} << 8) | (*plain)[3];
    ike::Bytes data = be32(msgid);
    data.insert(data.end(), extra.begin(), extra.end());
    data.insert(data.end(), plain->begin() + static_cast<long>(hl),
                plain->begin() + static_cast<long>(consumed));
    const auto* h = std::get_if<ike::OpaquePayload>(&chain->front());
    hash_ok = h && h->data == ike::prf(ike::HashAlg::Sha1, keys.skeyid_a.bytes(), data);
    return *chain;
  }

  // A protected message whose payload chain (after HASH) is given as raw bytes: for fuzzing the
  // handlers behind decryption and the hash check with arbitrary payloads.
  ike::Bytes seal_raw(ike::Exchange ex, uint32_t msgid, ike::PayloadType first,
                      const ike::Bytes& chain) {
    ike::Bytes data = be32(msgid);
    data.insert(data.end(), chain.begin(), chain.end());
    ike::Bytes h = ike::prf(ike::HashAlg::Sha1, keys.skeyid_a.bytes(), data);
    ike::Bytes plain{static_cast<uint8_t>(first), 0, 0, static_cast<uint8_t>(4 + h.size())};
    plain.insert(plain.end(), h.begin(), h.end());
    plain.insert(plain.end(), chain.begin(), chain.end());
    ike::Bytes& iv = iv_for(msgid);
    auto ct = ike::encrypt(ike::CipherAlg::Aes128, keys.encryption_key, iv, plain);
    need(ct.has_value());
    iv = ike::last_block(ike::CipherAlg::Aes128, *ct);
    ike::Message m;
    m.header.initiator_cookie = ci;
    m.header.responder_cookie = cr;
    m.header.exchange = ex;
    m.header.message_id = msgid;
    m.header.flags = ike::kFlagEncrypted;
    m.header.next = ike::PayloadType::Hash;
    m.encrypted_body = std::move(*ct);
    return ike::serialize_message(m);
  }

  ike::Bytes seal(ike::Exchange ex, uint32_t msgid, std::vector<ike::Payload> rest,
                  const ike::Bytes& extra = {}, std::optional<ike::Bytes> hash_override = {}) {
    ike::Bytes rb = ike::serialize_payloads(rest);
    ike::Bytes data = be32(msgid);
    data.insert(data.end(), extra.begin(), extra.end());
    data.insert(data.end(), rb.begin(), rb.end());
    std::vector<ike::Payload> all{ike::OpaquePayload{
        ike::PayloadType::Hash, hash_override
                                    ? *hash_override
                                    : ike::prf(ike::HashAlg::Sha1, keys.skeyid_a.bytes(), data)}};
    for (auto& p : rest) all.push_back(std::move(p));
    ike::Bytes& iv = iv_for(msgid);
    auto ct =
        ike::encrypt(ike::CipherAlg::Aes128, keys.encryption_key, iv, ike::serialize_payloads(all));
    need(ct.has_value());
    iv = ike::last_block(ike::CipherAlg::Aes128, *ct);
    ike::Message m;
    m.header.initiator_cookie = ci;
    m.header.responder_cookie = cr;
    m.header.exchange = ex;
    m.header.message_id = msgid;
    m.header.flags = ike::kFlagEncrypted;
    m.header.next = ike::PayloadType::Hash;
    m.encrypted_body = std::move(*ct);
    return ike::serialize_message(m);
  }
};

}  // namespace rampart::test
