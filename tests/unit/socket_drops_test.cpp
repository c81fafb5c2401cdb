// The packet workers' sockets' drops on their way to show interface: SocketDrops sums every
// socket of a device (open ones read when asked, closed ones kept), and add_socket_drops puts
// them into the kernel's counters where the ASA counts them. The counts here stand in for the
// kernel's XDP_STATISTICS and PACKET_STATISTICS; xsk_port_test.cpp and packet_port_test.cpp
// have the kernel make real ones. [xdp][views]
#include <catch2/catch.hpp>

#include "dataplane/xdp/socket_drops.hpp"
#include "firmware/daemon/box_system.hpp"
#include "tests/unit/session_helpers.hpp"

namespace socket_drops_test {

using namespace rampart;
using dataplane::xdp::Drops;
using dataplane::xdp::SocketDrops;

namespace {

// A socket whose counts the test moves, as the kernel would.
struct Counts {
  Drops now;
  SocketDrops::Source source() {
    return [this] { return now; };
  }
};

bool same(const Drops& a, const Drops& b) {
  return a.ring_full == b.ring_full && a.fill_empty == b.fill_empty && a.other == b.other &&
         a.packet_ring == b.packet_ring;
}

}  // namespace

TEST_CASE("SocketDrops sums a device's sockets across workers and restarts", "[xdp]") {
  SocketDrops table;
  // Two workers, a socket each on eth0's two queues; one socket on eth1.
  Counts q0, q1, other_port;
  uint64_t t0 = table.add("eth0", q0.source(), false);
  uint64_t t1 = table.add("eth0", q1.source(), false);
  table.add("eth1", other_port.source(), false);
  CHECK(same(table.read("eth0").drops, {}));
  q0.now = {10, 2, 1};
  q1.now = {5, 0, 3};
  other_port.now = {100, 100, 100};
  CHECK(same(table.read("eth0").drops, {15, 2, 4}));  // read live: the counts of the moment
  CHECK(same(table.read("eth1").drops, {100, 100, 100}));
  CHECK(same(table.read("eth2").drops, {}));  // no socket there
  CHECK_FALSE(table.read("eth0").in_rx_dropped);

  // A port change: the old workers close their sockets, whose counts stay, and new ones bind
  // (their kernel counts start at zero); the device's figure never falls.
  table.remove(t0);
  q0.now = {999, 999, 999};  // a closed socket is not read again
  CHECK(same(table.read("eth0").drops, {15, 2, 4}));
  Counts fresh;
  table.add("eth0", fresh.source(), true);  // on a driver that counts them itself
  fresh.now = {1, 1, 1};
  SocketDrops::Reading r = table.read("eth0");
  CHECK(same(r.drops, {16, 3, 5}));
  CHECK(r.in_rx_dropped);  // the latest socket's port speaks for the device
  table.remove(t1);
  table.remove(t1);  // twice: nothing more happens
  CHECK(same(table.read("eth0").drops, {16, 3, 5}));

  // The AF_PACKET ring beneath: its own column, and it says nothing of the driver (a worker
  // without a queue of its own on the port opens a ring after the others bound their sockets).
  Counts ring;
  uint64_t tr = table.add("eth0", ring.source());
  ring.now = {0, 0, 0, 40};
  r = table.read("eth0");
  CHECK(same(r.drops, {16, 3, 5, 40}));
  CHECK(r.in_rx_dropped);
  table.remove(tr);
  CHECK(same(table.read("eth0").drops, {16, 3, 5, 40}));
}

TEST_CASE("show interface adds the AF_XDP sockets' drops where the ASA counts them",
          "[xdp][views]") {
  // The kernel's counters for the port: 7 receive drops of its own, 1 CRC error.
  cli::LinkCounters kernel;
  kernel.rx_packets = 5000;
  kernel.rx_bytes = 400000;
  kernel.rx_no_buffer = 7;
  kernel.rx_errors = 1;
  kernel.rx_crc = 1;
  kernel.dropped = 7;
  // What the sockets could not take: 904 with the fill ring empty (a stalled worker), 30 with
  // the RX ring full, 2 for another reason (an invalid descriptor, a frame too long).
  SocketDrops::Reading sockets{{30, 904, 2}, false};

  SECTION("a driver that does not count them (generic mode, NIC drivers): added") {
    cli::LinkCounters c = kernel;
    firmware::add_socket_drops(c, sockets);
    CHECK(c.rx_no_buffer == 7 + 904);
    CHECK(c.rx_overrun == 30);
    CHECK(c.rx_errors == 1 + 30 + 2);  // input errors include the overruns, as on the ASA
    CHECK(c.dropped == 7 + 936);
    CHECK(c.rx_packets == 5000);  // never received: not input packets

    // As printed: input errors still at least the sum of the types on their line.
    test::Console con;
    con.run(
        "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 "
        "255.255.255.192\nno shutdown\nexit");
    con.sys.apply(con.cfg());
    con.sys.counters["GigabitEthernet0/0"] = c;
    std::string out = con.run("show interface GigabitEthernet0/0");
    CHECK(out.find("        5000 packets input, 400000 bytes, 911 no buffer\n") !=
          std::string::npos);
    CHECK(out.find("        33 input errors, 1 CRC, 0 frame, 30 overrun, 0 ignored, 0 abort\n") !=
          std::string::npos);
    CHECK(out.find("        943 packets dropped\n") != std::string::npos);
  }

  SECTION("a driver that counted them in rx_dropped already (veth, virtio_net): moved") {
    cli::LinkCounters c = kernel;
    c.rx_no_buffer += 936;  // the kernel's figure holds the sockets' 936 too
    c.dropped += 936;
    sockets.in_rx_dropped = true;
    firmware::add_socket_drops(c, sockets);
    CHECK(c.rx_no_buffer == 7 + 904);  // each frame once, in its own column
    CHECK(c.rx_overrun == 30);
    CHECK(c.rx_errors == 1 + 30 + 2);
    CHECK(c.dropped == 7 + 936);
  }

  SECTION("read a moment apart, the kernel's figure may lag: never below zero") {
    cli::LinkCounters c;
    sockets.in_rx_dropped = true;
    firmware::add_socket_drops(c, sockets);
    CHECK(c.rx_no_buffer == 904);
    CHECK(c.dropped == 936);
  }

  SECTION("SNMP's ifInDiscards: the kernel's and the sockets', each frame once") {
    CHECK(firmware::in_discards(7, sockets) == 7 + 936);
    sockets.in_rx_dropped = true;
    CHECK(firmware::in_discards(7 + 936, sockets) == 7 + 936);
    CHECK(firmware::in_discards(7, {}) == 7);
  }

  SECTION("an AF_PACKET ring's: no buffer, added even where the driver counted the others") {
    cli::LinkCounters c = kernel;
    c.rx_no_buffer += 936;
    c.dropped += 936;
    sockets.in_rx_dropped = true;
    sockets.drops.packet_ring = 50;  // no driver counts a full packet ring in rx_dropped
    firmware::add_socket_drops(c, sockets);
    CHECK(c.rx_no_buffer == 7 + 904 + 50);
    CHECK(c.rx_overrun == 30);
    CHECK(c.rx_errors == 1 + 30 + 2);
    CHECK(c.dropped == 7 + 936 + 50);
    CHECK(firmware::in_discards(7 + 936, sockets) == 7 + 936 + 50);
    sockets.in_rx_dropped = false;
    CHECK(firmware::in_discards(7, sockets) == 7 + 936 + 50);
  }

  SECTION("no sockets: the kernel's counters as they were") {
    cli::LinkCounters c = kernel;
    firmware::add_socket_drops(c, {});
    CHECK(c.rx_no_buffer == 7);
    CHECK(c.rx_overrun == 0);
    CHECK(c.rx_errors == 1);
    CHECK(c.dropped == 7);
  }
}
}  // namespace socket_drops_test
