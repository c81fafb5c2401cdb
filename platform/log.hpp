// Logging to syslog (and to stderr when rampartd runs in the foreground). Lines never carry
// secrets: callers pass only what the masked configuration would show.
#pragma once

#include <string_view>

namespace rampart::platform {

enum class Severity { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

void log_open(bool to_stderr);
void log(Severity s, std::string_view line);

}  // namespace rampart::platform
