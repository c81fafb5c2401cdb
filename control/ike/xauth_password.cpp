// password-management in XAUTH: the RADIUS server (MS-CHAPv2, RFC 2759) said the user's
// password expired (E=648); the client is asked for a new one in a second XAUTH request and the
// server is asked to change it (MS-CHAP2-CPW), whose Access-Accept completes the login.
//
// The question (draft-ietf-ipsec-isakmp-xauth-06 4): XAUTH-TYPE generic, an XAUTH-MESSAGE that
// says why, and XAUTH-NEXT-PIN for the new password. vpnc shows the message and prompts for the
// NEXT-PIN (its password helper answers when it runs without a terminal); the Cisco VPN Client
// shows its own "new password" dialog. [U] which attributes the ASA puts in this request and its
// message's words: no capture of an ASA's password-expiry exchange was found.
#include <fmt/format.h>

#include "control/ike/sa_config.hpp"
#include "control/ike/xauth.hpp"

namespace rampart::ike {

namespace {

// [U] the ASA's words.
constexpr std::string_view kPrompt = "Your password has expired. Enter a new password.";

}  // namespace

void Xauth::ask_new_password(IkeSa& sa) {
  // [U] the ASA's log line for an expired password.
  log_.event(&sa, fmt::format("User ({}) password expired, asking the client for a new password",
                              sa.transaction.user()));
  send_request(sa,
               {Attribute::tv(xauth_attr::kType, 0),
                Attribute::tlv(xauth_attr::kMessage, Bytes(kPrompt.begin(), kPrompt.end())),
                Attribute::tlv(xauth_attr::kNextPin, {})},
               true);
}

void Xauth::new_password_reply(IkeSa& sa, const AttributePayload& a) {
  // The old password leaves the SA now, whatever happens next.
  aaa::Password old = sa.transaction.take_password();
  const config::TunnelGroup* tg = tunnel_group_or_abort(cfg_, log_, sa);
  if (!tg) return;
  aaa::Password fresh;
  bool other_user = false;
  for (const auto& at : a.attributes) {
    if (at.type == xauth_attr::kNextPin) fresh = aaa::Password(at.text());
    if (at.type == xauth_attr::kUserName && at.text() != sa.transaction.user()) other_user = true;
  }
  if (fresh.empty() || other_user || old.empty() || !tg->general.password_management_days) {
    // A client that does not give a new password (or speaks for someone else) is refused as a
    // wrong password is: asked again from the start, up to the attempts.
    log_.event(&sa, fmt::format("User ({}) gave no new password for the expired one",
                                sa.transaction.user()));
    refused(sa, aaa::AuthResult{aaa::Outcome::Rejected, "Password change failed", {}, false, {}});
    return;
  }
  aaa::AuthRequest r = request_about(sa);
  r.user = sa.transaction.user();
  r.password = std::move(old);
  r.new_password = std::move(fresh);
  r.mschapv2 = true;
  // Only a server changes a password: the local database is no fallback for it.
  r.group = sa.transaction.group();
  r.fallback_local = false;
  log_.event(&sa, fmt::format("User ({}) password change requested", r.user));
  ask(sa, std::move(r), true);
}

}  // namespace rampart::ike
