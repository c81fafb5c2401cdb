// SSH management access on the appliance: OpenSSH's sshd configured from the "ssh" lines,
// "ssh version", "ssh timeout" and "aaa authentication ssh console LOCAL", with the username
// database as its accounts. Logins land in the Rampart shell (ForceCommand), never in a Unix
// shell; passwords are checked by rampartd through PAM (rampart --pam-auth).
#pragma once

#include <sys/types.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "control/config/model.hpp"
#include "platform/child.hpp"
#include "platform/firewall.hpp"

namespace rampart::firmware {

class SshService {
 public:
  struct Options {
    std::string sshd;                      // the sshd binary
    std::string run_dir = "/run/rampart";  // sshd_config and the pid file go here
    std::string key_dir;                   // host keys (on flash), made by the image's init
    std::string passwd = "/etc/passwd";    // rewritten: the shipped accounts plus users
    std::string shell = "/usr/bin/rampart";
    // The Linux device of a hardware interface name; set, sync() also installs the kernel
    // rules that keep each address's SSH to its own interface (platform::install_ssh_rules).
    std::function<std::string(const std::string& hw)> device_for;
  };
  static constexpr unsigned kGroup = 2000;  // group of SSH users; may use the control socket
  // The one uid administrators known only to an AAA server share (the NSS module gives it to
  // any name the local files lack, while a server group authenticates SSH); local users get
  // kGroup + 1 and up.
  static constexpr unsigned kAaaUid = kGroup;

  explicit SshService(Options o);
  ~SshService();
  SshService(const SshService&) = delete;
  SshService& operator=(const SshService&) = delete;

  // Brings sshd in line with the configuration: (re)started with a new sshd_config when it
  // changed, stopped when SSH is not enabled, restarted (and why it stopped logged) when it
  // died. Cheap when nothing changed.
  void sync(const config::Config& cfg);
  // The file the NSS module reads (nss::kAaaAccountFile in the image): "UID GID SHELL" while
  // "aaa authentication ssh console GROUP" names a server group and SSH is enabled, else none.
  std::string aaa_account_path() const { return o_.run_dir + "/aaa-account"; }
  // The user a uid was given to, or empty.
  std::string user_for_uid(unsigned uid) const;

  // The sshd_config for cfg, or empty when SSH is not enabled (no ssh line whose interface
  // has an address, or no "aaa authentication ssh console LOCAL").
  std::string render(const config::Config& cfg) const;
  // The (address, device) pairs whose SSH the kernel keeps to that device (none without
  // Options::device_for, or when SSH is not enabled).
  std::vector<platform::SshBinding> bindings(const config::Config& cfg) const;

 private:
  void write_accounts(const config::Config& cfg);
  void write_aaa_account(const config::Config& cfg);
  void start();
  void stop();
  void reap();
  std::string key_stamp() const;
  Options o_;
  std::string base_passwd_;
  std::string config_;  // what the running sshd was started with
  std::string accounts_;
  std::string aaa_account_;  // what aaa_account_path() holds ("" = removed)
  std::map<std::string, unsigned> uids_;
  unsigned next_uid_ = kGroup + 1;
  std::string keys_;  // the host key files' sizes and times the running sshd loaded
  platform::Child sshd_;
  time_t last_start_ = 0;
};

}  // namespace rampart::firmware
