#include "platform/child.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

namespace rampart::platform {

bool Child::start(const std::vector<std::string>& argv, bool die_with_parent) {
  stop();
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (die_with_parent) ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::execv(args[0], args.data());
    _exit(127);
  }
  pid_ = pid > 0 ? pid : -1;
  return pid > 0;
}

void Child::stop(int grace_ms) {
  if (pid_ < 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int waited = 0; waited < grace_ms && ::waitpid(pid_, &status, WNOHANG) == 0; waited += 10)
    ::usleep(10'000);
  if (::waitpid(pid_, &status, WNOHANG) == 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

std::optional<std::string> Child::exited() {
  if (pid_ < 0) return std::nullopt;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) != pid_) return std::nullopt;
  pid_ = -1;
  return exit_reason(status);
}

std::string exit_reason(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return fmt::format("was killed by signal {}", WTERMSIG(status));
  return "stopped";
}

}  // namespace rampart::platform
