#include "control/ike/ike_wire.hpp"

#include <utility>

#include <fmt/format.h>

#include "control/ike/crypto/cipher.hpp"
#include "control/ike/exchange_crypto.hpp"
#include "control/ike/timers.hpp"

namespace rampart::ike {

namespace {

constexpr size_t kMaxExchanges = 32;  // phase-2 style exchanges in flight per IKE SA

}  // namespace

// Main and aggressive mode go on the phase-1 CBC chain; every other exchange has an IV of its
// own (RFC 2409 appendix B), whatever its message id: vpnc draws its Deletes' ids from one random
// byte, so one in 256 is 0, and reading that one as phase 1 kept the session after the client
// had gone.
bool on_phase1_chain(const Header& h) {
  return h.message_id == 0 &&
         (h.exchange == Exchange::MainMode || h.exchange == Exchange::Aggressive);
}

void IkeWire::begin(IkeSa& sa, const Datagram& d, const Message& m) {
  inbound_.msgid = m.header.message_id;
  inbound_.encrypted = m.header.flags & kFlagEncrypted;
  inbound_.phase1_chain = on_phase1_chain(m.header);
  inbound_.peer = d.peer;
  inbound_.local = d.local;
  inbound_.sa = &sa;
  inbound_.answer.clear();
}

Bytes IkeWire::end() {
  inbound_.sa = nullptr;
  return std::exchange(inbound_.answer, {});
}

// ---- randomness ---------------------------------------------------------------------------

uint32_t IkeWire::random_msgid() {
  uint32_t v = 0;
  while (v == 0) {
    uint8_t b[4];
    env_.random(b, 4);
    v = (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | b[3];
  }
  return v;
}

Bytes IkeWire::random_bytes(size_t n) {
  Bytes b(n);
  env_.random(b.data(), n);
  return b;
}

// ---- sending ------------------------------------------------------------------------------

void IkeWire::transmit(IkeSa& sa, Bytes datagram, bool await_reply) {
  env_.send(sa.local, sa.peer, datagram);
  ++stats_.out_packets;
  stats_.out_octets += datagram.size();
  sa.bytes_tx += datagram.size();
  // The first message sent while handling a peer's message answers it (end()).
  if (&sa == inbound_.sa && inbound_.answer.empty()) inbound_.answer = datagram;
  if (await_reply) {
    sa.sent.request(std::move(datagram), timers::next_retransmit(env_.now(), 0));
  } else {
    // A reply: kept so that a retransmitted request is answered the same way.
    sa.sent.reply(std::move(datagram));
  }
}

void IkeWire::send_phase1(IkeSa& sa, Exchange ex, std::vector<Payload> payloads, bool encrypt,
                          bool await_reply) {
  Message m;
  m.header.initiator_cookie = sa.icookie;
  m.header.responder_cookie = sa.rcookie;
  m.header.exchange = ex;
  m.header.message_id = 0;
  Bytes out;
  if (encrypt) {
    Bytes plain = serialize_payloads(payloads);
    auto ct = ike::encrypt(sa.choice.cipher, sa.keys.encryption_key, sa.phase1_iv, plain);
    if (!ct) return;
    sa.phase1_iv = last_block(sa.choice.cipher, *ct);
    m.header.flags = kFlagEncrypted;
    m.header.next = payloads.empty() ? PayloadType::None : type_of(payloads.front());
    m.encrypted_body = std::move(*ct);
    out = serialize_message(m);
  } else {
    m.payloads = payloads;
    out = serialize_message(m);
  }
  log_.message(sa.peer, true, 0, payloads, out.size());
  transmit(sa, std::move(out), await_reply);
}

void IkeWire::send_protected(IkeSa& sa, Exchange ex, uint32_t msgid, std::vector<Payload> rest,
                             const Bytes& extra, bool await_reply) {
  Bytes h = hash_over(sa, msgid, extra, serialize_payloads(rest));
  send_hashed(sa, ex, msgid, std::move(h), std::move(rest), await_reply);
}

void IkeWire::send_hashed(IkeSa& sa, Exchange ex, uint32_t msgid, Bytes hash_value,
                          std::vector<Payload> rest, bool await_reply) {
  std::vector<Payload> all;
  all.reserve(rest.size() + 1);
  all.push_back(OpaquePayload{PayloadType::Hash, std::move(hash_value)});
  for (auto& p : rest) all.push_back(std::move(p));
  Bytes plain = serialize_payloads(all);
  Bytes& iv = exchange_iv_for(sa, msgid);
  auto ct = ike::encrypt(sa.choice.cipher, sa.keys.encryption_key, iv, plain);
  if (!ct) return;
  iv = last_block(sa.choice.cipher, *ct);
  Message m;
  m.header.initiator_cookie = sa.icookie;
  m.header.responder_cookie = sa.rcookie;
  m.header.exchange = ex;
  m.header.message_id = msgid;
  m.header.flags = kFlagEncrypted;
  m.header.next = PayloadType::Hash;
  m.encrypted_body = std::move(*ct);
  Bytes out = serialize_message(m);
  log_.message(sa.peer, true, msgid, all, out.size());
  transmit(sa, std::move(out), await_reply);
}

bool IkeWire::verify_hash(IkeSa& sa, uint32_t msgid, const Bytes& body, size_t consumed,
                          const Bytes& extra) {
  // The HASH payload leads: its generic header says how long it is; what follows it up to the
  // end of the chain (not the padding) is what the hash covers.
  if (body.size() < 4 || body[0 + 0] == 0xff) return false;
  size_t len = (size_t{body[2]} << 8) | body[3];
  if (len < 4 || len > consumed) return false;
  Bytes received(body.begin() + 4, body.begin() + static_cast<long>(len));
  Bytes rest(body.begin() + static_cast<long>(len), body.begin() + static_cast<long>(consumed));
  if (!equal_ct(received, hash_over(sa, msgid, extra, rest))) return false;
  commit(sa);
  return true;
}

void IkeWire::commit(IkeSa& sa) {
  if (inbound_.encrypted) {
    if (inbound_.phase1_chain) {
      sa.phase1_iv = inbound_.next_iv;
    } else {
      if (!sa.exchange_ivs.contains(inbound_.msgid) && sa.exchange_ivs.size() >= kMaxExchanges)
        sa.exchange_ivs.erase(sa.exchange_ivs.begin());
      sa.exchange_ivs[inbound_.msgid] = inbound_.next_iv;
    }
  }
  // NAT-T (RFC 3947 4): the peer may move to port 4500, and a NAT may change its address.
  if (inbound_.peer != sa.peer || inbound_.local != sa.local) {
    if (sa.established)
      log_.debug(&sa, fmt::format("Peer moved from {} to {}", sa.peer.str(), inbound_.peer.str()));
    sas_.move_peer(sa, inbound_.peer);
    sa.local = inbound_.local;
    journal_.touch(sa.index);  // a route injected toward the peer follows it
  }
}

void IkeWire::send_notify_unencrypted(const Datagram& d, const Header& h, uint16_t type) {
  // Before keys exist a failure can only be told in the clear (NO_PROPOSAL_CHOSEN, ...).
  Message m;
  m.header.initiator_cookie = h.initiator_cookie;
  m.header.responder_cookie = h.responder_cookie;
  m.header.exchange = Exchange::Informational;
  m.header.message_id = random_msgid();
  NotifyPayload n;
  n.protocol = 1;  // ISAKMP
  n.type = type;
  n.spi.assign(h.initiator_cookie.begin(), h.initiator_cookie.end());
  n.spi.insert(n.spi.end(), h.responder_cookie.begin(), h.responder_cookie.end());
  m.payloads.push_back(n);
  Bytes out = serialize_message(m);
  log_.message(d.peer, true, m.header.message_id, m.payloads, out.size());
  env_.send(d.local, d.peer, out);
  ++stats_.out_packets;
  ++stats_.out_notifies;
}

IkeWire::Opened IkeWire::open(IkeSa& sa, const Message& m, std::vector<Payload>& payloads,
                              Bytes& body) {
  const uint32_t msgid = m.header.message_id;
  if (sa.keys.encryption_key.size() == 0 ||
      m.encrypted_body.size() % block_size(sa.choice.cipher) != 0 || m.encrypted_body.empty()) {
    ++stats_.in_drop;
    ++stats_.decrypt_fails;
    return Opened::Unreadable;
  }
  const bool phase1 = on_phase1_chain(m.header);
  Bytes iv;
  if (phase1)
    iv = sa.phase1_iv;
  else if (auto it = sa.exchange_ivs.find(msgid); it != sa.exchange_ivs.end())
    iv = it->second;
  else
    iv = exchange_iv(sa.choice.hash, sa.choice.cipher, sa.phase1_iv, msgid);
  auto plain = decrypt(sa.choice.cipher, sa.keys.encryption_key, iv, m.encrypted_body);
  if (!plain) {
    ++stats_.decrypt_fails;
    return Opened::Unreadable;
  }
  size_t consumed = 0;
  auto chain = parse_payloads(m.header.next, *plain, &consumed);
  if (!chain) {
    ++stats_.decrypt_fails;
    ++stats_.in_drop;
    // Only while phase 1 is being authenticated does garbage mean a wrong key; later it is
    // noise (or someone who saw the cookies) and must not cost the session.
    return phase1 && !sa.established ? Opened::WrongKey : Opened::Unreadable;
  }
  // The IV chain and the peer's address move on only once a handler has authenticated the
  // message (commit).
  inbound_.next_iv = last_block(sa.choice.cipher, m.encrypted_body);
  payloads = std::move(*chain);
  plain->resize(consumed);  // the padding is not hashed
  body = std::move(*plain);
  return Opened::Ok;
}

}  // namespace rampart::ike
