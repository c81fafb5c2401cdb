// The RADIUS protocol client over radcli 1.2.11 (RFC 2865 PAP, RFC 2866 accounting): one
// radcli handle per call, configured in memory for that one server, so that calls on several
// worker threads never share radcli state.
//
// What is verified where (radcli 1.2.11, lib/sendserver.c):
// - radcli checks each reply's Identifier and Response Authenticator (MD5 over the reply, the
//   request's authenticator and the key) before it decodes anything: a wrong key or a forged
//   reply ends the exchange with BADRESP_RC, our BadAuthenticator.
// - radcli adds a Message-Authenticator (RFC 3579 3.2) to an Access-Request only when it
//   carries an EAP-Message, and never checks one in a reply: its reply buffer is not handed
//   back, so we cannot check it either. A Message-Authenticator pair added by the caller is
//   packed as given (not computed), which a server drops as invalid, so we send none.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/aaa/radius_attributes.hpp"

namespace rampart::aaa::radius {

// The attribute section of a reply (what follows the 20-octet header) through radcli's own
// decoder (rc_avpair_gen) with our dictionary. nullopt: radcli rejected the section.
std::optional<std::vector<ReplyAttribute>> decode_attributes(std::span<const uint8_t> section);

// radcli's per-attempt wait and retry count for a target: the ASA's retry-interval between
// sends and as many sends as fit into its timeout (at least one).
struct Schedule {
  int interval_seconds = 10;  // radius_timeout
  int retries = 0;            // radius_retries: sends after the first
};
Schedule schedule(const ServerTarget& t);

}  // namespace rampart::aaa::radius
