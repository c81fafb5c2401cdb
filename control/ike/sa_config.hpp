// What a negotiation consults in the configuration, looked up afresh each time: the
// configuration may change between any two messages (an operator deletes a tunnel-group or a
// crypto map entry mid-negotiation), and a lookup says when what it needs is gone.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "control/config/model.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

class IkeLog;  // ike_log.hpp

// sa's tunnel-group, or null.
const config::TunnelGroup* tunnel_group_of(const config::Config& cfg, const IkeSa& sa);
// The same for a negotiation that needs it to go on: when the configuration lost it, sa is
// marked for deletion (logged) and null returned.
const config::TunnelGroup* tunnel_group_or_abort(const config::Config& cfg, IkeLog& log, IkeSa& sa);
// A static (not dynamic) entry of a crypto map, or null.
const config::CryptoMapSettings* static_entry(const config::Config& cfg, const std::string& map,
                                              uint32_t seq);
// Whether Rampart pushes mode-config to sa's client (PIX "client configuration address
// initiate" on its interface's map) rather than answering its request. A Cisco Unity client
// asks by itself where the map also responds: it is answered, never pushed to.
bool pushes_config(const config::Config& cfg, const IkeSa& sa);

// The tunnel-group a new phase 1 lands on (the ASA's "Connection landed on tunnel_group").
struct Landing {
  std::string wanted;  // what the peer named: its ID in aggressive mode, else its address
  std::string group;   // empty: none has a pre-shared key for it (the negotiation ends)
  bool remote_access = false;
  // Aggressive mode named a LAN-to-LAN group from another address: refused that group, since
  // AM2 proves its key to whoever asks before the peer has proven anything.
  bool l2l_named_from_elsewhere = false;
};
// By the name the peer gave (ID_KEY_ID, FQDN or user FQDN in aggressive mode; main mode has
// only the peer's address), else DefaultRAGroup for a client (aggressive mode or XAUTH
// proposed) and DefaultL2LGroup for a site (DefaultRAGroup where that has no key: the PIX
// wildcard key's clients pass XAUTH like every other).
Landing landing_group(const config::Config& cfg, bool aggressive, bool xauth,
                      const config::Ipv4& peer, const std::optional<std::string>& named);

}  // namespace rampart::ike
