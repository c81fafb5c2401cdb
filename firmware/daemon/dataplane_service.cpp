#include "firmware/daemon/dataplane_service.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include "dataplane/crypto/backend.hpp"
#include "platform/firewall.hpp"
#include "platform/log.hpp"
#include "platform/netlink.hpp"
#include "platform/tun.hpp"

namespace rampart::firmware {

DataplaneService::DataplaneService(dataplane::Sad& sad, cli::System& sys, unsigned workers)
    : sad_(sad), sys_(sys), workers_(workers ? workers : 1) {
  namespace crypto = dataplane::crypto;
  platform::log(platform::Severity::Notice,
                "dataplane: ESP crypto: " + crypto::active().description() + " (" +
                    std::string(crypto::selection_reason()) + ")");
  platform::log(
      platform::Severity::Notice,
      "dataplane: packet I/O: " + std::string(dataplane::io_kind_name(dataplane::io_choice())));
}

namespace {

// "0200.5e00.5301" (the ASA's spelling, as platform reports it) to bytes.
std::array<uint8_t, 6> mac_bytes(const std::string& s) {
  std::array<uint8_t, 6> m{};
  std::string hex;
  for (char c : s)
    if (c != '.' && c != ':') hex += c;
  for (size_t i = 0; i < 6 && i * 2 + 1 < hex.size(); ++i)
    m[i] = static_cast<uint8_t>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
  return m;
}

}  // namespace

DataplaneService::~DataplaneService() {
  workers_running_.clear();
  if (rules_) platform::remove_dataplane_rules();
}

bool DataplaneService::sync(const config::Config& cfg) {
  auto nl = platform::Netlink::open();
  if (!nl) return false;
  auto links = nl->links();
  if (!links) return false;
  std::vector<dataplane::PortConfig> want;
  for (const auto& [hw, itf] : cfg.interfaces) {
    if (!itf.nameif || !itf.address || !itf.mask || itf.shutdown) continue;
    bool crypto = false;
    for (const auto& [name, map] : cfg.crypto.maps) crypto |= map.interface == *itf.nameif;
    // Only the interfaces with a crypto map: cleartext on the others is the kernel's, and VPN
    // traffic reaches them through the kernel's routing from the TUN devices.
    if (!crypto) continue;
    std::string dev = sys_.device_for(hw);
    for (const auto& l : *links)
      if (l.name == dev && l.oper_up) {
        dataplane::PortConfig p;
        p.ifindex = l.ifindex;
        p.name = dev;
        p.mac = mac_bytes(l.mac);
        p.address = itf.address->value;
        p.prefix = itf.mask->prefix_len();
        p.mtu = l.mtu ? l.mtu : 1500;
        p.outside = true;
        if (auto df = cfg.crypto.df_bit.find(*itf.nameif); df != cfg.crypto.df_bit.end())
          p.df = df->second == "clear-df" ? dataplane::DfPolicy::Clear : dataplane::DfPolicy::Set;
        if (auto fr = cfg.crypto.fragmentation.find(*itf.nameif);
            fr != cfg.crypto.fragmentation.end())
          p.fragment_after_encryption = fr->second == "after-encryption";
        want.push_back(p);
      }
  }
  if (!workers_running_.empty() && ports_ == want) return false;
  if (want.empty()) {
    bool had = !workers_running_.empty();
    workers_running_.clear();
    ports_.clear();
    return had;
  }
  std::vector<std::string> devices;
  for (const auto& p : want) devices.push_back(dataplane::vpn_device_of(p.name));
  if (!rules_) {
    if (auto err = platform::install_dataplane_rules())
      platform::log(platform::Severity::Warning, "dataplane: kernel rules: " + *err);
    else
      rules_ = true;
  }
  // Make before break: the new workers' rings are up before the old ones close, so that no
  // frame falls between them (a port's MTU or a crypto map changed while traffic flows). The
  // two sets use different fanout groups (a group belongs to one device, and port order may
  // change), which the kernel both feeds meanwhile: a frame reaches one of them either way.
  // Groups are per namespace; ours start at a base of our own. Even one worker joins one, for
  // the kernel's reassembly of fragmented ESP before fanout.
  generation_ ^= 1;
  auto fanout =
      static_cast<uint16_t>(0x5200 + (::getpid() & 0xff) * 16 + (generation_ ? 0x1000 : 0));
  std::vector<std::unique_ptr<dataplane::Worker>> fresh;
  dataplane::forget_port_io();  // the new first worker reports each port's I/O
  for (unsigned i = 0; i < workers_; ++i) {
    dataplane::WorkerIo io{
        .kind = dataplane::io_choice(), .index = i, .count = workers_, .drops = &socket_drops_};
    auto w = std::make_unique<dataplane::Worker>(sad_, want, fanout, io);
    if (auto r = w->start(); !r) {
      platform::log(platform::Severity::Error, "dataplane: " + r.error());
      return false;  // the running workers (if any) carry on; the next sync tries again
    }
    fresh.push_back(std::move(w));
  }
  workers_running_ = std::move(fresh);  // the old workers stop here
  ports_ = want;
  hand_off(devices);
  std::string names;
  for (const auto& p : want) names += fmt::format(" {}{}", p.name, p.outside ? "(outside)" : "");
  platform::log(platform::Severity::Notice,
                fmt::format("dataplane: {} worker(s) on{}", workers_, names));
  return true;
}

void DataplaneService::hand_off(const std::vector<std::string>& devices) {
  // The workers' queues made the TUN devices; they carry traffic once up and set for it.
  for (const auto& d : devices)
    if (auto r = platform::prepare_tun_device(d); !r)
      platform::log(platform::Severity::Error, "dataplane: " + r.error());
  // The kernel forwards the decrypted traffic from here on, under the firewall's ruleset; IPv4
  // forwarding is the firewall service's, on only once that ruleset is in place.
}

bool DataplaneService::carries(uint32_t local_address) const {
  if (workers_running_.empty()) return false;
  for (const auto& p : ports_)
    if (p.outside && p.address == local_address) return true;
  return false;
}

}  // namespace rampart::firmware
