// Fuzzes the packet worker's logic units (no sockets: fake sinks and neighbour table). The
// first byte picks a mode. Frame mode: arbitrary bytes arrive on the outside port as a frame
// (Ethernet header first, the IPv4 header rewritten half the time so that the bytes reach the
// SPI lookup and the SA): they must be dropped with a reason or decrypted, never read out of
// bounds. Round-trip mode: the bytes, made an IPv4 packet, go out through encapsulation and
// fragmentation at an MTU, df-bit and fragmentation setting the input chooses; every frame on the
// wire must fit the MTU, and a packet sent whole must decapsulate (the SA's in and out
// directions share keys and SPI) back into exactly what went in.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include "dataplane/forward/decap.hpp"
#include "dataplane/forward/egress.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/next_hop.hpp"
#include "dataplane/forward/outbound.hpp"

using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;
using Bytes = std::vector<uint8_t>;

namespace {

constexpr uint32_t kLocal = 0xc6336401, kPeer = 0xc6336402;  // 198.51.100.1, .2
constexpr uint32_t kSpi = 0x1234, kSpiUdp = 0x5678;
constexpr std::array<uint8_t, 6> kMac{2, 0, 0x5e, 0, 0x53, 1};

struct Neighbours final : NeighbourSource {
  bool neighbours(std::map<uint32_t, std::array<uint8_t, 6>>& out) override {
    out[kPeer] = kMac;
    return true;
  }
  bool routes(std::vector<rampart::platform::RouteEntry>&) override { return true; }
  void resolve(uint32_t) override {}
};

struct Sink final : TxSink {
  std::vector<Bytes> wire, kernel;
  void transmit(size_t, const uint8_t* f, size_t len) override { wire.emplace_back(f, f + len); }
  bool to_kernel(size_t, const uint8_t* ip, size_t len) override {
    kernel.emplace_back(ip, ip + len);
    return true;
  }
};

SaSpec spec(uint64_t id, uint32_t spi, EspKeys keys, bool udp) {
  SaSpec s;
  s.id = id;
  s.spi_in = s.spi_out = spi;
  s.keys_in = s.keys_out = std::move(keys);
  s.local = kLocal;
  s.peer = kPeer;
  if (udp) s.local_port = s.peer_port = kNattPort;
  s.replay_window = 0;  // the same packets may come again
  // Any address on either side: what comes back in is what went out, addresses unswapped.
  s.local_ts = {0, 0};
  s.remote_ts = {udp ? 0x0a000000u : 0u, udp ? 0xff000000u : 0u};
  return s;
}

struct Units {
  std::vector<PortConfig> ports;
  Sad sad;
  Sink sink;
  WorkerCounters k;
  NextHops hops;
  Egress egress;
  Decapsulator decap;
  Outbound outbound;
  Units(const PortConfig& p)
      : ports{p},
        hops(ports, std::make_unique<Neighbours>()),
        egress(ports, hops, sink, k),
        decap(sad, ports, sink, k),
        outbound(sad, ports, egress, sink, k) {
    EspKeys cbc{EspCipher::AesCbc128, EspAuth::HmacSha1, Bytes(16, 1), Bytes(20, 2)};
    EspKeys gcm{EspCipher::AesGcm128, EspAuth::None, Bytes(20, 3), {}};
    if (!sad.add(spec(1, kSpi, cbc, false)) || !sad.add(spec(2, kSpiUdp, gcm, true))) std::abort();
  }
};

PortConfig port(uint32_t mtu, uint8_t flags) {
  PortConfig p;
  p.ifindex = 2;
  p.mac = kMac;
  p.address = kLocal;
  p.prefix = 24;
  p.outside = true;
  p.mtu = mtu;
  p.df = flags & 1 ? DfPolicy::Clear : flags & 2 ? DfPolicy::Set : DfPolicy::Copy;
  p.fragment_after_encryption = flags & 4;
  return p;
}

void frame_mode(const uint8_t* data, size_t size) {
  Units u(port(1500, 0));  // per input: nothing outlives the run for the leak check to find
  Bytes f(data, data + size);
  if (f.size() >= kEth + 20 && (f[0] & 1)) {
    // A plausible header toward us, so that the rest of the bytes meet the SA.
    put16(f.data() + 12, kTypeIpv4);
    uint8_t* ip = f.data() + kEth;
    ip[0] = 0x45;
    put16(ip + 2, static_cast<uint16_t>(std::min<size_t>(f.size() - kEth, 65535)));
    ip[9] = (f[1] & 1) ? kProtoUdp : kProtoEsp;
    put32(ip + 16, kLocal);
    if (ip[9] == kProtoUdp && f.size() >= kEth + 28) put16(ip + 22, kNattPort);
  }
  u.decap.frame(0, f.data(), f.size());
}

void round_trip_mode(const uint8_t* data, size_t size) {
  if (size < 3) return;
  uint32_t mtu = 68 + (uint32_t{data[0]} << 6 | data[1]) % 9000;
  bool udp = data[2] & 8;
  Units u(port(mtu, data[2]));
  Bytes inner(28 + size);
  write_header(inner.data(), {data[2], 64, kProtoUdp, static_cast<uint16_t>(inner.size()), 1,
                              static_cast<uint16_t>(data[2] & 0x10 ? kDf : 0), 0x0a000001,
                              udp ? 0x0a000002u : 0xc0000202u});
  std::memcpy(inner.data() + 28, data, size);
  Bytes buf(kEth + inner.size());
  std::memcpy(buf.data() + kEth, inner.data(), inner.size());
  u.outbound.packet(0, buf.data() + kEth, inner.size());
  for (auto& f : u.sink.wire) {
    if (f.size() > kEth + std::max<uint32_t>(mtu, 68)) std::abort();
    uint8_t* ip = f.data() + kEth;
    if (get16(ip + 6) & (kMf | kOffsetMask)) continue;  // fragments after encryption
    // Turned around: from the peer to us, so that our inbound SA (same keys) opens it.
    put32(ip + 12, kPeer);
    put32(ip + 16, kLocal);
    u.decap.frame(0, f.data(), f.size());
  }
  bool whole = u.sink.wire.size() == 1 && u.k.get(Count::Encapsulated) == 1;
  if (whole && (u.sink.kernel.size() != 1 || u.sink.kernel[0] != inner)) std::abort();
}

}  // namespace

// OpenSSL loads its providers once per process, on the first SA, and keeps them to the end.
// Linked with the platform's libraries (libnl, libnftables), LeakSanitizer's exit check reports
// that one load; it is not the code under test, and it is told apart by its stack, which the
// fast unwinder cannot see through libcrypto.
extern "C" const char* __asan_default_options() {
  return "fast_unwind_on_malloc=0";
}
extern "C" const char* __lsan_default_suppressions() {
  return "leak:load_providers\n";
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 20000) return 0;
  if (data[0] & 0x80)
    round_trip_mode(data + 1, size - 1);
  else
    frame_mode(data + 1, size - 1);
  return 0;
}
