// The TACACS+ client (RFC 8907) behind aaa::make_tacacs_client: TCP to the server (port 49),
// one deadline per exchange (ServerTarget.timeout), single-connection mode when the server
// agrees, otherwise one connection per session. Calls block on the calling worker thread and
// may run concurrently: each session owns its connection while it runs.
#pragma once

#include <memory>

#include "control/aaa/aaa.hpp"
#include "control/aaa/tacacs_codec.hpp"

namespace rampart::aaa {

struct TacacsOptions {
  // The ASA logs in with ASCII (START, GETUSER/GETPASS answered with CONTINUE); PAP sends the
  // password in the START.
  tacacs::AuthenType login = tacacs::AuthenType::Ascii;
  // Ask for TAC_PLUS_SINGLE_CONNECT_FLAG; kept only when the server sets it in its reply.
  bool single_connect = true;
};

std::unique_ptr<ProtocolClient> make_tacacs_client(DebugSink debug, TacacsOptions options);

// The authorization attributes the ASA documents for TACACS+ (priv-lvl for exec; acl,
// idletime and timeout, in minutes, for network access), applied to an Authorization.
// Returns false for an argument it does not use (the caller may say so in the debug).
bool apply_tacacs_attribute(std::string_view arg, Authorization& out);

}  // namespace rampart::aaa
