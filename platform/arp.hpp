// Gratuitous ARP: an ARP request for an address of ours, from that address, broadcast on a
// device, so that the hosts there point their caches at us (the ASA announces a VPN client's
// address this way when it falls in a connected subnet and it answers for it by proxy ARP).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "platform/expected.hpp"

namespace rampart::platform {

// Sends one gratuitous ARP for address (host order) from mac on the device ifindex.
rampart::expected<void, std::string> send_gratuitous_arp(int ifindex,
                                                         const std::array<uint8_t, 6>& mac,
                                                         uint32_t address);

}  // namespace rampart::platform
