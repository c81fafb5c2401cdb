// Which crypto map entry answers a quick mode (the responder's choice), as a pure function of the
// configuration and what the peer asked for: no engine, no state, so that each rule has its own
// test. The ASA walks the map on the interface the peer reached in sequence order: a static
// entry is a candidate when it names the peer and its ACL covers the proxies; a dynamic entry
// stands for its dynamic map's entries (their ACL, if any, checked the same way). The first
// candidate with an acceptable transform wins.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/ipsec_proposal.hpp"
#include "control/ike/phase1_policy.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// What the peer asked for, as the selection needs it.
struct MapQuery {
  std::string nameif;  // the interface the peer reached
  config::Ipv4 peer;
  Selector local, remote;  // the proxies, our side and the peer's side
  const SaPayload* offered = nullptr;
  bool udp_only = false;  // a NAT in between: UDP-encapsulated modes only (RFC 3947 5.1)
};

struct MapSelection {
  enum class Outcome {
    NoMap,         // no crypto map on that interface
    NoProxyMatch,  // no entry for this peer covers the proxies
    NoProposal,    // entries cover them, none accepts a transform offered
    Chosen,
  } outcome = Outcome::NoMap;
  const config::CryptoMap* map = nullptr;
  const config::CryptoMapSettings* settings = nullptr;  // the entry chosen, in the config
  uint32_t seq = 0;     // its sequence: the static entry's, or the dynamic map's
  std::string map_tag;  // the map's name, or the dynamic map's for a dynamic entry (as the ASA)
  std::optional<EspChoice> choice;
  std::vector<DebugLine> log;  // the ASA's lines of the walk, in order
};

MapSelection select_crypto_map(const config::Config& cfg, const MapQuery& q);

// Whether one crypto ACL (plain entries: objects already expanded) covers the proxies: an
// extended permit entry with our side as source and the peer's as destination whose every
// operand contains the proxy's (address range, protocol, ports).
bool acl_covers(const config::AccessList& acl, const Selector& local, const Selector& remote);

}  // namespace rampart::ike
