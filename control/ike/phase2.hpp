// Phase 2: the IPsec SAs of the IKE SAs. Quick mode in both roles (RFC 2409 5.5): as responder
// the proxies checked (a client speaks for its assigned address alone), the crypto map entry
// chosen, PFS, the lifetimes and QM2, then QM3's HASH(3); as initiator for a static entry or a
// rekey, QM1 and QM2's answer; one completion path for both. Then each SA's life: its install in
// the dataplane (IpsecDataplane, owned here), our rekey before its lifetime ends, its hard
// lifetimes, deletes both ways, and the operator told of an SA keyed differently from its peer.
// The IKE SA and its session (authorization, the held QM1, the address) are the engine's: a QM1
// reaches quick_mode_1 only once the engine has let it through.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/environment.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/informational.hpp"
#include "control/ike/ipsec_dataplane.hpp"
#include "control/ike/outcome.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"
#include "control/ike/session_accounting.hpp"
#include "control/ike/session_journal.hpp"

namespace rampart::ike {

struct EspChoice;          // ipsec_proposal.hpp
struct MapQuery;           // crypto_map_select.hpp
struct MapSelection;       // crypto_map_select.hpp
struct ResponderLifetime;  // ipsec_lifetime.hpp

class Phase2 {
 public:
  Phase2(const config::Config& cfg, Environment& env, IkeStats& stats, IkeLog& log, SaTable& sas,
         SessionJournal& journal, IkeWire& wire, Informational& informational,
         SessionAccounting& accounting)
      : cfg_(cfg),
        env_(env),
        stats_(stats),
        log_(log),
        sas_(sas),
        journal_(journal),
        wire_(wire),
        informational_(informational),
        accounting_(accounting) {}

  IpsecDataplane& dataplane() { return dataplane_; }
  const IpsecDataplane& dataplane() const { return dataplane_; }
  // Changes when an IPsec SA is added or removed (rekeys included).
  uint64_t generation() const { return generation_; }

  // ---- quick mode as responder (quick_mode_responder.cpp)
  // sa may start another IPsec SA (authorized, under its limits); false, counted, if not.
  bool admitted(IkeSa& sa);
  Outcome quick_mode_1(const Received& in);
  Outcome quick_mode_3(const Received& in);
  // ---- as initiator (quick_mode_initiator.cpp)
  // The quick mode sa.wanted names (a static crypto map entry and its proxies), if any.
  void start(IkeSa& sa);
  Outcome quick_mode_2(const Received& in);

  // ---- each SA's life
  // Per tick: quick modes that never finished, our rekeys, the hard lifetimes.
  void timers(IkeSa& sa, uint64_t now);
  // The message sa retransmits is a quick mode's (our QM2 awaiting QM3, or our QM1) and its
  // retransmissions ran out: that quick mode alone is given up. False when it is not one.
  bool abandon_quick_mode(IkeSa& sa);
  // Ends sa's IPsec SA number which (the peer told when notify_peer). drain: the SA stops
  // sending at once but decrypts for timers::kDrainSeconds more (the peer deleted it, or its
  // rekey replaced it: what was sent on it may still be queued).
  void delete_ipsec(IkeSa& sa, size_t which, bool notify_peer, std::string_view reason,
                    bool drain = false);
  // sa goes: what it still has leaves the dataplane (its IPsec SAs, its quick modes' SPIs).
  void forget(IkeSa& sa);

 private:
  // quick_mode_responder.cpp
  // Refuses a QM1: counted, logged, the notify sent to the peer.
  void reject_quick_mode(IkeSa& sa, uint16_t notify, std::string_view why);
  // A remote-access client's remote proxy is its assigned address, nothing else: false when
  // not (refused, logged, the peer told).
  bool client_proxy_allowed(IkeSa& sa, const Selector& remote);
  // Our inbound SPI for ips, drawn (draw_inbound_spi) and logged as the ASA's key engine does.
  void take_inbound_spi(IkeSa& sa, IpsecSa& ips);
  bool read_proxies(IkeSa& sa, const std::vector<const IdPayload*>& ids, Selector& local,
                    Selector& remote);
  bool select_entry(IkeSa& sa, const MapQuery& query, MapSelection& out);
  bool responder_pfs(IkeSa& sa, QuickModeExchange& q, const OpaquePayload* ke, int want_group,
                     const EspChoice& choice, Bytes& our_ke);
  void send_quick_mode_2(IkeSa& sa, uint32_t msgid, std::shared_ptr<QuickModeExchange> q,
                         const EspChoice& choice, const std::vector<const IdPayload*>& ids,
                         const ResponderLifetime& life, const Bytes& our_ke);
  // quick_mode_initiator.cpp
  // Our rekey: a quick mode for the SA old's successor.
  void start_rekey(IkeSa& sa, IpsecSa& old);
  // QM1 of a quick mode we start, from what q holds (proxies, PFS group, transform sets).
  void send_quick_mode_1(IkeSa& sa, std::shared_ptr<QuickModeExchange> q);
  bool initiator_pfs(IkeSa& sa, QuickModeExchange& q, const OpaquePayload* ke);
  // quick_mode_complete.cpp: keys, HASH(3) when we initiated, install and the SA database, for
  // both roles once the quick mode msgid is authenticated.
  void complete_quick_mode(IkeSa& sa, uint32_t msgid);
  void retire_superseded(IkeSa& sa, const IpsecSa& fresh);
  // ipsec_rekey.cpp
  // A new IPsec SA is up: its soft lifetime, and the SAs it replaces.
  void ipsec_established(IkeSa& sa, IpsecSa& fresh);
  void quick_mode_timer(IkeSa& sa, uint64_t now);
  void rekey_timers(IkeSa& sa, uint64_t now);
  void lifetime_timers(IkeSa& sa, uint64_t now);
  void rekey_failed(IkeSa& sa, uint32_t old_id);
  // An inbound SA that failed its ICV on every packet (timers::kVerifyAlarmPackets) is keyed
  // differently from the peer: 402120 once for it (at most one in timers::kVerifySyslogGap
  // seconds over all SAs, the ASA's rate for that message), and counted.
  void check_verification(const IkeSa& sa, IpsecSa& ips, uint64_t now);
  // ipsec_install.cpp: what is said and counted as dataplane_ takes SAs in and out.
  // keyed runs once the dataplane holds the outbound SA, before the inbound one is keyed (the
  // ASA's KEY_ADD), or at the end when there is no dataplane or the install failed before.
  void install(const IkeSa& sa, const IpsecSa& ips, const std::function<void()>& keyed = {});
  void log_encrypt_rule_lookup(const IkeSa& sa, const IpsecSa& ips);
  // 602303/602304: an IPsec SA of the given direction was created or deleted.
  void ipsec_sa_syslog(const IkeSa& sa, uint32_t spi, bool inbound, bool created);
  // Removes ips from the dataplane, its traffic kept in sa's accounting session first.
  void uninstall(IkeSa& sa, const IpsecSa& ips);
  // uninstall, the dataplane's inbound side kept decrypting for timers::kDrainSeconds.
  void uninstall_draining(IkeSa& sa, const IpsecSa& ips);
  // A fresh inbound SPI that no installed SA, no quick mode in flight and no negotiated SA
  // uses, recorded as sa's.
  uint32_t draw_inbound_spi(const IkeSa& sa);

  const config::Config& cfg_;
  Environment& env_;
  IkeStats& stats_;
  IkeLog& log_;
  SaTable& sas_;
  SessionJournal& journal_;
  IkeWire& wire_;
  Informational& informational_;
  SessionAccounting& accounting_;
  IpsecDataplane dataplane_{cfg_};
  uint64_t generation_ = 0;
  uint32_t next_conn_id_ = 1;
  uint64_t next_verify_syslog_ = 0;
};

}  // namespace rampart::ike
