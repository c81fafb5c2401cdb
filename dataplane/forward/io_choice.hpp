// Which I/O the packet workers run on, chosen when rampartd starts (--packet-io, or
// RAMPART_PACKET_IO for the tests), and what each port ended up on, for show version and the
// log. AF_XDP is tried port by port: a port whose driver or kernel refuses the program or the
// socket runs on AF_PACKET alone, and says why.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rampart::dataplane {

enum class IoKind { AfPacket, AfXdp, Auto };

// "af_packet", "af_xdp", "auto"; nullopt for anything else.
std::optional<IoKind> parse_io_kind(std::string_view s);
std::string_view io_kind_name(IoKind k);

// The process's choice, set once at start (before any worker); AF_PACKET until then.
void set_io_choice(IoKind k);
IoKind io_choice();

// What a port runs on, as its first worker found it: "native, copy mode", or the reason it
// fell back ("AF_PACKET: XDP attach refused: ...").
void report_port_io(const std::string& port, const std::string& how, bool on_xdp);
void forget_port_io();  // the ports changed; the new workers report again

// show version's line: "AF_XDP (native, copy mode)" when every port agrees, each port's own
// otherwise; "AF_PACKET" when that was asked for.
std::string io_status();

}  // namespace rampart::dataplane
