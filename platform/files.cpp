#include "platform/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "platform/errno_text.hpp"

namespace rampart::platform {

namespace {

DirEntry entry_of(const std::string& name, const struct stat& st) {
  return {name, static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtime),
          S_ISDIR(st.st_mode), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace

rampart::expected<std::string, std::string> path_beneath(const std::string& root,
                                                         const std::string& rel) {
  auto refused = [] { return rampart::unexpected(std::string("No such file or directory")); };
  std::string path = root;
  size_t p = 0;
  bool exists = true;
  while (p < rel.size()) {
    size_t e = rel.find('/', p);
    if (e == std::string::npos) e = rel.size();
    std::string_view part(rel.data() + p, e - p);
    p = e + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return refused();
    path += "/" + std::string(part);
    struct stat st {};
    if (exists && ::lstat(path.c_str(), &st) != 0) exists = false;  // nothing below it either
    if (exists && S_ISLNK(st.st_mode)) return refused();
  }
  return path;
}

rampart::expected<std::vector<DirEntry>, std::string> list_directory(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return rampart::unexpected(std::string(std::strerror(errno)));
  std::vector<DirEntry> out;
  if (!S_ISDIR(st.st_mode)) {
    auto slash = path.rfind('/');
    out.push_back(entry_of(slash == std::string::npos ? path : path.substr(slash + 1), st));
    return out;
  }
  DIR* d = ::opendir(path.c_str());
  if (!d) return rampart::unexpected(std::string(std::strerror(errno)));
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;  // ".", "..", and the private files (SSH host keys)
    struct stat fst {};
    if (::stat((path + "/" + e->d_name).c_str(), &fst) == 0)
      out.push_back(entry_of(e->d_name, fst));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return out;
}

Space file_system_space(const std::string& path) {
  struct statvfs v {};
  if (::statvfs(path.c_str(), &v) != 0) return {};
  return {static_cast<uint64_t>(v.f_blocks) * v.f_frsize,
          static_cast<uint64_t>(v.f_bavail) * v.f_frsize};
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

rampart::expected<void, std::string> AtomicFile::open(const std::string& path) {
  path_ = path;
  tmp_ = fmt::format("{}.tmp.{}", path, ::getpid());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) return path_failure("open", tmp_);
  return {};
}

rampart::expected<void, std::string> AtomicFile::write(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return rampart::unexpected(std::string(n < 0 ? std::strerror(errno) : "short write"));
    bytes.remove_prefix(static_cast<size_t>(n));
    written_ += static_cast<uint64_t>(n);
  }
  return {};
}

rampart::expected<void, std::string> AtomicFile::commit() {
  if (::fsync(fd_) != 0) return path_failure("fsync", tmp_);
  ::close(fd_);
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    auto e = path_failure("rename", tmp_);
    ::unlink(tmp_.c_str());
    return e;
  }
  auto slash = path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

rampart::expected<void, std::string> read_chunks(
    const std::string& path, uint64_t offset, uint64_t length,
    const std::function<rampart::expected<void, std::string>(std::string_view)>& sink) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return rampart::unexpected(std::string(std::strerror(errno)));
  std::string buf(1 << 20, '\0');
  uint64_t left = length, pos = offset;
  for (;;) {
    size_t want = buf.size();
    if (length && left < want) want = static_cast<size_t>(left);
    if (length && want == 0) break;
    ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(pos));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return rampart::unexpected(std::string(std::strerror(errno)));
    }
    if (n == 0) break;
    pos += static_cast<uint64_t>(n);
    if (length) left -= static_cast<uint64_t>(n);
    if (auto r = sink(std::string_view(buf.data(), static_cast<size_t>(n))); !r) {
      ::close(fd);
      return r;
    }
  }
  ::close(fd);
  if (length && left) return rampart::unexpected(std::string("file is truncated"));
  return {};
}

rampart::expected<uint64_t, std::string> copy_file(const std::string& from, const std::string& to) {
  AtomicFile out;
  if (auto r = out.open(to); !r) return rampart::unexpected(r.error());
  if (auto r = read_chunks(from, 0, 0, [&](std::string_view b) { return out.write(b); }); !r)
    return rampart::unexpected(r.error());
  if (auto r = out.commit(); !r) return rampart::unexpected(r.error());
  return out.written();
}

}  // namespace rampart::platform
