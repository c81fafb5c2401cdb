// How the IKE engine speaks to the operator: "debug crypto isakmp" lines tagged and prefixed as
// the ASA's ("[IKEv1 DEBUG]Group = G, Username = U, IP = A, ..."), "debug crypto ipsec" lines,
// the IKE_DECODE line of each message, and syslog messages with the words and level of the one
// message table. Lines are built only when someone watches their kind and level, and
// peer-supplied bytes in them are escaped before they leave.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "control/ike/environment.hpp"
#include "control/ike/phase1_policy.hpp"
#include "control/ike/sa.hpp"
#include "control/logging/messages.hpp"

namespace rampart::ike {

class IkeLog {
 public:
  explicit IkeLog(Environment& env) : env_(env) {}

  // "debug crypto isakmp" as the ASA tags it: [IKEv1] events (level 1), [IKEv1 DEBUG] detail
  // (5), [IKEv1 DECODE] decodes (10), about sa, else about the peer's address (both may be null).
  enum class Tag { Event, Debug, Decode };
  void line(const IkeSa* sa, Tag tag, std::string_view text, const Endpoint* peer = nullptr);
  void event(const IkeSa* sa, std::string_view text, const Endpoint* peer = nullptr) {
    line(sa, Tag::Event, text, peer);
  }
  void debug(const IkeSa* sa, std::string_view text, const Endpoint* peer = nullptr) {
    line(sa, Tag::Debug, text, peer);
  }
  void decode(const IkeSa* sa, std::string_view text, const Endpoint* peer = nullptr) {
    line(sa, Tag::Decode, text, peer);
  }
  // The lines a helper outside the engine returned: level 1 as events, the rest as detail.
  void lines(const IkeSa& sa, const std::vector<DebugLine>& lines);
  // "debug crypto ipsec" at the given level.
  void ipsec(const IkeSa* sa, int level, std::string_view text);
  // IKE_DECODE SENDING|RECEIVED|RESENDING with the message's payloads and length.
  void message(const Endpoint& peer, bool sending, uint32_t msgid, const std::vector<Payload>& p,
               size_t length, bool resending = false);
  // Whether a line of this kind and level would be seen: for blocks costly to build.
  bool watching(DebugKind kind, int level) const { return env_.debugging(kind, level); }

  // Syslog message id. syslog_sa fills the table's leading "{}" with the session's
  // "Group = ..., IP = ...," prefix (sa or peer may be null); syslog_plain is for the messages
  // that carry none.
  template <class... A>
  void syslog_sa(const IkeSa* sa, const Endpoint* peer, uint32_t id, const A&... args) {
    emit(id, logging::text(id, prefix(sa, peer), args...));
  }
  template <class... A>
  void syslog_plain(uint32_t id, const A&... args) {
    emit(id, logging::text(id, args...));
  }

  // "Group = G, Username = U, IP = A, " with what is known of the session.
  static std::string prefix(const IkeSa* sa, const Endpoint* peer = nullptr);

 private:
  static DebugSubject subject(const IkeSa* sa, const Endpoint* peer);
  void emit(uint32_t id, const std::string& text);

  Environment& env_;
};

}  // namespace rampart::ike
