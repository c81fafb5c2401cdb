#include "firmware/daemon/ssh_service.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <vector>

#include <fmt/format.h>

#include "firmware/nss/aaa_account.hpp"
#include "platform/firewall.hpp"
#include "platform/flash.hpp"
#include "platform/log.hpp"

namespace rampart::firmware {

namespace {

constexpr int kRestartSeconds = 5;         // a crashing sshd is restarted at most this often
constexpr char kLoginShell[] = "/bin/sh";  // of every SSH account; sshd runs ForceCommand with it

// Names that can be Unix accounts without quoting surprises; others cannot log in by SSH.
bool account_name(const std::string& n) {
  if (n.empty() || n.size() > 32 || n[0] == '-' || n[0] == '.') return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-')
      return false;
  return true;
}

}  // namespace

SshService::SshService(Options o) : o_(std::move(o)) {
  if (auto t = platform::read_file(o_.passwd)) base_passwd_ = *t;
  // A file a previous rampartd left (it was killed) says nothing about this configuration.
  ::unlink(aaa_account_path().c_str());
}

SshService::~SshService() {
  stop();
  if (!aaa_account_.empty()) ::unlink(aaa_account_path().c_str());
  if (o_.device_for && !config_.empty()) (void)platform::install_ssh_rules({});
}

namespace {

// The networks "ssh" lines admit, by the address of their interface (and its hardware name).
struct Access {
  std::string hw;
  std::vector<std::string> nets;
};
std::map<std::string, Access> access_by_address(const config::Config& cfg) {
  std::map<std::string, Access> out;
  for (const auto& a : cfg.management.ssh) {
    const config::Interface* itf = cfg.interface_by_nameif(a.nameif);
    if (!itf || !itf->address || itf->shutdown) continue;
    Access& acc = out[itf->address->str()];
    acc.hw = itf->hw_name;
    std::string net = fmt::format("{}/{}", a.network.str(), a.mask.prefix_len());
    if (std::find(acc.nets.begin(), acc.nets.end(), net) == acc.nets.end()) acc.nets.push_back(net);
  }
  return out;
}

}  // namespace

std::string SshService::render(const config::Config& cfg) const {
  const auto& m = cfg.management;
  if (!m.authenticates("ssh")) return {};
  // Each "ssh NET MASK IF" admits NET on IF's own address only: one Match block per address
  // below, and rules() keeps connections to that address to the interface it belongs to.
  auto nets_by_address = access_by_address(cfg);
  if (nets_by_address.empty()) return {};
  std::string c = "# Rendered by rampartd from the configuration's ssh lines; edits are lost.\n";
  for (const auto& [address, nets] : nets_by_address)
    c += fmt::format("ListenAddress {}\n", address);
  for (const char* t : {"rsa", "ed25519"})
    c += fmt::format("HostKey {}/ssh_host_{}_key\n", o_.key_dir, t);
  c += fmt::format("PidFile {}/sshd.pid\n", o_.run_dir);
  c += "UsePAM yes\nPasswordAuthentication yes\nKbdInteractiveAuthentication no\n";
  c += "PubkeyAuthentication no\nPermitRootLogin no\nPermitEmptyPasswords no\n";
  c += fmt::format("ForceCommand {}\n", o_.shell);
  c += "DisableForwarding yes\nPermitTTY yes\nPermitUserEnvironment no\nPrintMotd no\n";
  c += "PrintLastLog no\nLoginGraceTime 60\n";
  // "ssh timeout N": an idle session is closed after N minutes.
  c += fmt::format("ChannelTimeout session={}m\nClientAliveInterval 60\n", m.ssh_timeout);
  // The default denies everything: no source is 0.0.0.0, and with MaxAuthTries 0 sshd
  // disconnects at the client's first authentication request, before any password is asked.
  // Only a Match below (the address reached and the source together) lifts both.
  c += "AllowUsers *@0.0.0.0/32\nMaxAuthTries 0\n";
  for (const auto& [address, acc] : nets_by_address) {
    std::string list, users;
    for (const auto& n : acc.nets) {
      list += (list.empty() ? "" : ",") + n;
      users += " *@" + n;
    }
    c += fmt::format("Match LocalAddress {} Address {}\n AllowUsers{}\n MaxAuthTries 3\n", address,
                     list, users);
  }
  return c;
}

std::vector<platform::SshBinding> SshService::bindings(const config::Config& cfg) const {
  std::vector<platform::SshBinding> out;
  if (!o_.device_for || render(cfg).empty()) return out;
  for (const auto& [address, acc] : access_by_address(cfg))
    out.push_back({address, o_.device_for(acc.hw)});
  return out;
}

void SshService::write_accounts(const config::Config& cfg) {
  std::string text = base_passwd_;
  if (!text.empty() && text.back() != '\n') text += '\n';
  for (const auto& [name, user] : cfg.users) {
    if (!user.password || !account_name(name) ||
        base_passwd_.find("\n" + name + ":") != std::string::npos ||
        base_passwd_.starts_with(name + ":"))
      continue;
    auto [it, fresh] = uids_.try_emplace(name, next_uid_);
    if (fresh) ++next_uid_;
    text += fmt::format("{}:x:{}:{}:Rampart user:/var/empty:{}\n", name, it->second, kGroup,
                        kLoginShell);
  }
  if (text == accounts_) return;
  if (auto r = platform::atomic_write(o_.passwd, text); !r) {
    platform::log(platform::Severity::Error, fmt::format("ssh: {}", r.error()));
    return;
  }
  ::chmod(o_.passwd.c_str(), 0644);
  accounts_ = text;
}

void SshService::write_aaa_account(const config::Config& cfg) {
  // Only while SSH is on and a server group (not LOCAL) checks its passwords: otherwise no
  // name outside the local files resolves, and sshd refuses such names before any password.
  std::string text;
  auto line = cfg.management.aaa_authentication.find("ssh");
  if (line != cfg.management.aaa_authentication.end() && line->second.group != "LOCAL" &&
      !render(cfg).empty()) {
    nss::AaaAccount a;
    a.uid = kAaaUid;
    a.gid = kGroup;
    // The login shell, as the local accounts': sshd runs the ForceCommand (the Rampart shell)
    // through it, "/bin/sh -c ...".
    std::memcpy(a.shell, kLoginShell, sizeof kLoginShell);
    char buf[nss::kMaxFile + 1];
    if (nss::format_account(a, buf, sizeof buf)) text = buf;
  }
  if (text == aaa_account_ && (text.empty() || ::access(aaa_account_path().c_str(), F_OK) == 0))
    return;
  if (text.empty()) {
    ::unlink(aaa_account_path().c_str());
  } else if (auto r = platform::atomic_write(aaa_account_path(), text); !r) {
    platform::log(platform::Severity::Error, fmt::format("ssh: {}", r.error()));
    return;
  } else {
    ::chmod(aaa_account_path().c_str(), 0644);
  }
  aaa_account_ = text;
}

std::string SshService::user_for_uid(unsigned uid) const {
  for (const auto& [name, u] : uids_)
    if (u == uid) return name;
  return {};
}

void SshService::reap() {
  if (auto why = sshd_.exited())
    platform::log(platform::Severity::Error, fmt::format("sshd {}; restarting it", *why));
}

void SshService::start() {
  std::string conf = o_.run_dir + "/sshd_config";
  if (auto r = platform::atomic_write(conf, config_); !r) {
    platform::log(platform::Severity::Error, fmt::format("ssh: {}", r.error()));
    return;
  }
  last_start_ = std::time(nullptr);
  if (!sshd_.start({o_.sshd, "-D", "-f", conf}, /*die_with_parent=*/false))
    platform::log(platform::Severity::Error, "ssh: cannot start sshd");
}

void SshService::stop() {
  sshd_.stop();
}

std::string SshService::key_stamp() const {
  std::string stamp;
  for (const char* t : {"rsa", "ed25519"}) {
    struct stat st {};
    if (::stat(fmt::format("{}/ssh_host_{}_key", o_.key_dir, t).c_str(), &st) == 0)
      stamp +=
          fmt::format("{}:{}:{};", t, st.st_size, st.st_mtim.tv_nsec + st.st_mtime * 1000000000LL);
  }
  return stamp;
}

void SshService::sync(const config::Config& cfg) {
  reap();
  write_accounts(cfg);
  write_aaa_account(cfg);
  std::string wanted = render(cfg);
  std::string keys = key_stamp();
  if (wanted != config_ || keys != keys_) {
    // sshd reads its host keys when it starts: a new key ("crypto key generate rsa") means a
    // new sshd; sessions already open go on.
    keys_ = keys;
    stop();
    if (o_.device_for)
      if (auto err = platform::install_ssh_rules(bindings(cfg)))
        platform::log(platform::Severity::Error, fmt::format("ssh: {}", *err));
    config_ = wanted;
    if (!config_.empty()) start();
    return;
  }
  if (!config_.empty() && !sshd_.running() && std::time(nullptr) - last_start_ >= kRestartSeconds)
    start();
}

}  // namespace rampart::firmware
