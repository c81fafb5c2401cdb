#include "firmware/daemon/box_system.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include <fmt/format.h>

#include "control/config/model.hpp"
#include "platform/files.hpp"
#include "platform/flash.hpp"
#include "platform/netlink.hpp"
#include "platform/rsa_key.hpp"
#include "platform/sysinfo.hpp"
#include "platform/tftp.hpp"

namespace rampart::firmware {

namespace {

// The kernel's view, read once per call: links by name, IPv4 addresses by ifindex.
struct Snapshot {
  std::vector<platform::Link> links;
  std::vector<platform::Address> addrs;
  const platform::Link* link(const std::string& name) const {
    for (const auto& l : links)
      if (l.name == name) return &l;
    return nullptr;
  }
  std::string name_of(int ifindex) const {
    for (const auto& l : links)
      if (l.ifindex == ifindex) return l.name;
    return "";
  }
};

Snapshot snapshot(platform::Netlink& nl) {
  Snapshot s;
  if (auto l = nl.links()) s.links = std::move(*l);
  if (auto a = nl.addresses()) s.addrs = std::move(*a);
  return s;
}

}  // namespace

BoxSystem::BoxSystem(std::string flash_dir, platform::InterfaceMap map, std::string image)
    : flash_dir_(std::move(flash_dir)),
      map_(std::move(map)),
      image_(std::move(image)),
      started_(std::time(nullptr)) {
  platform::remove_stale_temporaries(startup_path());
}

std::string BoxSystem::device_for(const std::string& hw) const {
  return map_.device_for(hw);
}

std::vector<std::string> BoxSystem::hardware_interfaces() const {
  std::set<std::string, config::NaturalLess> names;
  for (const auto& [cli, dev] : map_.overrides()) names.insert(cli);
  if (auto nl = platform::Netlink::open()) {
    if (auto links = nl->links())
      for (const auto& l : *links)
        if (auto cli = map_.cli_name_for(l.name)) names.insert(*cli);
  }
  return {names.begin(), names.end()};
}

cli::LinkState BoxSystem::link_state(const std::string& hw) const {
  cli::LinkState st;
  st.device = device_for(hw);
  auto nl = platform::Netlink::open();
  if (!nl) return st;
  Snapshot s = snapshot(*nl);
  const platform::Link* l = s.link(st.device);
  if (!l) return st;
  st.exists = true;
  st.admin_up = l->admin_up;
  st.oper_up = l->oper_up;
  st.mac = l->mac;
  st.mtu = l->mtu;
  for (const auto& a : s.addrs) {
    if (a.ifindex != l->ifindex) continue;
    st.address = config::Ipv4{a.address};
    st.mask = config::Mask::from_prefix(a.prefix);
    break;
  }
  return st;
}

std::vector<cli::KernelRoute> BoxSystem::kernel_routes() const {
  std::vector<cli::KernelRoute> out;
  auto nl = platform::Netlink::open();
  if (!nl) return out;
  Snapshot s = snapshot(*nl);
  auto routes = nl->routes();
  if (!routes) return out;
  for (const auto& r : *routes) {
    cli::KernelRoute k;
    k.network = config::Ipv4{r.destination};
    k.mask = config::Mask::from_prefix(r.prefix);
    if (r.gateway) k.gateway = config::Ipv4{*r.gateway};
    k.device = s.name_of(r.ifindex);
    // A route into a crypto interface's TUN device (reverse-route injection) leaves, as the
    // ASA shows it, by that interface: "eth0-vpn" is eth0's VPN side (dataplane::vpn_device_of).
    if (k.device.size() > 4 && k.device.ends_with("-vpn")) k.device.resize(k.device.size() - 4);
    k.connected = r.link_scope && !r.gateway;
    k.metric = static_cast<int>(r.metric);
    out.push_back(k);
  }
  return out;
}

std::vector<std::string> BoxSystem::apply(const config::Config& cfg) {
  std::vector<std::string> warnings;
  auto nl = platform::Netlink::open();
  if (!nl) return {"cannot reach the kernel: " + nl.error()};
  Snapshot s = snapshot(*nl);
  std::map<std::string, int> ifindex_of_nameif;
  for (const auto& [hw, itf] : cfg.interfaces) {
    std::string dev = device_for(hw);
    const platform::Link* l = s.link(dev);
    if (!l) {
      if (itf.nameif || itf.address)
        warnings.push_back(fmt::format("{}: no device {} on this box", hw, dev));
      continue;
    }
    if (itf.nameif) {
      ifindex_of_nameif[*itf.nameif] = l->ifindex;
      // "mtu NAMEIF N"; a named interface without one has the ASA's 1500.
      auto m = cfg.system.mtu.find(*itf.nameif);
      uint32_t mtu = m == cfg.system.mtu.end() ? 1500 : static_cast<uint32_t>(m->second);
      if (l->mtu != mtu)
        if (auto r = nl->set_mtu(l->ifindex, mtu); !r)
          warnings.push_back(fmt::format("{}: {}", hw, r.error()));
    }
    if (l->admin_up == itf.shutdown) {
      if (auto r = nl->set_up(l->ifindex, !itf.shutdown); !r)
        warnings.push_back(fmt::format("{}: {}", hw, r.error()));
    }
    // The interface carries exactly the configured IPv4 address.
    bool have = false;
    for (const auto& a : s.addrs) {
      if (a.ifindex != l->ifindex) continue;
      bool wanted = itf.address && itf.mask && a.address == itf.address->value &&
                    a.prefix == itf.mask->prefix_len();
      if (wanted)
        have = true;
      else if (keep_ && keep_(dev, a.address, a.prefix))
        continue;
      else if (auto r = nl->delete_address(a.ifindex, a.address, a.prefix); !r)
        warnings.push_back(fmt::format("{}: {}", hw, r.error()));
    }
    if (!have && itf.address && itf.mask) {
      if (auto r = nl->add_address(l->ifindex, itf.address->value, itf.mask->prefix_len()); !r)
        warnings.push_back(fmt::format("{}: {}", hw, r.error()));
    }
  }
  // Static routes: ours (by protocol) that are no longer configured go; configured ones come.
  auto existing = nl->routes();
  if (!existing) return warnings;
  std::vector<platform::RouteEntry> wanted;
  for (const auto& r : cfg.routes) {
    auto it = ifindex_of_nameif.find(r.nameif);
    if (it == ifindex_of_nameif.end()) {
      warnings.push_back(fmt::format("route {} {} {}: interface {} has no device", r.nameif,
                                     r.network.str(), r.mask.str(), r.nameif));
      continue;
    }
    wanted.push_back({r.network.value, r.mask.prefix_len(), r.gateway.value, it->second,
                      platform::kRampartRouteProtocol, false, static_cast<uint32_t>(r.distance)});
  }
  auto same = [](const platform::RouteEntry& a, const platform::RouteEntry& b) {
    return a.destination == b.destination && a.prefix == b.prefix && a.gateway == b.gateway &&
           a.ifindex == b.ifindex && a.metric == b.metric;
  };
  for (const auto& e : *existing) {
    if (e.protocol != platform::kRampartRouteProtocol) continue;
    if (std::none_of(wanted.begin(), wanted.end(), [&](const auto& w) { return same(w, e); }))
      if (auto r = nl->delete_route(e); !r) warnings.push_back(r.error());
  }
  for (const auto& w : wanted) {
    if (std::any_of(existing->begin(), existing->end(), [&](const auto& e) { return same(w, e); }))
      continue;
    if (auto r = nl->add_route(w.destination, w.prefix, *w.gateway, w.ifindex, w.metric); !r)
      warnings.push_back(
          fmt::format("route {}/{}: {}", config::Ipv4{w.destination}.str(), w.prefix, r.error()));
  }
  return warnings;
}

rampart::expected<std::string, std::string> BoxSystem::read_startup() const {
  return platform::read_file(startup_path());
}

rampart::expected<void, std::string> BoxSystem::write_startup(const std::string& text) {
  return platform::atomic_write(startup_path(), text);
}

rampart::expected<void, std::string> BoxSystem::erase_startup() {
  return platform::destroy_file(startup_path());  // its pre-shared keys are not left behind
}

void BoxSystem::set_release(const std::string& release_file) {
  auto text = platform::read_file(release_file);
  if (!text) return;
  auto kv = key_value_lines(*text);
  if (!kv["version"].empty()) version_ = kv["version"];
  if (!kv["image"].empty()) image_ = "disk0:/" + kv["image"];
}

rampart::expected<std::vector<cli::FlashFile>, std::string> BoxSystem::flash_list(
    const std::string& dir) const {
  auto full = platform::path_beneath(flash_dir_, dir);
  if (!full) return rampart::unexpected(full.error());
  auto list = platform::list_directory(*full);
  if (!list) return rampart::unexpected(list.error());
  std::vector<cli::FlashFile> out;
  for (const auto& e : *list) out.push_back({e.name, e.size, e.mtime, e.directory, e.inode});
  return out;
}

cli::FlashUsage BoxSystem::flash_usage() const {
  auto s = platform::file_system_space(flash_dir_);
  return {s.total, s.free};
}

rampart::expected<uint64_t, std::string> BoxSystem::flash_copy(const std::string& from,
                                                               const std::string& to) {
  auto beneath = platform::path_beneath(flash_dir_, to);
  if (!beneath) return rampart::unexpected(beneath.error());
  std::string dest = *beneath;
  if (from.starts_with("tftp://")) {
    platform::AtomicFile out;
    if (auto o = out.open(dest); !o) return rampart::unexpected(o.error());
    auto n = platform::tftp_get(from, [&](std::string_view b) { return out.write(b); });
    if (!n) return n;
    if (auto c = out.commit(); !c) return rampart::unexpected(c.error());
    return n;
  }
  if (from == to)
    return rampart::unexpected(std::string("Source and destination are the same file"));
  auto source = platform::path_beneath(flash_dir_, from);
  if (!source) return rampart::unexpected(source.error());
  return platform::copy_file(*source, dest);
}

rampart::expected<void, std::string> BoxSystem::flash_delete(const std::string& path) {
  auto beneath = platform::path_beneath(flash_dir_, path);
  if (!beneath) return rampart::unexpected(beneath.error());
  std::string full = *beneath;
  if (::access(full.c_str(), F_OK) != 0)
    return rampart::unexpected(std::string("No such file or directory"));
  if (::unlink(full.c_str()) != 0 && ::rmdir(full.c_str()) != 0)
    return rampart::unexpected(std::string(std::strerror(errno)));
  return {};
}

rampart::expected<std::string, std::string> BoxSystem::flash_read(const std::string& path,
                                                                  size_t limit) const {
  auto full = platform::path_beneath(flash_dir_, path);
  if (!full) return rampart::unexpected(full.error());
  auto list = platform::list_directory(*full);
  if (!list) return rampart::unexpected(list.error());
  if (list->size() != 1 || list->front().directory)
    return rampart::unexpected(std::string("Is a directory"));
  uint64_t size = list->front().size, from = size > limit ? size - limit : 0;
  std::string out;
  auto r = platform::read_chunks(*full, from, size - from,
                                 [&](std::string_view b) -> rampart::expected<void, std::string> {
                                   out.append(b);
                                   return {};
                                 });
  if (!r) return rampart::unexpected(r.error());
  return out;
}

rampart::expected<cli::System::ImageCheck, std::string> BoxSystem::verify_image(
    const std::string& path) const {
  auto full = platform::path_beneath(flash_dir_, path);
  if (!full) return rampart::unexpected(full.error());
  auto c = check_firmware_file(*full, builtin_signing_key());
  if (!c) return rampart::unexpected(c.error());
  return ImageCheck{c->computed_sha256, c->embedded_sha256, c->signature_error};
}

std::optional<cli::RsaKeyInfo> BoxSystem::rsa_key() const {
  auto pem = platform::read_file(rsa_key_path());
  if (!pem) return std::nullopt;
  auto pub = platform::rsa_public_of(*pem);
  if (!pub) return std::nullopt;
  auto entry = platform::list_directory(rsa_key_path());
  int64_t when = entry && entry->size() == 1 ? entry->front().mtime : 0;
  return cli::RsaKeyInfo{when, pub->bits, pub->spki_der};
}

rampart::expected<void, std::string> BoxSystem::generate_rsa_key(int bits) {
  auto pem = platform::generate_rsa_pem(bits);
  if (!pem) return rampart::unexpected(pem.error());
  ::mkdir((flash_dir_ + "/.private").c_str(), 0700);
  return platform::atomic_write(rsa_key_path(), *pem);
}

rampart::expected<void, std::string> BoxSystem::zeroize_rsa_key() {
  return platform::destroy_file(rsa_key_path());
}

cli::BootStatus BoxSystem::boot_status() const {
  if (slots_) return slots_->status();
  return {"", image_, ""};
}

rampart::expected<std::string, std::string> BoxSystem::prepare_boot(
    const std::vector<std::string>& images) {
  if (!slots_)
    return rampart::unexpected(
        std::string("this box runs the firmware of its build tree, not from flash"));
  return slots_->prepare(images);
}

cli::VersionInfo BoxSystem::version() const {
  cli::VersionInfo v;
  v.version = version_;
  v.build_date = platform::build_date(__DATE__, __TIME__);
  v.build = "with g++ " __VERSION__;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  v.hostname = host;
  // The firmware's uptime: on the appliance image it is the machine's, in a lab it is ours.
  v.uptime_seconds = static_cast<uint64_t>(std::time(nullptr) - started_);
  if (slots_) {
    // The appliance is up as long as its kernel.
    if (auto up = platform::read_file("/proc/uptime"))
      v.uptime_seconds = std::strtoull(up->c_str(), nullptr, 10);
  }
  v.hardware = fmt::format("{}, {} MB RAM", platform::cpu_model(), platform::memory_mb());
  v.serial = platform::serial_number();
  v.image = slots_ ? slots_->status().image : image_;
  if (v.image.empty()) v.image = image_;
  auto space = platform::file_system_space(flash_dir_);
  if (space.total) v.flash = fmt::format("Internal ATA Compact Flash, {}MB", space.total >> 20);
  return v;
}

uint64_t BoxSystem::now_seconds() const {
  return static_cast<uint64_t>(now_ms() / 1000);
}

int64_t BoxSystem::now_ms() const {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1'000'000 + clock_offset_ms_.load();
}

void BoxSystem::set_clock(int64_t utc_ms) {
  clock_offset_ms_ = utc_ms - (now_ms() - clock_offset_ms_.load());
  source_ = cli::TimeSource::User;
}

void BoxSystem::note_ntp(bool synchronized) {
  // The ASA lets an administrator set the clock while NTP runs; NTP's next synchronized
  // answer wins again. Here the kernel clock is what chronyd disciplines, so dropping the
  // offset is that answer.
  if (!synchronized) return;
  clock_offset_ms_ = 0;
  source_ = cli::TimeSource::Ntp;
}

}  // namespace rampart::firmware
