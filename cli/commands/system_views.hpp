// Pieces of the system views that interfaces.cpp's show interface shares.
#pragma once

#include "cli/commands/common.hpp"
#include "cli/system.hpp"

namespace rampart::cli {

// The ASA's counter block of show interface (packets, bytes, errors, the Traffic Statistics
// for a named interface), from the kernel's counters; "counters unavailable" when it has none.
void render_interface_counters(Ctx& c, const config::Interface& itf, bool detail);

}  // namespace rampart::cli
