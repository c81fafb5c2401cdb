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

// One per permit line of each static entry (with a peer, on a map bound to an interface), in
// map, sequence and line order; objects and object-groups expanded. A line whose protocol no ID
// can name is left out; a port range or "gt" asks for all ports (an ID carries one or all).
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
