// Informational exchanges (RFC 2408 4.8, RFC 2409 5.7) of the IKE SAs: the one-message exchanges
// that carry notifications and deletes both ways, and dead peer detection's R-U-THERE and its
// ACK (RFC 3706). A peer's informational is acted on only when its HASH proves phase 1's key;
// an IKE Delete ends only the SA it came on or the one that SA replaced, never another peer's.
// What ending an IPsec SA means for the dataplane stays with the engine (end_ipsec).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "control/ike/environment.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/outcome.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"

namespace rampart::ike {

class Informational {
 public:
  // Ends sa's IPsec SA number which, the peer not told (it deleted it); drain: it goes on
  // decrypting a little longer (what the peer sent on it may still be queued).
  using EndIpsec =
      std::function<void(IkeSa& sa, size_t which, std::string_view reason, bool drain)>;

  Informational(Environment& env, IkeStats& stats, IkeLog& log, SaTable& sas, IkeWire& wire,
                EndIpsec end_ipsec)
      : env_(env),
        stats_(stats),
        log_(log),
        sas_(sas),
        wire_(wire),
        end_ipsec_(std::move(end_ipsec)) {}

  // ---- from the peer
  // A protected informational for sa (body: the decrypted payloads, what its HASH covers).
  Outcome received(IkeSa& sa, uint32_t msgid, const std::vector<Payload>& payloads,
                   const Bytes& body);
  // One in the clear: logged and counted, never acted on. Its notify type tells the operator
  // why the peer gave up (INVALID_HASH_INFORMATION: a wrong pre-shared key).
  static Outcome unprotected(const std::vector<Payload>& payloads);
  // The IKE SAs a peer's Delete ended (marked Deleting, their IPsec SAs ended), for the engine
  // to remove once the message that carried it is handled; the list is emptied.
  std::vector<uint64_t> take_peer_deleted() { return std::exchange(peer_deleted_, {}); }

  // ---- to the peer: one-way, so that it never replaces the message sa retransmits
  void send(IkeSa& sa, std::vector<Payload> payloads);
  void send_dpd(IkeSa& sa);  // an R-U-THERE with the next sequence number (sa.dpd)
  void send_ipsec_delete(IkeSa& sa, const IpsecSa& ips);  // names our inbound SPI
  void send_ike_delete(IkeSa& sa);                        // names sa's cookies

 private:
  void notified(IkeSa& sa, const NotifyPayload& n);
  void deleted(IkeSa& sa, const DeletePayload& d);
  // The IKE SA a Delete that came on via names by its cookies, or null (logged).
  IkeSa* ike_sa_named(IkeSa& via, const Bytes& cookies);
  void ike_deleted(IkeSa& via, IkeSa& target);

  Environment& env_;
  IkeStats& stats_;
  IkeLog& log_;
  SaTable& sas_;
  IkeWire& wire_;
  EndIpsec end_ipsec_;
  std::vector<uint64_t> peer_deleted_;
};

}  // namespace rampart::ike
