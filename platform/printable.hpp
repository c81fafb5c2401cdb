// Bytes that came from a peer (a user name, an ID, a client's version string) are shown to the
// operator only through this: control characters and bytes outside printable ASCII become \xNN,
// so that a newline in a user name cannot forge a second syslog line or a row of a show table.
#pragma once

#include <string>
#include <string_view>

namespace rampart::platform {

std::string printable(std::string_view peer_bytes);

}  // namespace rampart::platform
