// Issue 11: the box's private files (the SSH host key under disk0:/.private) and the secrets of
// saved configurations stay private: no flash command names or lists them, no path leaves the
// flash, "more" masks keys, and what is erased is overwritten first.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "firmware/daemon/box_system.hpp"
#include "platform/files.hpp"
#include "platform/flash.hpp"
#include "tests/unit/session_helpers.hpp"

namespace private_files_test {

using rampart::test::Console;
namespace fs = std::filesystem;

namespace {

std::string missing(std::string_view verb, std::string_view path) {
  return fmt::format("%Error {} {} (No such file or directory)\n", verb, path);
}

// A temporary flash directory, removed at the end.
struct TempFlash {
  fs::path dir;
  TempFlash() {
    char t[] = "/tmp/rampart-private-XXXXXX";
    REQUIRE(::mkdtemp(t));
    dir = t;
  }
  ~TempFlash() { fs::remove_all(dir); }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
};

// Everything still readable through fd (the inode of a file since unlinked).
std::string contents(int fd) {
  std::string out(4096, '\0');
  ssize_t n = ::pread(fd, out.data(), out.size(), 0);
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

}  // namespace

TEST_CASE("no flash command names or lists disk0:/.private", "[security]") {
  Console c;
  c.run("end");
  c.sys.files[".private/ssh_host_rsa_key"] = "-----BEGIN PRIVATE KEY-----\n";
  c.sys.files["a.txt"] = "a\n";
  CHECK(c.run("dir disk0:/.private") == missing("opening", "disk0:/.private"));
  CHECK(c.run("dir flash:/./.private/") == missing("opening", "disk0:/.private"));
  CHECK(c.run("more disk0:/.private/ssh_host_rsa_key") ==
        missing("opening", "disk0:/.private/ssh_host_rsa_key"));
  CHECK(c.run("copy /noconfirm disk0:/.private/ssh_host_rsa_key disk0:/k") ==
        missing("opening", "disk0:/.private/ssh_host_rsa_key"));
  CHECK(c.run("copy /noconfirm disk0:/a.txt disk0:/.private/ssh_host_rsa_key") ==
        missing("opening", "disk0:/.private/ssh_host_rsa_key"));
  CHECK(c.run("delete /noconfirm disk0:/.private/ssh_host_rsa_key") ==
        "\n" + missing("deleting", "disk0:/.private/ssh_host_rsa_key"));
  // The interactive delete names its file at the second question.
  c.run("delete disk0:/a.txt");
  c.s.execute(".private/ssh_host_rsa_key");
  CHECK(c.s.execute("").output == "\n" + missing("deleting", "disk0:/.private/ssh_host_rsa_key"));
  CHECK(c.run("configure terminal\nboot system disk0:/.private/ssh_host_rsa_key\nend") ==
        "ERROR: disk0:/.private/ssh_host_rsa_key: Invalid boot image path\n");
  CHECK(c.sys.files.at(".private/ssh_host_rsa_key") == "-----BEGIN PRIVATE KEY-----\n");
  CHECK_FALSE(c.sys.files.contains("k"));
  CHECK(c.run("dir disk0:/../.private") == "%Error opening disk0:/../.private (Invalid path)\n");
}

TEST_CASE("more masks the secrets of a configuration file", "[security]") {
  Console c;
  c.run("end");
  c.sys.files["startup-config"] =
      "tunnel-group EZ ipsec-attributes\n ikev1 pre-shared-key Gr0up-s3cret\n"
      "aaa-server RAD (inside) host 192.0.2.134\n key Rad1us-s3cret\n"
      "isakmp key P1x-s3cret address 0.0.0.0 netmask 0.0.0.0\n"
      "crypto isakmp key Asa7-s3cret address 198.51.100.2\n"
      "vpngroup EZ password Vpngr0up-s3cret\n"
      "username admin password Cl3ar-s3cret privilege 15\n"
      "username bob password $sha512$5000$abc$def pbkdf2 privilege 15\n"
      "enable password 8Ry2YjIyt7RRXU24 encrypted\n"
      "passwd Passwd-s3cret\n";
  std::string out = c.run("more disk0:/startup-config");
  CHECK(out ==
        "tunnel-group EZ ipsec-attributes\n ikev1 pre-shared-key *****\n"
        "aaa-server RAD (inside) host 192.0.2.134\n key *****\n"
        "isakmp key ***** address 0.0.0.0 netmask 0.0.0.0\n"
        "crypto isakmp key ***** address 198.51.100.2\n"
        "vpngroup EZ password *****\n"
        "username admin password ***** privilege 15\n"
        "username bob password $sha512$5000$abc$def pbkdf2 privilege 15\n"
        "enable password 8Ry2YjIyt7RRXU24 encrypted\n"
        "passwd *****\n");
  CHECK(out.find("s3cret") == std::string::npos);
}

TEST_CASE("no flash path leaves the flash through a symbolic link", "[security]") {
  TempFlash f;
  f.write("a.txt", "a\n");
  f.write("sub/b.txt", "b\n");
  fs::create_directory_symlink("/etc", f.dir / "etc");
  fs::create_symlink("/etc/hostname", f.dir / "sub" / "host");
  rampart::firmware::BoxSystem box(f.dir.string(), {}, "");
  CHECK(box.flash_list("etc").error() == "No such file or directory");
  CHECK(box.flash_read("etc/passwd", 1024).error() == "No such file or directory");
  CHECK(box.flash_read("sub/host", 1024).error() == "No such file or directory");
  CHECK(box.flash_copy("etc/passwd", "p").error() == "No such file or directory");
  CHECK(box.flash_copy("a.txt", "etc/a.txt").error() == "No such file or directory");
  CHECK(box.flash_delete("sub/host").error() == "No such file or directory");
  CHECK(fs::is_symlink(f.dir / "sub" / "host"));
  CHECK(*box.flash_read("sub/b.txt", 1024) == "b\n");
  CHECK(rampart::platform::path_beneath(f.dir.string(), "sub/../../x").error() ==
        "No such file or directory");
}

TEST_CASE("crypto key zeroize rsa and write erase overwrite the file before unlinking it",
          "[security]") {
  TempFlash f;
  rampart::firmware::BoxSystem box(f.dir.string(), {}, "");
  REQUIRE(box.generate_rsa_key(2048));
  std::string key_path = (f.dir / ".private" / "ssh_host_rsa_key").string();
  int key = ::open(key_path.c_str(), O_RDONLY);
  REQUIRE(key >= 0);
  REQUIRE(contents(key).starts_with("-----BEGIN"));
  REQUIRE(box.zeroize_rsa_key());
  CHECK_FALSE(fs::exists(key_path));
  std::string after = contents(key);
  CHECK_FALSE(after.empty());
  CHECK(after.find_first_not_of('\0') == std::string::npos);
  ::close(key);

  REQUIRE(box.write_startup("tunnel-group EZ ipsec-attributes\n ikev1 pre-shared-key s3cret\n"));
  std::string startup = (f.dir / "startup-config").string();
  int old = ::open(startup.c_str(), O_RDONLY);
  REQUIRE(old >= 0);
  // write memory replaces the file: the old one's contents go too, once the new one is in.
  REQUIRE(box.write_startup("hostname two\n"));
  CHECK(contents(old).find_first_not_of('\0') == std::string::npos);
  ::close(old);
  int cur = ::open(startup.c_str(), O_RDONLY);
  REQUIRE(cur >= 0);
  REQUIRE(box.erase_startup());
  CHECK_FALSE(fs::exists(startup));
  CHECK(contents(cur) == std::string(13, '\0'));
  ::close(cur);
}
}  // namespace private_files_test
