// The DebugSink rampartd gives the AAA clients: lines posted to the appliance tagged with their
// kind (decode or session) and the user of the call that made them, so that each session's
// "debug radius|tacacs" keywords choose what it sees.
#pragma once

#include "cli/session.hpp"
#include "control/aaa/aaa.hpp"

namespace rampart::cli {

aaa::DebugSink aaa_debug_sink(Appliance& app, DebugFacility f);

}  // namespace rampart::cli
