// What the CLI needs from the box it runs on. rampartd implements it over platform/ (netlink,
// flash, clock); unit tests use an in-memory implementation. Keeping it abstract lets the whole
// command set run in-process, deterministic, without a kernel.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "platform/expected.hpp"
#include "platform/link_rates.hpp"

#include "control/config/types.hpp"
#include "control/snmp/statistics.hpp"
#include "control/time/ntp_show.hpp"

namespace rampart::config {
struct Config;
}
namespace rampart::aaa {
class Service;
}

namespace rampart::cli {

struct LinkState {
  std::string device;  // Linux name, e.g. "eth0"
  bool exists = false;
  bool admin_up = false;
  bool oper_up = false;
  std::optional<config::Ipv4> address;
  std::optional<config::Mask> mask;
  std::string mac;  // "0050.56a1.0b2c" as the ASA prints MACs
  uint32_t mtu = 0;
};

// An interface's counters for show interface: the kernel's link statistics, plus what the
// dataplane dropped on that interface itself when it knows.
struct LinkCounters {
  uint64_t rx_packets = 0, rx_bytes = 0, tx_packets = 0, tx_bytes = 0;
  uint64_t rx_broadcast = 0;  // the kernel counts multicast and broadcast together
  uint64_t rx_errors = 0, rx_crc = 0, rx_frame = 0, rx_overrun = 0, rx_ignored = 0;
  uint64_t rx_runts = 0, rx_no_buffer = 0;
  uint64_t tx_errors = 0, tx_underruns = 0, collisions = 0;
  uint64_t dropped = 0;     // input and output drops, the Traffic Statistics "packets dropped"
  uint32_t speed_mbps = 0;  // 0 when the driver does not say
  // The daemon's samples of these counters, as rates per second (zeros until it has two).
  platform::LinkRate one_minute, five_minutes;
};

// One ARP entry: "show arp".
struct ArpEntry {
  std::string device;
  config::Ipv4 address;
  std::string mac;  // "0011.2233.4455"
  uint32_t age_seconds = 0;
  bool permanent = false;
};

// show cpu usage: busy percent over 5 s, 1 min and 5 min, for the box and each core.
struct CpuUsage {
  struct Averages {
    int five_seconds = 0, one_minute = 0, five_minutes = 0;
  };
  Averages total;
  std::vector<Averages> cores;
  bool known = false;  // false until the daemon has taken two samples
};

struct MemoryUsage {
  uint64_t total = 0, free = 0;  // bytes
};

// One thread of rampartd for show process.
struct ProcessEntry {
  int tid = 0;
  std::string name;
  uint64_t runtime_ms = 0;
  char state = '?';
};

// ping: what to send, and each echo's fate ('!' answered in rtt_ms, '?' not, 'U' unreachable).
struct PingRequest {
  std::string device;
  config::Ipv4 target;
  int repeat = 5, size = 100, timeout_seconds = 2;
};
struct PingResult {
  char result = '?';
  uint32_t rtt_ms = 0;
};

// traceroute: what to send, and each hop's probes. A probe's mark is 0 for a time-exceeded or
// the target's answer, else the letter the ASA prints after the time for an unreachable
// (N network, H host, P protocol, A administratively prohibited, ? any other code).
struct TraceRequest {
  std::string device;
  std::optional<config::Ipv4> source;
  config::Ipv4 target;
  int timeout_seconds = 3, probes = 3, min_ttl = 1, max_ttl = 30, port = 33434;
  bool use_icmp = false;
};
struct TraceProbeResult {
  bool answered = false;
  config::Ipv4 from;
  uint32_t rtt_ms = 0;
  char mark = 0;
};
struct TraceHopResult {
  int ttl = 0;
  std::vector<TraceProbeResult> probes;
};

struct KernelRoute {
  config::Ipv4 network;
  config::Mask mask;
  std::optional<config::Ipv4> gateway;
  std::string device;
  bool connected = false;  // a kernel "proto kernel scope link" route
  int metric = 0;
};

// One entry of a flash directory listing.
struct FlashFile {
  std::string name;
  uint64_t size = 0;
  int64_t mtime = 0;  // seconds since the epoch
  bool directory = false;
  uint64_t index = 0;  // the file's number in "dir" (its inode on the box)
};

struct FlashUsage {
  uint64_t total = 0;
  uint64_t free = 0;
};

// Which firmware runs and what the last boot attempt did.
struct BootStatus {
  std::string slot;          // "A" or "B" on the appliance; empty in a lab
  std::string image;         // "disk0:/rampart-1.0.1.bin": the firmware that booted
  std::string failed_image;  // a firmware whose trial boot did not come up (we fell back)
};

// The box's RSA key pair ("crypto key generate rsa"), the SSH host key.
struct RsaKeyInfo {
  int64_t generated = 0;  // when, seconds since the epoch
  int bits = 0;
  std::string public_der;  // SubjectPublicKeyInfo
};

struct VersionInfo {
  std::string version;   // "1.0(1)"
  std::string build;     // compiler/date line
  std::string hostname;  // kernel hostname, for diagnostics
  uint64_t uptime_seconds = 0;
  std::string hardware;           // CPU model, memory
  std::string serial;             // from DMI or machine-id
  std::string image;              // "disk0:/rampart-1.0.1.bin" or the binary path in a lab
  std::string flash;              // "Internal ATA Compact Flash, 128MB" (empty when unknown)
  std::string build_date;         // "Tue 01-Dec-26 14:20": when the firmware was built
  std::vector<std::string> nics;  // "eth0: address 0050.56a1.0b2c" per NIC
};

// Where the appliance's clock last came from, for "show clock detail".
enum class TimeSource { HardwareCalendar, User, Ntp };

// The NTP client (rampartd's NtpService over chronyd). query() asks chronyd over its command
// socket and may take a second when chronyd does not answer: call it from deferred work only.
class NtpClient {
 public:
  virtual ~NtpClient() = default;
  virtual rampart::expected<time::NtpSnapshot, std::string> query() const = 0;
};

// snmpd's own counters for show snmp-server statistics (rampartd asks snmpd on a unix socket);
// asked on deferred work, as NtpClient.
class SnmpStatsClient {
 public:
  virtual ~SnmpStatsClient() = default;
  virtual rampart::expected<snmp::Statistics, std::string> query() = 0;
  // SNMPv3 requests rampartd's user check dropped (snmp::V3Gate): a user other than the one the
  // polling host's line names, or a message it could not read as USM.
  struct V3Refusals {
    uint64_t other_user = 0, malformed = 0;
  };
  virtual V3Refusals v3_refusals() const { return {}; }
};

class System {
 public:
  virtual ~System() = default;

  // The Linux device a CLI interface name maps to ("GigabitEthernet0/1" -> "eth1"), from the map
  // file when one is given, else by number.
  virtual std::string device_for(const std::string& hw_name) const = 0;
  // Hardware interfaces present on the box, canonical CLI names ("GigabitEthernet0/0", ...).
  virtual std::vector<std::string> hardware_interfaces() const = 0;
  virtual LinkState link_state(const std::string& hw_name) const = 0;
  virtual std::vector<KernelRoute> kernel_routes() const = 0;

  // Pushes the model's interfaces and routes to the kernel. Returns warnings (one per line)
  // for what could not be applied; never fails the CLI command that caused it.
  virtual std::vector<std::string> apply(const config::Config& cfg) = 0;

  // Flash: the startup configuration, replaced atomically. read_startup fails when there is
  // none (factory defaults) or it cannot be read.
  virtual rampart::expected<std::string, std::string> read_startup() const = 0;
  virtual rampart::expected<void, std::string> write_startup(const std::string& text) = 0;
  virtual rampart::expected<void, std::string> erase_startup() = 0;
  virtual std::string flash_label() const = 0;  // "disk0:"

  // Files on flash. Paths are relative to the flash root ("" is the root, "log/x"); the CLI
  // parses "disk0:/..." and refuses "..". Sources for flash_copy are flash paths or
  // "tftp://host/path". flash_copy returns the bytes copied.
  virtual rampart::expected<std::vector<FlashFile>, std::string> flash_list(
      const std::string& dir) const = 0;
  virtual FlashUsage flash_usage() const = 0;
  virtual rampart::expected<uint64_t, std::string> flash_copy(const std::string& from,
                                                              const std::string& to) = 0;
  virtual rampart::expected<void, std::string> flash_delete(const std::string& path) = 0;
  // A text file's contents ("more disk0:/log/messages"), at most limit bytes from its end.
  virtual rampart::expected<std::string, std::string> flash_read(const std::string& path,
                                                                 size_t limit) const = 0;

  // The RSA key pair: nullopt when there is none. Generating replaces it; both may take
  // seconds (run them as deferred work).
  virtual std::optional<RsaKeyInfo> rsa_key() const = 0;
  virtual rampart::expected<void, std::string> generate_rsa_key(int bits) = 0;
  virtual rampart::expected<void, std::string> zeroize_rsa_key() = 0;

  // "verify disk0:/FILE": a firmware file's hashes and its signature's verdict (empty when it
  // verifies with the release key); an error when it is not a firmware file or cannot be read.
  struct ImageCheck {
    std::string computed_sha256, embedded_sha256, signature_error;
  };
  virtual rampart::expected<ImageCheck, std::string> verify_image(const std::string& path) const {
    (void)path;
    return rampart::unexpected(std::string("not a Rampart firmware file"));
  }

  // Boot: what runs now, and preparing the next boot from the first of images (flash paths
  // from "boot system") that is a valid firmware file. Returns the image that will boot, or
  // why none can (then the current firmware boots again).
  virtual BootStatus boot_status() const = 0;
  virtual rampart::expected<std::string, std::string> prepare_boot(
      const std::vector<std::string>& images) = 0;
  // Asks for a reload once the current reply has reached the terminal.
  virtual void request_reload() = 0;

  // The AAA service (rampartd's AaaService): "show aaa-server", "test aaa-server" and
  // "clear aaa-server statistics" ask it. Null where none runs (then they say so).
  virtual aaa::Service* aaa() { return nullptr; }

  // System views (show interface counters, show arp, show cpu, show memory, show process,
  // ping). Defaults say "nothing known" so that a System without them still builds.
  virtual std::optional<LinkCounters> link_counters(const std::string& hw_name) const {
    (void)hw_name;
    return std::nullopt;
  }
  virtual std::vector<ArpEntry> arp_table() const { return {}; }
  virtual CpuUsage cpu_usage() const { return {}; }
  virtual std::optional<MemoryUsage> memory() const { return std::nullopt; }
  virtual std::vector<ProcessEntry> processes() const { return {}; }
  // Sends the echoes and waits for each: seconds of blocking, so only as deferred work (it
  // touches nothing but a socket of its own). An error when no socket could be made.
  virtual rampart::expected<std::vector<PingResult>, std::string> ping(const PingRequest& r) {
    (void)r;
    return rampart::unexpected(std::string("ping is not available"));
  }

  // The probes of traceroute: blocking like ping, so only as deferred work.
  virtual rampart::expected<std::vector<TraceHopResult>, std::string> traceroute(
      const TraceRequest& r) {
    (void)r;
    return rampart::unexpected(std::string("traceroute is not available"));
  }

  virtual VersionInfo version() const = 0;
  virtual uint64_t now_seconds() const = 0;  // wall clock, for "show clock" and timestamps

  // The appliance's clock in UTC milliseconds: the kernel's plus what "clock set" moved it by.
  // Shown in the configured zone through time::local_time() only.
  virtual int64_t now_ms() const { return static_cast<int64_t>(now_seconds()) * 1000; }
  // "clock set": the appliance's clock reads utc_ms from now on. The kernel's clock is left to
  // NTP (chronyd), so a wrong "clock set" never fights it.
  virtual void set_clock(int64_t utc_ms) { (void)utc_ms; }
  // What chronyd last said (show ntp, show clock detail): synchronized means NTP sets the
  // time, and a "clock set" offset gives way to it.
  virtual void note_ntp(bool synchronized) { (void)synchronized; }
  virtual TimeSource time_source() const { return TimeSource::HardwareCalendar; }
  virtual NtpClient* ntp() { return nullptr; }
  // rampartd's SNMP counters; none in a CLI without rampartd.
  virtual SnmpStatsClient* snmp_stats() { return nullptr; }
};

}  // namespace rampart::cli
