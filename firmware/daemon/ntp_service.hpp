// NTP through chronyd: rampartd writes chrony.conf and its key file from the ntp lines,
// (re)starts chronyd as its own child in the appliance's namespace whenever they change, and
// asks it with chronyc over chronyd's own command socket for the show commands (on deferred
// work: a chronyd that does not answer never holds up the loop).
#pragma once

#include <sys/types.h>
#include <string>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "control/time/chrony.hpp"
#include "platform/child.hpp"

namespace rampart::firmware {

class NtpService : public cli::NtpClient {
 public:
  struct Options {
    std::string chronyd = "/usr/sbin/chronyd";
    std::string chronyc = "/usr/bin/chronyc";
    std::string run_dir = "/run/rampart/chrony";
    // The appliance lets chronyd set the kernel's clock; a lab sharing the host's clock runs
    // it with -x (--ntp-keep-clock), so that nothing but the appliance's view moves.
    bool set_system_clock = true;
    time::ChronyPolling poll;
  };
  explicit NtpService(Options o);
  ~NtpService() override;

  // After every CLI line and once a second: applies changed ntp lines; restarts a chronyd that
  // died (not more than once in kRestartSeconds).
  void sync(const config::Config& cfg);
  rampart::expected<time::NtpSnapshot, std::string> query() const override;

  static constexpr int kRestartSeconds = 5;

 private:
  void start();
  void stop();
  void reap();
  rampart::expected<std::string, std::string> chronyc(const char* command) const;

  Options o_;
  time::ChronyPaths paths_;
  config::Ntp applied_;
  bool have_applied_ = false;
  platform::Child chronyd_;
  int64_t last_start_ = 0;
};

}  // namespace rampart::firmware
