// Flash and boot commands on the in-memory box; the console login; GRUB's environment block,
// firmware files and the A/B slots on a temporary directory; the rendered sshd_config.
#include <unistd.h>

#include <openssl/evp.h>
#include <catch2/catch.hpp>
#include <filesystem>

#include <fmt/format.h>
#include <fstream>

#include "firmware/daemon/boot_slots.hpp"
#include "firmware/daemon/ssh_service.hpp"
#include "platform/rsa_key.hpp"
#include "tests/unit/session_helpers.hpp"

namespace flash_boot_test {

using rampart::test::Console;
namespace fw = rampart::firmware;
namespace fs = std::filesystem;

namespace {

Console& privileged(Console& c) {
  c.run("end");
  return c;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

// An Ed25519 key pair made for the test (the release key stays with images/build).
struct TestKey {
  EVP_PKEY* pkey = nullptr;
  TestKey() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY_keygen_init(ctx);
    EVP_PKEY_keygen(ctx, &pkey);
    EVP_PKEY_CTX_free(ctx);
  }
  ~TestKey() { EVP_PKEY_free(pkey); }
  std::string public_raw() const {
    std::string out(32, '\0');
    size_t n = out.size();
    EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(out.data()), &n);
    return out;
  }
  std::string sign_hex(const std::string& msg) const {
    unsigned char sig[64];
    size_t n = sizeof sig;
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestSignInit(md, nullptr, nullptr, nullptr, pkey);
    EVP_DigestSign(md, sig, &n, reinterpret_cast<const unsigned char*>(msg.data()), msg.size());
    EVP_MD_CTX_free(md);
    std::string hex;
    for (size_t i = 0; i < n; ++i) hex += fmt::format("{:02x}", sig[i]);
    return hex;
  }
};

const TestKey& release_key() {
  static TestKey k;
  return k;
}

// A firmware file as images/build packs it (sha256 of "KERNELinitrd"), signed by key (none:
// unsigned).
std::string firmware_file(const std::string& version, bool damaged = false,
                          const TestKey* key = &release_key()) {
  std::string body = "KERNELinitrd";
  // Computed with OpenSSL in the test itself, so that the test states the format, not a hash.
  unsigned char d[32];
  unsigned int n = 0;
  EVP_Digest(body.data(), body.size(), d, &n, EVP_sha256(), nullptr);
  std::string hex;
  for (unsigned i = 0; i < n; ++i) hex += fmt::format("{:02x}", d[i]);
  if (damaged) body[0] = 'X';
  std::string header =
      fmt::format("RAMPART-IMAGE 1\nversion={}\nkernel=6\ninitrd=6\nsha256={}\n", version, hex);
  if (key) header += "signature=" + key->sign_hex(header) + "\n";
  return header + "\n" + body;
}

}  // namespace

TEST_CASE("dir, copy, delete on flash in the ASA's words") {
  Console c;
  privileged(c);
  c.sys.files["rampart-1.0.1.bin"] = std::string(1000, 'x');
  std::string d = c.run("dir");
  CHECK(d.starts_with("\nDirectory of disk0:/\n\n"));
  CHECK(d.find("-rwx  1000         ") != std::string::npos);
  CHECK(d.find("rampart-1.0.1.bin\n") != std::string::npos);
  CHECK(d.ends_with("1048576 bytes total (1047576 bytes free/99% free)\n"));
  CHECK(c.run("dir disk0:/nothing") ==
        "%Error opening disk0:/nothing (No such file or directory)\n");
  CHECK(c.run("dir disk0:/../etc").starts_with("%Error opening disk0:/../etc (Invalid path)"));

  std::string out = c.run("copy /noconfirm disk0:/rampart-1.0.1.bin disk0:/backup.bin");
  CHECK(out.find("Writing file disk0:/backup.bin...") != std::string::npos);
  CHECK(out.find("1000 bytes copied in") != std::string::npos);
  CHECK(c.sys.files.contains("backup.bin"));
  // To the root of disk0: the file keeps its name (here: onto itself, which is refused).
  CHECK(c.run("copy /noconfirm flash:/backup.bin disk0:")
            .find("%Error copying disk0:/backup.bin (Source and destination are the same file)") !=
        std::string::npos);
  // The prompts, answered with the defaults.
  CHECK(c.run("copy flash:/backup.bin disk0:/b2.bin") == "");
  CHECK(c.s.prompt() == "Source filename [backup.bin]? ");
  c.s.execute("");
  CHECK(c.s.prompt() == "Destination filename [b2.bin]? ");
  CHECK(c.s.execute("").output.find("bytes copied") != std::string::npos);
  CHECK(c.sys.files.contains("b2.bin"));

  c.run("delete disk0:/b2.bin");
  CHECK(c.s.prompt() == "\nDelete filename [b2.bin]? ");
  c.s.execute("");
  CHECK(c.s.prompt() == "\nDelete disk0:/b2.bin? [confirm]");
  c.s.execute("");
  CHECK_FALSE(c.sys.files.contains("b2.bin"));
  CHECK(c.run("delete /noconfirm disk0:/gone.bin").find("%Error deleting disk0:/gone.bin") !=
        std::string::npos);
  std::string sf = c.run("show flash:");
  CHECK(sf.starts_with("--#--  --length--  -----date/time------  path\n"));
  CHECK(sf.find("backup.bin") != std::string::npos);
}

TEST_CASE("boot system, show bootvar and reload") {
  Console c;
  c.sys.files["new.bin"] = "x";
  c.run("boot system disk0:/new.bin\nboot system flash:/other.bin");
  CHECK(c.section({"boot"}) == "boot system disk0:/new.bin\nboot system disk0:/other.bin\n");
  c.run("no boot system disk0:/other.bin");
  CHECK(c.section({"boot"}) == "boot system disk0:/new.bin\n");
  privileged(c);
  std::string bv = c.run("show bootvar");
  CHECK(bv.starts_with("\nBOOT variable = \nCurrent BOOT variable = disk0:/new.bin\n"));
  CHECK(bv.find("Running firmware: disk0:/test.bin (slot A)") != std::string::npos);

  // Unsaved changes: the ASA offers to save, then asks to proceed.
  c.run("reload");
  CHECK(c.s.prompt() == "System config has been modified. Save? [Y]es/[N]o: ");
  CHECK(c.run("y").find("[OK]") != std::string::npos);
  CHECK(c.s.prompt() == "Proceed with reload? [confirm]");
  std::string r = c.s.execute("").output;
  CHECK(r.find("*** --- SHUTDOWN NOW ---") != std::string::npos);
  CHECK(c.sys.reloads == 1);
  CHECK(c.sys.prepared == "new.bin");  // the saved boot system list decides
  CHECK(c.s.closed());
}

TEST_CASE("reload does not offer to save a configuration that is saved, secrets and all") {
  Console c;
  c.run(
      "tunnel-group EZ type remote-access\ntunnel-group EZ ipsec-attributes\n"
      "ikev1 pre-shared-key s3cret-key\nend\nwrite memory");
  c.run("reload");
  CHECK(c.s.prompt() == "Proceed with reload? [confirm]");
  c.s.execute("n");
  CHECK(c.sys.reloads == 0);
}

TEST_CASE("reload from user EXEC is refused as on the ASA") {
  Console c;
  c.s.set_privileged(false);
  CHECK(c.run("reload") == "         ^\nERROR: % Invalid input detected at '^' marker.\n");
}

TEST_CASE("console login asks for a user of the local database") {
  Console c;
  c.run("username admin password Secr3t privilege 15\naaa authentication serial console LOCAL");
  rampart::cli::Session s(c.app, false);
  s.begin_login();
  CHECK(s.prompt() == "Username: ");
  CHECK(s.help("").empty());
  CHECK(s.complete("sh").empty());
  s.execute("admin");
  CHECK(s.prompt() == "Password: ");
  CHECK(s.execute("wrong").output == "Invalid password\n");
  CHECK(s.prompt() == "Username: ");
  s.execute("show running-config");  // a command is a user name here, never run
  CHECK(s.prompt() == "Password: ");
  s.execute("x");
  s.execute("admin");
  CHECK(s.execute("Secr3t").output.find("Type help") != std::string::npos);
  CHECK(s.prompt() == "rampart> ");
  CHECK(s.user() == "admin");
}

TEST_CASE("GRUB environment block and firmware files") {
  auto env = fw::GrubEnv::parse(std::string("# GRUB Environment Block\ngood_slot=A\ntry_slot=\n") +
                                std::string(1024 - 46, '#'));
  CHECK(env.vars["good_slot"] == "A");
  CHECK(env.vars.at("try_slot").empty());
  auto block = env.render();
  REQUIRE(block);
  CHECK(block->size() == 1024);
  CHECK(block->starts_with("# GRUB Environment Block\ngood_slot=A\ntry_slot=\n#"));
  env.vars["x"] = std::string(1100, 'y');
  CHECK_FALSE(env.render());
}

TEST_CASE("boot slots: install into the other slot, confirm, report a failed trial") {
  fs::path dir = fs::temp_directory_path() / fmt::format("rampart-slots-{}", ::getpid());
  fs::remove_all(dir);
  fs::path flash = dir / "flash";
  fs::create_directories(flash);
  write(dir / "B/vmlinuz", "an older firmware");  // replaced, not kept beside the new one
  write(dir / "esp/grub/grubenv",
        *fw::GrubEnv{{{"good_slot", "A"}, {"try_slot", ""}, {"tried_slot", ""}}}.render());
  write(dir / "A/release", "version=1.0(1)\nimage=rampart-1.0.1.bin\nsha256=00\n");
  write(flash / "new.bin", firmware_file("1.0(2)"));
  write(flash / "damaged.bin", firmware_file("1.0(3)", true));
  write(flash / "junk.bin", "not a firmware");

  fw::BootSlots a(dir.string(), "A", flash.string(), release_key().public_raw());
  CHECK(a.status().image == "disk0:/rampart-1.0.1.bin");
  auto r = a.prepare({"junk.bin", "damaged.bin"});
  REQUIRE_FALSE(r);
  CHECK(r.error() ==
        "disk0:/junk.bin: not a Rampart firmware file; disk0:/damaged.bin: checksum mismatch: "
        "the file is damaged");
  CHECK(read(dir / "B/vmlinuz") == "an older firmware");  // refused before any write
  r = a.prepare({"junk.bin", "new.bin"});
  REQUIRE(r);
  CHECK(*r == "disk0:/new.bin");
  CHECK(read(dir / "B/vmlinuz") == "KERNEL");
  CHECK(read(dir / "B/initrd.img") == "initrd");
  CHECK(read(dir / "B/release").starts_with("version=1.0(2)\nimage=new.bin\n"));
  CHECK(fw::GrubEnv::parse(read(dir / "esp/grub/grubenv")).vars["try_slot"] == "B");

  // GRUB consumed try_slot and booted B: B comes up and becomes the default.
  auto env = fw::GrubEnv::parse(read(dir / "esp/grub/grubenv"));
  env.vars["try_slot"] = "";
  env.vars["tried_slot"] = "B";
  write(dir / "esp/grub/grubenv", *env.render());
  fw::BootSlots b(dir.string(), "B", flash.string(), release_key().public_raw());
  b.confirm();
  auto after = fw::GrubEnv::parse(read(dir / "esp/grub/grubenv"));
  CHECK(after.vars["good_slot"] == "B");
  CHECK(after.vars["tried_slot"].empty());
  CHECK(b.status().failed_image.empty());

  // A trial of A that never came up: GRUB fell back to B, which reports it.
  after.vars["tried_slot"] = "A";
  write(dir / "esp/grub/grubenv", *after.render());
  fw::BootSlots b2(dir.string(), "B", flash.string(), release_key().public_raw());
  b2.confirm();
  CHECK(b2.status().failed_image == "disk0:/rampart-1.0.1.bin");
  CHECK(fw::GrubEnv::parse(read(dir / "esp/grub/grubenv")).vars["good_slot"] == "B");
  fs::remove_all(dir);
}

// Issue 11: a firmware file was accepted on its own SHA-256, so anyone on the TFTP path could
// substitute one. Only files the release key signed reach a slot now.
TEST_CASE("boot slots take only firmware files signed by the release key", "[security]") {
  fs::path dir = fs::temp_directory_path() / fmt::format("rampart-signed-{}", ::getpid());
  fs::remove_all(dir);
  fs::path flash = dir / "flash";
  fs::create_directories(flash);
  write(dir / "esp/grub/grubenv", *fw::GrubEnv{{{"good_slot", "A"}, {"try_slot", ""}}}.render());
  write(dir / "A/release", "version=1.0(1)\nimage=rampart-1.0.1.bin\nsha256=00\n");
  fs::create_directories(dir / "B");
  TestKey other;
  std::string good = firmware_file("1.0(2)");
  write(flash / "unsigned.bin", firmware_file("1.0(2)", false, nullptr));
  write(flash / "other-key.bin", firmware_file("1.0(2)", false, &other));
  std::string forged = good;
  forged.replace(forged.find("version=1.0(2)"), 14, "version=9.9(9)");  // after signing
  write(flash / "forged.bin", forged);
  std::string bad_sig = good;
  size_t s = bad_sig.find("signature=") + 10;
  bad_sig[s] = bad_sig[s] == '0' ? '1' : '0';
  write(flash / "bad-signature.bin", bad_sig);
  write(flash / "truncated.bin", good.substr(0, good.size() - 3));
  std::string appended = good;  // a line after the signature is not covered by it
  appended.insert(appended.find("\n\n") + 1, "kernel=7\n");
  write(flash / "appended.bin", appended);
  write(flash / "good.bin", good);

  fw::BootSlots a(dir.string(), "A", flash.string(), release_key().public_raw());
  for (const char* f : {"unsigned.bin", "other-key.bin", "forged.bin", "bad-signature.bin"}) {
    auto r = a.prepare({f});
    REQUIRE_FALSE(r);
    CHECK(r.error().starts_with(fmt::format("Signature not valid for file disk0:/{} (", f)));
  }
  CHECK(a.prepare({"unsigned.bin"}).error().ends_with("(the file is not signed)"));
  CHECK(a.prepare({"truncated.bin"}).error() == "disk0:/truncated.bin: file is truncated");
  CHECK(a.prepare({"appended.bin"}).error() == "disk0:/appended.bin: damaged firmware file header");
  CHECK_FALSE(fs::exists(dir / "B/vmlinuz"));  // nothing reached the slot
  CHECK(*a.prepare({"unsigned.bin", "good.bin"}) == "disk0:/good.bin");
  CHECK(read(dir / "B/vmlinuz") == "KERNEL");

  // A firmware built without a key takes nothing, signed or not.
  fw::BootSlots keyless(dir.string(), "A", flash.string(), "");
  CHECK(keyless.prepare({"good.bin"}).error() ==
        "Signature not valid for file disk0:/good.bin (this firmware has no release signing "
        "key)");

  // What verify reports.
  auto c = fw::check_firmware_file((flash / "good.bin").string(), release_key().public_raw());
  REQUIRE(c);
  CHECK(c->computed_sha256 == c->embedded_sha256);
  CHECK(c->signature_error.empty());
  c = fw::check_firmware_file((flash / "other-key.bin").string(), release_key().public_raw());
  REQUIRE(c);
  CHECK(c->signature_error == "the signature does not verify");
  fs::remove_all(dir);
}

TEST_CASE("verify and boot system answer in the ASA's words", "[security]") {
  struct Box : rampart::test::FakeSystem {
    rampart::expected<ImageCheck, std::string> verify_image(const std::string& p) const override {
      if (p == "good.bin") return ImageCheck{"ab12", "ab12", ""};
      if (p == "evil.bin") return ImageCheck{"cd34", "cd34", "the signature does not verify"};
      return rampart::unexpected(std::string("No such file or directory"));
    }
  };
  Box sys;
  rampart::cli::Appliance app{sys};
  rampart::cli::Session s{app, true};
  CHECK(s.execute("verify disk0:/good.bin").output ==
        "Verifying file integrity of disk0:/good.bin\n\nComputed Hash   SHA2: ab12\n"
        "Embedded Hash   SHA2: ab12\n\nDigital signature successfully validated\n");
  CHECK(s.execute("verify disk0:/evil.bin").output ==
        "Verifying file integrity of disk0:/evil.bin\n\nComputed Hash   SHA2: cd34\n"
        "Embedded Hash   SHA2: cd34\n\n%ERROR: Signature not valid for file disk0:/evil.bin (the "
        "signature does not verify)\n");
  CHECK(s.execute("verify disk0:/none.bin").output ==
        "%Error verifying disk0:/none.bin (No such file or directory)\n");
  s.execute("configure terminal");
  CHECK(s.execute("boot system disk0:/evil.bin").output ==
        "%ERROR: Signature not valid for file disk0:/evil.bin\n");
  CHECK(s.execute("boot system disk0:/good.bin").output.empty());
  CHECK(app.config().system.boot_images == std::vector<std::string>{"disk0:/good.bin"});
}

TEST_CASE("sshd_config follows the ssh lines") {
  Console c;
  fw::SshService ssh({"/usr/sbin/sshd", "/run/x", "/flash/.private", "/nonexistent"});
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 192.0.2.10 255.255.255.0\n"
      "no shutdown\nexit\nssh 192.0.2.0 255.255.255.0 outside\nssh 198.51.100.0 "
      "255.255.255.128 outside\nssh timeout 7");
  CHECK(ssh.render(c.cfg()).empty());  // no aaa authentication ssh console LOCAL yet
  c.run("aaa authentication ssh console LOCAL");
  std::string conf = ssh.render(c.cfg());
  CHECK(conf.find("ListenAddress 192.0.2.10\n") != std::string::npos);
  CHECK(conf.find("Match LocalAddress 192.0.2.10 Address 192.0.2.0/24,198.51.100.0/25\n"
                  " AllowUsers *@192.0.2.0/24 *@198.51.100.0/25\n MaxAuthTries 3\n") !=
        std::string::npos);
  CHECK(conf.find("ForceCommand /usr/bin/rampart\n") != std::string::npos);
  CHECK(conf.find("ChannelTimeout session=7m\n") != std::string::npos);
  CHECK(conf.find("PermitRootLogin no\n") != std::string::npos);
  c.run("ssh 10.0.0.0 255.0.0.0 inside");  // no such interface: nothing listens there
  CHECK(ssh.render(c.cfg()).find("ListenAddress 10.") == std::string::npos);
}

// Issue 11: "ssh 0.0.0.0 0.0.0.0 inside" once let every source try passwords on the outside
// address too, as sshd had one AllowUsers list for every address it listened on.
TEST_CASE("sshd_config admits each ssh line's network on its own interface's address only") {
  Console c;
  fw::SshService ssh({"/usr/sbin/sshd", "/run/x", "/flash/.private", "/nonexistent"});
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.192\n"
      "no shutdown\nexit\ninterface GigabitEthernet0/1\nnameif inside\n"
      "ip address 192.0.2.1 255.255.255.0\nno shutdown\nexit\n"
      "aaa authentication ssh console LOCAL\nssh 0.0.0.0 0.0.0.0 inside\n"
      "ssh 203.0.113.0 255.255.255.0 outside");
  std::string conf = ssh.render(c.cfg());
  // Before any Match: the default admits no one and ends the connection at the first
  // authentication request (no password prompt).
  size_t first_match = conf.find("Match ");
  REQUIRE(first_match != std::string::npos);
  std::string global = conf.substr(0, first_match);
  CHECK(global.find("AllowUsers *@0.0.0.0/32\nMaxAuthTries 0\n") != std::string::npos);
  CHECK(global.find("*@0.0.0.0/0") == std::string::npos);
  CHECK(global.find("*@203.0.113.0/24") == std::string::npos);
  CHECK(conf.substr(first_match) ==
        "Match LocalAddress 192.0.2.1 Address 0.0.0.0/0\n AllowUsers *@0.0.0.0/0\n"
        " MaxAuthTries 3\n"
        "Match LocalAddress 198.51.100.1 Address 203.0.113.0/24\n AllowUsers *@203.0.113.0/24\n"
        " MaxAuthTries 3\n");
}

TEST_CASE("a copy is deferred work when the daemon runs it in the background") {
  Console c;
  privileged(c);
  c.sys.files["a.bin"] = "data";
  c.app.set_background_work(true);
  auto r = c.s.execute("copy /noconfirm disk0:/a.bin disk0:/b.bin");
  CHECK(r.pending);
  CHECK_FALSE(c.sys.files.contains("b.bin"));  // nothing done in line
  auto work = c.s.take_deferred();
  REQUIRE(work);
  CHECK(work().find("4 bytes copied in") != std::string::npos);
  CHECK(c.sys.files.at("b.bin") == "data");
  CHECK_FALSE(c.s.execute("dir").pending);
}

TEST_CASE("crypto key generate rsa, zeroize and show crypto key mypubkey rsa") {
  Console c;
  CHECK(c.run("crypto key generate rsa modulus 2048") ==
        "Keypair generation process begin. Please wait...\n");
  REQUIRE(c.sys.key);
  CHECK(c.sys.key->bits == 2048);
  // A key exists: the ASA warns and asks.
  CHECK(c.run("crypto key generate rsa general-keys modulus 4096") ==
        "WARNING: You have a RSA keypair already defined named <Default-RSA-Key>.\n\n");
  CHECK(c.s.prompt() == "Do you really want to replace them? [yes/no]: ");
  c.run("no");
  CHECK(c.sys.key->bits == 2048);
  c.run("crypto key generate rsa modulus 4096\nyes");
  CHECK(c.sys.key->bits == 4096);
  CHECK(c.run("crypto key generate rsa modulus 3072 noconfirm") ==
        "Keypair generation process begin. Please wait...\n");
  CHECK(c.sys.key->bits == 3072);
  c.run("crypto key generate rsa modulus 4096 noconfirm");
  CHECK(c.run("crypto key generate rsa modulus 1000").find("ERROR: % Invalid input") !=
        std::string::npos);
  std::string show = c.run("show crypto key mypubkey rsa");
  CHECK(show.starts_with("Key pair was generated at: "));
  CHECK(show.find("Key name: <Default-RSA-Key>\n Usage: General Purpose Key\n Modulus Size "
                  "(bits): 4096\n Storage: config\n Key Data:\n\n  42424242 42424242") !=
        std::string::npos);
  c.run("crypto key zeroize rsa");
  CHECK(c.s.prompt() == "Do you really want to remove these keys? [yes/no]: ");
  c.run("yes");
  CHECK_FALSE(c.sys.key);
  CHECK(c.run("show crypto key mypubkey rsa").empty());
  c.run("crypto key generate rsa");
  CHECK(c.sys.key->bits == 2048);  // the default modulus
  CHECK(c.run("crypto key zeroize rsa noconfirm").empty());
  CHECK_FALSE(c.sys.key);
}

TEST_CASE("RSA key pairs through OpenSSL") {
  auto pem = rampart::platform::generate_rsa_pem(1024);
  REQUIRE(pem);
  CHECK(pem->starts_with("-----BEGIN PRIVATE KEY-----"));
  auto pub = rampart::platform::rsa_public_of(*pem);
  REQUIRE(pub);
  CHECK(pub->bits == 1024);
  CHECK(pub->spki_der.size() == 162);  // SEQUENCE { rsaEncryption, BIT STRING { n, e } }
  CHECK(static_cast<uint8_t>(pub->spki_der[0]) == 0x30);
  CHECK_FALSE(rampart::platform::rsa_public_of("not a key"));
}
}  // namespace flash_boot_test
