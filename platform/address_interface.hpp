// Which interface holds a local IPv4 address, for sending from that address out of that
// interface whatever the routing table says (the IKE sockets: a tunnel's route toward a peer
// must not carry the IKE packets to that peer, which the ASA never encrypts).
#pragma once

#include <cstdint>

namespace rampart::platform {

// The index of the interface that has address (host order), or 0 when none has it. Answers from
// a view of the addresses at most a second old (a miss looks again at once).
int interface_of_address(uint32_t address);

}  // namespace rampart::platform
