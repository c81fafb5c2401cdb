// cli::System on a real box: interfaces and routes through netlink, the startup configuration
// on the flash directory, facts from /proc and DMI.
#pragma once

#include <atomic>
#include <ctime>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cli/system.hpp"
#include "dataplane/xdp/socket_drops.hpp"
#include "firmware/daemon/boot_slots.hpp"
#include "platform/ifmap.hpp"
#include "platform/link_rates.hpp"
#include "platform/proc_stats.hpp"

namespace rampart::firmware {

// show interface's counters for a device with packet workers: the kernel's (c), plus what it
// could not hand to their sockets, each where the ASA counts it: a fill ring with no free frame
// or an AF_PACKET ring with no free block (the workers did not give them back in time: stalled
// or outrun) is "no buffer", a full AF_XDP RX ring an "overrun", which like anything else
// refused is also an "input error" (the ASA's input errors include its overruns); all of them
// are "packets dropped". Where the driver already counted the AF_XDP ones in rx_dropped (the
// kernel's no buffer), they are taken out of it first, so that each frame counts once.
void add_socket_drops(cli::LinkCounters& c, const dataplane::xdp::SocketDrops::Reading& r);
// IF-MIB's ifInDiscards for such a device: the kernel's receive drops and every frame the
// sockets could not take (none of them had an error of its own), each once.
uint64_t in_discards(uint64_t kernel_rx_dropped, const dataplane::xdp::SocketDrops::Reading& r);

class BoxSystem : public cli::System {
 public:
  BoxSystem(std::string flash_dir, platform::InterfaceMap map, std::string image);
  // On the appliance: the boot slots (see BootSlots) and the release file of the running
  // firmware ("version=", "image="), which name the version and image show version prints.
  void set_boot(std::unique_ptr<BootSlots> slots) { slots_ = std::move(slots); }
  BootSlots* boot_slots() { return slots_.get(); }
  void set_release(const std::string& release_file);

  std::string device_for(const std::string& hw) const override;
  std::vector<std::string> hardware_interfaces() const override;
  cli::LinkState link_state(const std::string& hw) const override;
  std::vector<cli::KernelRoute> kernel_routes() const override;
  std::vector<std::string> apply(const config::Config& cfg) override;
  rampart::expected<std::string, std::string> read_startup() const override;
  rampart::expected<void, std::string> write_startup(const std::string& text) override;
  rampart::expected<void, std::string> erase_startup() override;
  std::string flash_label() const override { return "disk0:"; }
  rampart::expected<std::vector<cli::FlashFile>, std::string> flash_list(
      const std::string& dir) const override;
  cli::FlashUsage flash_usage() const override;
  rampart::expected<uint64_t, std::string> flash_copy(const std::string& from,
                                                      const std::string& to) override;
  rampart::expected<void, std::string> flash_delete(const std::string& path) override;
  rampart::expected<std::string, std::string> flash_read(const std::string& path,
                                                         size_t limit) const override;
  rampart::expected<ImageCheck, std::string> verify_image(const std::string& path) const override;
  std::optional<cli::RsaKeyInfo> rsa_key() const override;
  rampart::expected<void, std::string> generate_rsa_key(int bits) override;
  rampart::expected<void, std::string> zeroize_rsa_key() override;
  // Where the SSH host keys live: disk0:/.private (hidden from dir, as the ASA's).
  std::string rsa_key_path() const { return flash_dir_ + "/.private/ssh_host_rsa_key"; }
  cli::BootStatus boot_status() const override;
  rampart::expected<std::string, std::string> prepare_boot(
      const std::vector<std::string>& images) override;
  void request_reload() override { reload_requested_ = true; }
  // Whether a session asked for a reload (the server acts on it once replies are out).
  bool reload_requested() const { return reload_requested_; }
  // System views (box_views.cpp).
  std::optional<cli::LinkCounters> link_counters(const std::string& hw) const override;
  std::vector<cli::ArpEntry> arp_table() const override;
  cli::CpuUsage cpu_usage() const override;
  std::optional<cli::MemoryUsage> memory() const override;
  std::vector<cli::ProcessEntry> processes() const override;
  rampart::expected<std::vector<cli::PingResult>, std::string> ping(
      const cli::PingRequest& r) override;
  rampart::expected<std::vector<cli::TraceHopResult>, std::string> traceroute(
      const cli::TraceRequest& r) override;
  // Takes a /proc/stat sample for show cpu usage; the daemon calls it from its tick (about once
  // a second; closer samples are ignored). Loop thread only, as cpu_usage().
  void sample_cpu();
  // Samples every link's counters for show interface's rate lines (every
  // LinkRateHistory::kInterval seconds; the tick calls it more often). Loop thread only.
  void sample_links();
  cli::VersionInfo version() const override;
  uint64_t now_seconds() const override;
  // Addresses another owner keeps on an interface (the firewall's proxy-ARP addresses), which
  // apply() leaves alone although the configuration does not name them.
  using AddressKeeper =
      std::function<bool(const std::string& device, uint32_t address, int prefix)>;
  void keep_addresses(AddressKeeper keep) { keep_ = std::move(keep); }
  // The daemon's AAA service, owned by main.
  aaa::Service* aaa() override { return aaa_; }
  // The clock: "clock set" moves the appliance's clock by an offset from the kernel's, which
  // stays NTP's (chronyd) alone; NTP synchronized takes over from a "clock set".
  int64_t now_ms() const override;
  void set_clock(int64_t utc_ms) override;
  void note_ntp(bool synchronized) override;
  cli::TimeSource time_source() const override { return source_.load(); }
  cli::NtpClient* ntp() override { return ntp_; }
  void set_ntp(cli::NtpClient* n) { ntp_ = n; }
  cli::SnmpStatsClient* snmp_stats() override { return snmp_stats_; }
  void set_snmp_stats(cli::SnmpStatsClient* s) { snmp_stats_ = s; }
  void set_aaa(aaa::Service* s) { aaa_ = s; }
  // The dataplane's AF_XDP socket drops, added to show interface's counters; owned by the
  // dataplane service, which must outlive their use (or be reset here).
  void set_socket_drops(const dataplane::xdp::SocketDrops* d) { socket_drops_ = d; }
  // ifInDiscards of device (SNMP), given the kernel's rx_dropped for it.
  uint64_t in_discards(const std::string& device, uint64_t kernel_rx_dropped) const {
    return firmware::in_discards(kernel_rx_dropped, socket_drops(device));
  }

 private:
  std::string startup_path() const { return flash_dir_ + "/startup-config"; }
  // The AF_XDP sockets' drops on device; none without a dataplane.
  dataplane::xdp::SocketDrops::Reading socket_drops(const std::string& device) const;
  std::string flash_dir_;
  platform::InterfaceMap map_;
  std::string image_;
  std::string version_ = RAMPART_VERSION_STRING;
  std::time_t started_;
  std::unique_ptr<BootSlots> slots_;
  std::atomic<bool> reload_requested_{false};
  AddressKeeper keep_;
  aaa::Service* aaa_ = nullptr;
  platform::CpuHistory cpu_;
  std::map<std::string, platform::LinkRateHistory> link_rates_;  // by Linux device name
  uint64_t last_link_sample_ = 0;
  std::atomic<int64_t> clock_offset_ms_{0};
  std::atomic<cli::TimeSource> source_{cli::TimeSource::HardwareCalendar};
  cli::NtpClient* ntp_ = nullptr;
  cli::SnmpStatsClient* snmp_stats_ = nullptr;
  const dataplane::xdp::SocketDrops* socket_drops_ = nullptr;
};

}  // namespace rampart::firmware
