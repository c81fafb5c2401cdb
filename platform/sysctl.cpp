#include "platform/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace rampart::platform {

rampart::expected<void, std::string> set_sysctl(std::string_view name, std::string_view value) {
  std::string path = "/proc/sys/";
  for (char c : name) path += c == '.' ? '/' : c;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return rampart::unexpected(std::string(name) + ": " + std::strerror(errno));
  ssize_t n = ::write(fd, value.data(), value.size());
  int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size()))
    return rampart::unexpected(std::string(name) + ": " + std::strerror(err));
  return {};
}

}  // namespace rampart::platform
