// System views in the ASA's formats, from a FakeSystem's counters, ARP table, CPU and memory
// figures; the rate lines' arithmetic; ping's report. [views]
#include <catch2/catch.hpp>

#include "platform/link_rates.hpp"
#include "platform/proc_stats.hpp"
#include "tests/unit/session_helpers.hpp"

namespace system_views_test {

using rampart::test::Console;
using namespace rampart;

namespace {

// Two named interfaces with addresses, as a lab box has them.
void lab(Console& c) {
  c.run(
      "interface GigabitEthernet0/0\nnameif outside\nip address 198.51.100.1 255.255.255.0\n"
      "no shutdown\ninterface GigabitEthernet0/1\nnameif inside\n"
      "ip address 192.0.2.1 255.255.255.0\nno shutdown\nexit");
  c.sys.apply(c.cfg());  // the daemon pushes the model to the kernel on its tick
}

const std::string kInvalid = "ERROR: % Invalid input detected at '^' marker.\n";

}  // namespace

TEST_CASE("show interface prints the ASA's counter block", "[views]") {
  Console c;
  lab(c);
  cli::LinkCounters k;
  k.rx_packets = 1200;
  k.rx_bytes = 345678;
  k.rx_no_buffer = 3;
  k.rx_broadcast = 7;
  k.rx_errors = 2;
  k.rx_crc = 1;
  k.rx_frame = 1;
  k.tx_packets = 900;
  k.tx_bytes = 123456;
  k.dropped = 4;
  k.speed_mbps = 10000;
  k.one_minute = {178, 18825, 267, 306674, 1};
  c.sys.counters["GigabitEthernet0/0"] = k;
  std::string out = c.run("show interface GigabitEthernet0/0");
  CHECK(out ==
        "Interface GigabitEthernet0/0 \"outside\", is up, line protocol is up\n"
        "  Hardware is eth0, BW 10000 Mbps, DLY 10 usec\n"
        "        MAC address 0200.5e00.5301, MTU 1500\n"
        "        IP address 198.51.100.1, subnet mask 255.255.255.0\n"
        "        1200 packets input, 345678 bytes, 3 no buffer\n"
        "        Received 7 broadcasts, 0 runts, 0 giants\n"
        "        2 input errors, 1 CRC, 1 frame, 0 overrun, 0 ignored, 0 abort\n"
        "        900 packets output, 123456 bytes, 0 underruns\n"
        "        0 output errors, 0 collisions, 0 interface resets\n"
        "  Traffic Statistics for \"outside\":\n"
        "        1200 packets input, 345678 bytes\n"
        "        900 packets output, 123456 bytes\n"
        "        4 packets dropped\n"
        "      1 minute input rate 178 pkts/sec,  18825 bytes/sec\n"
        "      1 minute output rate 267 pkts/sec,  306674 bytes/sec\n"
        "      1 minute drop rate, 1 pkts/sec\n"
        "      5 minute input rate 0 pkts/sec,  0 bytes/sec\n"
        "      5 minute output rate 0 pkts/sec,  0 bytes/sec\n"
        "      5 minute drop rate, 0 pkts/sec\n");
  // "stats" is the default view, named.
  CHECK(c.run("show interface GigabitEthernet0/0 stats") ==
        c.run("show interface GigabitEthernet0/0"));
  CHECK(c.run("show interface stats") == c.run("show interface"));
  // Without the kernel's figures it says so rather than printing zeros.
  CHECK(c.run("show interface GigabitEthernet0/1").find("Counters are not available") !=
        std::string::npos);
  std::string detail = c.run("show interface GigabitEthernet0/0 detail");
  CHECK(detail.find("  Control Point Interface States:\n        Interface number is 1\n"
                    "        Interface config status is active\n"
                    "        Interface state is active\n") != std::string::npos);
  CHECK(c.run("show interface Bogus0/9").ends_with(kInvalid));
  // The nameif names the interface too, exactly (as nameifs compare).
  CHECK(c.run("show interface outside") == c.run("show interface GigabitEthernet0/0"));
  CHECK(c.run("show interface outside detail") == detail);
  CHECK(c.run("show interface OUTSIDE").ends_with(kInvalid));
}

TEST_CASE("show nameif and show ip address list the named interfaces", "[views]") {
  Console c;
  lab(c);
  CHECK(c.run("show nameif") ==
        "Interface                Name                     Security\n"
        "GigabitEthernet0/0       outside                    0\n"
        "GigabitEthernet0/1       inside                   100\n");
  CHECK(c.run("show ip address") ==
        "System IP Addresses:\n"
        "Interface                Name                   IP address      Subnet mask     Method\n"
        "GigabitEthernet0/0       outside                198.51.100.1    255.255.255.0   CONFIG\n"
        "GigabitEthernet0/1       inside                 192.0.2.1       255.255.255.0   CONFIG\n"
        "Current IP Addresses:\n"
        "Interface                Name                   IP address      Subnet mask     Method\n"
        "GigabitEthernet0/0       outside                198.51.100.1    255.255.255.0   CONFIG\n"
        "GigabitEthernet0/1       inside                 192.0.2.1       255.255.255.0   CONFIG\n");
}

TEST_CASE("show arp: interface name, address, MAC and age", "[views]") {
  Console c;
  lab(c);
  c.sys.arp = {{"eth1", config::Ipv4{0xC000020A}, "0011.2233.4455", 12, false},
               {"eth0", config::Ipv4{0xC6336402}, "0011.2233.4466", 3, false},
               {"eth0-vpn", config::Ipv4{0xC6336409}, "0011.2233.4477", 1, false},
               {"eth1", config::Ipv4{0xC0000205}, "0011.2233.4488", 0, true}};
  CHECK(c.run("show arp") ==
        "        outside 198.51.100.2 0011.2233.4466 3\n"
        "        inside 192.0.2.5 0011.2233.4488 -\n"
        "        inside 192.0.2.10 0011.2233.4455 12\n");
  CHECK(c.run("show arp inside") ==
        "        inside 192.0.2.5 0011.2233.4488 -\n"
        "        inside 192.0.2.10 0011.2233.4455 12\n");
}

TEST_CASE("show cpu usage, show cpu core and show memory", "[views]") {
  Console c;
  CHECK(c.run("show cpu usage") ==
        "CPU utilization for 5 seconds = 0%; 1 minute: 0%; 5 minutes: 0%\n");
  c.sys.cpu.known = true;
  c.sys.cpu.total = {12, 7, 3};
  c.sys.cpu.cores = {{20, 10, 5}, {4, 4, 1}};
  CHECK(c.run("show cpu usage") ==
        "CPU utilization for 5 seconds = 12%; 1 minute: 7%; 5 minutes: 3%\n");
  CHECK(c.run("show cpu core") ==
        "Core          5 sec     1 min     5 min\n"
        "Core 0         20.0%     10.0%      5.0%\n"
        "Core 1          4.0%      4.0%      1.0%\n");
  CHECK(c.run("show memory") == "ERROR: Memory figures are not available\n");
  c.sys.mem = cli::MemoryUsage{4294967296, 3865470566};
  CHECK(c.run("show memory") ==
        "Free memory:          3865470566 bytes (90%)\n"
        "Used memory:           429496730 bytes (10%)\n"
        "-------------     ------------------\n"
        "Total memory:         4294967296 bytes (100%)\n");
}

TEST_CASE("ping reports each echo and the success rate as the ASA", "[views]") {
  Console c;
  lab(c);
  c.sys.ping_answers =
      std::vector<cli::PingResult>{{'!', 1}, {'!', 3}, {'!', 2}, {'!', 1}, {'!', 1}};
  CHECK(c.run("ping inside 192.0.2.10") ==
        "Type escape sequence to abort.\n"
        "Sending 5, 100-byte ICMP Echos to 192.0.2.10, timeout is 2 seconds:\n"
        "!!!!!\n"
        "Success rate is 100 percent (5/5), round-trip min/avg/max = 1/1/3 ms\n");
  REQUIRE(c.sys.pings.size() == 1);
  CHECK(c.sys.pings[0].device == "eth1");
  c.sys.ping_answers = std::vector<cli::PingResult>{};
  CHECK(c.run("ping 192.0.2.99 repeat 3 size 200 timeout 1") ==
        "Type escape sequence to abort.\n"
        "Sending 3, 200-byte ICMP Echos to 192.0.2.99, timeout is 1 seconds:\n"
        "???\n"
        "Success rate is 0 percent (0/3)\n");
  CHECK(c.sys.pings.back().device.empty());
  c.sys.ping_answers = std::vector<cli::PingResult>{{'!', 4}, {'?', 0}, {'U', 0}};
  CHECK(
      c.run("ping outside 198.51.100.2 repeat 3")
          .ends_with("!?U\nSuccess rate is 33 percent (1/3), round-trip min/avg/max = 4/4/4 ms\n"));
  c.sys.ping_answers.reset();
  CHECK(c.run("ping 192.0.2.10").ends_with("ERROR: socket: Operation not permitted\n"));
}

TEST_CASE("bad system-view input gets the ASA's words and is counted", "[views]") {
  Console c;
  lab(c);
  c.sys.ping_answers = std::vector<cli::PingResult>{};
  REQUIRE(c.s.counters());
  auto before = c.s.counters()->invalid_input;
  CHECK(c.run("ping nowhere 192.0.2.10").ends_with(kInvalid));
  CHECK(c.run("ping 192.0.2.10 repeat 0").ends_with(kInvalid));
  CHECK(c.run("ping 192.0.2.10 size 20").ends_with(kInvalid));
  CHECK(c.run("ping 192.0.2.10 repeat 1001").ends_with(kInvalid));
  CHECK(c.run("show cpu bogus").ends_with(kInvalid));
  CHECK(c.sys.pings.empty());
  CHECK(c.s.counters()->invalid_input >= before + 5);
}

TEST_CASE("rate lines: per-second rates over 1 and 5 minutes on a fake clock", "[views]") {
  platform::LinkRateHistory h;
  CHECK(h.rate(60).in_packets == 0);  // no sample: zeros, as right after boot
  h.add(1000, {0, 0, 0, 0, 0});
  CHECK(h.rate(60).in_bytes == 0);  // one sample: still no interval
  // 100 pkt/s and 1500 B/s in, 50 pkt/s out, one drop every 5 s, sampled every 5 s for 6 min.
  uint64_t t = 1000;
  for (uint64_t i = 1; i <= 72; ++i) {
    t = 1000 + 5 * i;
    h.add(t, {100 * 5 * i, 1500 * 5 * i, 50 * 5 * i, 700 * 5 * i, i});
  }
  auto m = h.rate(60);
  CHECK(m.in_packets == 100);
  CHECK(m.in_bytes == 1500);
  CHECK(m.out_packets == 50);
  CHECK(m.out_bytes == 700);
  CHECK(m.drop_packets == 0);  // 12 drops in 60 s: 0.2/s rounds down
  // Traffic doubles for the last minute: the 1-minute rate follows, the 5-minute one averages.
  for (uint64_t i = 1; i <= 12; ++i)
    h.add(t + 5 * i, {36000 + 1000 * i, 540000 + 15000 * i, 18000 + 500 * i, 252000, 72});
  t += 60;
  CHECK(h.rate(60).in_packets == 200);
  CHECK(h.rate(300).in_packets == (200 * 60 + 100 * 240) / 300);
  CHECK(h.rate(300).out_bytes == 700 * 240 / 300);
  // A sample sooner than the interval is ignored.
  h.add(t + 1, {0, 0, 0, 0, 0});
  CHECK(h.rate(60).in_packets == 200);
  // Counters that went down (the device was recreated) start afresh: no rate spans it.
  h.add(t + 5, {10, 10, 10, 10, 0});
  CHECK(h.rate(60).in_packets == 0);
  h.add(t + 10, {60, 10, 10, 10, 0});
  CHECK(h.rate(60).in_packets == 10);  // since the oldest kept: 50 packets in 5 s
}

TEST_CASE("proc parsers: /proc/stat, meminfo, a thread's stat, the CPU averages", "[views]") {
  auto t = platform::parse_proc_stat(
      "cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 60 0 20 400 20 0 0 0 0 0\n"
      "cpu1 40 0 30 400 30 0 0 0 0 0\nintr 5\n");
  REQUIRE(t.size() == 3);
  CHECK(t[0].total == 1000);
  CHECK(t[0].busy == 150);
  auto m = platform::parse_meminfo("MemTotal:  1000 kB\nMemFree: 10 kB\nMemAvailable:  250 kB\n");
  REQUIRE(m);
  CHECK(m->total == 1024000);
  CHECK(m->free == 256000);
  CHECK_FALSE(platform::parse_meminfo("MemTotal: 10 kB\n"));
  // A name with a space and a parenthesis; tpgid -1 keeps its place.
  auto th = platform::parse_task_stat(
      "4242 (ike (worker)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0", 100);
  REQUIRE(th);
  CHECK(th->tid == 4242);
  CHECK(th->name == "ike (worker)");
  CHECK(th->state == 'S');
  CHECK(th->runtime_ms == 3000);
  CHECK_FALSE(platform::parse_task_stat("garbage", 100));

  platform::CpuHistory h;
  CHECK(h.usage(5).empty());
  h.add(100, {{0, 0}});
  h.add(100, {{50, 50}});  // less than a second later: ignored
  h.add(101, {{10, 100}});
  CHECK(h.usage(5) == std::vector<int>{10});
  for (uint64_t s = 2; s <= 400; ++s) h.add(100 + s, {{10 + 50 * (s - 1), 100 * s}});
  // The last 5 s half busy; over 5 minutes still half busy (the early 10% sample is gone).
  CHECK(h.usage(5) == std::vector<int>{50});
  CHECK(h.usage(300) == std::vector<int>{50});
}

TEST_CASE("more system:running-config shows secrets; show tech-support masks them", "[views]") {
  Console c;
  lab(c);
  c.run(
      "tunnel-group 198.51.100.2 type ipsec-l2l\ntunnel-group 198.51.100.2 ipsec-attributes\n"
      "ikev1 pre-shared-key Sup3rS3cretK3y\nexit\n"
      "aaa-server RAD protocol radius\naaa-server RAD (inside) host 192.0.2.50 RadKey77\nexit\n"
      "end");
  c.sys.mem = cli::MemoryUsage{1000, 500};
  std::string tech = c.run("show tech-support");
  CHECK(tech.find("------------------ show version ------------------") != std::string::npos);
  CHECK(tech.find("------------------ show running-config ------------------") !=
        std::string::npos);
  CHECK(tech.find("ikev1 pre-shared-key *****") != std::string::npos);
  CHECK(tech.find("Interface GigabitEthernet0/1 \"inside\"") != std::string::npos);
  CHECK(tech.find("Free memory:") != std::string::npos);
  CHECK(tech.find("Sup3rS3cretK3y") == std::string::npos);
  CHECK(tech.find("RadKey77") == std::string::npos);
  std::string more = c.run("more system:running-config");
  CHECK(more.find("ikev1 pre-shared-key Sup3rS3cretK3y") != std::string::npos);
  CHECK(more.find("RadKey77") != std::string::npos);
  // Only in privileged EXEC: not in configuration mode, not for an unprivileged session.
  c.run("configure terminal");
  CHECK(c.run("more system:running-config").ends_with(kInvalid));
  c.run("end\ndisable");
  CHECK(c.run("more system:running-config").ends_with(kInvalid));
  CHECK(c.run("show tech-support").ends_with(kInvalid));
}

TEST_CASE("show process lists the daemon's threads", "[views]") {
  Console c;
  c.run("end");
  c.sys.threads = {{101, "rampartd", 1500, 'S'}, {102, "ike-worker", 20, 'R'}};
  CHECK(c.run("show process") ==
        "     PID STATE      Runtime Process\n"
        "     101 S             1500 rampartd\n"
        "     102 R               20 ike-worker\n");
}
}  // namespace system_views_test
