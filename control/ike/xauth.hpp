// XAUTH (draft-ietf-ipsec-isakmp-xauth-06) of the IKE SAs, from our request to the status we
// send: the client's credentials go to the tunnel-group's authentication-server-group (the
// local database or a server group behind the Environment), a wrong password may be typed again
// up to Transaction::kMaxAttempts, an expired one is changed when password-management allows,
// and the user who passed is authorized as the server said (group-policy, filter) before the
// engine's session limits have the last word. What the status's ACK starts (mode-config, the
// session) is the engine's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "control/aaa/aaa.hpp"
#include "control/config/model.hpp"
#include "control/ike/environment.hpp"
#include "control/ike/ike_log.hpp"
#include "control/ike/ike_stats.hpp"
#include "control/ike/ike_wire.hpp"
#include "control/ike/sa.hpp"
#include "control/ike/sa_table.hpp"

namespace rampart::ike {

class Xauth {
 public:
  // The engine's last word on a user who passed: the session's limits (logging off the user's
  // idlest login where that makes room). False: refused, logged.
  using Admit = std::function<bool(IkeSa& sa, const std::string& user)>;
  // How an AAA answer reaches answered(): through the engine's boundary (its catch), later or
  // at once. Never called once this object is gone.
  using Deliver = std::function<void(uint64_t sa_index, uint64_t ticket, aaa::AuthResult r)>;

  Xauth(const config::Config& cfg, Environment& env, IkeStats& stats, IkeLog& log, SaTable& sas,
        IkeWire& wire, Admit admit, Deliver deliver)
      : cfg_(cfg),
        env_(env),
        stats_(stats),
        log_(log),
        sas_(sas),
        wire_(wire),
        admit_(std::move(admit)),
        deliver_(std::move(deliver)) {}

  // Phase 1 is done and the tunnel-group asks for XAUTH: the first request.
  void start(IkeSa& sa);
  // The client's reply to our request (the first, or the one for a new password).
  void reply(IkeSa& sa, const AttributePayload& a);
  // The AAA server's answer under ticket, for the SA with that session index (perhaps gone).
  void answered(uint64_t sa_index, uint64_t ticket, aaa::AuthResult r);

 private:
  // new_password: the request asks for a new password (the old one expired).
  void send_request(IkeSa& sa, std::vector<Attribute> attributes, bool new_password);
  // A question to the AAA service about sa's user: whom it is for (its tunnel-group, the
  // client's address, our address and the session as NAS port).
  static aaa::AuthRequest request_about(const IkeSa& sa);
  // Sends r to its group; answered() takes the answer. sa must not be used afterwards.
  void ask(IkeSa& sa, aaa::AuthRequest r, bool changing);  // changing: the password
  void accepted(IkeSa& sa, const aaa::AuthResult& r);
  void refused(IkeSa& sa, const aaa::AuthResult& r);
  void send_status(IkeSa& sa, bool ok);
  // False (and 113030) when an AAA server named a filter ACL this box does not have.
  bool user_filter_exists(IkeSa& sa);
  // password-management (xauth_password.cpp): the server said the password expired; the client
  // is asked for a new one, then the server for the change.
  void ask_new_password(IkeSa& sa);
  void new_password_reply(IkeSa& sa, const AttributePayload& a);

  const config::Config& cfg_;
  Environment& env_;
  IkeStats& stats_;
  IkeLog& log_;
  SaTable& sas_;
  IkeWire& wire_;
  Admit admit_;
  Deliver deliver_;
  uint64_t next_ticket_ = 1;
  // An answer that comes after this object is gone (the engine with it) finds this expired.
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace rampart::ike
