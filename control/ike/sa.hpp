// The IKE and IPsec SA database: what each negotiation knows, from the first packet to the
// delete. The engine owns it; "show crypto isakmp sa", "show vpn-sessiondb" and the dataplane
// API read it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/config/types.hpp"
#include "control/ike/codec/message.hpp"
#include "control/ike/crypto/dh.hpp"
#include "control/ike/dpd.hpp"
#include "control/ike/end_reason.hpp"
#include "control/ike/phase1_policy.hpp"
#include "control/ike/phase1_rekey.hpp"
#include "control/ike/retransmission.hpp"
#include "control/ike/transaction.hpp"
#include "control/ike/vendor_ids.hpp"

namespace rampart::ike {

// A UDP endpoint.
struct Endpoint {
  config::Ipv4 address;
  uint16_t port = 500;
  auto operator<=>(const Endpoint&) const = default;
  std::string str() const;  // "198.51.100.2:500"
};

// Phase-1 states with the ASA's names (show crypto isakmp sa).
enum class P1State {
  MmWaitMsg2,   // initiator: sent MM1
  MmWaitMsg4,   // initiator: sent MM3
  MmWaitMsg6,   // initiator: sent MM5
  MmWaitMsg3,   // responder: sent MM2
  MmWaitMsg5,   // sent MM4
  AmWaitMsg3,   // sent AM2
  XauthWait,    // phase 1 done, XAUTH request sent, waiting for the user
  ModeCfgWait,  // waiting for the mode-config request / ack
  MmActive,
  AmActive,
  Deleting,
};
std::string_view state_name(P1State s, bool aggressive);

// One direction of an IPsec SA as the dataplane will hold it.
struct IpsecKeys {
  uint32_t spi = 0;
  SecretBytes encryption_key;
  SecretBytes integrity_key;
};

// A selector of a quick-mode proxy identity: address/mask, protocol, port.
struct Selector {
  config::Ipv4 address;
  config::Mask mask{0xffffffffu};
  uint8_t protocol = 0;
  uint16_t port = 0;
  bool operator==(const Selector&) const = default;
};

struct IpsecSa {
  uint32_t id = 0;  // conn_id
  uint32_t message_id = 0;
  std::string crypto_map;     // the map on the interface
  uint32_t map_seq = 0;       // the static or dynamic entry's map sequence
  std::string map_acl;        // the entry's crypto ACL ("match address"); none for a dynamic one
  std::string transform_set;  // the set whose transform was accepted
  config::EspEncryption encryption = config::EspEncryption::Aes128;  // a row of the table
  config::EspIntegrity integrity = config::EspIntegrity::Sha1;
  bool udp_encapsulated = false;
  bool tunnel_mode = true;
  int pfs_group = 0;
  Selector local, remote;  // our side and the peer's side
  IpsecKeys inbound, outbound;
  uint32_t lifetime_seconds = 28800;
  uint32_t lifetime_kilobytes = 4608000;
  uint64_t established_at = 0;
  // Rekey (we start it, as the ASA does, before the peer's lifetime ends): when, whether it is
  // under way or done, and the SA that replaced this one (0 while none). A replaced SA stays
  // until its successor carries traffic from the peer, then goes.
  uint64_t rekey_at = 0;
  bool rekeying = false;
  uint32_t replaced_by = 0;
  // Told (402120, counted) that this SA failed its ICV on every packet it got: keys that differ
  // from the peer's. Once per SA.
  bool verify_alarm = false;
};

// A quick mode in flight (RFC 2409 5.5), from its first message to its last: the IPsec SA it
// will make, the nonces and the PFS key of its HASHes and keys.
struct QuickModeExchange {
  bool initiator = false;  // we sent QM1 and wait for QM2; else we sent QM2 and wait for QM3
  IpsecSa sa;
  Bytes ni, nr;
  std::unique_ptr<DhKey> dh;
  Bytes gxy;
  uint64_t started = 0;
  // As initiator: what QM1 offered (the answer must be one of these) and, for a rekey, the
  // SA it replaces.
  std::vector<std::string> transform_sets;
  uint32_t life_seconds = 0, life_kilobytes = 0;
  uint32_t rekeys = 0;
  // A responder's: its inbound SA is in the dataplane since QM2 (the peer may send on it before
  // its QM3 reaches us). Its keys are derived then, with or without a dataplane.
  bool inbound_installed = false;
};

// The quick modes in flight on one IKE SA, by message id: which message each waits for, how
// many there may be, and when they are given up.
class QuickModes {
 public:
  // Per IKE SA: a QM1 without its QM3 costs us state.
  static constexpr size_t kMax = 16;
  // What a quick-mode message with this id is: a new exchange's first (nothing under its id),
  // the second of one we started, or the third of one we answered.
  enum class Next : uint8_t { Qm1, Qm2, Qm3 };
  Next next(uint32_t msgid) const {
    auto it = by_msgid_.find(msgid);
    if (it == by_msgid_.end()) return Next::Qm1;
    return it->second->initiator ? Next::Qm2 : Next::Qm3;
  }
  size_t size() const { return by_msgid_.size(); }
  bool empty() const { return by_msgid_.empty(); }
  bool full() const { return by_msgid_.size() >= kMax; }
  QuickModeExchange& at(uint32_t msgid) { return *by_msgid_.at(msgid); }
  const QuickModeExchange& at(uint32_t msgid) const { return *by_msgid_.at(msgid); }
  void add(uint32_t msgid, std::shared_ptr<QuickModeExchange> q) {
    by_msgid_[msgid] = std::move(q);
  }
  // The exchange under msgid, no longer in flight; null when there is none.
  std::shared_ptr<QuickModeExchange> take(uint32_t msgid) {
    auto it = by_msgid_.find(msgid);
    if (it == by_msgid_.end()) return nullptr;
    auto q = std::move(it->second);
    by_msgid_.erase(it);
    return q;
  }
  void end(uint32_t msgid) { by_msgid_.erase(msgid); }
  // Those started timeout seconds or more before now go, each shown to gone first.
  template <class F>
  void expire(uint64_t now, uint64_t timeout, F&& gone) {
    std::erase_if(by_msgid_, [&](const auto& e) {
      if (now < e.second->started + timeout) return false;
      gone(*e.second);
      return true;
    });
  }
  template <class F>
  void each(F&& f) const {
    for (const auto& [msgid, q] : by_msgid_)
      if (q) f(*q);
  }
  // Whether an exchange in flight handed this inbound SPI to the peer (its SA not complete).
  bool holds_spi(uint32_t spi) const {
    for (const auto& [msgid, q] : by_msgid_)
      if (q && q->sa.inbound.spi == spi) return true;
    return false;
  }

  // A QM1 that came while XAUTH or mode-config was still under way, held as the ASA holds it
  // ("Delay Quick Mode processing") and handled once they are over, instead of lost to a
  // client that then retransmits. One at a time, the latest kept (a client starts one quick
  // mode, and repeats it); the deadline is when it is handled whatever the transaction's state.
  static constexpr size_t kMaxDelayedBytes = 8192;  // a Cisco client's QM1 is about 1,500
  bool delay(const Bytes& datagram, uint64_t deadline) {
    if (datagram.size() > kMaxDelayedBytes) return false;
    if (delayed_.empty()) delayed_deadline_ = deadline;
    delayed_ = datagram;
    return true;
  }
  bool has_delayed() const { return !delayed_.empty(); }
  bool delay_over(uint64_t now) const { return has_delayed() && now >= delayed_deadline_; }
  // The deadline moves no earlier than this (the transaction's next step just began).
  void delay_until(uint64_t deadline) { delayed_deadline_ = std::max(delayed_deadline_, deadline); }
  Bytes take_delayed() { return std::exchange(delayed_, {}); }

 private:
  std::map<uint32_t, std::shared_ptr<QuickModeExchange>> by_msgid_;
  Bytes delayed_;
  uint64_t delayed_deadline_ = 0;
};

// A remote-access session as accounting sees it: its Acct-Session-Id and the traffic of the
// IPsec SAs that are gone. The IKE SAs that carry the session in turn share it (a phase-1
// rekey hands it on); the Stop goes when the last of them does.
struct AccountingSession {
  std::string id;     // 8 hex digits, as the ASA numbers sessions
  std::string group;  // the accounting-server-group the Start went to
  uint64_t started = 0, last_interim = 0;
  uint64_t in_octets = 0, out_octets = 0, in_packets = 0, out_packets = 0;
};

// The key exchange of phase 1 while it runs: what the keys and HASH_I/HASH_R are computed from,
// and a responder's admission and decoy state. An established SA keeps only its keys: this goes
// (the DH private value wiped) when phase 1 completes: per tunnel, both public values (256 bytes
// each at group 14), both nonces and the peer's whole SA payload (a VPN Client offers over a dozen
// proposals).
struct Phase1Exchange {
  // Admission: a responder SA counts as half-open, under the address it came from, until its
  // peer proved the key.
  std::optional<uint32_t> half_open_address;
  bool dh_pending = false;  // the DH is being computed; messages wait (are dropped) meanwhile
  // No tunnel-group matched the aggressive-mode ID: the exchange goes on exactly as for a real
  // group, keyed with this random key that nobody knows, so that the answer says nothing
  // about which group names exist; AM3 can only fail.
  bool decoy = false;
  SecretBytes decoy_key;
  SaPayload reply_sa;  // aggressive mode: our answer's SA payload, chosen before the DH
  std::unique_ptr<DhKey> dh;
  Bytes sai_b;  // the initiator's SA payload body, for HASH_I/HASH_R
  Bytes gxi, gxr, ni, nr;
  Bytes idi_b;  // the initiator's ID payload body
};

// An IKE SA and its session (username, address, group-policy).
struct IkeSa {
  uint64_t index = 0;  // session index, as "show vpn-sessiondb" numbers them
  Cookie icookie{}, rcookie{};
  bool aggressive = false;
  bool responder = true;
  P1State state = P1State::MmWaitMsg3;
  Endpoint peer, local;
  std::string nameif;  // the interface the peer reached
  std::string tunnel_group;
  std::string group_policy;
  std::string username;
  bool remote_access = true;  // Type user; false for L2L
  Phase1Choice choice;
  bool xauth = false;  // the peer's proposal asked for XAUTH
  // XAUTH and mode-config in flight, and the user's authentication between them.
  Transaction transaction;
  // Who said yes (none: the local database) and what the server said about the user: applied
  // to the address, the group-policy, the filter and the session's limits.
  std::optional<config::Ipv4> aaa_server;
  aaa::Authorization authz;
  std::shared_ptr<AccountingSession> accounting;
  // The user passed XAUTH, or the tunnel-group asks none (L2L, ikev1-user-authentication none).
  // Until then the SA carries XAUTH alone: no mode-config, no quick mode.
  bool authorized = false;
  std::optional<config::Ipv4> assigned;  // mode-config address
  config::Mask assigned_mask{0xffffffffu};
  bool address_from_pool = false;
  // What the peer's vendor IDs said it supports.
  bool peer_dpd = false, peer_unity = false, peer_xauth = false, peer_frag = false;
  Vendor natt = Vendor::Unknown;             // the NAT-T variant agreed, Unknown for none
  bool nat_peer = false, nat_local = false;  // NAT-D results
  std::string client_version;                // APPLICATION_VERSION from the client

  // Phase 1 in flight (dropped once it is done); null afterwards.
  std::unique_ptr<Phase1Exchange> p1 = std::make_unique<Phase1Exchange>();
  Phase1Keys keys;
  Bytes phase1_iv;  // IV chain of phase 1; after it, the base of exchange IVs
  std::map<uint32_t, Bytes> exchange_ivs;  // message id -> current IV of that exchange

  // The last message we sent (a request is sent again until answered) and what we answered.
  Retransmission sent;

  // Quick modes in flight, each under its message id.
  using PendingQm = QuickModeExchange;  // its former name (tests/bench/ike_load.cpp prints it)
  QuickModes quick_modes;
  std::vector<IpsecSa> ipsec;

  // What an initiator set out to protect: the crypto map entry and the proxies.
  struct Wanted {
    std::string map;
    uint32_t seq = 0;
    Selector local, remote;
  };
  std::optional<Wanted> wanted;
  EndReason delete_reason = EndReason::None;  // why a Deleting SA goes
  uint64_t created = 0;
  uint64_t established = 0;  // when phase 1 completed
  // Phase-1 rekey (engine_phase1_rekey.cpp). IKEv1 has no rekey of its own: a new IKE SA of
  // the same peer and identity, without INITIAL-CONTACT, takes over the session (its IPsec
  // SAs, address, accounting, start) and the old one goes shortly after, quietly.
  uint64_t session_start = 0;    // when the session began, kept across phase-1 rekeys
  bool initial_contact = false;  // the peer sent INITIAL-CONTACT in phase 1: not a rekey
  Phase1Rekey p1_rekey;          // replacing another SA, replaced, or to be (phase1_rekey.hpp)
  // PHASE 1 COMPLETED logged: a client that pulls its configuration completes with the reply.
  bool phase1_reported = false;
  uint64_t last_heard = 0;              // any authenticated packet from the peer
  uint64_t last_keepalive = 0;          // NAT-T keepalives we send when we are the one behind a NAT
  Dpd dpd;                              // our R-U-THEREs and their answers
  uint64_t bytes_rx = 0, bytes_tx = 0;  // IKE bytes until the dataplane counts ESP
  // vpn-idle-timeout: when the tunnel last carried traffic, and the packet count then.
  uint64_t last_activity = 0;
  uint64_t traffic_packets = 0;
};

// Whether sa carries a session now: established and not replaced by a phase-1 rekey (a
// replaced SA lingers briefly, with nothing of the session left on it).
inline bool carries_session(const IkeSa& sa) {
  return sa.established && !sa.p1_rekey.replaced_by();
}

// The ASA's "Cert/Trans Exch/RM DSID in progress": the user has not passed XAUTH, or a
// remote-access client has no address yet (mode-config to come). A QM1 waits meanwhile.
inline bool transaction_in_progress(const IkeSa& sa) {
  return !sa.authorized || (sa.remote_access && !sa.assigned);
}

}  // namespace rampart::ike
