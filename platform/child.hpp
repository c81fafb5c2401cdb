// A daemon rampartd runs as its own child (sshd, chronyd): started with the signals rampartd
// blocks for its signalfd unblocked, watched without waiting, stopped with a bounded wait.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace rampart::platform {

class Child {
 public:
  Child() = default;
  ~Child() { stop(); }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  // Runs argv (argv[0] the program's path). die_with_parent: the child gets SIGTERM when
  // rampartd dies, so that a killed daemon leaves none behind. False when fork failed.
  bool start(const std::vector<std::string>& argv, bool die_with_parent);
  // SIGTERM, then SIGKILL when the child has not exited within grace_ms: a wedged child is
  // not allowed to hold the caller's loop.
  void stop(int grace_ms = 1000);
  // The child's exit, in words ("exited with status 1", "was killed by signal 9"), when it has
  // exited since the last look; the child is then no longer running.
  std::optional<std::string> exited();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// A wait status in words, for logs.
std::string exit_reason(int status);

}  // namespace rampart::platform
