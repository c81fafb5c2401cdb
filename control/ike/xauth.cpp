#include "control/ike/xauth.hpp"

#include <fmt/format.h>

#include <tuple>

#include "control/ike/mode_config.hpp"
#include "control/ike/sa_config.hpp"
#include "control/ike/session_filter.hpp"

namespace rampart::ike {

namespace {

// "authentication-server-group G [LOCAL]": the group that decides (LOCAL when none is named) and
// whether the local database answers when no server of it does. The CLI may keep "G LOCAL" in
// the one text.
std::pair<std::string, bool> authentication_group(const config::TunnelGroup& tg) {
  const auto& g = tg.general;
  if (!g.authentication_server_group) return {"LOCAL", false};
  return {*g.authentication_server_group, g.authentication_fallback_local};
}

}  // namespace

void Xauth::start(IkeSa& sa) {
  send_request(sa,
               {Attribute::tv(xauth_attr::kType, 0), Attribute::tlv(xauth_attr::kUserName, {}),
                Attribute::tlv(xauth_attr::kUserPassword, {})},
               false);
}

void Xauth::send_request(IkeSa& sa, std::vector<Attribute> attributes, bool new_password) {
  // A new exchange each time (a new message ID and identifier): a first request or, for an
  // expired password, the request for a new one.
  sa.state = P1State::XauthWait;
  const uint32_t msgid = wire_.random_msgid();
  Bytes id = wire_.random_bytes(2);
  sa.transaction.request_sent(msgid, static_cast<uint16_t>((id[0] << 8) | id[1]), new_password);
  AttributePayload req;
  req.type = cfg_type::kRequest;
  req.identifier = sa.transaction.identifier();
  req.attributes = std::move(attributes);
  log_.debug(&sa, "constructing blank hash payload");
  log_.debug(&sa, "constructing qm hash payload");
  wire_.send_protected(sa, Exchange::Transaction, msgid, {req}, {}, true);
}

void Xauth::reply(IkeSa& sa, const AttributePayload& a) {
  if (sa.transaction.reply_taken()) {
    new_password_reply(sa, a);
    return;
  }
  const config::TunnelGroup* tg = tunnel_group_or_abort(cfg_, log_, sa);
  if (!tg) return;
  aaa::AuthRequest r = request_about(sa);
  for (const auto& at : a.attributes) {
    if (at.type == xauth_attr::kUserName) r.user = at.text();
    if (at.type == xauth_attr::kUserPassword) r.password = aaa::Password(at.text());
  }
  std::tie(r.group, r.fallback_local) = authentication_group(*tg);
  // password-management: MS-CHAPv2, and the password kept for a change should it have expired.
  r.mschapv2 = tg->general.password_management_days.has_value();
  if (r.mschapv2)
    sa.transaction.keep_password(r.password);
  else
    sa.transaction.drop_password();
  ask(sa, std::move(r), false);
}

aaa::AuthRequest Xauth::request_about(const IkeSa& sa) {
  aaa::AuthRequest r;
  r.purpose = aaa::Purpose::VpnUser;
  r.tunnel_group = sa.tunnel_group;
  r.client = sa.peer.address;
  r.nas = sa.local.address;
  r.nas_port = static_cast<uint32_t>(sa.index);
  r.port_name = "vpn";
  return r;
}

void Xauth::ask(IkeSa& sa, aaa::AuthRequest r, bool changing) {
  const uint64_t ticket = next_ticket_++;
  sa.transaction.asking(ticket, r.user, r.group, changing);
  const uint64_t index = sa.index;
  std::weak_ptr<int> alive = alive_;
  // sa must not be used after this: the answer may have come (and the SA gone) in line.
  env_.authenticate(cfg_, std::move(r), [this, alive, index, ticket](aaa::AuthResult res) {
    if (!alive.expired()) deliver_(index, ticket, std::move(res));
  });
}

void Xauth::answered(uint64_t index, uint64_t ticket, aaa::AuthResult r) {
  // The SA is looked up again: it may have been deleted, or asked again, meanwhile.
  IkeSa* found = sas_.get(index);
  if (!found || !found->transaction.awaits(ticket)) {
    log_.debug(nullptr, fmt::format("AAA answer for session {} that is gone, dropped", index));
    return;
  }
  IkeSa& sa = *found;
  const bool was_change = sa.transaction.answered();
  if (sa.state != P1State::XauthWait) return;  // being deleted
  const config::TunnelGroup* tg = tunnel_group_or_abort(cfg_, log_, sa);
  if (!tg) return;
  if (authentication_group(*tg).first != sa.transaction.group()) {
    // The group that answered is no longer the one that decides: the user is asked again.
    log_.event(&sa, "Authentication server group changed during the request");
    r = aaa::AuthResult{aaa::Outcome::Rejected, "AAA Server has been removed", {}, false, {}};
  }
  const bool may_change =
      tg->general.password_management_days && !was_change && sa.transaction.holds_password();
  if (r.outcome == aaa::Outcome::PasswordExpired && may_change) {
    ask_new_password(sa);
    return;
  }
  sa.transaction.drop_password();
  if (r.outcome == aaa::Outcome::Accepted)
    accepted(sa, r);
  else
    refused(sa, r);
}

void Xauth::accepted(IkeSa& sa, const aaa::AuthResult& r) {
  const std::string user = sa.transaction.user();
  sas_.set_username(sa, user);
  // A user the local database vouched for takes its attributes from there (ClientConfig::assign,
  // session_limits); a server's user from what the server said.
  const bool by_server = !r.local;
  sa.aaa_server = by_server ? std::optional(r.server.value_or(config::Ipv4{})) : std::nullopt;
  sa.authz = by_server ? r.authz : aaa::Authorization{};
  // The AAA service writes 113004/113012 for what a server group answered (one line per
  // answer); the engine only for the local database it asked itself.
  const bool engine_asked = sa.transaction.group() == "LOCAL";
  if (by_server) {
    if (sa.authz.group_policy) {
      if (cfg_.group_policies.contains(*sa.authz.group_policy)) {
        sa.group_policy = *sa.authz.group_policy;
        log_.syslog_plain(113003, user, sa.group_policy);
      } else {
        log_.event(&sa, fmt::format("Group policy {} from the AAA server does not exist, using {}",
                                    *sa.authz.group_policy, sa.group_policy));
      }
    }
  } else {
    if (auto u = cfg_.users.find(user); u != cfg_.users.end() && u->second.attributes.group_policy)
      sa.group_policy = *u->second.attributes.group_policy;
    if (engine_asked) log_.syslog_plain(113012, "authentication", user);
  }
  if (log_.watching(DebugKind::Isakmp, 5)) {
    auto gp = cfg_.group_policies.find(sa.group_policy);
    for (const auto& l :
         user_attribute_lines(gp == cfg_.group_policies.end() ? nullptr : &gp->second))
      log_.debug(&sa, l);
  }
  log_.event(&sa, fmt::format("User ({}) authenticated.", user));
  send_status(sa, user_filter_exists(sa) && admit_(sa, user));
}

bool Xauth::user_filter_exists(IkeSa& sa) {
  // The ASA refuses a session whose per-user ACL (Filter-Id) names no access-list of its own:
  // without it the user's traffic could not be filtered as the server asked.
  auto acl = missing_user_filter(cfg_, sa);
  if (!acl) return true;
  ++stats_.responder_fails;  // "show crypto isakmp stats": a tunnel this box refused
  // [U] 113030's severity and wording (the table's), from memory of the ASA's catalogue.
  log_.syslog_plain(113030, sa.tunnel_group, sa.username, sa.peer.address.str(), *acl);
  return false;
}

void Xauth::refused(IkeSa& sa, const aaa::AuthResult& r) {
  const std::string& user = sa.transaction.user();
  const bool may_retry = sa.transaction.refused();
  ++stats_.auth_fails;
  const bool no_server = r.outcome == aaa::Outcome::NoServer;
  // Server groups' refusals are logged by the AAA service (113005, the user masked).
  if (sa.transaction.group() == "LOCAL")
    // The refused name is masked (it may be a password typed in the wrong box), as the
    // AAA service's 113015/113005 do.
    log_.syslog_plain(113015, "authentication", r.reason,
                      fmt::format(" : user IP = {}", sa.peer.address.str()));
  log_.event(&sa, fmt::format("User ({}) authentication rejected.", user));
  // A wrong password may be typed again, as the ASA allows; servers that do not answer are not
  // asked again for this client.
  if (!no_server && may_retry) {
    start(sa);
    return;
  }
  send_status(sa, false);
}

void Xauth::send_status(IkeSa& sa, bool ok) {
  AttributePayload set;
  set.type = cfg_type::kSet;
  Bytes id = wire_.random_bytes(2);
  set.identifier = static_cast<uint16_t>((id[0] << 8) | id[1]);
  set.attributes = {Attribute::tv(xauth_attr::kStatus, ok ? 1 : 0)};
  sa.transaction.set_sent(wire_.random_msgid(),
                          ok ? Transaction::Set::XauthOk : Transaction::Set::XauthFail);
  log_.debug(&sa, "constructing blank hash payload");
  log_.debug(&sa, "constructing qm hash payload");
  wire_.send_protected(sa, Exchange::Transaction, sa.transaction.set_msgid(), {set}, {}, true);
}

}  // namespace rampart::ike
