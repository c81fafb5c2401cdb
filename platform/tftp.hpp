// A TFTP client (RFC 1350, octet mode, with the block-size option of RFC 2348) for
// "copy tftp://host/file disk0:/file".
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "platform/expected.hpp"

namespace rampart::platform {

using ByteSink = std::function<rampart::expected<void, std::string>(std::string_view)>;

// Fetches tftp://A.B.C.D[:port]/path, handing each block to sink in order. Returns the size
// fetched, or why not ("Timed out", the server's error message, the sink's error).
rampart::expected<uint64_t, std::string> tftp_get(const std::string& url, const ByteSink& sink);

}  // namespace rampart::platform
