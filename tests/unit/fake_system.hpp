// An in-memory cli::System for unit tests: three NICs, flash as a string, links that follow
// the model. The real one (firmware/daemon) is exercised by the integration tests.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/system.hpp"
#include "control/config/model.hpp"
#include "platform/ifmap.hpp"

namespace rampart::test {

class FakeSystem : public cli::System {
 public:
  std::string device_for(const std::string& hw) const override { return map_.device_for(hw); }
  std::vector<std::string> hardware_interfaces() const override {
    return {"GigabitEthernet0/0", "GigabitEthernet0/1", "GigabitEthernet0/2"};
  }
  cli::LinkState link_state(const std::string& hw) const override {
    cli::LinkState l;
    l.device = device_for(hw);
    auto it = applied_.interfaces.find(hw);
    l.exists = it != applied_.interfaces.end();
    if (l.exists) {
      l.admin_up = l.oper_up = !it->second.shutdown;
      l.address = it->second.address;
      l.mask = it->second.mask;
    }
    l.mac = "0200.5e00.530" + std::to_string(hw.back() - '0' + 1);
    l.mtu = 1500;
    return l;
  }
  std::vector<cli::KernelRoute> kernel_routes() const override { return {}; }
  std::vector<std::string> apply(const config::Config& cfg) override {
    applied_ = cfg;
    ++applies;
    return {};
  }
  rampart::expected<std::string, std::string> read_startup() const override {
    if (!has_startup) return rampart::unexpected(std::string("No such file or directory"));
    return startup;
  }
  rampart::expected<void, std::string> write_startup(const std::string& text) override {
    startup = text;
    has_startup = true;
    return {};
  }
  rampart::expected<void, std::string> erase_startup() override {
    startup.clear();
    has_startup = false;
    return {};
  }
  std::string flash_label() const override { return "disk0:"; }
  rampart::expected<std::vector<cli::FlashFile>, std::string> flash_list(
      const std::string& dir) const override {
    std::vector<cli::FlashFile> out;
    uint64_t index = 10;
    for (const auto& [path, data] : files) {
      ++index;
      if (path == dir)
        return std::vector<cli::FlashFile>{{path, data.size(), 1795000000, false, index}};
      std::string prefix = dir.empty() ? "" : dir + "/";
      if (!path.starts_with(prefix) || path.find('/', prefix.size()) != std::string::npos) continue;
      out.push_back({path.substr(prefix.size()), data.size(), 1795000000, false, index});
    }
    if (out.empty() && !dir.empty())
      return rampart::unexpected(std::string("No such file or directory"));
    return out;
  }
  cli::FlashUsage flash_usage() const override {
    uint64_t used = 0;
    for (const auto& [p, d] : files) used += d.size();
    return {1 << 20, (1 << 20) - used};
  }
  rampart::expected<uint64_t, std::string> flash_copy(const std::string& from,
                                                      const std::string& to) override {
    auto it = files.find(from);
    if (it == files.end()) return rampart::unexpected(std::string("No such file or directory"));
    if (from == to)
      return rampart::unexpected(std::string("Source and destination are the same file"));
    files[to] = it->second;
    return files[to].size();
  }
  rampart::expected<void, std::string> flash_delete(const std::string& path) override {
    if (!files.erase(path)) return rampart::unexpected(std::string("No such file or directory"));
    return {};
  }
  rampart::expected<std::string, std::string> flash_read(const std::string& path,
                                                         size_t limit) const override {
    auto it = files.find(path);
    if (it == files.end()) return rampart::unexpected(std::string("No such file or directory"));
    return it->second.size() > limit ? it->second.substr(it->second.size() - limit) : it->second;
  }
  std::optional<cli::RsaKeyInfo> rsa_key() const override { return key; }
  rampart::expected<void, std::string> generate_rsa_key(int bits) override {
    key = cli::RsaKeyInfo{1795000000, bits, std::string(bits / 8 + 38, '\x42')};
    return {};
  }
  rampart::expected<void, std::string> zeroize_rsa_key() override {
    key.reset();
    return {};
  }
  cli::BootStatus boot_status() const override { return {"A", "disk0:/test.bin", ""}; }
  rampart::expected<std::string, std::string> prepare_boot(
      const std::vector<std::string>& images) override {
    for (const auto& i : images)
      if (files.contains(i)) {
        prepared = i;
        return "disk0:/" + i;
      }
    return rampart::unexpected(std::string("no valid image"));
  }
  void request_reload() override { ++reloads; }
  cli::VersionInfo version() const override {
    cli::VersionInfo v;
    v.version = "1.0(1)";
    v.build = "by tests";
    v.build_date = "Tue 01-Dec-26 14:20";
    v.hostname = "test";
    v.uptime_seconds = 3725;
    v.hardware = "Test box";
    v.serial = "TEST0001";
    v.image = "disk0:/test.bin";
    v.flash = "Internal ATA Compact Flash, 1MB";
    return v;
  }
  uint64_t now_seconds() const override { return static_cast<uint64_t>(clock_ms / 1000); }
  int64_t now_ms() const override { return clock_ms; }
  void set_clock(int64_t utc_ms) override {
    clock_ms = utc_ms;
    source = cli::TimeSource::User;
  }
  void note_ntp(bool synced) override {
    if (synced) source = cli::TimeSource::Ntp;
  }
  cli::TimeSource time_source() const override { return source; }
  cli::NtpClient* ntp() override { return ntp_client; }
  int64_t clock_ms = 1795000000000;  // Wed Nov 18 2026 11:06:40 UTC
  cli::TimeSource source = cli::TimeSource::HardwareCalendar;
  cli::NtpClient* ntp_client = nullptr;
  std::optional<cli::LinkCounters> link_counters(const std::string& hw) const override {
    auto it = counters.find(hw);
    if (it == counters.end()) return std::nullopt;
    return it->second;
  }
  std::vector<cli::ArpEntry> arp_table() const override { return arp; }
  cli::CpuUsage cpu_usage() const override { return cpu; }
  std::optional<cli::MemoryUsage> memory() const override { return mem; }
  std::vector<cli::ProcessEntry> processes() const override { return threads; }
  rampart::expected<std::vector<cli::PingResult>, std::string> ping(
      const cli::PingRequest& r) override {
    pings.push_back(r);
    if (!ping_answers) return rampart::unexpected(std::string("socket: Operation not permitted"));
    std::vector<cli::PingResult> out;
    for (int i = 0; i < r.repeat; ++i)
      out.push_back(i < static_cast<int>(ping_answers->size()) ? (*ping_answers)[i]
                                                               : cli::PingResult{'?', 0});
    return out;
  }
  rampart::expected<std::vector<cli::TraceHopResult>, std::string> traceroute(
      const cli::TraceRequest& r) override {
    traces.push_back(r);
    if (!trace_hops) return rampart::unexpected(std::string("socket: Operation not permitted"));
    return *trace_hops;
  }
  aaa::Service* aaa() override { return aaa_service; }

  std::string startup;
  bool has_startup = false;
  int applies = 0;
  std::map<std::string, std::string> files;  // flash: path -> contents
  std::string prepared;                      // the image prepare_boot chose
  int reloads = 0;
  std::optional<cli::RsaKeyInfo> key;
  aaa::Service* aaa_service = nullptr;  // the AAA service a test runs, if any
  // System views: what the kernel would say.
  std::map<std::string, cli::LinkCounters> counters;  // by hardware name
  std::vector<cli::ArpEntry> arp;
  cli::CpuUsage cpu;
  std::optional<cli::MemoryUsage> mem;
  std::vector<cli::ProcessEntry> threads;
  std::optional<std::vector<cli::PingResult>> ping_answers;    // nullopt: no socket
  std::vector<cli::PingRequest> pings;                         // what ping was asked
  std::optional<std::vector<cli::TraceHopResult>> trace_hops;  // nullopt: no socket
  std::vector<cli::TraceRequest> traces;                       // what traceroute was asked

 private:
  platform::InterfaceMap map_;
  config::Config applied_;
};

}  // namespace rampart::test
