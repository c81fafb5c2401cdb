// A flood of spoofed IKE first messages, for tests/bench/ike_flood.sh: aggressive-mode AM1s
// naming a group and main-mode MM1s in turn, each from a random source address of a range and
// with a random initiator cookie, at the highest rate this program reaches (or a given rate).
// A second thread counts what comes back to the spoofed range on an interface (the answers are
// routed to that interface by the lab), by kind. Prints packets per second sent and answered.
//   ike_flood --target A.B.C.D --sources A.B.C.D/N --seconds S [--group NAME] [--rate PPS]
//             [--count-on IFNAME]
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "control/ike/codec/message.hpp"

using namespace rampart::ike;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  uint32_t target = 0;
  uint32_t net = 0, mask = 0;
  double seconds = 10;
  std::string group = "EZ";
  uint64_t rate = 0;  // 0: as fast as possible
  std::string count_on;
};

uint32_t parse_ip(const std::string& s) {
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) {
    std::fprintf(stderr, "bad address %s\n", s.c_str());
    std::exit(2);
  }
  return ntohl(a.s_addr);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--target") {
      o.target = parse_ip(v);
    } else if (k == "--sources") {
      auto slash = v.find('/');
      int bits = slash == std::string::npos ? 32 : std::stoi(v.substr(slash + 1));
      o.mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
      o.net = parse_ip(v.substr(0, slash)) & o.mask;
    } else if (k == "--seconds") {
      o.seconds = std::stod(v);
    } else if (k == "--group") {
      o.group = v;
    } else if (k == "--rate") {
      o.rate = std::stoull(v);
    } else if (k == "--count-on") {
      o.count_on = v;
    }
  }
  if (!o.target || !o.mask) {
    std::fprintf(stderr, "usage: %s --target IP --sources NET/N --seconds S\n", argv[0]);
    std::exit(2);
  }
  return o;
}

Transform transform() {
  // AES-128, SHA, XAUTH with PSK, group 2, a day: what vpnc offers first.
  Transform t{1, 1, {}};
  t.attributes = {Attribute::tv(1, 7),
                  Attribute::tv(14, 128),
                  Attribute::tv(2, 2),
                  Attribute::tv(3, 65001),
                  Attribute::tv(4, 2),
                  Attribute::tv(11, 1),
                  Attribute::tlv(12, {0, 1, 0x51, 0x80})};
  return t;
}

Bytes first_message(bool aggressive, const std::string& group, std::mt19937_64& rng) {
  SaPayload sa;
  sa.proposals.push_back(Proposal{1, 1, {}, {transform()}});
  Message m;
  m.header.exchange = aggressive ? Exchange::Aggressive : Exchange::MainMode;
  m.payloads.push_back(sa);
  if (aggressive) {
    Bytes ke(128), nonce(20);
    for (auto& b : ke) b = static_cast<uint8_t>(rng());
    ke[0] = 0x7f;  // below the group's prime, so that the DH is computed
    for (auto& b : nonce) b = static_cast<uint8_t>(rng());
    IdPayload id;
    id.id_type = 11;  // ID_KEY_ID
    id.data.assign(group.begin(), group.end());
    m.payloads.push_back(OpaquePayload{PayloadType::KE, ke});
    m.payloads.push_back(OpaquePayload{PayloadType::Nonce, nonce});
    m.payloads.push_back(id);
  }
  return serialize_message(m);
}

constexpr size_t kBatch = 64;

struct Counts {
  std::atomic<uint64_t> am2{0}, mm2{0}, notify{0}, other{0};
};

// Counts the appliance's answers to spoofed sources as they cross the interface.
void count_answers(const Options& o, Counts& c, const std::atomic<bool>& stop) {
  int fd = ::socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
  if (fd < 0) return;
  sockaddr_ll ll{};
  ll.sll_family = AF_PACKET;
  ll.sll_protocol = htons(ETH_P_IP);
  ll.sll_ifindex = static_cast<int>(if_nametoindex(o.count_on.c_str()));
  ::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll);
  uint8_t buf[2048];
  while (!stop) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 20 + 8 + 28 || buf[9] != IPPROTO_UDP) continue;
    uint32_t src, dst;
    std::memcpy(&src, buf + 12, 4);
    std::memcpy(&dst, buf + 16, 4);
    if (ntohl(src) != o.target || (ntohl(dst) & o.mask) != o.net) continue;
    size_t ihl = (buf[0] & 0x0f) * 4u;
    const uint8_t* isakmp = buf + ihl + 8;
    uint16_t sport = static_cast<uint16_t>(buf[ihl] << 8 | buf[ihl + 1]);
    if (sport == 4500) isakmp += 4;  // the non-ESP marker
    if (isakmp + 28 > buf + n) continue;
    switch (isakmp[18]) {  // exchange type
      case 4:
        ++c.am2;
        break;
      case 2:
        ++c.mm2;
        break;
      case 5:
        ++c.notify;
        break;
      default:
        ++c.other;
    }
  }
  ::close(fd);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  int fd = ::socket(AF_INET, SOCK_RAW, IPPROTO_RAW);  // IP_HDRINCL: we write the source
  if (fd < 0) {
    std::perror("raw socket (root needed)");
    return 1;
  }
  int big = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  std::mt19937_64 rng(std::random_device{}());
  const Bytes templates[2] = {first_message(true, o.group, rng),
                              first_message(false, o.group, rng)};

  Counts counts;
  std::atomic<bool> stop{false};
  std::thread counter;
  if (!o.count_on.empty()) counter = std::thread([&] { count_answers(o, counts, stop); });

  std::vector<std::vector<uint8_t>> frames(kBatch);
  std::vector<iovec> iov(kBatch);
  std::vector<mmsghdr> msgs(kBatch);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(o.target);
  const uint32_t span = ~o.mask;
  uint64_t sent = 0, am1 = 0, errors = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  for (auto now = start; now < end; now = Clock::now()) {
    if (o.rate) {
      double due = std::chrono::duration<double>(now - start).count() * static_cast<double>(o.rate);
      if (static_cast<double>(sent) >= due) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
    }
    for (size_t i = 0; i < kBatch; ++i) {
      bool aggressive = (sent + i) % 2 == 0;
      const Bytes& isakmp = templates[aggressive ? 0 : 1];
      auto& f = frames[i];
      f.assign(20 + 8 + isakmp.size(), 0);
      uint32_t src = o.net | (static_cast<uint32_t>(rng()) & span);
      if ((src & span) == 0 || (src & span) == span) src ^= 1;  // not the network or broadcast
      f[0] = 0x45;
      f[8] = 64;
      f[9] = IPPROTO_UDP;
      uint32_t s = htonl(src), d = htonl(o.target);
      std::memcpy(&f[12], &s, 4);
      std::memcpy(&f[16], &d, 4);
      uint16_t len = htons(static_cast<uint16_t>(8 + isakmp.size()));
      f[20] = 500 >> 8, f[21] = 500 & 0xff, f[22] = 500 >> 8, f[23] = 500 & 0xff;
      std::memcpy(&f[24], &len, 2);
      std::memcpy(&f[28], isakmp.data(), isakmp.size());
      uint64_t cookie = rng();
      std::memcpy(&f[28], &cookie, 8);  // a new initiator cookie each time
      iov[i] = {f.data(), f.size()};
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_name = &to;
      msgs[i].msg_hdr.msg_namelen = sizeof to;
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    int k = ::sendmmsg(fd, msgs.data(), kBatch, 0);
    if (k < 0) {
      ++errors;
      continue;
    }
    for (int i = 0; i < k; ++i) am1 += (sent + static_cast<uint64_t>(i)) % 2 == 0;
    sent += static_cast<uint64_t>(k);
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // late answers
  stop = true;
  if (counter.joinable()) counter.join();
  std::printf("flood: %.1f s, sent %llu (%llu AM1, %llu MM1), %.0f pps, send errors %llu\n", secs,
              static_cast<unsigned long long>(sent), static_cast<unsigned long long>(am1),
              static_cast<unsigned long long>(sent - am1), static_cast<double>(sent) / secs,
              static_cast<unsigned long long>(errors));
  if (!o.count_on.empty()) {
    uint64_t answered = counts.am2 + counts.mm2 + counts.notify + counts.other;
    std::printf(
        "answers to spoofed sources: %llu (%.0f pps): AM2 %llu, MM2 %llu, notify %llu, other "
        "%llu\n",
        static_cast<unsigned long long>(answered), static_cast<double>(answered) / secs,
        static_cast<unsigned long long>(counts.am2.load()),
        static_cast<unsigned long long>(counts.mm2.load()),
        static_cast<unsigned long long>(counts.notify.load()),
        static_cast<unsigned long long>(counts.other.load()));
  }
  return 0;
}
