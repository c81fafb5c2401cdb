// The XDP program (dataplane/xdp/steer.bpf.c) run by the kernel on frames of our own
// (BPF_PROG_TEST_RUN, no port involved), against the Decapsulator it feeds: the program must
// take for the AF_XDP sockets exactly what Decapsulator would take from an AF_PACKET ring,
// except fragments and frames too long for a socket's frame, which it leaves to the kernel
// (and AF_PACKET beneath). Named cases first, then a differential run on mutated frames.
// Needs CAP_BPF (root, as the suite runs); elsewhere it says so and checks nothing.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>

#include "dataplane/forward/decap.hpp"
#include "dataplane/forward/io_choice.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/xdp/steer_program.hpp"
#include "dataplane/xdp/xsk_port.hpp"

namespace xdp_steer_test {

using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;
using Bytes = std::vector<uint8_t>;

namespace {

constexpr uint32_t kLocal = 0xc6336401, kLocal2 = 0xc0000201;  // 198.51.100.1, 192.0.2.1
constexpr uint32_t kPeer = 0xc6336402, kOther = 0xc6336403;

// An Ethernet frame from the peer: IPv4 protocol proto to dst with payload (after the header,
// options_words 32-bit words of IP options first).
Bytes frame(uint8_t proto, uint32_t dst, const Bytes& payload, uint16_t frag = 0,
            int options_words = 0) {
  size_t ihl = 20 + 4 * static_cast<size_t>(options_words);
  Bytes f(kEth + ihl + payload.size());
  put16(f.data() + 12, kTypeIpv4);
  uint8_t* ip = f.data() + kEth;
  write_header(ip,
               {0, 64, proto, static_cast<uint16_t>(ihl + payload.size()), 7, frag, kPeer, dst});
  ip[0] = static_cast<uint8_t>(0x40 | (ihl / 4));
  std::memcpy(ip + ihl, payload.data(), payload.size());
  return f;
}

Bytes esp(size_t len, uint32_t spi = 0x1000) {
  Bytes e(len, 0xab);
  if (len >= 4) put32(e.data(), spi);
  return e;
}

// UDP to dport carrying body.
Bytes udp(uint16_t dport, const Bytes& body) {
  Bytes u(8 + body.size());
  put16(u.data(), 4500);
  put16(u.data() + 2, dport);
  put16(u.data() + 4, static_cast<uint16_t>(u.size()));
  std::memcpy(u.data() + 8, body.data(), body.size());
  return u;
}

// Nothing reaches it: no SA exists, so Decapsulator only classifies (and counts Frames).
struct NoSink final : TxSink {
  void transmit(size_t, const uint8_t*, size_t) override {}
  bool to_kernel(size_t, const uint8_t*, size_t) override { return false; }
};

PortConfig port(const char* name, uint32_t address) {
  PortConfig p;
  p.name = name;
  p.address = address;
  p.outside = true;
  return p;
}

// The program as two ports' workers set it up, beside the Decapsulator of those ports.
struct Split {
  std::vector<PortConfig> ports{port("eth0", kLocal), port("eth2", kLocal2)};
  Sad sad;
  WorkerCounters k;
  NoSink sink;
  Decapsulator decap{sad, ports, sink, k};
  std::unique_ptr<xdp::SteerProgram> prog;

  bool load() {
    auto p = xdp::SteerProgram::load();
    if (!p) {
      WARN("XDP program not loaded (" << p.error() << "): not checked here");
      return false;
    }
    prog = std::move(*p);
    prog->set_addresses({kLocal, kLocal2});
    prog->set_max_frame(xdp::XskPort::kMaxRxFrame);
    return true;
  }
  bool steered(const Bytes& f) {
    auto r = prog->run_on(f.data(), f.size());
    REQUIRE(r);
    return *r;
  }
  bool decap_takes(Bytes f) {
    uint64_t before = k.get(Count::Frames);
    decap.frame(0, f.data(), f.size());
    return k.get(Count::Frames) != before;
  }
};

bool fragment(const Bytes& f) {
  return f.size() >= kEth + 20 && (get16(f.data() + kEth + 6) & (kMf | kOffsetMask)) != 0;
}

}  // namespace

TEST_CASE("XDP program steers ESP and ESP-in-UDP to the box, passes the rest", "[xdp]") {
  Split s;
  if (!s.load()) return;
  Bytes ike_marker = {0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  Bytes arp(42, 0);
  put16(arp.data() + 12, kTypeArp);
  Bytes vlan = frame(kProtoEsp, kLocal, esp(40));
  put16(vlan.data() + 12, 0x8100);
  Bytes truncated = frame(kProtoEsp, kLocal, esp(40));
  truncated.resize(truncated.size() - 1);  // shorter than its IP total length
  struct Case {
    const char* what;
    Bytes f;
    bool steered;
  } cases[] = {
      {"ESP to the first port", frame(kProtoEsp, kLocal, esp(40)), true},
      {"ESP to the second port", frame(kProtoEsp, kLocal2, esp(40)), true},
      {"ESP with IP options", frame(kProtoEsp, kLocal, esp(40), 0, 2), true},
      {"an ESP runt (Decapsulator counts it)", frame(kProtoEsp, kLocal, esp(4)), true},
      {"ESP in UDP 4500", frame(kProtoUdp, kLocal, udp(4500, esp(40))), true},
      {"ESP to someone else", frame(kProtoEsp, kOther, esp(40)), false},
      {"IKE on 4500 (non-ESP marker)", frame(kProtoUdp, kLocal, udp(4500, ike_marker)), false},
      {"IKE on 500", frame(kProtoUdp, kLocal, udp(500, esp(40))), false},
      {"UDP 4500 too short for ESP", frame(kProtoUdp, kLocal, udp(4500, esp(7))), false},
      {"TCP to the box", frame(kProtoTcp, kLocal, esp(40)), false},
      {"ARP", arp, false},
      {"a VLAN-tagged frame", vlan, false},
      {"a frame shorter than its IP header says", truncated, false},
      {"an ESP first fragment", frame(kProtoEsp, kLocal, esp(40), kMf), false},
      {"an ESP later fragment", frame(kProtoEsp, kLocal, esp(40), 185), false},
      {"ESP longer than a socket's frame", frame(kProtoEsp, kLocal, esp(4000)), false},
  };
  for (auto& c : cases) {
    INFO(c.what);
    CHECK(s.steered(c.f) == c.steered);
  }
}

TEST_CASE("XDP program and Decapsulator split mutated frames alike", "[xdp]") {
  Split s;
  if (!s.load()) return;
  Bytes marker = {0, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9};
  std::vector<Bytes> seeds = {
      frame(kProtoEsp, kLocal, esp(40)),
      frame(kProtoUdp, kLocal, udp(4500, esp(40))),
      frame(kProtoUdp, kLocal, udp(4500, marker)),
      frame(kProtoEsp, kLocal2, esp(12), 0, 1),
      frame(kProtoUdp, kLocal2, udp(4500, esp(8))),
  };
  std::mt19937 rng(20261205);
  size_t steered = 0, passed = 0;
  for (int i = 0; i < 3000; ++i) {
    Bytes f = seeds[rng() % seeds.size()];
    // A few bytes changed in the headers (Ethernet type, IP, UDP, the first ESP word), and
    // sometimes the frame cut or padded.
    for (int m = 1 + static_cast<int>(rng() % 3); m > 0; --m)
      f[12 + rng() % std::min<size_t>(f.size() - 12, 40)] = static_cast<uint8_t>(rng());
    if (rng() % 4 == 0) f.resize(std::max<size_t>(kEth, f.size() - rng() % 16));
    if (rng() % 8 == 0) f.resize(f.size() + rng() % 16, 0);
    bool want = s.decap_takes(f) && !fragment(f) && f.size() <= xdp::XskPort::kMaxRxFrame;
    bool got = s.steered(f);
    INFO("frame " << i << ", " << f.size() << " bytes");
    REQUIRE(got == want);
    ++(got ? steered : passed);
  }
  // Both sides of the split were exercised, not one.
  CHECK(steered > 300);
  CHECK(passed > 300);
}

TEST_CASE("The packet I/O choice parses and shows what each port runs on", "[xdp]") {
  CHECK(parse_io_kind("af_xdp") == IoKind::AfXdp);
  CHECK(parse_io_kind("af_packet") == IoKind::AfPacket);
  CHECK(parse_io_kind("auto") == IoKind::Auto);
  CHECK_FALSE(parse_io_kind("AF_XDP"));
  CHECK_FALSE(parse_io_kind(""));
  set_io_choice(IoKind::AfXdp);
  forget_port_io();
  CHECK(io_status() == "AF_XDP (--packet-io af_xdp, no port with a crypto map yet)");
  report_port_io("eth0", "native, copy mode", true);
  report_port_io("eth2", "native, copy mode", true);
  CHECK(io_status() == "AF_XDP (native, copy mode)");
  report_port_io("eth2", "XDP attach refused: another XDP program is on the port", false);
  CHECK(io_status() ==
        "AF_XDP (eth0 native, copy mode; eth2 AF_PACKET, XDP attach refused: "
        "another XDP program is on the port)");
  forget_port_io();
  report_port_io("eth0", "no AF_XDP socket yet: AF_XDP bind: Device or resource busy", false);
  CHECK(io_status() == "AF_PACKET (no AF_XDP socket yet: AF_XDP bind: Device or resource busy)");
  set_io_choice(IoKind::AfPacket);  // as the other tests expect it
  forget_port_io();
  CHECK(io_status() == "AF_PACKET");
}
}  // namespace xdp_steer_test
