// Which parts of a configuration name an object or object-group, so that the CLI can refuse
// to delete one that is in use, as the ASA does (a dangling name would match nothing, and an
// access-list or NAT rule would change meaning without anyone asking for it).
#pragma once

#include <string_view>

#include "control/config/model.hpp"

namespace rampart::config {

// True when an access-list entry, an object-group member or a NAT rule (object or twice)
// names this object or object-group.
bool object_in_use(const Config& cfg, std::string_view name);

}  // namespace rampart::config
