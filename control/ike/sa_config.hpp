// What a negotiation consults in the configuration, looked up afresh each time: the
// configuration may change between any two messages (an operator deletes a tunnel-group or a
// crypto map entry mid-negotiation), and a lookup says when what it needs is gone.
#pragma once

#include <cstdint>
#include <string>

#include "control/config/model.hpp"
#include "control/ike/sa.hpp"

namespace rampart::ike {

// sa's tunnel-group, or null.
const config::TunnelGroup* tunnel_group_of(const config::Config& cfg, const IkeSa& sa);
// A static (not dynamic) entry of a crypto map, or null.
const config::CryptoMapSettings* static_entry(const config::Config& cfg, const std::string& map,
                                              uint32_t seq);
// Whether Rampart pushes mode-config to sa's client (PIX "client configuration address
// initiate" on its interface's map) rather than answering its request. A Cisco Unity client
// asks by itself where the map also responds: it is answered, never pushed to.
bool pushes_config(const config::Config& cfg, const IkeSa& sa);

}  // namespace rampart::ike
