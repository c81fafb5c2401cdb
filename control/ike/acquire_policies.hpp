// Acquire's policies: the proxies each static crypto map entry's ACL asks to protect, held by
// the dataplane so that traffic under one, while no SA protects it, is dropped and asks for its
// tunnel (the ASA's "interesting traffic"). This object keeps the dataplane's list in step with
// the configuration and hands back what traffic asked for; the engine negotiates it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "control/ike/sa.hpp"
#include "dataplane/sad/sad.hpp"

namespace rampart::ike {

struct AcquireTarget {
  std::string map;
  uint32_t seq = 0;
  Selector local, remote;
  bool operator==(const AcquireTarget&) const = default;
};

// The traffic static crypto map entries protect: each active extended permit line of each
// static entry that can start its tunnel (it names a peer, its map is bound to an interface),
// objects and object-groups expanded into plain operands, in map, sequence and line order.
// Acquire's targets and the routes into the tunnels before they are up (firmware VpnRoutes)
// both read it.
struct ProtectedLine {
  std::string map;
  uint32_t seq = 0;
  std::string nameif;           // the interface the map is bound to
  config::AccessListEntry ace;  // plain operands (config/acl_expand.hpp)
};
std::vector<ProtectedLine> protected_lines(const config::Config& cfg);

// One per protected line. A line whose protocol no ID can name is left out; a port range or
// "gt" asks for all ports (an ID carries one or all).
std::vector<AcquireTarget> acquire_targets(const config::Config& cfg);

class AcquirePolicies {
 public:
  // Gives sad the configuration's policies when they changed (then nothing is asked for: what
  // was queued names the old list), else the targets traffic asked for since the last call,
  // each once.
  std::vector<AcquireTarget> sync(const config::Config& cfg, dataplane::Sad& sad);

 private:
  std::vector<AcquireTarget> targets_;  // index = the dataplane policy's cookie
};

}  // namespace rampart::ike
