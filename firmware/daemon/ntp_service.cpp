#include "firmware/daemon/ntp_service.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "platform/log.hpp"

namespace rampart::firmware {

namespace {

// chronyc answers in milliseconds; past this a chronyd is wedged and the show says so.
constexpr int kQueryTimeoutMs = 3000;

rampart::expected<void, std::string> write_private(const std::string& path,
                                                   const std::string& text) {
  std::string tmp = path + ".new";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return rampart::unexpected(fmt::format("{}: {}", tmp, std::strerror(errno)));
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0)
    return rampart::unexpected(fmt::format("{}: cannot write", path));
  return {};
}

}  // namespace

NtpService::NtpService(Options o) : o_(std::move(o)), paths_{o_.run_dir} {}

NtpService::~NtpService() {
  stop();
}

void NtpService::reap() {
  if (auto why = chronyd_.exited())
    platform::log(platform::Severity::Error, fmt::format("chronyd {}; restarting it", *why));
}

void NtpService::start() {
  // chronyd refuses a socket directory others can enter; chronyc makes its own reply socket
  // under /run/chrony.
  ::mkdir(paths_.dir.c_str(), 0700);
  ::chmod(paths_.dir.c_str(), 0700);
  ::mkdir("/run/chrony", 0750);
  if (auto r = write_private(paths_.keys(), time::chrony_keyfile(applied_)); !r) {
    platform::log(platform::Severity::Error, fmt::format("ntp: {}", r.error()));
    return;
  }
  if (auto r = write_private(paths_.conf(), time::chrony_conf(applied_, paths_, o_.poll)); !r) {
    platform::log(platform::Severity::Error, fmt::format("ntp: {}", r.error()));
    return;
  }
  ::unlink(paths_.pid().c_str());  // a pid file a killed rampartd left says nothing now
  last_start_ = std::time(nullptr);
  // -n: stay our child; -u root: the appliance has no chrony user (see SECURITY.md); -x (tests):
  // never touch the system clock. A killed rampartd leaves no chronyd behind.
  std::vector<std::string> argv{o_.chronyd, "-n"};
  if (!o_.set_system_clock) argv.push_back("-x");
  argv.insert(argv.end(), {"-u", "root", "-f", paths_.conf()});
  if (!chronyd_.start(argv, true))
    platform::log(platform::Severity::Error, "ntp: cannot start chronyd");
}

void NtpService::stop() {
  chronyd_.stop();
}

void NtpService::sync(const config::Config& cfg) {
  reap();
  if (!have_applied_ || !(cfg.ntp == applied_)) {
    have_applied_ = true;
    applied_ = cfg.ntp;
    stop();
    if (!applied_.servers.empty()) start();
    return;
  }
  if (!applied_.servers.empty() && !chronyd_.running() &&
      std::time(nullptr) - last_start_ >= kRestartSeconds)
    start();
}

rampart::expected<std::string, std::string> NtpService::chronyc(const char* command) const {
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return rampart::unexpected(std::string("pipe"));
  std::string socket = paths_.socket();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out[1], 1);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) ::dup2(devnull, 2);
    ::execl(o_.chronyc.c_str(), o_.chronyc.c_str(), "-h", socket.c_str(), "-c", "-n", command,
            static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(out[1]);
  if (pid < 0) {
    ::close(out[0]);
    return rampart::unexpected(std::string("fork"));
  }
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kQueryTimeoutMs);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{out[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buf[4096];
    ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  ::kill(pid, SIGKILL);  // harmless when it has exited; ends a wedged one
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return rampart::unexpected(fmt::format("chronyc {} failed", command));
  return text;
}

rampart::expected<time::NtpSnapshot, std::string> NtpService::query() const {
  time::NtpSnapshot s;
  auto tracking = chronyc("tracking");
  if (!tracking) return rampart::unexpected(tracking.error());
  auto t = time::parse_tracking(*tracking);
  if (!t) return rampart::unexpected(t.error());
  s.tracking = *t;
  if (auto text = chronyc("sources")) {
    auto sources = time::parse_sources(*text);
    if (!sources) return rampart::unexpected(sources.error());
    s.sources = *sources;
  }
  if (auto text = chronyc("ntpdata")) {
    auto data = time::parse_ntpdata(*text);
    if (!data) return rampart::unexpected(data.error());
    s.data = *data;
  }
  return s;
}

}  // namespace rampart::firmware
