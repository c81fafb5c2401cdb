#include "dataplane/forward/ring_filter.hpp"

#include <array>

#include "dataplane/forward/ipv4.hpp"

namespace rampart::dataplane {

namespace {

using ipv4::kEth;

constexpr sock_filter stmt(uint16_t code, uint32_t k) {
  return {code, 0, 0, k};
}
constexpr sock_filter jump(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) {
  return {code, jt, jf, k};
}

// Offsets from the Ethernet header; X holds the IPv4 header's length once it is read. A jump
// goes 1 + jt (or jf) instructions on; a load beyond the frame ends the program: dropped.
constexpr uint32_t kIp = kEth, kProto = kIp + 9, kUdpDport = 2, kUdpPayload = 8;
constexpr uint32_t kWhole = 0x40000;  // bytes kept of an accepted frame: all of it

constexpr std::array<sock_filter, 12> kProgram = {{
    stmt(BPF_LD | BPF_H | BPF_ABS, 12),                      // 0: EtherType
    jump(BPF_JMP | BPF_JEQ | BPF_K, ipv4::kTypeIpv4, 0, 9),  // 1: IPv4, else drop (11)
    stmt(BPF_LD | BPF_B | BPF_ABS, kProto),                  // 2: protocol
    jump(BPF_JMP | BPF_JEQ | BPF_K, ipv4::kProtoEsp, 6, 0),  // 3: ESP: accept (10)
    jump(BPF_JMP | BPF_JEQ | BPF_K, ipv4::kProtoUdp, 0, 6),  // 4: UDP, else drop (11)
    stmt(BPF_LDX | BPF_B | BPF_MSH, kIp),                    // 5: X = IPv4 header length
    stmt(BPF_LD | BPF_H | BPF_IND, kIp + kUdpDport),         // 6: UDP destination port
    jump(BPF_JMP | BPF_JEQ | BPF_K, ipv4::kNattPort, 0, 3),  // 7: 4500, else drop (11)
    stmt(BPF_LD | BPF_W | BPF_IND, kIp + kUdpPayload),       // 8: the first word after it
    jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),                // 9: IKE's marker: drop (11)
    stmt(BPF_RET | BPF_K, kWhole),                           // 10: accept
    stmt(BPF_RET | BPF_K, 0),                                // 11: drop
}};

}  // namespace

std::span<const sock_filter> ring_filter() {
  return kProgram;
}

}  // namespace rampart::dataplane
