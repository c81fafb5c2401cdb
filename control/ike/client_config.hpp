// What a remote-access client is given over mode-config (draft-dukes-ike-mode-cfg): its address
// (the user's own from the AAA server or the local database, else the group-policy's or the
// tunnel-group's pools; never one another session holds) and the group-policy's attributes,
// answered to the client's request (Cisco VPN Client 4.x, vpnc) or pushed in a SET where the
// crypto map says "client configuration address initiate" (the PIX flow). It owns the pools'
// allocations and says when a client's address came or went (generation), for what follows the
// clients outside the engine. When the transaction exchange hands a request here is the engine's.
#pragma once

#include <cstdint>

#include "control/config/model.hpp"
#include "control/ike/address_pools.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/session_journal.hpp"

namespace rampart::ike {

class ClientConfig {
 public:
  ClientConfig(const config::Config& cfg, IkeLog& log, IkeWire& wire, SessionJournal& journal)
      : cfg_(cfg), log_(log), wire_(wire), journal_(journal) {}

  // The client's request (msgid: its exchange), from an authorized remote-access SA: an address
  // and the reply. False when no address can be had (logged, 713132; nothing sent).
  bool answer(IkeSa& sa, uint32_t msgid, const AttributePayload& request);
  // After XAUTH: the SET with the address and attributes, where the crypto map pushes (else
  // nothing: the client asks). False when no address can be had (logged; nothing sent).
  bool push(IkeSa& sa);

  // sa's address: kept when it has one; false (logged, 713132) when none can be had.
  bool assign(IkeSa& sa);
  // Back to its pool (or free for its user again) as the session ends.
  void release(IkeSa& sa);

  // Changes whenever a client's address may have come or gone; changed() says so for what
  // happens outside (an SA removed, a session handed to a phase-1 rekey's SA).
  uint64_t generation() const { return generation_; }
  void changed() { ++generation_; }
  const AddressPools& pools() const { return pools_; }

 private:
  // The client's address is now answered for on the inside (control/ike/proxy_arp.hpp): the
  // ASA's "Gratuitous ARP sent" line.
  void announce(const IkeSa& sa);
  void took(IkeSa& sa, config::Ipv4 address, config::Mask mask, bool from_pool);

  const config::Config& cfg_;
  IkeLog& log_;
  IkeWire& wire_;
  SessionJournal& journal_;
  AddressPools pools_;
  uint64_t generation_ = 0;
};

}  // namespace rampart::ike
