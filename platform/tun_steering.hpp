// Which queue of a VPN device (which packet worker) takes what the kernel routes into it. By
// default the kernel picks by flow hash, so two connections to one VPN client land on two
// workers: its SA's lock and sequence numbers shared across cores for nothing, and its ESP
// leaving out of order. Steered by the IPv4 destination instead (TUNSETSTEERINGEBPF), one
// remote host's traffic leaves through one worker; distinct hosts (clients, a site's hosts)
// still spread over all of them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/expected.hpp"

namespace rampart::platform {

// Attaches the steering program to the TUN device of tun_fd (any of its queues).
rampart::expected<void, std::string> steer_by_destination(int tun_fd);

// What the program answers for an Ethernet frame carrying IPv4 (the destination address, host
// order; the kernel takes it modulo the queues), run by the kernel (BPF_PROG_TEST_RUN): tests.
rampart::expected<uint32_t, std::string> steering_choice(const uint8_t* frame, size_t len);

}  // namespace rampart::platform
