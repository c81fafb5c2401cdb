// The NSS module's shared account (firmware/nss): the file rampartd writes, the names it
// answers, the passwd entry in the caller's buffer (ERANGE when too small).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <string>

#include "firmware/daemon/ssh_service.hpp"
#include "firmware/nss/aaa_account.hpp"
#include "platform/flash.hpp"
#include "tests/unit/session_helpers.hpp"

namespace nss_account_test {

using namespace rampart;

namespace {

bool parse(const std::string& text, nss::AaaAccount& a) {
  return nss::parse_account(text.data(), text.size(), a);
}

}  // namespace

TEST_CASE("aaa-account: the line rampartd writes parses back", "[nss]") {
  nss::AaaAccount a;
  REQUIRE(parse("2000 2000 /usr/bin/rampart\n", a));
  CHECK(a.uid == 2000);
  CHECK(a.gid == 2000);
  CHECK(std::string(a.shell) == "/usr/bin/rampart");
  char buf[64];
  REQUIRE(nss::format_account(a, buf, sizeof buf));
  CHECK(std::string(buf) == "2000 2000 /usr/bin/rampart\n");
  CHECK_FALSE(nss::format_account(a, buf, 10));  // does not fit: nothing half-written promised
}

TEST_CASE("aaa-account: anything else is no account", "[nss]") {
  nss::AaaAccount a;
  for (const char* bad : {
           "",
           "\n",
           "0 2000 /usr/bin/rampart\n",      // root
           "2000 0 /usr/bin/rampart\n",      // root's group
           "02000 2000 /usr/bin/rampart\n",  // leading zero
           "-1 2000 /usr/bin/rampart\n",
           "4294967295 2000 /bin/sh\n",  // (uid_t)-1
           "99999999999 2000 /bin/sh\n",
           "2000 2000 /usr/bin/rampart",      // no newline
           "2000 2000 /usr/bin/rampart\n\n",  // two lines
           "2000 2000 usr/bin/rampart\n",     // relative shell
           "2000 2000 /bin/sh:x\n",           // a passwd separator
           "2000 2000 /bin/s h\n",
           "2000  2000 /bin/sh\n",
           "2000 2000 \n",
           "2000\n",
           "x 2000 /bin/sh\n",
       })
    CHECK_FALSE(parse(bad, a));
  std::string nul("2000 2000 /bin\0sh\n", 18);
  CHECK_FALSE(parse(nul, a));
  CHECK_FALSE(parse("2000 2000 /" + std::string(200, 'a') + "\n", a));
  CHECK_FALSE(nss::parse_account(nullptr, 5, a));
}

TEST_CASE("aaa-account: names the module answers", "[nss]") {
  for (const char* good : {"ops", "jane.doe", "a", "admin@example", "x_y-z", "R2D2"})
    CHECK(nss::valid_name(good));
  CHECK(nss::valid_name(std::string(nss::kMaxName, 'a').c_str()));
  CHECK_FALSE(nss::valid_name(std::string(nss::kMaxName + 1, 'a').c_str()));
  for (const char* bad : {"", "a:b", "../etc", "a/b", "a\\b", "a b", "a\nb", "a\tb", "-oProxy",
                          "+nis", ".hidden", "caf\xc3\xa9", "del\x7f"})
    CHECK_FALSE(nss::valid_name(bad));
  CHECK_FALSE(nss::valid_name(nullptr));
}

TEST_CASE("aaa-account: the passwd entry lives in the caller's buffer", "[nss]") {
  nss::AaaAccount a;
  REQUIRE(parse("2000 2000 /usr/bin/rampart\n", a));
  passwd pw{};
  char buf[256];
  REQUIRE(nss::fill_passwd(a, "ops", &pw, buf, sizeof buf));
  CHECK(std::string(pw.pw_name) == "ops");
  CHECK(pw.pw_uid == 2000);
  CHECK(pw.pw_gid == 2000);
  CHECK(std::string(pw.pw_dir) == "/var/empty");
  CHECK(std::string(pw.pw_shell) == "/usr/bin/rampart");
  CHECK(std::string(pw.pw_passwd) == "x");
  for (char* p : {pw.pw_name, pw.pw_passwd, pw.pw_gecos, pw.pw_dir, pw.pw_shell}) {
    CHECK(p >= buf);
    CHECK(p < buf + sizeof buf);
  }
  // Exactly what it needs, and one byte less (glibc then retries with a larger buffer).
  size_t need =
      4 + 2 + std::strlen(nss::kGecos) + 1 + std::strlen(nss::kHome) + 1 + std::strlen(a.shell) + 1;
  CHECK(nss::fill_passwd(a, "ops", &pw, buf, need));
  CHECK_FALSE(nss::fill_passwd(a, "ops", &pw, buf, need - 1));
  CHECK_FALSE(nss::fill_passwd(a, "ops", &pw, buf, 0));
}

TEST_CASE("aaa-account: a missing file is no account", "[nss]") {
  nss::AaaAccount a;
  CHECK_FALSE(nss::read_account("/nonexistent/rampart/aaa-account", a));
  CHECK_FALSE(nss::read_account("/dev/null", a));  // not a regular file
}

TEST_CASE("aaa-account: rampartd writes it only while a server group authenticates SSH", "[nss]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("nss-account-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // A leftover of an earlier rampartd says nothing about this configuration.
  REQUIRE(platform::atomic_write((dir / "aaa-account").string(), "2000 2000 /bin/sh\n"));
  {
    // sshd "/bin/true" exits at once: the service restarts it now and then, nothing more.
    firmware::SshService ssh(
        {"/bin/true", dir.string(), "/nonexistent", (dir / "passwd").string()});
    CHECK_FALSE(fs::exists(ssh.aaa_account_path()));
    test::Console c;
    c.run(
        "interface GigabitEthernet0/0\nnameif inside\nip address 192.0.2.1 255.255.255.0\n"
        "no shutdown\nexit\naaa-server RAD protocol radius\nexit\n"
        "aaa authentication ssh console RAD LOCAL");
    ssh.sync(c.cfg());
    CHECK_FALSE(fs::exists(ssh.aaa_account_path()));  // no ssh line: SSH is off
    c.run("ssh 192.0.2.0 255.255.255.0 inside");
    ssh.sync(c.cfg());
    auto text = platform::read_file(ssh.aaa_account_path());
    REQUIRE(text);
    CHECK(*text == "2000 2000 /bin/sh\n");
    nss::AaaAccount a;
    REQUIRE(nss::parse_account(text->data(), text->size(), a));
    CHECK(a.uid == firmware::SshService::kAaaUid);
    CHECK(a.gid == firmware::SshService::kGroup);
    CHECK((fs::status(ssh.aaa_account_path()).permissions() & fs::perms::others_write) ==
          fs::perms::none);
    c.run("aaa authentication ssh console LOCAL");
    ssh.sync(c.cfg());
    CHECK_FALSE(fs::exists(ssh.aaa_account_path()));  // the local database alone
    c.run("aaa authentication ssh console RAD");
    ssh.sync(c.cfg());
    CHECK(fs::exists(ssh.aaa_account_path()));
  }
  // Gone with the service (rampartd stopping).
  CHECK_FALSE(fs::exists(dir / "aaa-account"));
  fs::remove_all(dir);
}
}  // namespace nss_account_test
