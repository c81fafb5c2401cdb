// rampartd: the firmware process.
//   rampartd --flash DIR [--control SOCKET] [--foreground] [--ifmap FILE] [--manage-host-network]
//            [--boot DIR] [--release FILE] [--sshd PATH] [--ssh-shell PATH]
//            [--conntrack-buffer BYTES] [--packet-io af_xdp|af_packet|auto]
// The image's init adds --boot (the A/B firmware slots), --release (the running firmware's
// version and image name) and --sshd (SSH management through OpenSSH). --ssh-shell names the
// Rampart shell sshd runs for SSH users (default /usr/bin/rampart; tests run the build's).
// --conntrack-buffer sizes the conntrack event socket (8 MB; tests make it small to overflow).
// --packet-io picks the packet workers' I/O (default auto, or RAMPART_PACKET_IO): auto runs
// AF_XDP wherever the port's driver runs our XDP program natively and takes the sockets, af_xdp
// in generic mode too, AF_PACKET elsewhere (logged; af_xdp logs it as an error); af_packet
// never loads a program.
// Loads DIR/startup-config (factory defaults when there is none), pushes interfaces and routes
// to the kernel, and serves CLI sessions on the control socket until SIGTERM.
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "cli/aaa_debug_sink.hpp"
#include "cli/session.hpp"
#include "control/aaa/aaa.hpp"
#include "control/logging/hostdown.hpp"
#include "dataplane/forward/io_choice.hpp"
#include "firmware/daemon/aaa_service.hpp"
#include "firmware/daemon/box_system.hpp"
#include "firmware/daemon/connection_service.hpp"
#include "firmware/daemon/firewall_service.hpp"
#include "firmware/daemon/ike_service.hpp"
#include "firmware/daemon/ntp_service.hpp"
#include "firmware/daemon/server.hpp"
#include "firmware/daemon/snmp_service.hpp"
#include "firmware/daemon/ssh_service.hpp"
#include "firmware/daemon/syslog_transport.hpp"
#include "platform/flash.hpp"
#include "platform/log.hpp"

using namespace rampart;

namespace {

constexpr const char* kDefaultSocket = "/run/rampart/control.sock";

int usage() {
  std::fprintf(stderr,
               "usage: rampartd --flash DIR [--control SOCKET] [--foreground] [--ifmap FILE]\n"
               "                [--workers N] [--manage-host-network] [--boot DIR]\n"
               "                [--release FILE] [--sshd PATH] [--ssh-shell PATH]\n"
               "                [--conntrack-buffer BYTES] [--ntp-dir DIR] [--ntp-keep-clock]\n"
               "                [--ntp-poll LOG2SECONDS] [--snmp-dir DIR]\n"
               "                [--crypto-workers N (1-16; default: half the cores, 1-4)]\n"
               "                [--packet-io af_xdp|af_packet|auto]\n");
  return 2;
}

// rampartd owns every NIC it finds: it shuts unconfigured ones and sets addresses. On the
// appliance that is the point; on a developer's machine it would take the host off its network.
// So outside a network namespace of its own it runs only when told to (the image's init does).
// Fails safe: unless the namespace is provably not the host's (a named "ip netns", or one
// that differs from PID 1's), it counts as the host's.
bool in_host_network_namespace() {
  struct stat self {};
  if (::stat("/proc/self/ns/net", &self) != 0) return true;
  if (DIR* d = ::opendir("/run/netns")) {
    bool named = false;
    while (dirent* e = ::readdir(d)) {
      struct stat st {};
      std::string p = std::string("/run/netns/") + e->d_name;
      if (e->d_name[0] != '.' && ::stat(p.c_str(), &st) == 0 && st.st_ino == self.st_ino &&
          st.st_dev == self.st_dev)
        named = true;
    }
    ::closedir(d);
    if (named) return false;
  }
  struct stat init {};
  if (::stat("/proc/1/ns/net", &init) == 0) return init.st_ino == self.st_ino;
  return true;
}

std::string self_path() {
  char buf[PATH_MAX] = {};
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "rampartd";
}

// The firmware slot the kernel was booted from ("rampart.slot=A" from GRUB).
std::string booted_slot() {
  auto cmdline = platform::read_file("/proc/cmdline");
  if (!cmdline) return "A";
  auto p = cmdline->find("rampart.slot=");
  return p == std::string::npos ? "A" : cmdline->substr(p + 13, 1);
}

}  // namespace

int main(int argc, char** argv) {
  std::string flash, socket = kDefaultSocket, ifmap_file, boot_dir, release, sshd,
                     ssh_shell = "/usr/bin/rampart";
  bool foreground = false, manage_host = false;
  int conntrack_buffer = firmware::ConnectionService::kDefaultEventBuffer;
  // Packet workers: one per core unless told (--workers N).
  unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  // IKE crypto workers (DH, LOCAL XAUTH): half the cores, 1 to 4, unless told.
  unsigned crypto_workers = 0;
  // NTP (chronyd): its run directory, whether it may set the kernel's clock, lab polling.
  firmware::NtpService::Options ntp;
  // SNMP (snmpd): its run directory (conf with secrets, AgentX socket).
  firmware::SnmpService::Options snmp;
  // The packet workers' I/O; the environment is how the tests run the suite on each.
  const char* io_env = std::getenv("RAMPART_PACKET_IO");
  std::string packet_io = io_env && *io_env ? io_env : "auto";
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--flash" && i + 1 < argc)
      flash = argv[++i];
    else if (a == "--control" && i + 1 < argc)
      socket = argv[++i];
    else if (a == "--ifmap" && i + 1 < argc)
      ifmap_file = argv[++i];
    else if (a == "--boot" && i + 1 < argc)
      boot_dir = argv[++i];
    else if (a == "--release" && i + 1 < argc)
      release = argv[++i];
    else if (a == "--sshd" && i + 1 < argc)
      sshd = argv[++i];
    else if (a == "--ssh-shell" && i + 1 < argc)
      ssh_shell = argv[++i];
    else if (a == "--conntrack-buffer" && i + 1 < argc)
      conntrack_buffer =
          static_cast<int>(std::clamp(std::strtol(argv[++i], nullptr, 10), 4096L, 1L << 30));
    else if (a == "--foreground")
      foreground = true;
    else if (a == "--manage-host-network")
      manage_host = true;
    else if (a == "--ntp-dir" && i + 1 < argc)
      ntp.run_dir = argv[++i];
    else if (a == "--snmp-dir" && i + 1 < argc)
      snmp.run_dir = argv[++i];
    else if (a == "--ntp-keep-clock")
      ntp.set_system_clock = false;
    else if (a == "--ntp-poll" && i + 1 < argc)
      ntp.poll.minpoll = ntp.poll.maxpoll =
          static_cast<int>(std::clamp(std::strtol(argv[++i], nullptr, 10), -6L, 10L));
    else if (a == "--crypto-workers" && i + 1 < argc) {
      // A count the operator chose (benchmarks compare 1 and 2): anything but 1..16 is refused
      // rather than quietly becoming another count.
      char* end = nullptr;
      long n = std::strtol(argv[++i], &end, 10);
      if (*end != '\0' || n < 1 || n > long{firmware::CryptoWorkers::kMaxThreads}) return usage();
      crypto_workers = static_cast<unsigned>(n);
    } else if (a == "--packet-io" && i + 1 < argc)
      packet_io = argv[++i];
    else if (a == "--workers" && i + 1 < argc)
      workers = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    else
      return usage();
  }
  if (flash.empty()) return usage();
  auto io_kind = dataplane::parse_io_kind(packet_io);
  if (!io_kind) {
    std::fprintf(stderr, "rampartd: --packet-io %s: not af_xdp, af_packet or auto\n",
                 packet_io.c_str());
    return usage();
  }
  dataplane::set_io_choice(*io_kind);
  ::signal(SIGPIPE, SIG_IGN);
  // SIGTERM and SIGINT are taken through the server's signalfd. They are blocked here, before
  // any thread starts (the packet workers start with IKE, before the server), so that every
  // thread inherits the mask and none can be killed by them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  platform::log_open(foreground);
  if (in_host_network_namespace() && !manage_host) {
    platform::log(platform::Severity::Error,
                  "refusing to manage the host's network interfaces: run rampartd in the "
                  "appliance's network namespace (see scripts/lab), or pass "
                  "--manage-host-network on the appliance itself");
    return 1;
  }

  platform::InterfaceMap map;
  if (!ifmap_file.empty()) {
    auto text = platform::read_file(ifmap_file);
    if (!text) {
      platform::log(platform::Severity::Error, text.error());
      return 1;
    }
    if (auto err = platform::InterfaceMap::parse(*text, map)) {
      platform::log(platform::Severity::Error, fmt::format("{}: {}", ifmap_file, *err));
      return 1;
    }
  }
  ::mkdir(flash.c_str(), 0700);
  if (auto slash = socket.rfind('/'); slash != std::string::npos && slash > 0)
    ::mkdir(socket.substr(0, slash).c_str(), 0700);

  firmware::BoxSystem sys(flash, std::move(map), self_path());
  if (!release.empty()) sys.set_release(release);
  if (!boot_dir.empty())
    sys.set_boot(std::make_unique<firmware::BootSlots>(boot_dir, booted_slot(), flash));
  cli::Appliance app(sys);
  // Logging: every %ASA message to the daemon's own log, and where "logging ..." sends it.
  app.logger().set_daemon_log([](int level, const std::string& line) {
    platform::log(level <= 3   ? platform::Severity::Error
                  : level == 4 ? platform::Severity::Warning
                  : level == 5 ? platform::Severity::Notice
                  : level == 6 ? platform::Severity::Info
                               : platform::Severity::Debug,
                  line);
  });
  app.logger().set_transport(std::make_unique<firmware::SyslogTransport>());
  std::string report = app.load_startup();
  app.logger().configure(app.config());
  for (size_t p = 0; p < report.size();) {
    size_t e = report.find('\n', p);
    if (e == std::string::npos) e = report.size();
    platform::log(platform::Severity::Warning, std::string_view(report).substr(p, e - p));
    p = e + 1;
  }
  // The firewall: installed before anything is forwarded (forwarding waits for it).
  firmware::FirewallService firewall([&sys](const std::string& hw) { return sys.device_for(hw); });
  sys.keep_addresses([&firewall](const std::string& dev, uint32_t address, int prefix) {
    return firewall.owns_address(dev, address, prefix);
  });
  app.set_policy_state(&firewall);
  for (const auto& w : sys.apply(app.config())) platform::log(platform::Severity::Warning, w);
  for (const auto& w : firewall.sync(app.config(), nullptr))
    platform::log(platform::Severity::Warning, w);

  // The connection table and the firewall's syslog messages (conntrack events, nflog).
  firmware::ConnectionService connections(conntrack_buffer);
  connections.set_logger(&app.logger());
  for (const auto& w : connections.start())
    platform::log(platform::Severity::Warning, fmt::format("firewall connections: {}", w));
  app.set_connections(&connections);
  auto refresh_connection_view = [&] {
    if (auto* ps = app.policy_state())
      connections.set_view(firmware::log_view_of(ps->policy()));
    else
      connections.set_view(firmware::log_view_of(rampart::firewall::build_policy(
          app.config(), [&sys](const std::string& hw) { return sys.device_for(hw); })));
  };
  refresh_connection_view();

  firmware::IkeService ike(app, workers, crypto_workers);
  // show interface adds what the kernel could not hand to the workers' AF_XDP sockets.
  sys.set_socket_drops(&ike.dataplane().socket_drops());
  if (auto err = ike.open())
    platform::log(platform::Severity::Error, fmt::format("IKE disabled: {}", *err));
  // AAA: server groups on worker threads, answers on the loop, syslog through IKE's path.
  firmware::AaaService aaa_service(
      [&app](const std::string& protocol) -> std::unique_ptr<aaa::ProtocolClient> {
        // "debug radius" / "debug tacacs": the clients post lines the loop hands to the
        // sessions whose keywords (decode, session, user NAME) ask for them.
        if (protocol == "radius")
          return aaa::make_radius_client(cli::aaa_debug_sink(app, cli::DebugFacility::Radius));
        if (protocol == "tacacs+")
          return aaa::make_tacacs_client(cli::aaa_debug_sink(app, cli::DebugFacility::Tacacs));
        return nullptr;  // ldap: counted as a server that does not answer
      },
      [&ike](int severity, int id, const std::string& text) { ike.syslog(severity, id, text); },
      {});
  aaa_service.configure(app.config());
  sys.set_aaa(&aaa_service);
  firmware::NtpService ntp_service(ntp);
  ntp_service.sync(app.config());
  sys.set_ntp(&ntp_service);
  firmware::Server server(app, socket, &ike);
  server.watch(aaa_service.fd(), [&] { aaa_service.deliver(); });
  firmware::SnmpService snmp_service(snmp, app, sys);
  snmp_service.sync(app.config());
  server.watch(snmp_service.fd(), [&] { snmp_service.readable(); });
  sys.set_snmp_stats(snmp_service.statistics());
  // XAUTH and administrators' logins ask the server groups through the service.
  ike.set_aaa(&aaa_service);
  server.set_aaa(&aaa_service);
  std::unique_ptr<firmware::SshService> ssh;
  if (!sshd.empty()) {
    // The SSH host key: made on the first start (as an ASA makes its default key), replaced
    // by "crypto key generate rsa".
    if (!sys.rsa_key()) {
      platform::log(platform::Severity::Notice, "generating the default 2048-bit RSA key");
      if (auto r = sys.generate_rsa_key(2048); !r)
        platform::log(platform::Severity::Error, fmt::format("RSA key: {}", r.error()));
    }
    ssh = std::make_unique<firmware::SshService>(firmware::SshService::Options{
        sshd, "/run/rampart", flash + "/.private", "/etc/passwd", ssh_shell,
        [&sys](const std::string& hw) { return sys.device_for(hw); }});
    server.allow_ssh_users(firmware::SshService::kGroup,
                           [&](unsigned uid) { return ssh->user_for_uid(uid); });
    // Administrators known only to an AAA server: the NSS module (libnss_rampart) gives their
    // names this uid; a session on it is the user a server just accepted (Server::hello).
    server.set_aaa_uid(firmware::SshService::kAaaUid);
  }
  bool confirmed = false;
  logging::HostdownWatch hostdown;
  server.on_tick([&] {
    // Serving the console is what "came up" means for a trial boot of new firmware.
    if (!confirmed && sys.boot_slots()) sys.boot_slots()->confirm();
    confirmed = true;
    sys.sample_cpu();    // show cpu usage's averages
    sys.sample_links();  // show interface's rate lines
    if (ssh) ssh->sync(app.config());
    aaa_service.configure(app.config());
    ntp_service.sync(app.config());
    snmp_service.sync(app.config());
    // After every CLI line and once a second: a changed configuration is compiled and applied.
    for (const auto& w : firewall.sync(app.config(), app.ike()))
      platform::log(platform::Severity::Warning, w);
    refresh_connection_view();
    app.logger().poll();  // TCP syslog hosts: reconnects and queued messages
    // A TCP syslog server lost or back: 414003/414004, and the firewall's hostdown policy.
    for (const auto& e : hostdown.update(app.config().logging, app.logger().host_status()))
      app.logger().emit(e.id, e.text);
    for (const auto& w : firewall.set_deny_new(hostdown.deny_new()))
      platform::log(platform::Severity::Warning, w);
  });
  uint64_t firewall_sessions = ~uint64_t{0};
  server.on_ike_events([&] {
    // A session up or down: its address is admitted to (or withdrawn from) the firewall's VPN
    // client set now, not at the next tick. Only then: the sync compares the configuration's
    // firewall inputs, too much to do after every DPD answer and rekey message (the tick's
    // sync, once a second, takes whatever else the sessions journal names).
    if (ike.sessions_generation() == firewall_sessions) return;
    firewall_sessions = ike.sessions_generation();
    for (const auto& w : firewall.sync(app.config(), app.ike()))
      platform::log(platform::Severity::Warning, w);
  });
  server.reload_pending([&] { return sys.reload_requested(); });
  server.on_reload([&] {
    platform::log(platform::Severity::Notice, "reload requested from the CLI");
    ::sync();
    if (sys.boot_slots()) {
      // The appliance: busybox init reboots on SIGTERM, after its shutdown actions.
      ssh.reset();
      ::kill(1, SIGTERM);
      for (;;) ::pause();
    }
    // A lab: start again from the startup configuration, as a reload would.
    ::execv("/proc/self/exe", argv);
    platform::log(platform::Severity::Error, "reload: cannot restart rampartd");
  });
  if (auto r = server.run(); !r) {
    platform::log(platform::Severity::Error, r.error());
    return 1;
  }
  return 0;
}
