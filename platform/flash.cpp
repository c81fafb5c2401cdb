#include "platform/flash.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "platform/errno_text.hpp"

namespace rampart::platform {

namespace {

std::string dir_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

rampart::expected<void, std::string> sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return path_failure("open", dir);
  int r = ::fsync(fd);
  ::close(fd);
  if (r != 0) return path_failure("fsync", dir);
  return {};
}

// Writes zeros over the whole of an open file and makes them durable, so that what it held
// (a key, a pre-shared key) does not stay behind in the flash's free blocks once unlinked. FAT
// and ext4 rewrite a file's blocks in place; a flash chip's own wear levelling may still keep
// old pages, which no file system call reaches.
bool overwrite_with_zeros(int fd) {
  off_t size = ::lseek(fd, 0, SEEK_END);
  if (size < 0) return false;
  static const char zeros[65536] = {};
  off_t done = 0;
  while (done < size) {
    size_t want = static_cast<size_t>(std::min<off_t>(size - done, sizeof zeros));
    ssize_t n = ::pwrite(fd, zeros, want, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += n;
  }
  return ::fsync(fd) == 0;
}

}  // namespace

rampart::expected<void, std::string> atomic_write(const std::string& path,
                                                  const std::string& text) {
  std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return path_failure("open", tmp);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      auto e = path_failure("write", tmp);
      ::close(fd);
      ::unlink(tmp.c_str());
      return e;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto e = path_failure("fsync", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  }
  // The old contents are wiped once the new file has replaced them (never before: a power cut
  // in between must still leave a whole file under the name).
  int old = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = path_failure("rename", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    if (old >= 0) ::close(old);
    return e;
  }
  // On FAT (the flash) a file's size and first cluster live in its directory entry, and a rename
  // over an existing name moves the file into the old entry's slot without writing it: only
  // the file's own fsync does. Without this, a power cut within the writeback delay left the
  // name pointing at the old, freed clusters and fsck truncated it to nothing.
  bool entry_synced = ::fsync(fd) == 0;
  ::close(fd);
  auto synced = sync_dir(dir_of(path));
  if (synced && !entry_synced) synced = path_failure("fsync", path);
  if (old >= 0) {
    struct stat st {};
    // Only an inode that the rename really unlinked (not a second name of it).
    if (::fstat(old, &st) == 0 && st.st_nlink == 0) (void)overwrite_with_zeros(old);
    ::close(old);
    // Closing the last reference freed the old clusters; on FAT that change sits in the
    // allocation table until writeback, and a power cut would leave them as fsck's lost chains.
    if (int dfd = ::open(dir_of(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
      (void)::syncfs(dfd);
      ::close(dfd);
    }
  }
  return synced;
}

rampart::expected<std::string, std::string> read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return path_failure("open", path);
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto e = path_failure("read", path);
      ::close(fd);
      return e;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

rampart::expected<void, std::string> remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return path_failure("unlink", path);
  return sync_dir(dir_of(path));
}

rampart::expected<void, std::string> destroy_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return {};
  if (fd < 0) return path_failure("open", path);
  bool wiped = overwrite_with_zeros(fd);
  ::close(fd);
  if (!wiped) return path_failure("overwrite", path);
  return remove_file(path);
}

void remove_stale_temporaries(const std::string& path) {
  std::string dir = dir_of(path);
  std::string base = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  std::string prefix = base + ".tmp.";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    if (std::string_view(e->d_name).starts_with(prefix)) ::unlinkat(::dirfd(d), e->d_name, 0);
  }
  ::closedir(d);
}

}  // namespace rampart::platform
