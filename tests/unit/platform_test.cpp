// Flash writes, the control protocol framing, interface names.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "firmware/protocol/frame.hpp"
#include "platform/child.hpp"
#include "platform/flash.hpp"
#include "platform/ifmap.hpp"
#include "platform/printable.hpp"

namespace platform_test {

using namespace rampart;

TEST_CASE("atomic_write replaces the file, 0600, and leaves no temporary behind") {
  char dir[] = "/tmp/rampart-flash-XXXXXX";
  REQUIRE(::mkdtemp(dir));
  std::string path = std::string(dir) + "/startup-config";
  REQUIRE(platform::atomic_write(path, "one\n"));
  REQUIRE(platform::atomic_write(path, "two\n"));
  CHECK(*platform::read_file(path) == "two\n");
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(platform::atomic_write(path + ".tmp.1", "stale"));
  platform::remove_stale_temporaries(path);
  CHECK(!platform::read_file(path + ".tmp.1"));
  CHECK(platform::remove_file(path));
  CHECK(!platform::read_file(path));
  CHECK(platform::remove_file(path));  // a missing file is fine
  CHECK(!platform::atomic_write("/nonexistent-dir/x", "y"));
  ::rmdir(dir);
}

TEST_CASE("frames round-trip; truncated, oversized and unknown frames are refused") {
  protocol::Decoder d;
  std::string bytes = protocol::encode(protocol::Type::Line, "show version") +
                      protocol::encode(protocol::Type::Help, "");
  d.feed(bytes.substr(0, 3));
  CHECK(d.next().value() == std::nullopt);  // needs more
  d.feed(bytes.substr(3));
  auto f = d.next();
  REQUIRE(f);
  REQUIRE(*f);
  CHECK((*f)->type == protocol::Type::Line);
  CHECK((*f)->payload == "show version");
  f = d.next();
  REQUIRE(*f);
  CHECK((*f)->type == protocol::Type::Help);
  protocol::Decoder big;
  big.feed(std::string("\x02\x7f\xff\xff\xff", 5));
  CHECK(!big.next());
  protocol::Decoder junk;
  junk.feed(std::string("\x63\x00\x00\x00\x00", 5));
  CHECK(!junk.next());
  int lines = 0;
  std::string text;
  CHECK(protocol::parse_output(protocol::output_payload(24, "x\n"), lines, text));
  CHECK(lines == 24);
  CHECK(text == "x\n");
  // A view larger than one frame goes in pieces, each a frame the decoder takes, cut after a
  // newline, that put together are the whole text.
  std::string line(99, 'a');
  line += '\n';
  std::string view;
  while (view.size() < 2 * protocol::kMaxPayload + 50) view += line;
  auto pieces = protocol::output_payloads(24, view);
  REQUIRE(pieces.size() == 3);
  std::string joined;
  for (const auto& p : pieces) {
    protocol::Decoder d2;
    d2.feed(protocol::encode(protocol::Type::Output, p));
    auto g = d2.next();
    REQUIRE(g);
    REQUIRE(*g);
    REQUIRE(protocol::parse_output((*g)->payload, lines, text));
    CHECK(lines == 24);
    CHECK(text.back() == '\n');
    joined += text;
  }
  CHECK(joined == view);
  CHECK(protocol::output_payloads(0, "x\n").size() == 1);
}

TEST_CASE("interface names canonicalise; the map file overrides") {
  using platform::canonical_interface_name;
  CHECK(canonical_interface_name("gi0/1") == "GigabitEthernet0/1");
  CHECK(canonical_interface_name("GigabitEthernet 0/2") == "GigabitEthernet0/2");
  CHECK(canonical_interface_name("ethernet1") == "GigabitEthernet0/1");
  CHECK(canonical_interface_name("m0/0") == "Management0/0");
  CHECK(!canonical_interface_name("Foo0/0"));
  CHECK(!canonical_interface_name("gi0/"));
  platform::InterfaceMap m;
  CHECK(!platform::InterfaceMap::parse("# lab\nGigabitEthernet0/3 ens5\n", m));
  CHECK(m.device_for("GigabitEthernet0/3") == "ens5");
  CHECK(m.device_for("GigabitEthernet0/1") == "eth1");
  CHECK(m.cli_name_for("ens5") == "GigabitEthernet0/3");
  CHECK(m.cli_name_for("eth2") == "GigabitEthernet0/2");
  CHECK(!m.cli_name_for("wlan0"));
  CHECK(platform::InterfaceMap::parse("GigabitEthernet0/3\n", m).value() ==
        "line 1: expected \"<interface> <device>\"");
}

TEST_CASE("peer bytes are shown escaped", "[platform][security]") {
  using rampart::platform::printable;
  CHECK(printable("alice") == "alice");
  CHECK(printable("bob\n%ASA-6-605005: admin") == "bob\\x0a%ASA-6-605005: admin");
  CHECK(printable(std::string_view("a\0b", 3)) == "a\\x00b");
  CHECK(printable("\x1b[2J\xff") == "\\x1b[2J\\xff");
  CHECK(printable("back\\slash") == "back\\x5cslash");
}

TEST_CASE("a child daemon is started, seen to exit, and stopped within its grace") {
  rampart::platform::Child c;
  REQUIRE(c.start({"/bin/sh", "-c", "exit 3"}, true));
  std::optional<std::string> why;
  for (int i = 0; i < 500 && !why; ++i) {
    why = c.exited();
    if (!why) ::usleep(10'000);
  }
  CHECK(why == "exited with status 3");
  CHECK_FALSE(c.running());
  // A child that ignores SIGTERM is killed once the grace is over.
  REQUIRE(c.start({"/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done"}, true));
  ::usleep(100'000);  // the trap is set
  c.stop(200);
  CHECK_FALSE(c.running());
  CHECK_FALSE(c.exited());
}
}  // namespace platform_test
