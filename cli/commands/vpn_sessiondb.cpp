// vpn-sessiondb max-session-limit: the most VPN sessions the box admits (control/ike
// session_gate.cpp enforces it), and its line in show running-config.
#include <fmt/format.h>

#include "cli/commands/common.hpp"
#include "cli/commands/sections.hpp"
#include "cli/render/running_config.hpp"

namespace rampart::cli {

namespace {

constexpr std::string_view kHelpSessionDb = "Configure the VPN Session Manager";
constexpr std::string_view kHelpLimit = "Set the maximum number of sessions allowed";  // [U]
constexpr std::string_view kHelpSessions = "Maximum number of sessions";               // [U]

}  // namespace

void register_vpn_sessiondb(CommandTree& t) {
  // The ASA's range is 1 to what its license allows. Rampart has no license and carries
  // 10,000 tunnels in tests: any positive Integer32 (crasThrMaxSessions' range), so that an
  // ASA configuration of any platform loads.
  t.add({kConfig,
         "vpn-sessiondb max-session-limit <sessions:1-2147483647>",
         {kHelpSessionDb, kHelpLimit, kHelpSessions},
         [](Ctx& c) { c.cfg.vpn_sessiondb.max_session_limit = c.args.num("sessions"); }});
  t.add({kConfig,
         "no vpn-sessiondb max-session-limit [<sessions:1-2147483647>]",
         {kHelpNo, kHelpSessionDb, kHelpLimit, kHelpSessions},
         [](Ctx& c) { c.cfg.vpn_sessiondb.max_session_limit.reset(); }});
}

void render_vpn_sessiondb(const config::Config& cfg, ConfigWriter& w) {
  if (cfg.vpn_sessiondb.max_session_limit)
    w.line(fmt::format("vpn-sessiondb max-session-limit {}", *cfg.vpn_sessiondb.max_session_limit));
}

}  // namespace rampart::cli
