// Runs test code in a thread of its own with a network namespace of its own (unshare), so that
// links, routes and neighbours made there touch nothing outside; a child the thread starts (ip,
// sysctl) inherits it. Returns why not when that cannot be done (not root), for the test to say.
#pragma once

#include <sched.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <thread>

namespace rampart::test {

inline std::string in_namespace(const std::function<void()>& f) {
  std::string why;
  std::thread t([&] {
    if (::unshare(CLONE_NEWNET) != 0) {
      why = "unshare(CLONE_NEWNET): " + std::string(std::strerror(errno));
      return;
    }
    f();
  });
  t.join();
  return why;
}

}  // namespace rampart::test
