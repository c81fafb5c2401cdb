// Where a remote-access client's assigned address is answered for (proxy ARP) and announced (a
// gratuitous ARP): on every interface whose connected subnet holds it, other than those with a
// crypto map (the side the client is on) — from the moment the address is assigned until the
// session ends, as the ASA announces it once mode-config has given it out. The engine's debug
// line and the daemon's neighbour entries read this one rule.
#pragma once

#include <string>
#include <vector>

#include "control/config/model.hpp"

namespace rampart::ike {

// The hardware names of the interfaces that answer for host (named, addressed, not shut down).
std::vector<std::string> proxy_arp_interfaces(const config::Config& cfg, config::Ipv4 host);

}  // namespace rampart::ike
