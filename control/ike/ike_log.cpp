#include "control/ike/ike_log.hpp"

#include <fmt/format.h>

#include "platform/printable.hpp"

namespace rampart::ike {

std::string IkeLog::prefix(const IkeSa* sa, const Endpoint* peer) {
  std::string p;
  if (sa && !sa->tunnel_group.empty()) p += fmt::format("Group = {}, ", sa->tunnel_group);
  if (sa && !sa->username.empty()) p += fmt::format("Username = {}, ", sa->username);
  if (sa)
    p += fmt::format("IP = {}, ", sa->peer.address.str());
  else if (peer)
    p += fmt::format("IP = {}, ", peer->address.str());
  return p;
}

void IkeLog::line(const IkeSa* sa, Tag tag, std::string_view text, const Endpoint* peer) {
  static constexpr std::string_view kTags[] = {"[IKEv1]", "[IKEv1 DEBUG]", "[IKEv1 DECODE]"};
  static constexpr int kLevels[] = {1, 5, 10};
  auto t = static_cast<size_t>(tag);
  // Several lines per datagram, and usually no session watches them: the prefix, the
  // escaping and the daemon's timestamp are spent only for one that does.
  if (!env_.debugging(DebugKind::Isakmp, kLevels[t])) return;
  // Peer-supplied bytes (IDs, user names, versions) are in these lines: escaped at the sink.
  DebugSubject about = subject(sa, peer);
  env_.debug(DebugKind::Isakmp, kLevels[t],
             platform::printable(fmt::format("{}{}{}", kTags[t], prefix(sa, peer), text)),
             sa || peer ? &about : nullptr);
}

void IkeLog::lines(const IkeSa& sa, const std::vector<DebugLine>& lines) {
  for (const auto& l : lines) line(&sa, l.level <= 1 ? Tag::Event : Tag::Debug, l.text);
}

void IkeLog::ipsec(const IkeSa* sa, int level, std::string_view text) {
  if (!env_.debugging(DebugKind::Ipsec, level)) return;
  DebugSubject about = subject(sa, nullptr);
  env_.debug(DebugKind::Ipsec, level, text, sa ? &about : nullptr);
}

void IkeLog::message(const Endpoint& peer, bool sending, uint32_t msgid,
                     const std::vector<Payload>& p, size_t length, bool resending) {
  if (!env_.debugging(DebugKind::Isakmp, 5)) return;  // two per exchanged message
  std::string what = resending ? "RESENDING" : sending ? "SENDING" : "RECEIVED";
  std::string text = fmt::format("IKE_DECODE {} Message (msgid={:x}) with payloads : {}", what,
                                 msgid, describe(p, length));
  DebugSubject about{peer.address.value, {}, {}};
  env_.debug(DebugKind::Isakmp, 5, fmt::format("[IKEv1]IP = {}, {}", peer.address.str(), text),
             &about);
}

DebugSubject IkeLog::subject(const IkeSa* sa, const Endpoint* peer) {
  if (!sa) return {peer ? peer->address.value : 0, {}, {}};
  return {sa->peer.address.value, sa->username, sa->tunnel_group};
}

void IkeLog::emit(uint32_t id, const std::string& text) {
  const logging::MessageDef* def = logging::find_message(id);
  // Peer-supplied bytes (IDs, user names) are in these lines: escaped before they leave.
  env_.syslog(def ? def->level : 6, static_cast<int>(id), platform::printable(text));
}

}  // namespace rampart::ike
