// The classic BPF program on the packet workers' AF_PACKET rings: what Decapsulator takes from
// a ring (untagged IPv4 carrying ESP, or UDP to 4500 whose first word is not IKE's zero
// marker), less the check of the destination address, which Decapsulator still makes. The
// kernel then copies nothing else into the rings: not the firewall's transit traffic, not IKE,
// not management. So the rings fill only with frames the dataplane owns, and what a full ring
// drops (PacketPort::take_drops) is ESP that was lost.
#pragma once

#include <linux/filter.h>

#include <span>

namespace rampart::dataplane {

std::span<const sock_filter> ring_filter();

}  // namespace rampart::dataplane
