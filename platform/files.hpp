// Directory listings, free space and streamed file writes on flash.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/expected.hpp"

namespace rampart::platform {

struct DirEntry {
  std::string name;
  uint64_t size = 0;
  int64_t mtime = 0;
  bool directory = false;
  uint64_t inode = 0;
};

// root + "/" + rel when every part of rel that exists is a plain file or directory below root:
// no "..", and no symbolic link anywhere (the flash is FAT on the appliance and has none; one
// in a lab's flash directory could lead anywhere). Otherwise "No such file or directory".
rampart::expected<std::string, std::string> path_beneath(const std::string& root,
                                                         const std::string& rel);

// The entries of a directory sorted by name (dot files left out), or the one entry of a file.
rampart::expected<std::vector<DirEntry>, std::string> list_directory(const std::string& path);

struct Space {
  uint64_t total = 0;
  uint64_t free = 0;
};
Space file_system_space(const std::string& path);

// A file written in pieces that appears under its name only once complete and durable
// (temporary file, fsync, rename, fsync of the directory). Dropped without commit(), it leaves
// nothing behind.
class AtomicFile {
 public:
  ~AtomicFile();
  rampart::expected<void, std::string> open(const std::string& path);
  rampart::expected<void, std::string> write(std::string_view bytes);
  rampart::expected<void, std::string> commit();
  uint64_t written() const { return written_; }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  uint64_t written_ = 0;
};

// Copies a file through an AtomicFile. Returns the bytes copied.
rampart::expected<uint64_t, std::string> copy_file(const std::string& from, const std::string& to);

// Reads a file in pieces of up to chunk bytes, from offset for length bytes (all when 0).
rampart::expected<void, std::string> read_chunks(
    const std::string& path, uint64_t offset, uint64_t length,
    const std::function<rampart::expected<void, std::string>(std::string_view)>& sink);

}  // namespace rampart::platform
