// The outbound ESP path with jumbo MTUs and datagrams larger than any MTU: every piece fits the
// port's MTU, and what the peer decrypts and reassembles is the packet that went in (TTL
// untouched: the kernel decremented it when it routed the packet into the TUN device). Under ASan
// this is where a fixed-size fragment buffer would overflow (issue 11).
#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "dataplane/forward/encap.hpp"
#include "dataplane/forward/ipv4.hpp"

namespace encap_test {

using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;

namespace {

constexpr uint32_t kLocal = 0xc6336401, kPeer = 0xc6336402;     // 198.51.100.1, .2
constexpr uint32_t kInside = 0xc000020a, kClient = 0xcb00710a;  // 192.0.2.10, 203.0.113.10

SaSpec spec(bool udp) {
  SaSpec s;
  s.id = 1;
  s.spi_in = 0x1001;
  s.spi_out = 0x2001;
  s.keys_in = {EspCipher::AesCbc128, EspAuth::HmacSha1, std::vector<uint8_t>(16, 1),
               std::vector<uint8_t>(20, 2)};
  s.keys_out = {EspCipher::AesCbc256, EspAuth::HmacSha256, std::vector<uint8_t>(32, 3),
                std::vector<uint8_t>(32, 4)};
  s.local = kLocal;
  s.peer = kPeer;
  if (udp) s.local_port = s.peer_port = 4500;
  s.local_ts = {0, 0};
  s.remote_ts = {kClient, 0xffffffff};
  return s;
}

// An inside host's UDP datagram of `payload` bytes, reassembled (the kernel does that before the
// workers see it), with kEth bytes of room in front.
std::vector<uint8_t> datagram(size_t payload, bool df = false) {
  std::vector<uint8_t> f(kEth + 20 + 8 + payload);
  uint8_t* ip = f.data() + kEth;
  write_header(ip, {0, 64, kProtoUdp, static_cast<uint16_t>(20 + 8 + payload), 77,
                    static_cast<uint16_t>(df ? kDf : 0), kInside, kClient});
  put16(ip + 20, 5000);
  put16(ip + 22, 5001);
  put16(ip + 24, static_cast<uint16_t>(8 + payload));
  for (size_t i = 0; i < payload; ++i) ip[28 + i] = static_cast<uint8_t>(i * 7 + 1);
  return f;
}

// Joins IPv4 fragments (in any order) into the datagram they came from.
std::vector<uint8_t> reassemble(const std::vector<std::vector<uint8_t>>& frags) {
  std::map<size_t, std::vector<uint8_t>> by_offset;
  std::vector<uint8_t> head;
  for (const auto& f : frags) {
    size_t ihl = (f[0] & 0x0f) * 4u, off = (get16(&f[6]) & kOffsetMask) * 8u;
    REQUIRE(get16(&f[2]) == f.size());
    REQUIRE(checksum(f.data(), ihl) == 0);
    if (off == 0) head.assign(f.begin(), f.begin() + static_cast<long>(ihl));
    by_offset[off].assign(f.begin() + static_cast<long>(ihl), f.end());
  }
  REQUIRE(!head.empty());
  std::vector<uint8_t> whole = head;
  for (const auto& [off, data] : by_offset) {
    REQUIRE(whole.size() - head.size() == off);
    whole.insert(whole.end(), data.begin(), data.end());
  }
  put16(&whole[2], static_cast<uint16_t>(whole.size()));
  put16(&whole[6], 0);
  return whole;
}

struct Peer {
  std::unique_ptr<EspSa> sa;
  bool udp;
  // The inner packet of one whole outer ESP packet.
  std::vector<uint8_t> decrypt(std::vector<uint8_t> outer) {
    size_t head = 20 + (udp ? 8 : 0);
    REQUIRE(outer.size() > head);
    REQUIRE(outer[9] == (udp ? kProtoUdp : kProtoEsp));
    uint8_t* inner = nullptr;
    uint8_t nh = 0;
    EspDrop drop = EspDrop::None;
    size_t n = sa->decap(outer.data() + head, outer.size() - head, &inner, &nh, &drop);
    INFO("drop " << drop_name(drop));
    REQUIRE(n > 0);
    REQUIRE(nh == 4);
    return {inner, inner + get16(inner + 2)};
  }
};

struct Run {
  Sad sad;
  WorkerCounters k;
  std::vector<std::vector<uint8_t>> sent;
  Encapsulator enc{k, [this](uint32_t dst, uint8_t* ip, size_t len) {
                     REQUIRE(dst == kPeer);
                     sent.emplace_back(ip, ip + len);
                   }};
  Peer peer;
  explicit Run(bool udp) {
    REQUIRE(sad.add(spec(udp)));
    peer = {std::move(*EspSa::create(0x2001, spec(udp).keys_out)), udp};
  }
  size_t send(std::vector<uint8_t>& f, const PortConfig& port) {
    size_t icmp = 0;
    REQUIRE(sad.with_outbound(kInside, kClient, [&](Sad::Entry& e) {
      icmp = enc.encapsulate(e, port, 0xc0000201, f.data() + kEth, f.size() - kEth);
    }));
    return icmp;
  }
  template <typename F>
  void entry(F&& f) {
    sad.with(1, f);
  }
};

PortConfig outside(uint32_t mtu, bool after) {
  PortConfig p;
  p.outside = true;
  p.address = kLocal;
  p.prefix = 26;
  p.mtu = mtu;
  p.fragment_after_encryption = after;
  return p;
}

}  // namespace

TEST_CASE("a 12,000-byte datagram over a jumbo MTU, fragmented before encryption", "[encap]") {
  for (uint32_t mtu : {1500u, 9000u, 9198u, 65535u, 70000u})
    for (bool udp : {false, true}) {
      INFO("mtu " << mtu << (udp ? " NAT-T" : " ESP"));
      Run r(udp);
      auto f = datagram(12000);
      std::vector<uint8_t> want(f.begin() + kEth, f.end());
      REQUIRE(r.send(f, outside(mtu, false)) == 0);
      REQUIRE(!r.sent.empty());
      std::vector<std::vector<uint8_t>> inner;
      for (const auto& o : r.sent) {
        REQUIRE(o.size() <= std::min<size_t>(mtu, 65535));
        REQUIRE((get16(&o[6]) & (kMf | kOffsetMask)) == 0);  // whole ESP packets
        inner.push_back(r.peer.decrypt(o));
      }
      auto got = inner.size() == 1 ? inner[0] : reassemble(inner);
      put16(&got[10], 0);
      put16(&want[10], 0);
      if (inner.size() > 1) put16(&want[6], 0);
      REQUIRE(got == want);
      r.entry([&](const Sad::Entry& e) {
        REQUIRE(e.prefrag_failed == 0);
        REQUIRE(e.fragments == (inner.size() > 1 ? inner.size() : 0));
      });
    }
}

TEST_CASE("a 12,000-byte datagram over a jumbo MTU, fragmented after encryption", "[encap]") {
  for (uint32_t mtu : {1500u, 9000u, 9198u})
    for (bool udp : {false, true}) {
      INFO("mtu " << mtu << (udp ? " NAT-T" : " ESP"));
      Run r(udp);
      auto f = datagram(12000);
      std::vector<uint8_t> want(f.begin() + kEth, f.end());
      REQUIRE(r.send(f, outside(mtu, true)) == 0);
      REQUIRE(r.sent.size() >= 2);
      for (const auto& o : r.sent) REQUIRE(o.size() <= mtu);
      auto got = r.peer.decrypt(reassemble(r.sent));
      put16(&got[10], 0);
      put16(&want[10], 0);
      REQUIRE(got == want);
      r.entry([&](const Sad::Entry& e) {
        REQUIRE(e.postfrag_ok == 1);
        REQUIRE(e.fragments == r.sent.size());
      });
    }
}

TEST_CASE("the largest datagram: split before encryption, refused after", "[encap]") {
  for (bool after : {false, true}) {
    Run r(true);
    auto f = datagram(65535 - 28);
    REQUIRE(r.send(f, outside(65535, after)) == 0);
    if (!after) {
      REQUIRE(r.sent.size() == 2);
      for (const auto& o : r.sent) REQUIRE(o.size() <= 65535);
    } else {
      // Encrypted it would exceed what an IPv4 length field can say: dropped and counted.
      REQUIRE(r.sent.empty());
      REQUIRE(r.k.get(Count::TooBig) == 1);
      r.entry([&](const Sad::Entry& e) { REQUIRE(e.postfrag_failed == 1); });
    }
  }
}

TEST_CASE("a DF datagram too big for the jumbo MTU gets fragmentation-needed", "[encap]") {
  Run r(false);
  auto f = datagram(12000, /*df=*/true);
  size_t len = r.send(f, outside(9000, false));
  REQUIRE(len == 20 + 8 + 28);
  const uint8_t* icmp = r.enc.icmp();
  REQUIRE(icmp[9] == kProtoIcmp);
  REQUIRE(get32(icmp + 16) == kInside);
  REQUIRE(icmp[20] == 3);
  REQUIRE(icmp[21] == 4);
  size_t mtu = get16(icmp + 26);
  REQUIRE(mtu > 8900);
  REQUIRE(mtu < 9000);
  REQUIRE(r.sent.empty());
}
}  // namespace encap_test
