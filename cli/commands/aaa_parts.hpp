// What the AAA sections share with the sections that name a server group (tunnel-groups, the
// PIX crypto map conversion, "clear configure aaa-server").
#pragma once

#include <optional>
#include <string>

#include "cli/commands/common.hpp"
#include "cli/render/writer.hpp"

namespace rampart::cli {

// "LOCAL" (the local user database) or a group of protocol local, as PIX 6.3 declared it.
bool is_local_group(const config::Config& cfg, const std::string& name);

// True when NAME is a server group (or LOCAL); otherwise writes the ASA's refusal, counted.
bool require_server_group(Ctx& c, const std::string& name);

// The first thing that names GROUP ("tunnel-group X", "aaa authentication ssh console",
// "aaa accounting command", "crypto map M client authentication"), or nothing.
std::optional<std::string> server_group_user(const config::Config& cfg, const std::string& group);

// "clear configure aaa-server": the groups go, and so does every reference to them, so that no
// tunnel-group or management line names a group that no longer exists.
void clear_server_groups(config::Config& cfg);

// "aaa authentication|authorization|accounting" lines (aaa_admin.cpp).
void register_aaa_admin(CommandTree& t);
void render_aaa_admin(const config::Config& cfg, ConfigWriter& w);

}  // namespace rampart::cli
