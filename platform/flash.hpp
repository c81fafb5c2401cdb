// Files on flash (disk0:). Writes are atomic: a crash or power cut at any point leaves either
// the old file or the new one, never a torn one.
#pragma once

#include <string>
#include "platform/expected.hpp"

namespace rampart::platform {

// Writes to a temporary file in the same directory, fsyncs it, renames it over path and fsyncs
// the directory, so the rename itself is durable. Mode 0600: the file may hold secrets, and
// the replaced contents are overwritten with zeros once the new file is in place.
rampart::expected<void, std::string> atomic_write(const std::string& path, const std::string& text);
rampart::expected<std::string, std::string> read_file(const std::string& path);
// Removes path (durably); a missing file is not an error.
rampart::expected<void, std::string> remove_file(const std::string& path);

// Overwrites the file with zeros (fsynced), then removes it (durably): "write erase" and
// "crypto key zeroize rsa". A missing file is not an error.
rampart::expected<void, std::string> destroy_file(const std::string& path);

// Removes "<path>.tmp.*" files a write interrupted by a crash or power cut left behind.
void remove_stale_temporaries(const std::string& path);

}  // namespace rampart::platform
