// What the firewall's show commands read: the policy in force (rampartd's firewall service)
// or, in a CLI without one, the policy the configuration means; and the connection table.
#pragma once

#include "cli/commands/common.hpp"
#include "control/firewall/connection_view.hpp"
#include "control/firewall/runtime.hpp"

namespace rampart::cli {

// The policy in force, or one built into storage from the configuration.
const firewall::Policy& policy_in_force(Ctx& c, firewall::Policy& storage);

}  // namespace rampart::cli
