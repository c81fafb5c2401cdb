// Phase 1 (RFC 2409 5) with pre-shared keys: aggressive mode (three messages, the EzVPN client
// flow) and main mode (six) as responder, main mode as initiator for LAN-to-LAN. Admission of a
// new negotiation (Admission: half-open and rate limits, the DH workers' capacity), the
// tunnel-group it lands on (and the decoy for a name that has none), the DH on the workers,
// SKEYID and the keys, NAT discovery (RFC 3947), the peer's proof of the key (HASH_I/HASH_R),
// peer-id-validate, INITIAL-CONTACT, and the ASA's lines for each step. What a completed
// phase 1 begins (XAUTH, the session, quick mode) and an SA's removal are the engine's (Hooks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/admission.hpp"
#include "control/ike/environment.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/informational.hpp"
#include "control/ike/outcome.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"

namespace rampart::ike {

class Phase1 {
 public:
  struct Hooks {
    // The SA goes, with everything on it (the peer told when notify_peer).
    std::function<void(uint64_t index, EndReason reason, bool notify_peer)> remove;
    // sa proved the key and phase 1 is complete (established, its exchange material gone):
    // what it begins is the engine's.
    std::function<void(IkeSa& sa)> completed;
    // A DH result, handed back to dh_done through the engine's boundary (its catch).
    std::function<void(uint64_t index, DhOutcome outcome)> dh_result;
  };

  Phase1(const config::Config& cfg, Environment& env, IkeStats& stats, IkeLog& log, SaTable& sas,
         IkeWire& wire, Informational& informational, Hooks hooks)
      : cfg_(cfg),
        env_(env),
        stats_(stats),
        log_(log),
        sas_(sas),
        wire_(wire),
        informational_(informational),
        hooks_(std::move(hooks)) {}

  // ---- admission of new negotiations (phase1_admission.cpp)
  // False, counted and logged, when a new negotiation from d is refused.
  bool admit(const Datagram& d);
  void refuse(Refusal why, const Endpoint& peer);
  // A responder SA stops counting as half-open: its peer proved the key, or it is gone.
  void settle(IkeSa& sa);
  // First messages are logged at most once a second, whatever the rate (Admission::log_due).
  std::optional<uint64_t> log_due() { return admission_.log_due(env_.now()); }

  // ---- as responder (phase1_responder.cpp); each handler is given a message that passed its
  // rules (engine_dispatch.cpp)
  bool aggressive_allowed(const Received& in);  // not with crypto ikev1 am-disable
  Outcome aggressive_1(const Received& in);
  Outcome aggressive_3(const Received& in);
  Outcome main_1(const Received& in);
  Outcome main_3(const Received& in);
  Outcome main_5(const Received& in);
  // The DH the workers computed for SA index (perhaps gone meanwhile): AM2 or MM4 follows.
  void dh_done(uint64_t index, DhOutcome outcome);

  // ---- as initiator (phase1_initiator.cpp)
  // A LAN-to-LAN SA of ours, about to send MM1, in the table.
  IkeSa& new_initiator_sa(const Endpoint& local, const Endpoint& peer, const std::string& nameif,
                          const std::string& tunnel_group);
  // MM1 with every pre-shared-key policy; false (nothing sent) when there is none.
  bool send_main_1(IkeSa& sa);
  Outcome main_2(const Received& in);
  Outcome main_4(const Received& in);
  Outcome main_6(const Received& in);

  // ---- complete (phase1_complete.cpp)
  // PHASE 1 COMPLETED, once, when the ASA prints it: at once, or for a client that pulls its
  // configuration after the mode-config reply (the engine says when). With our lifetime when
  // shorter than offered (aggressive mode), and the peak of sessions.
  void report_established(IkeSa& sa);

 private:
  // Our phase-1 nonces, both roles (RFC 2409 5: 8 to 256 bytes).
  static constexpr size_t kNonceLength = 32;

  // A responder SA for the first message m that came on d, counted as half-open, in the table.
  IkeSa& new_responder_sa(const Datagram& d, const Message& m);
  bool select_group(IkeSa& sa, const IdPayload* id);
  // Hands sa's DH to the environment; the exchange goes on in dh_done (perhaps before this
  // returns: sa must not be used after it). The SA goes, counted, when the workers cannot
  // take it or the peer's value is refused.
  void start_dh(IkeSa& sa, const Bytes& peer_ke);
  void dh_failed(IkeSa& sa);
  void send_aggressive_2(IkeSa& sa, const SecretBytes& gxy);
  // Main mode's key exchange message, either role (MM3 ours as initiator, MM4 as responder):
  // our KE and nonce, NAT-D when NAT-T was agreed; then it waits in next.
  void send_key_exchange(IkeSa& sa, const Bytes& ke, const Bytes& nonce, P1State next);
  // SKEYID and the rest from g^xy, the nonces, publics and cookies held in sa (either role).
  bool phase1_keys(IkeSa& sa, const SecretBytes& gxy);
  // NAT-D (RFC 3947 3.2) of the payloads against the endpoints the peer may have hashed: a
  // side is not behind a NAT when its hash matches one of its endpoints (locals, peers).
  // NAT-D payloads, then before_verdict (the ASA reads AM3's vendor IDs there), then the
  // NAT detection verdict.
  void nat_discovery(IkeSa& sa, const std::vector<Payload>& p, std::span<const Endpoint> locals,
                     std::span<const Endpoint> peers,
                     const std::function<void()>& before_verdict = {});
  void add_nat_d(IkeSa& sa, std::vector<Payload>& out);
  void add_identity_and_hash_r(IkeSa& sa, std::vector<Payload>& out);
  // Checks the peer's HASH_I/HASH_R: nothing when it proves the key, else the failure (logged).
  std::optional<Outcome> unauthenticated(IkeSa& sa, const Bytes& received, const Bytes& peer_id_b);
  // peer-id-validate of the tunnel-group against the identity main mode's MM5 carried.
  bool peer_id_valid(IkeSa& sa, const IdPayload& id);
  // INITIAL-CONTACT: what we still hold for this peer (a client: its address and port; a site:
  // its address and tunnel-group) is stale and goes.
  void process_initial_contact(IkeSa& sa, const std::vector<Payload>& p);
  // The key is proven: established, the exchange's material gone, INITIAL-CONTACT in p acted
  // on (a responder's), then hooks_.completed.
  void complete(IkeSa& sa, const std::vector<Payload>& p);
  void send_responder_lifetime(IkeSa& sa);

  const config::Config& cfg_;
  Environment& env_;
  IkeStats& stats_;
  IkeLog& log_;
  SaTable& sas_;
  IkeWire& wire_;
  Informational& informational_;
  Hooks hooks_;
  Admission admission_;
};

}  // namespace rampart::ike
