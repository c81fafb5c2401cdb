#include "firmware/daemon/boot_slots.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "platform/files.hpp"
#include "platform/flash.hpp"
#include "platform/log.hpp"

namespace rampart::firmware {

namespace {

constexpr size_t kEnvSize = 1024;
constexpr std::string_view kEnvHeader = "# GRUB Environment Block\n";
constexpr std::string_view kMagic = "RAMPART-IMAGE 1\n";
constexpr size_t kMaxHeader = 4096;

std::string other(const std::string& slot) {
  return slot == "A" ? "B" : "A";
}

}  // namespace

std::map<std::string, std::string> key_value_lines(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t p = 0;
  while (p < text.size()) {
    size_t e = text.find('\n', p);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(p, e - p);
    if (auto eq = line.find('='); eq != std::string_view::npos && !line.starts_with("#"))
      out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
    p = e + 1;
  }
  return out;
}

GrubEnv GrubEnv::parse(std::string_view block) {
  GrubEnv env;
  env.vars = key_value_lines(block);
  return env;
}

rampart::expected<std::string, std::string> GrubEnv::render() const {
  std::string out(kEnvHeader);
  for (const auto& [k, v] : vars) out += k + "=" + v + "\n";
  if (out.size() > kEnvSize) return rampart::unexpected(std::string("GRUB environment full"));
  out.append(kEnvSize - out.size(), '#');
  return out;
}

rampart::expected<FirmwareHeader, std::string> read_firmware_header(const std::string& path) {
  std::string head;
  auto r = platform::read_chunks(path, 0, 0,
                                 [&](std::string_view b) -> rampart::expected<void, std::string> {
                                   head.append(b.substr(0, kMaxHeader - head.size()));
                                   if (head.size() >= kMaxHeader)
                                     return rampart::unexpected(std::string("stop"));
                                   return {};
                                 });
  if (!r && r.error() != "stop") return rampart::unexpected(r.error());
  size_t end = head.find("\n\n");
  if (!head.starts_with(kMagic) || end == std::string::npos)
    return rampart::unexpected(std::string("not a Rampart firmware file"));
  auto kv = key_value_lines(std::string_view(head).substr(0, end + 1));
  FirmwareHeader h;
  h.version = kv["version"];
  h.kernel = std::strtoull(kv["kernel"].c_str(), nullptr, 10);
  h.initrd = std::strtoull(kv["initrd"].c_str(), nullptr, 10);
  h.sha256 = kv["sha256"];
  h.offset = end + 2;
  if (h.version.empty() || h.kernel == 0 || h.initrd == 0 || h.sha256.size() != 64)
    return rampart::unexpected(std::string("damaged firmware file header"));
  return h;
}

BootSlots::BootSlots(std::string dir, std::string slot, std::string flash_dir)
    : dir_(std::move(dir)), slot_(std::move(slot)), flash_(std::move(flash_dir)) {}

rampart::expected<GrubEnv, std::string> BootSlots::load_env() const {
  auto text = platform::read_file(dir_ + "/esp/grub/grubenv");
  if (!text) return rampart::unexpected(text.error());
  if (text->size() != kEnvSize || !text->starts_with(kEnvHeader))
    return rampart::unexpected(std::string("the GRUB environment block is damaged"));
  return GrubEnv::parse(*text);
}

rampart::expected<void, std::string> BootSlots::save_env(const GrubEnv& env) const {
  // In place, never by rename: GRUB's save_env rewrites the file's own sectors, so they must
  // stay where they are.
  auto block = env.render();
  if (!block) return rampart::unexpected(block.error());
  std::string path = dir_ + "/esp/grub/grubenv";
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return rampart::unexpected(fmt::format("open {}: {}", path, std::strerror(errno)));
  bool ok = ::pwrite(fd, block->data(), block->size(), 0) == static_cast<ssize_t>(block->size()) &&
            ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) return rampart::unexpected(fmt::format("write {}: {}", path, std::strerror(err)));
  return {};
}

std::map<std::string, std::string> BootSlots::slot_release(const std::string& slot) const {
  auto text = platform::read_file(dir_ + "/" + slot + "/release");
  return text ? key_value_lines(*text) : std::map<std::string, std::string>{};
}

cli::BootStatus BootSlots::status() const {
  cli::BootStatus b;
  b.slot = slot_;
  std::string image = slot_release(slot_)["image"];
  b.image = image.empty() ? "" : "disk0:/" + image;
  b.failed_image = failed_image_;
  return b;
}

void BootSlots::confirm() {
  auto env = load_env();
  if (!env) {
    platform::log(platform::Severity::Error, fmt::format("boot slots: {}", env.error()));
    return;
  }
  auto& v = env->vars;
  const std::string tried = v["tried_slot"];
  if (!tried.empty() && tried != slot_) {
    std::string image = slot_release(tried)["image"];
    failed_image_ = "disk0:/" + (image.empty() ? "(slot " + tried + ")" : image);
    platform::log(platform::Severity::Error,
                  fmt::format("the trial boot of {} (slot {}) did not come up; slot {} booted "
                              "instead",
                              failed_image_, tried, slot_));
  }
  if (v["good_slot"] == slot_ && tried.empty() && v["try_slot"].empty()) return;
  v["good_slot"] = slot_;
  v["tried_slot"] = "";
  v["try_slot"] = "";
  if (auto r = save_env(*env); !r)
    platform::log(platform::Severity::Error, fmt::format("boot slots: {}", r.error()));
  else if (tried == slot_)
    platform::log(platform::Severity::Notice,
                  fmt::format("firmware slot {} came up; it is now the default", slot_));
}

rampart::expected<void, std::string> BootSlots::install(const std::string& rel,
                                                        const FirmwareHeader& h,
                                                        const std::string& slot) {
  // Verify first, then write: a damaged file never reaches a slot.
  std::string file = flash_ + "/" + rel;
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  EVP_DigestInit_ex(md, EVP_sha256(), nullptr);
  auto r = platform::read_chunks(file, h.offset, h.kernel + h.initrd,
                                 [&](std::string_view b) -> rampart::expected<void, std::string> {
                                   EVP_DigestUpdate(md, b.data(), b.size());
                                   return {};
                                 });
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(md, digest, &len);
  EVP_MD_CTX_free(md);
  if (!r) return rampart::unexpected(r.error());
  std::string hex;
  for (unsigned i = 0; i < len; ++i) hex += fmt::format("{:02x}", digest[i]);
  if (hex != h.sha256)
    return rampart::unexpected(std::string("checksum mismatch: the file is damaged"));

  std::string dir = dir_ + "/" + slot;
  auto part = [&](const std::string& name, uint64_t off,
                  uint64_t n) -> rampart::expected<void, std::string> {
    platform::AtomicFile out;
    if (auto o = out.open(dir + "/" + name); !o) return o;
    if (auto c =
            platform::read_chunks(file, off, n, [&](std::string_view b) { return out.write(b); });
        !c)
      return c;
    return out.commit();
  };
  // The slot is not the running one: its old firmware goes first (a slot holds one firmware
  // with little room to spare), the release file before it and again last, so that a slot
  // whose copy was interrupted names no image.
  for (const char* f : {"release", "vmlinuz", "initrd.img"})
    if (auto rm = platform::remove_file(dir + "/" + f); !rm) return rm;
  if (auto k = part("vmlinuz", h.offset, h.kernel); !k) return k;
  if (auto i = part("initrd.img", h.offset + h.kernel, h.initrd); !i) return i;
  return platform::atomic_write(
      dir + "/release", fmt::format("version={}\nimage={}\nsha256={}\n", h.version, rel, h.sha256));
}

rampart::expected<std::string, std::string> BootSlots::prepare(
    const std::vector<std::string>& images) {
  std::string reasons;
  for (const auto& rel : images) {
    auto h = read_firmware_header(flash_ + "/" + rel);
    if (!h) {
      reasons += fmt::format("{}disk0:/{}: {}", reasons.empty() ? "" : "; ", rel, h.error());
      continue;
    }
    auto env = load_env();
    if (!env) return rampart::unexpected(env.error());
    auto mine = slot_release(slot_);
    if (mine["image"] == rel && mine["sha256"] == h->sha256) {
      env->vars["try_slot"] = "";  // the running firmware: boot it again
      if (auto s = save_env(*env); !s) return rampart::unexpected(s.error());
      return "disk0:/" + rel;
    }
    std::string target = other(slot_);
    if (auto i = install(rel, *h, target); !i) {
      reasons += fmt::format("{}disk0:/{}: {}", reasons.empty() ? "" : "; ", rel, i.error());
      continue;
    }
    env->vars["try_slot"] = target;
    if (auto s = save_env(*env); !s) return rampart::unexpected(s.error());
    platform::log(platform::Severity::Notice,
                  fmt::format("disk0:/{} (version {}) installed in slot {} for the next boot", rel,
                              h->version, target));
    return "disk0:/" + rel;
  }
  return rampart::unexpected(reasons.empty() ? std::string("no boot image") : reasons);
}

}  // namespace rampart::firmware
