// The packet worker's logic units in-process, on frames built from the scapy vectors
// (tests/vectors/esp_scapy.txt): decapsulation to the kernel, encapsulation with fragmentation
// to the wire, next hops and ARP holding, and every drop reason each of them counts, through
// a fake TxSink and a fake neighbour table instead of AF_PACKET rings, TUN devices and netlink.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <map>
#include <thread>

#include "dataplane/crypto/backend.hpp"
#include "dataplane/crypto/stats.hpp"
#include "dataplane/forward/decap.hpp"
#include "dataplane/forward/egress.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/next_hop.hpp"
#include "dataplane/forward/outbound.hpp"
#include "tests/unit/esp_vectors.hpp"

namespace worker_test {

using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;
using rampart::test::Bytes;
using rampart::test::EspVector;

namespace {

constexpr uint32_t kLocal = 0xc6336401, kPeer = 0xc6336402;     // 198.51.100.1, .2
constexpr uint32_t kInside = 0xc000020a, kClient = 0xcb00710a;  // 192.0.2.10, 203.0.113.10
constexpr uint32_t kGateway = 0xc6336409;                       // 198.51.100.9
constexpr std::array<uint8_t, 6> kPortMac{2, 0, 0x5e, 0, 0x53, 0x01};
constexpr std::array<uint8_t, 6> kPeerMac{2, 0, 0x5e, 0, 0x53, 0xa0};
constexpr std::array<uint8_t, 6> kGatewayMac{2, 0, 0x5e, 0, 0x53, 0xa9};

NextHops::Clock::time_point g_now{};
NextHops::Clock::time_point fake_now() {
  return g_now;
}

// The kernel's neighbour and route tables as the test sets them; what it was asked to resolve.
struct FakeNeighbours final : NeighbourSource {
  std::map<uint32_t, std::array<uint8_t, 6>> table;
  std::vector<rampart::platform::RouteEntry> route_table;
  std::vector<uint32_t> asked;
  bool neighbours(std::map<uint32_t, std::array<uint8_t, 6>>& out) override {
    out = table;
    return true;
  }
  bool routes(std::vector<rampart::platform::RouteEntry>& out) override {
    out = route_table;
    return true;
  }
  void resolve(uint32_t a) override { asked.push_back(a); }
};

// What the units hand to the I/O layer.
struct FakeIo final : TxSink {
  std::vector<std::pair<size_t, Bytes>> wire, kernel;
  bool kernel_full = false;
  void transmit(size_t port, const uint8_t* f, size_t len) override {
    wire.emplace_back(port, Bytes(f, f + len));
  }
  bool to_kernel(size_t port, const uint8_t* ip, size_t len) override {
    if (kernel_full) return false;
    kernel.emplace_back(port, Bytes(ip, ip + len));
    return true;
  }
};

PortConfig outside_port(uint32_t mtu = 1500) {
  PortConfig p;
  p.ifindex = 2;
  p.name = "eth0";
  p.mac = kPortMac;
  p.address = kLocal;
  p.prefix = 26;
  p.outside = true;
  p.mtu = mtu;
  return p;
}

// One worker's units over fakes. Ports first: the units keep a reference to them.
struct Lab {
  std::vector<PortConfig> ports;
  Sad sad;
  FakeIo io;
  WorkerCounters k;
  FakeNeighbours* nb;
  NextHops hops;
  Egress egress{ports, hops, io, k};
  Decapsulator decap{sad, ports, io, k};
  Outbound outbound{sad, ports, egress, io, k};

  explicit Lab(std::vector<PortConfig> p = {outside_port()}, bool peer_known = true)
      : ports(std::move(p)), nb(new FakeNeighbours), hops(ports, make_source(), &fake_now) {
    if (peer_known) learn(kPeer, kPeerMac);
  }
  std::unique_ptr<NeighbourSource> make_source() { return std::unique_ptr<NeighbourSource>(nb); }
  void learn(uint32_t a, const std::array<uint8_t, 6>& mac) {
    nb->table[a] = mac;
    g_now += std::chrono::seconds(2);  // past the periodic re-read
  }
  uint64_t n(Count c) const { return k.get(c); }
  uint64_t esp_drop(EspDrop d) const { return sad.esp_drops()[static_cast<size_t>(d)]; }
  void receive(Bytes f) { decap.frame(0, f.data(), f.size()); }
  // An inner packet from the TUN device, with room for Ethernet in front as the worker reads it.
  void send(const Bytes& inner, size_t port = 0) {
    Bytes buf(kEth + inner.size());
    std::memcpy(buf.data() + kEth, inner.data(), inner.size());
    outbound.packet(port, buf.data() + kEth, inner.size());
  }
};

// An SA for a vector's transform and keys. inbound: the vector's inner packet (203.0.113.10 ->
// 192.0.2.10) is what arrives from the peer; otherwise it is what we send to the peer.
SaSpec spec_for(const EspVector& v, bool inbound, bool udp = false) {
  SaSpec s;
  s.id = 1;
  s.spi_in = s.spi_out = v.spi();
  s.keys_in = s.keys_out = rampart::test::esp_keys_for(v);
  s.local = kLocal;
  s.peer = kPeer;
  if (udp) s.local_port = s.peer_port = 4500;
  Selector4 client{kClient, 0xffffffff}, inside{kInside & 0xffffff00, 0xffffff00};
  s.remote_ts = inbound ? client : inside;
  s.local_ts = inbound ? inside : client;
  return s;
}

// The vector whose transform is t and whose inner packet carries size bytes of ICMP data.
EspVector vector_of(const std::string& t, size_t inner_len) {
  for (const auto& v : rampart::test::load_esp_vectors())
    if (v.f.at("transform") == t && v.get("inner").size() == inner_len) return v;
  FAIL("no vector " << t);
  return {};
}

// An Ethernet frame from the peer to us carrying esp (in UDP 4500 when udp).
Bytes esp_frame(const Bytes& esp, bool udp = false, uint32_t dst = kLocal) {
  size_t head = 20 + (udp ? 8 : 0);
  Bytes f(kEth + head + esp.size());
  std::memcpy(f.data(), kPortMac.data(), 6);
  std::memcpy(f.data() + 6, kPeerMac.data(), 6);
  put16(f.data() + 12, kTypeIpv4);
  uint8_t* ip = f.data() + kEth;
  write_header(ip, {0, 64, udp ? kProtoUdp : kProtoEsp, static_cast<uint16_t>(head + esp.size()), 1,
                    0, kPeer, dst});
  if (udp) {
    put16(ip + 20, kNattPort);
    put16(ip + 22, kNattPort);
    put16(ip + 24, static_cast<uint16_t>(8 + esp.size()));
  }
  std::memcpy(ip + head, esp.data(), esp.size());
  return f;
}

// ESP for inner under keys, sequence number seq, made by an SA of our own (the peer's side).
Bytes peer_esp(const EspVector& v, const Bytes& inner, uint32_t seq) {
  auto sa = EspSa::create(v.spi(), rampart::test::esp_keys_for(v));
  REQUIRE(sa);
  (*sa)->set_next_sequence(seq);
  Bytes out(inner.size() + 128);
  size_t n = (*sa)->encap(inner.data(), inner.size(), out.data(), out.size());
  REQUIRE(n > 0);
  out.resize(n);
  return out;
}

// An IPv4 UDP datagram of payload bytes from src to dst.
Bytes datagram(uint32_t src, uint32_t dst, size_t payload, bool df = false) {
  Bytes p(28 + payload);
  write_header(p.data(), {0x28, 63, kProtoUdp, static_cast<uint16_t>(p.size()), 99,
                          static_cast<uint16_t>(df ? kDf : 0), src, dst});
  put16(p.data() + 20, 1000);
  put16(p.data() + 22, 2000);
  put16(p.data() + 24, static_cast<uint16_t>(8 + payload));
  for (size_t i = 0; i < payload; ++i) p[28 + i] = static_cast<uint8_t>(i * 13 + 5);
  return p;
}

// The peer's view of one frame we sent: Ethernet and outer IPv4 headers checked, the ESP part.
Bytes outer_esp(const Bytes& frame, bool udp = false) {
  REQUIRE(frame.size() > kEth + 28);
  REQUIRE(std::equal(kPeerMac.begin(), kPeerMac.end(), frame.begin()));
  REQUIRE(std::equal(kPortMac.begin(), kPortMac.end(), frame.begin() + 6));
  REQUIRE(get16(frame.data() + 12) == kTypeIpv4);
  const uint8_t* ip = frame.data() + kEth;
  REQUIRE(get16(ip + 2) == frame.size() - kEth);
  REQUIRE(checksum(ip, 20) == 0);
  REQUIRE(get32(ip + 12) == kLocal);
  REQUIRE(get32(ip + 16) == kPeer);
  REQUIRE(ip[9] == (udp ? kProtoUdp : kProtoEsp));
  size_t head = 20 + (udp ? 8 : 0);
  return Bytes(frame.begin() + static_cast<long>(kEth + head), frame.end());
}

// The inner packet of ESP, opened by an SA keyed as the vector says.
Bytes open_esp(const EspVector& v, Bytes esp) {
  auto sa = EspSa::create(v.spi(), rampart::test::esp_keys_for(v));
  REQUIRE(sa);
  uint8_t* inner = nullptr;
  uint8_t nh = 0;
  EspDrop drop = EspDrop::None;
  size_t n = (*sa)->decap(esp.data(), esp.size(), &inner, &nh, &drop);
  INFO(drop_name(drop));
  REQUIRE(n > 0);
  REQUIRE(nh == 4);
  return Bytes(inner, inner + n);
}

}  // namespace

TEST_CASE("decap hands every scapy vector's inner packet to the kernel, ESP and NAT-T",
          "[worker]") {
  auto vectors = rampart::test::load_esp_vectors();
  REQUIRE(vectors.size() == 33);
  for (const auto& v : vectors)
    for (bool udp : {false, true}) {
      INFO(v.f.at("transform") << ", " << v.get("inner").size() << " bytes, udp " << udp);
      Lab lab;
      REQUIRE(lab.sad.add(spec_for(v, /*inbound=*/true, udp)));
      lab.receive(esp_frame(v.get("esp"), udp));
      REQUIRE(lab.io.kernel.size() == 1);
      CHECK(lab.io.kernel[0].first == 0);
      CHECK(lab.io.kernel[0].second == v.get("inner"));
      CHECK(lab.io.wire.empty());
      CHECK(lab.n(Count::Frames) == 1);
      CHECK(lab.n(Count::Decapsulated) == 1);
      CHECK(lab.n(Count::Transmitted) == 1);
      lab.sad.with(1, [&](const Sad::Entry& e) {
        CHECK(e.in->counters().packets == 1);
        CHECK(e.in->counters().bytes == v.get("inner").size());
      });
    }
}

TEST_CASE("decap counts each drop under its own reason", "[worker]") {
  auto v = vector_of("esp-aes esp-sha-hmac", 28 + 36);
  Lab lab;
  REQUIRE(lab.sad.add(spec_for(v, true)));
  Bytes good = v.get("esp");

  lab.receive(esp_frame(good));  // seq 37 accepted
  REQUIRE(lab.io.kernel.size() == 1);
  lab.receive(esp_frame(good));  // the same again
  CHECK(lab.esp_drop(EspDrop::Replay) == 1);

  Bytes forged = peer_esp(v, v.get("inner"), 38);
  forged[forged.size() / 2] ^= 0x40;
  lab.receive(esp_frame(forged));
  CHECK(lab.esp_drop(EspDrop::AuthFailed) == 1);

  lab.receive(esp_frame(Bytes(good.begin(), good.begin() + 20)));
  CHECK(lab.esp_drop(EspDrop::Runt) == 1);
  lab.receive(esp_frame(Bytes(good.begin(), good.begin() + 3)));  // not even an SPI
  CHECK(lab.n(Count::EspRunt) == 1);

  lab.receive(esp_frame(peer_esp(v, v.get("inner"), 500)));  // moves the window to 500
  REQUIRE(lab.io.kernel.size() == 2);
  lab.receive(esp_frame(peer_esp(v, v.get("inner"), 400)));  // left of it
  CHECK(lab.esp_drop(EspDrop::TooOld) == 1);

  Bytes v6 = v.get("inner");
  v6[0] = 0x60;  // what decrypts is not IPv4
  lab.receive(esp_frame(peer_esp(v, v6, 501)));
  CHECK(lab.n(Count::InnerNotIpv4) == 1);

  Bytes spoofed = datagram(0xcb00710b, kInside, 10);  // 203.0.113.11: not the SA's client
  lab.receive(esp_frame(peer_esp(v, spoofed, 502)));
  CHECK(lab.n(Count::PolicyMismatch) == 1);
  lab.sad.with(1, [&](const Sad::Entry& e) {
    CHECK(e.invalid_ip_version == 1);
    CHECK(e.invalid_identity == 1);
  });

  Bytes unknown = good;
  unknown[3] ^= 0x5a;  // an SPI nobody installed
  lab.receive(esp_frame(unknown));
  CHECK(lab.n(Count::NoSa) == 1);

  lab.io.kernel_full = true;
  lab.receive(esp_frame(peer_esp(v, v.get("inner"), 503)));
  CHECK(lab.n(Count::TxFailed) == 1);

  CHECK(lab.io.kernel.size() == 2);
  CHECK(lab.n(Count::Decapsulated) == 3);
  CHECK(lab.n(Count::Frames) == 11);
}

TEST_CASE("decap drops an authentic packet with bad padding", "[worker]") {
  // Built by hand (NULL encryption, HMAC-SHA1-96), since no sender pads badly on purpose.
  auto v = vector_of("esp-null esp-sha-hmac", 28);
  Lab lab;
  REQUIRE(lab.sad.add(spec_for(v, true)));
  Bytes esp = {0xc0, 0xde, 0x00, 0x00, 0, 0, 0, 9};
  Bytes inner = v.get("inner");
  esp.insert(esp.end(), inner.begin(), inner.end());
  esp.insert(esp.end(), {9, 9, 2, 4});  // pad bytes must be 1, 2
  Bytes key = v.get("auth_key");
  uint8_t mac[20];
  unsigned mlen = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), esp.data(), esp.size(), mac, &mlen);
  esp.insert(esp.end(), mac, mac + 12);
  lab.receive(esp_frame(esp));
  CHECK(lab.esp_drop(EspDrop::BadPadding) == 1);
  CHECK(lab.io.kernel.empty());
}

TEST_CASE("decap leaves what is not ESP for us to the kernel, uncounted", "[worker]") {
  auto v = vector_of("esp-aes esp-sha-hmac", 28 + 36);
  Lab lab;
  REQUIRE(lab.sad.add(spec_for(v, true)));
  Bytes ike = v.get("esp");
  std::memset(ike.data(), 0, 4);  // the non-ESP marker: IKE on 4500
  lab.receive(esp_frame(ike, /*udp=*/true));
  lab.receive(esp_frame(v.get("esp"), false, 0xc6336477));  // ESP for another address
  Bytes arp = esp_frame(v.get("esp"));
  put16(arp.data() + 12, kTypeArp);
  lab.receive(arp);
  Bytes truncated = esp_frame(v.get("esp"));
  truncated.resize(kEth + 30);  // the IP length says more than arrived
  lab.receive(truncated);
  lab.receive(Bytes(10, 0));
  for (size_t c = 0; c < kCounts; ++c) CHECK(lab.k.get(static_cast<Count>(c)) == 0);
  CHECK(lab.io.kernel.empty());
}

TEST_CASE(
    "encap matches scapy byte for byte where the IV is not random, and every transform "
    "round-trips",
    "[worker]") {
  for (const auto& v : rampart::test::load_esp_vectors())
    for (bool udp : {false, true}) {
      INFO(v.f.at("transform") << ", " << v.get("inner").size() << " bytes, udp " << udp);
      Lab lab;
      REQUIRE(lab.sad.add(spec_for(v, /*inbound=*/false, udp)));
      lab.sad.with_outbound(kClient, kInside,
                            [&](Sad::Entry& e) { e.out->set_next_sequence(v.seq()); });
      lab.send(v.get("inner"));
      REQUIRE(lab.io.wire.size() == 1);
      Bytes esp = outer_esp(lab.io.wire[0].second, udp);
      if (v.f.at("iv").empty()) CHECK(esp == v.get("esp"));  // NULL encryption: no IV at all
      CHECK(get32(esp.data() + 4) == v.seq());
      CHECK(open_esp(v, esp) == v.get("inner"));
      CHECK(lab.n(Count::Frames) == 1);
      CHECK(lab.n(Count::Encapsulated) == 1);
    }
}

TEST_CASE("encap fragments before encryption at the port's MTU, or after, or answers ICMP",
          "[worker]") {
  auto v = vector_of("esp-aes-256 esp-sha256-hmac", 28 + 1000);
  Bytes big = datagram(kClient, kInside, 3000);
  SECTION("before encryption: each piece its own ESP packet, all within the MTU") {
    Lab lab;
    REQUIRE(lab.sad.add(spec_for(v, false)));
    lab.send(big);
    REQUIRE(lab.io.wire.size() == 3);
    std::map<size_t, Bytes> pieces;
    for (const auto& [port, f] : lab.io.wire) {
      REQUIRE(f.size() <= kEth + 1500);
      Bytes inner = open_esp(v, outer_esp(f));
      REQUIRE(checksum(inner.data(), 20) == 0);
      pieces[(get16(&inner[6]) & kOffsetMask) * 8u].assign(inner.begin() + 20, inner.end());
    }
    Bytes whole(big.begin(), big.begin() + 20);
    for (const auto& [off, data] : pieces) {
      REQUIRE(whole.size() - 20 == off);
      whole.insert(whole.end(), data.begin(), data.end());
    }
    CHECK(Bytes(whole.begin() + 20, whole.end()) == Bytes(big.begin() + 20, big.end()));
    lab.sad.with(1, [&](const Sad::Entry& e) {
      CHECK(e.prefrag_ok == 1);
      CHECK(e.fragments == 3);
    });
    CHECK(lab.n(Count::Encapsulated) == 3);
  }
  SECTION("after encryption: one ESP packet in IP fragments") {
    auto ports = std::vector<PortConfig>{outside_port()};
    ports[0].fragment_after_encryption = true;
    Lab lab(ports);
    REQUIRE(lab.sad.add(spec_for(v, false)));
    lab.send(big);
    REQUIRE(lab.io.wire.size() == 3);
    Bytes esp;
    for (const auto& [port, f] : lab.io.wire) {
      REQUIRE(f.size() <= kEth + 1500);
      const uint8_t* ip = f.data() + kEth;
      REQUIRE((get16(ip + 6) & kOffsetMask) * 8u == esp.size());
      esp.insert(esp.end(), ip + 20, f.data() + f.size());
    }
    CHECK(open_esp(v, esp) == big);
    lab.sad.with(1, [&](const Sad::Entry& e) { CHECK(e.postfrag_ok == 1); });
  }
  SECTION("DF set: ICMP fragmentation-needed back into the kernel, nothing on the wire") {
    Lab lab;
    REQUIRE(lab.sad.add(spec_for(v, false)));
    lab.send(datagram(kClient, kInside, 3000, /*df=*/true));
    CHECK(lab.io.wire.empty());
    REQUIRE(lab.io.kernel.size() == 1);
    const Bytes& icmp = lab.io.kernel[0].second;
    CHECK(get32(&icmp[12]) == kLocal);
    CHECK(get32(&icmp[16]) == kClient);
    CHECK(icmp[20] == 3);
    CHECK(icmp[21] == 4);
    CHECK(get16(&icmp[26]) < 1500);
    CHECK(lab.n(Count::Transmitted) == 1);
    lab.sad.with(1, [&](const Sad::Entry& e) { CHECK(e.pmtu_sent == 1); });
  }
  SECTION("set-df with fragmentation after encryption: too big, counted") {
    auto ports = std::vector<PortConfig>{outside_port()};
    ports[0].fragment_after_encryption = true;
    ports[0].df = DfPolicy::Set;
    Lab lab(ports);
    REQUIRE(lab.sad.add(spec_for(v, false)));
    lab.send(big);
    CHECK(lab.io.wire.empty());
    CHECK(lab.n(Count::TooBig) == 1);
    lab.sad.with(1, [&](const Sad::Entry& e) { CHECK(e.postfrag_failed == 1); });
  }
}

TEST_CASE("encap drops: no SA, tunnel pending, sequence numbers exhausted", "[worker]") {
  auto v = vector_of("esp-aes esp-sha-hmac", 28 + 36);
  Lab lab;
  lab.send(datagram(kClient, kInside, 10));
  CHECK(lab.n(Count::NoSa) == 1);

  lab.sad.set_acquire_policies({{{kClient, 0xffffffff}, {0xc0000200, 0xffffff00}, 77}});
  lab.send(datagram(kClient, kInside, 10));
  lab.send(datagram(kClient, kInside, 10));
  CHECK(lab.n(Count::TunnelPending) == 2);
  CHECK(lab.sad.take_acquires() == std::vector<uint64_t>{77});

  REQUIRE(lab.sad.add(spec_for(v, false)));
  lab.sad.with_outbound(kClient, kInside,
                        [&](Sad::Entry& e) { e.out->set_next_sequence(0xffffffffu); });
  lab.send(datagram(kClient, kInside, 10));  // the last sequence number there is
  lab.send(datagram(kClient, kInside, 10));  // none left: the SA's own reason, nothing else
  CHECK(lab.io.wire.size() == 1);
  CHECK(lab.esp_drop(EspDrop::SeqExhausted) == 1);
  CHECK(lab.n(Count::TooBig) == 0);
  CHECK(lab.n(Count::EncapFailed) == 0);
  CHECK(lab.n(Count::NoSa) == 1);
}

TEST_CASE("an encapsulation the cipher refuses is its own drop reason", "[worker]") {
  CHECK(!encap_drop(EspDrop::None));
  CHECK(!encap_drop(EspDrop::SeqExhausted));  // counted by the SA: ipsec-seq-exhausted
  for (EspDrop d : {EspDrop::BufferTooSmall, EspDrop::Runt, EspDrop::AuthFailed})
    CHECK(encap_drop(d) == Count::EncapFailed);
  CHECK(DataplaneCounters::is_drop(Count::EncapFailed));
}

TEST_CASE("egress: next hop by route, ARP held until resolved, drops counted", "[worker]") {
  auto v = vector_of("esp-aes esp-sha-hmac", 28 + 36);
  SECTION("a frame for an unresolved neighbour waits; the kernel is asked; it leaves resolved") {
    Lab lab({outside_port()}, /*peer_known=*/false);
    REQUIRE(lab.sad.add(spec_for(v, false)));
    lab.send(datagram(kClient, kInside, 10));
    CHECK(lab.io.wire.empty());
    CHECK(lab.nb->asked == std::vector<uint32_t>{kPeer});
    CHECK(lab.hops.holding());
    lab.learn(kPeer, kPeerMac);
    lab.egress.release_held();
    REQUIRE(lab.io.wire.size() == 1);
    CHECK(open_esp(v, outer_esp(lab.io.wire[0].second)) == datagram(kClient, kInside, 10));
    CHECK(lab.n(Count::NoAdjacency) == 0);
  }
  SECTION("three wait per neighbour; the fourth and those never resolved are no-adjacency") {
    Lab lab({outside_port()}, false);
    REQUIRE(lab.sad.add(spec_for(v, false)));
    for (int i = 0; i < 4; ++i) lab.send(datagram(kClient, kInside, 10));
    CHECK(lab.n(Count::NoAdjacency) == 1);
    g_now += std::chrono::milliseconds(500);
    lab.egress.release_held();
    CHECK(lab.n(Count::NoAdjacency) == 1);
    g_now += NextHops::kHoldFor;
    lab.egress.release_held();
    CHECK(lab.n(Count::NoAdjacency) == 4);
    CHECK(!lab.hops.holding());
    CHECK(lab.io.wire.empty());
  }
  SECTION("a peer beyond a gateway: the gateway's MAC; no route at all: no-route") {
    Lab lab;
    auto spec = spec_for(v, false);
    spec.peer = 0xcb007163;  // 203.0.113.99, not on the port's subnet
    REQUIRE(lab.sad.add(spec));
    lab.send(datagram(kClient, kInside, 10));
    CHECK(lab.n(Count::NoRoute) == 1);
    lab.nb->route_table.push_back({0xcb007100, 24, kGateway, 2});
    lab.learn(kGateway, kGatewayMac);
    lab.send(datagram(kClient, kInside, 10));
    REQUIRE(lab.io.wire.size() == 1);
    const Bytes& f = lab.io.wire[0].second;
    CHECK(std::equal(kGatewayMac.begin(), kGatewayMac.end(), f.begin()));
    CHECK(get32(f.data() + kEth + 16) == 0xcb007163);
  }
  SECTION("the route leaves by a port of smaller MTU than the crypto map's: egress too big") {
    auto inside = outside_port(1500);
    inside.ifindex = 3;
    inside.name = "eth1";
    inside.address = 0xc6336441;  // 198.51.100.65/26, where the peer is
    auto ports = std::vector<PortConfig>{outside_port(9000), inside};
    Lab lab(ports, false);
    auto spec = spec_for(v, false);
    spec.peer = 0xc6336442;
    REQUIRE(lab.sad.add(spec));
    lab.learn(0xc6336442, kPeerMac);
    lab.send(datagram(kClient, kInside, 4000));
    CHECK(lab.n(Count::EgressTooBig) == 1);
    lab.send(datagram(kClient, kInside, 100));
    REQUIRE(lab.io.wire.size() == 1);
    CHECK(lab.io.wire[0].first == 1);
  }
}

TEST_CASE("per-worker counters: each block written by one thread, readers sum them",
          "[worker][counters]") {
  static_assert(alignof(WorkerCounters) >= 64);
  DataplaneCounters c;
  auto a = c.attach(), b = c.attach();
  CHECK(reinterpret_cast<uintptr_t>(a.get()) % 64 == 0);
  constexpr uint64_t kEach = 200000;
  std::thread ta([&] {
    for (uint64_t i = 0; i < kEach; ++i) a->add(Count::Frames), a->add(Count::NoSa);
  });
  std::thread tb([&] {
    for (uint64_t i = 0; i < kEach; ++i) b->add(Count::Frames), b->add(Count::NoRoute);
  });
  ta.join();
  tb.join();
  c.control().add(Count::ArpAnnounced);
  auto s = c.read();
  CHECK(s[Count::Frames] == 2 * kEach);
  CHECK(s[Count::NoSa] == kEach);
  CHECK(s[Count::NoRoute] == kEach);
  CHECK(s[Count::ArpAnnounced] == 1);

  // A worker that stops hands its counts over; nothing it counted is lost.
  c.detach(a);
  a.reset();
  CHECK(c.read()[Count::Frames] == 2 * kEach);
  CHECK(c.read()[Count::NoSa] == kEach);

  // clear asp drop: the drops start again from zero, the events go on.
  c.clear_drops(1700000000);
  CHECK(c.cleared_at() == 1700000000);
  s = c.read();
  CHECK(s[Count::NoSa] == 0);
  CHECK(s[Count::NoRoute] == 0);
  CHECK(s[Count::Frames] == 2 * kEach);
  b->add(Count::NoRoute, 3);
  CHECK(c.read()[Count::NoRoute] == 3);
  c.detach(b);
  CHECK(c.read()[Count::NoRoute] == 3);
}

TEST_CASE("decap in batches: one crypto run over several SAs, each verdict its own", "[worker]") {
  auto va = vector_of("esp-aes esp-sha-hmac", 28 + 36), vb = vector_of("esp-aes-gcm-256", 28 + 36);
  Lab lab;
  REQUIRE(lab.sad.add(spec_for(va, true)));
  SaSpec sb = spec_for(vb, true);
  sb.id = 2;
  REQUIRE(lab.sad.add(sb));
  auto kind = rampart::dataplane::crypto::active().kind();
  INFO("backend " << rampart::dataplane::crypto::backend_name(kind));
  lab.sad.with(1, [&](const Sad::Entry& e) { CHECK(e.in->backend() == kind); });
  lab.sad.with(2, [&](const Sad::Entry& e) { CHECK(e.in->backend() == kind); });
  Bytes inner = va.get("inner");
  Bytes forged = peer_esp(va, inner, 3);
  forged[forged.size() / 2] ^= 0x40;
  Bytes unknown = peer_esp(va, inner, 9);
  unknown[3] ^= 0x5a;  // an SPI nobody installed
  Bytes spoofed = datagram(0xcb00710b, kInside, 10);
  std::vector<Bytes> frames = {esp_frame(peer_esp(va, inner, 1)),
                               esp_frame(peer_esp(vb, inner, 1)),
                               esp_frame(peer_esp(va, inner, 2)),
                               esp_frame(peer_esp(va, inner, 2)),  // twice in one batch
                               esp_frame(forged),
                               esp_frame(unknown),
                               esp_frame(peer_esp(vb, inner, 2)),
                               esp_frame(peer_esp(va, inner, 1)),  // again, later
                               esp_frame(peer_esp(vb, spoofed, 3))};
  auto before = rampart::dataplane::crypto::stats(kind);
  for (auto& f : frames) lab.decap.queue(0, f.data(), f.size());
  CHECK(lab.io.kernel.empty());  // nothing leaves before the batch completes
  lab.decap.complete();
  auto after = rampart::dataplane::crypto::stats(kind);
  CHECK(after.batches == before.batches + 1);  // one run for both SAs
  CHECK(after.in_packets == before.in_packets + 8);
  REQUIRE(lab.io.kernel.size() == 4);  // a1 b1 a2 b2, in the order they came
  for (const auto& [port, ip] : lab.io.kernel) CHECK(ip == inner);
  CHECK(lab.esp_drop(EspDrop::Replay) == 2);
  CHECK(lab.esp_drop(EspDrop::AuthFailed) == 1);
  CHECK(lab.n(Count::NoSa) == 1);
  CHECK(lab.n(Count::PolicyMismatch) == 1);
  CHECK(lab.n(Count::Decapsulated) == 4);
  CHECK(lab.n(Count::Frames) == 9);
  // The forgery did not move the window: the peer's real packet 3 still gets in.
  lab.receive(esp_frame(peer_esp(va, inner, 3)));
  CHECK(lab.io.kernel.size() == 5);
  lab.sad.with(1, [&](const Sad::Entry& e) { CHECK(e.in->counters().packets == 3); });
}

TEST_CASE("decap: a batch larger than the SAD's limit runs in parts, none lost", "[worker]") {
  auto v = vector_of("esp-aes esp-sha-hmac", 28 + 36);
  Lab lab;
  REQUIRE(lab.sad.add(spec_for(v, true)));
  std::vector<Bytes> frames;
  for (uint32_t s = 1; s <= Sad::kMaxBatch + 36; ++s)
    frames.push_back(esp_frame(peer_esp(v, v.get("inner"), s)));
  for (size_t i = 0; i < frames.size(); ++i) {
    lab.decap.queue(0, frames[i].data(), frames[i].size());
    if (i + 1 == Sad::kMaxBatch) CHECK(lab.io.kernel.size() == Sad::kMaxBatch);  // full: run
  }
  lab.decap.complete();
  lab.decap.complete();  // nothing queued: nothing happens
  CHECK(lab.io.kernel.size() == frames.size());
  CHECK(lab.n(Count::Decapsulated) == frames.size());
}

TEST_CASE("decap batches on two workers sharing SAs while the control plane removes them",
          "[worker]") {
  // Two workers' batches hold SAs a and b in opposite arrival order; SAs come and go under
  // them. Done when nothing deadlocks, ASan finds no use after free, and every frame is counted
  // once as delivered or as having no SA.
  auto va = vector_of("esp-aes esp-sha-hmac", 28 + 36), vb = vector_of("esp-aes-gcm-256", 28 + 36);
  std::vector<PortConfig> ports = {outside_port()};
  Sad sad;
  SaSpec sb = spec_for(vb, true);
  sb.id = 2;
  REQUIRE(sad.add(spec_for(va, true)));
  REQUIRE(sad.add(sb));
  constexpr uint32_t kRounds = 300;
  std::vector<Bytes> a, b;
  for (uint32_t s = 1; s <= 2 * kRounds; ++s) {
    a.push_back(esp_frame(peer_esp(va, va.get("inner"), s)));
    b.push_back(esp_frame(peer_esp(vb, va.get("inner"), s)));
  }
  FakeIo io1, io2;
  WorkerCounters k1, k2;
  Decapsulator d1(sad, ports, io1, k1), d2(sad, ports, io2, k2);
  auto work = [&](Decapsulator& d, std::vector<Bytes>& first, std::vector<Bytes>& second,
                  size_t offset) {
    for (size_t r = 0; r < kRounds; ++r) {
      Bytes x = first[2 * r + offset], y = second[2 * r + offset];  // the ring's copy
      d.queue(0, x.data(), x.size());
      d.queue(0, y.data(), y.size());
      d.complete();
    }
  };
  std::thread t1([&] { work(d1, a, b, 0); }), t2([&] { work(d2, b, a, 1); });
  for (int i = 0; i < 50; ++i) {
    sad.remove(2);
    REQUIRE(sad.add(sb));
  }
  t1.join();
  t2.join();
  // Every frame ends once: delivered, no SA, or an ESP drop (the window, when one worker ran
  // ahead of the other on the SA they share).
  uint64_t esp_drops = 0;
  for (uint64_t d : sad.esp_drops()) esp_drops += d;
  CHECK(k1.get(Count::Frames) + k2.get(Count::Frames) == 4 * kRounds);
  CHECK(k1.get(Count::Decapsulated) + k2.get(Count::Decapsulated) + k1.get(Count::NoSa) +
            k2.get(Count::NoSa) + esp_drops ==
        4 * kRounds);
  CHECK(io1.kernel.size() == k1.get(Count::Decapsulated));
  CHECK(io2.kernel.size() == k2.get(Count::Decapsulated));
  CHECK(k1.get(Count::Decapsulated) > 0);
}

TEST_CASE("encap in batches: one crypto run over several SAs, sent in the order queued",
          "[worker]") {
  auto va = vector_of("esp-aes esp-sha-hmac", 28 + 36), vb = vector_of("esp-aes-gcm-256", 28 + 36);
  Lab lab({outside_port(9000)});
  REQUIRE(lab.sad.add(spec_for(va, false)));
  SaSpec sb = spec_for(vb, false);
  sb.id = 2;
  sb.remote_ts = {0xc0000280, 0xffffff80};  // 192.0.2.128/25: more specific than a's /24
  REQUIRE(lab.sad.add(sb));
  auto kind = rampart::dataplane::crypto::active().kind();
  INFO("backend " << rampart::dataplane::crypto::backend_name(kind));
  std::vector<Bytes> in = {datagram(kClient, kInside, 10), datagram(kClient, 0xc00002c8, 20),
                           datagram(0xc6336432, kInside, 30),  // no SA protects it
                           datagram(kClient, kInside, 40), datagram(kClient, 0xc00002c8, 50)};
  auto before = rampart::dataplane::crypto::stats(kind);
  for (auto& p : in) lab.outbound.queue(0, p.data(), p.size());
  for (auto& p : in) std::fill(p.begin(), p.end(), 0);  // queue() kept its own copy
  CHECK(lab.io.wire.empty());
  lab.outbound.complete();
  auto after = rampart::dataplane::crypto::stats(kind);
  CHECK(after.batches == before.batches + 1);
  CHECK(after.out_packets == before.out_packets + 4);
  REQUIRE(lab.io.wire.size() == 4);
  CHECK(open_esp(va, outer_esp(lab.io.wire[0].second)) == datagram(kClient, kInside, 10));
  CHECK(open_esp(vb, outer_esp(lab.io.wire[1].second)) == datagram(kClient, 0xc00002c8, 20));
  CHECK(open_esp(va, outer_esp(lab.io.wire[2].second)) == datagram(kClient, kInside, 40));
  CHECK(open_esp(vb, outer_esp(lab.io.wire[3].second)) == datagram(kClient, 0xc00002c8, 50));
  CHECK(get32(outer_esp(lab.io.wire[2].second).data() + 4) == 2);  // a's second sequence number
  CHECK(lab.n(Count::NoSa) == 1);
  CHECK(lab.n(Count::Encapsulated) == 4);
  CHECK(lab.n(Count::Frames) == 4);

  // One too large for a slot goes alone, after what was queued before it and before what follows.
  lab.io.wire.clear();
  Bytes small = datagram(kClient, kInside, 60), big = datagram(kClient, kInside, 5000);
  lab.outbound.queue(0, small.data(), small.size());
  Bytes big_read(kEth + big.size());  // as the worker reads it: room for Ethernet first
  std::memcpy(big_read.data() + kEth, big.data(), big.size());
  lab.outbound.queue(0, big_read.data() + kEth, big.size());
  lab.outbound.queue(0, small.data(), small.size());
  lab.outbound.complete();
  REQUIRE(lab.io.wire.size() == 3);
  CHECK(open_esp(va, outer_esp(lab.io.wire[0].second)) == small);
  CHECK(open_esp(va, outer_esp(lab.io.wire[1].second)) == big);
  CHECK(open_esp(va, outer_esp(lab.io.wire[2].second)) == small);
}

TEST_CASE("encap in batches: a DF packet over the MTU is answered in its turn", "[worker]") {
  auto v = vector_of("esp-aes esp-sha-hmac", 28 + 36);
  Lab lab({outside_port(1400)});
  REQUIRE(lab.sad.add(spec_for(v, false)));
  Bytes small = datagram(kClient, kInside, 10), df = datagram(kClient, kInside, 1450, true);
  lab.outbound.queue(0, small.data(), small.size());
  lab.outbound.queue(0, df.data(), df.size());
  lab.outbound.queue(0, small.data(), small.size());
  lab.outbound.complete();
  CHECK(lab.io.wire.size() == 2);
  REQUIRE(lab.io.kernel.size() == 1);  // fragmentation needed, to the sender
  const Bytes& icmp = lab.io.kernel[0].second;
  CHECK(icmp[9] == kProtoIcmp);
  CHECK(get32(icmp.data() + 16) == kClient);
  CHECK(icmp[20] == 3);
  CHECK(icmp[21] == 4);
  CHECK(std::equal(df.begin(), df.begin() + 28, icmp.begin() + 28));  // the packet quoted
  lab.sad.with(1, [&](const Sad::Entry& e) { CHECK(e.pmtu_sent == 1); });
}
}  // namespace worker_test
