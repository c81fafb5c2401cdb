// "debug crypto condition peer A.B.C.D | user NAME | group NAME": which IKE and IPsec debug
// lines a session shows once it has set any condition. A line is shown when it is about a peer,
// user or tunnel-group that one of the conditions names (any one of them); a line about no
// negotiation is not. Per session, as this box's debugs are ([U]: the ASA's filter may be the
// box's, shared by its sessions).
#pragma once

#include <cstdint>
#include <set>
#include <string>

#include "control/ike/debug_subject.hpp"

namespace rampart::cli {

struct CryptoDebugCondition {
  std::set<uint32_t> peers;  // host order
  std::set<std::string> users, groups;

  bool empty() const { return peers.empty() && users.empty() && groups.empty(); }
  bool shows(const ike::DebugSubject* about) const {
    if (empty()) return true;
    if (!about) return false;
    return peers.contains(about->peer) ||
           (!about->user.empty() && users.contains(std::string(about->user))) ||
           (!about->group.empty() && groups.contains(std::string(about->group)));
  }
};

}  // namespace rampart::cli
