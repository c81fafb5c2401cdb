// The RADIUS protocol client (RFC 2865 PAP, RFC 2866 accounting) as the ASA speaks it.
//
// What is verified where:
// - Our requests: every Access-Request carries a Message-Authenticator (RFC 3579 3.2,
//   radius_packet.cpp), computed by us; Accounting-Requests carry the RFC 2866 Request
//   Authenticator.
// - Replies (radius_packet.cpp check_reply, before anything in them is read): the socket is
//   connected to the server's address and port, so the kernel drops datagrams from anyone
//   else; the Identifier must match; the Length and attribute framing must hold; the Response
//   Authenticator must verify with our key; an Access-Accept/Reject/Challenge must carry a
//   valid Message-Authenticator (require_message_authenticator). A reply that fails is
//   counted and dropped and we keep waiting until the timeout, so a forged datagram cannot
//   end the exchange early.
// - radcli 1.2.11 is used for what it does safely: its dictionary and rc_avpair_gen decode
//   the attribute section of a reply that passed those checks. Its transport (rc_aaa) is not
//   used: it overwrites its own Response Authenticator verdict (radius_packet.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/aaa/radius_attributes.hpp"

namespace rampart::aaa::radius {

// The attribute section of a reply (what follows the 20-octet header) through radcli's own
// decoder (rc_avpair_gen) with our dictionary. nullopt: the framing is broken.
std::optional<std::vector<ReplyAttribute>> decode_attributes(std::span<const uint8_t> section);

// When to send: the ASA's retry-interval between sends and as many sends as fit into its
// timeout (at least one). The exchange ends at the timeout.
struct Schedule {
  std::chrono::milliseconds interval{10000};
  int sends = 1;
};
Schedule schedule(const ServerTarget& t);

// Options of one client (tests turn the Message-Authenticator requirement off to show what a
// server that omits it gets).
struct ClientOptions {
  bool require_message_authenticator = true;
};
std::unique_ptr<ProtocolClient> make_client(DebugSink debug, ClientOptions options);

}  // namespace rampart::aaa::radius
