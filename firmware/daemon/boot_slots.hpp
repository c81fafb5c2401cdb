// The appliance's two firmware slots and GRUB's environment block that chooses between them
// (images/grub/grub.cfg): installing a firmware file from flash into the other slot for a
// trial boot, confirming a slot once it came up, and reporting a trial that fell back.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/system.hpp"
#include "platform/expected.hpp"

namespace rampart::firmware {

// "key=value" lines (GRUB's environment, firmware headers, release notes); '#' lines skipped.
std::map<std::string, std::string> key_value_lines(std::string_view text);

// GRUB's 1024-byte environment block ("# GRUB Environment Block", key=value lines, '#' fill).
struct GrubEnv {
  std::map<std::string, std::string> vars;
  static GrubEnv parse(std::string_view block);
  // The block, exactly 1024 bytes; nullopt-like error when the variables do not fit.
  rampart::expected<std::string, std::string> render() const;
};

// A firmware file (".bin", built by images/build): a text header, the kernel, the initramfs.
// The header's last line is "signature=<hex>", Ed25519 over the header's lines before it; as
// they carry the sizes and the SHA-256 of the kernel and initramfs, it signs the whole file.
struct FirmwareHeader {
  std::string version;
  uint64_t kernel = 0;
  uint64_t initrd = 0;
  std::string sha256;       // of kernel and initramfs together, hex
  uint64_t offset = 0;      // where the kernel starts
  std::string signature;    // hex, empty when the file is not signed
  std::string signed_text;  // the header bytes the signature covers
};
rampart::expected<FirmwareHeader, std::string> read_firmware_header(const std::string& path);

// The release signing key this firmware was built with (32 raw bytes of an Ed25519 public
// key, from build/keys by CMake), or empty: a build without a key accepts no firmware file.
std::string_view builtin_signing_key();
// Whether h's signature verifies with public_key (raw Ed25519). The error is the reason.
rampart::expected<void, std::string> check_signature(const FirmwareHeader& h,
                                                     std::string_view public_key);

// What "verify disk0:/FILE" reports: the hash computed over the kernel and initramfs, the one
// the header carries, and the signature's verdict (empty when valid).
struct FirmwareCheck {
  std::string computed_sha256, embedded_sha256;
  std::string signature_error;
};
rampart::expected<FirmwareCheck, std::string> check_firmware_file(const std::string& path,
                                                                  std::string_view public_key);

class BootSlots {
 public:
  // dir holds esp/grub/grubenv and the slot file systems A/ and B/ (the image's init mounts
  // them); slot is the one running ("A"/"B", from the kernel command line).
  // Firmware files must be signed by public_key (raw Ed25519; the built-in one by default).
  BootSlots(std::string dir, std::string slot, std::string flash_dir,
            std::string public_key = std::string(builtin_signing_key()));

  cli::BootStatus status() const;
  // Installs the first valid image (flash-relative paths) into the other slot and asks GRUB to
  // try it once; nothing to install when it is the running one. Returns its flash path.
  rampart::expected<std::string, std::string> prepare(const std::vector<std::string>& images);
  // The running slot came up: it becomes the one GRUB boots, and a failed trial is noted.
  void confirm();

 private:
  rampart::expected<GrubEnv, std::string> load_env() const;
  rampart::expected<void, std::string> save_env(const GrubEnv& env) const;
  std::map<std::string, std::string> slot_release(const std::string& slot) const;
  rampart::expected<void, std::string> install(const std::string& rel, const FirmwareHeader& h,
                                               const std::string& slot);
  std::string dir_, slot_, flash_;
  std::string public_key_;
  std::string failed_image_;
};

}  // namespace rampart::firmware
