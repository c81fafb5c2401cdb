// The dataplane with traffic spread over many SAs (issue 15: "dataplane throughput with traffic
// spread over 10,000 SAs at least 0.9 x the single-SA figure"). In-process, through the packet
// worker's own units (Outbound: SAD look-up, batch framing, crypto backend, Egress; Decapsulator:
// SPI look-up, replay window, crypto, selector check) over a sink that only counts, so that
// what is measured is what the number of SAs changes: the look-ups, each SA's state and keys
// falling out of the caches, the backend switching keys within a batch. The wire and the kernel
// cost the same whatever the SA count; dataplane_bench measures them.
//
// Each run installs N remote-access SAs (one client address each, 198.18.0.0/15: in-process only,
// never on a wire), then sends inner packets to the clients in a scrambled round-robin, so that
// every batch of 32 touches 32 SAs and no SA comes round again for N packets; inbound, ESP
// frames made by a mirror of those SAs (anti-replay off, so that the same frames can be sent
// again; the one-SA run sends as many distinct buffers, copies of its frame). Prints ns per packet
// for 1 SA and for N (measured in turns, round by round), and the ratio of the throughputs; then,
// as the limit of the same run, what fetching each packet's SA lines cold from N SAs' worth of
// memory adds, and the best ratio that leaves. A benchmark: no figure fails it; it fails when
// packets are not encrypted or delivered at all.
//   sa_spread_bench [seconds-per-measurement] [--sas N]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <vector>

#include <openssl/rand.h>

#include "dataplane/crypto/backend.hpp"
#include "dataplane/forward/decap.hpp"
#include "dataplane/forward/egress.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/next_hop.hpp"
#include "dataplane/forward/outbound.hpp"
#include "dataplane/sad/sad.hpp"

using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint32_t kLocal = 0xc6336401, kPeer = 0xc6336402;  // 198.51.100.1, .2
constexpr uint32_t kInside = 0xc000020a;                     // 192.0.2.10
constexpr uint32_t kClients = 0xc6120000;                    // 198.18.0.0
constexpr std::array<uint8_t, 6> kPortMac{2, 0, 0x5e, 0, 0x53, 0x01};
constexpr std::array<uint8_t, 6> kPeerMac{2, 0, 0x5e, 0, 0x53, 0xa0};
constexpr size_t kBatch = 32;

struct KnownPeer final : NeighbourSource {
  bool neighbours(std::map<uint32_t, std::array<uint8_t, 6>>& out) override {
    out = {{kPeer, kPeerMac}, {kLocal, kPortMac}};
    return true;
  }
  bool routes(std::vector<rampart::platform::RouteEntry>& out) override {
    out.clear();
    return true;
  }
  void resolve(uint32_t) override {}
};

// Counts what the units hand over; keeps the frames only while capturing (the mirror's ESP).
struct CountingSink final : TxSink {
  uint64_t wire = 0, kernel = 0;
  std::vector<std::vector<uint8_t>>* capture = nullptr;
  void transmit(size_t, const uint8_t* f, size_t len) override {
    ++wire;
    if (capture) capture->emplace_back(f, f + len);
  }
  bool to_kernel(size_t, const uint8_t*, size_t) override {
    ++kernel;
    return true;
  }
};

PortConfig outside_port(uint32_t address) {
  PortConfig p;
  p.ifindex = 2;
  p.name = "eth0";
  p.mac = kPortMac;
  p.address = address;
  p.prefix = 26;
  p.outside = true;
  p.mtu = 1500;
  return p;
}

// One worker's units over the counting sink, on the port with address (ours or the mirror's).
struct Worker {
  explicit Worker(uint32_t address) : ports{outside_port(address)} {}
  std::vector<PortConfig> ports;
  Sad sad;
  CountingSink io;
  WorkerCounters k;
  NextHops hops{ports, std::make_unique<KnownPeer>()};
  Egress egress{ports, hops, io, k};
  Decapsulator decap{sad, ports, io, k};
  Outbound outbound{sad, ports, egress, io, k};
};

struct Transform {
  const char* name;
  EspCipher cipher;
  EspAuth auth;
  size_t key, mac;
};

EspKeys random_keys(const Transform& t) {
  EspKeys k{t.cipher, t.auth, std::vector<uint8_t>(t.key), std::vector<uint8_t>(t.mac)};
  RAND_bytes(k.encryption.data(), static_cast<int>(k.encryption.size()));
  if (!k.integrity.empty()) RAND_bytes(k.integrity.data(), static_cast<int>(k.integrity.size()));
  return k;
}

// SA i of n: client 198.18.0.0 + i + 1, SPIs from i. mirror: the client's side of it.
SaSpec spec(size_t i, const EspKeys& out, const EspKeys& in, bool mirror) {
  SaSpec s;
  s.id = i + 1;
  s.spi_out = static_cast<uint32_t>(0x10000 + i);
  s.spi_in = static_cast<uint32_t>(0x80000 + i);
  s.keys_out = out;
  s.keys_in = in;
  s.local = kLocal;
  s.peer = kPeer;
  s.local_port = s.peer_port = 4500;
  s.replay_window = 0;  // the inbound run sends the same frames again
  s.client = true;
  Selector4 client{kClients + static_cast<uint32_t>(i) + 1, 0xffffffff}, any{0, 0};
  s.remote_ts = mirror ? any : client;
  s.local_ts = mirror ? client : any;
  if (mirror) {
    std::swap(s.spi_in, s.spi_out);
    std::swap(s.local, s.peer);
  }
  return s;
}

// An inner UDP datagram from src to dst of total bytes, with kEth of room in front.
std::vector<uint8_t> inner_packet(uint32_t src, uint32_t dst, size_t total) {
  std::vector<uint8_t> b(kEth + total);
  write_header(b.data() + kEth, {0, 64, kProtoUdp, static_cast<uint16_t>(total), 1, 0, src, dst});
  return b;
}

// Visits 0..n-1 once per n steps in an order with no stride a prefetcher would follow.
size_t scrambled(uint64_t k, size_t n) {
  return n == 1 ? 0 : static_cast<size_t>((k * 2654435761u) % n);
}

// One timed round of batch() for `seconds`: ns per packet.
template <typename F>
double round_ns(double seconds, F& batch) {
  uint64_t batches = 0;
  const auto t0 = Clock::now();
  const auto end =
      t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  do {
    for (int i = 0; i < 16; ++i) batch();
    batches += 16;
  } while (Clock::now() < end);
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
         static_cast<double>(batches * kBatch);
}

// The best of 50 rounds of seconds/50 each, for one SA and for n, the two taking turns round by
// round (which goes first alternating): the machine is shared, its speed moved by up to 2x
// between runs minutes apart, and a ratio of figures taken one after the other would carry
// that whole. Before each timed round its side runs untimed until every one of its SAs has
// come round once (the other side's round may have pushed them out of the caches).
template <typename F1, typename FN>
std::pair<double, double> ns_per_packet(double seconds, size_t n, F1&& one, FN&& many) {
  auto warm = [](auto& batch, size_t sas) {
    for (size_t i = 0; i < std::max<size_t>(16, sas / kBatch + 1); ++i) batch();
  };
  for (int i = 0; i < 400; ++i) one(), many();
  double best_one = 1e18, best_many = 1e18;
  for (int round = 0; round < 50; ++round) {
    for (int side = 0; side < 2; ++side) {
      if ((side ^ round) & 1) {
        warm(many, n);
        best_many = std::min(best_many, round_ns(seconds / 50, many));
      } else {
        warm(one, 1);
        best_one = std::min(best_one, round_ns(seconds / 50, one));
      }
    }
  }
  return {best_one, best_many};
}

struct Figures {
  double out_ns = 0, in_ns = 0;
  double lookup_out_ns = 0, lookup_in_ns = 0;  // the SA database's batch look-ups alone
  size_t lines_out = 0, lines_in = 0;          // what a packet reads of its SA, cache lines
};

// What the memory alone allows: a packet reads `lines` cache lines of its SA, cold when N SAs
// take turns. Here each of n SAs has a slice of about an SA's objects (its entry, two states,
// two key objects: 57 lines, not a power of two, so that slices do not share cache sets), and
// a batch asks for `lines` lines of each of its SAs' slices first (prefetches: what they drop,
// the reads right after load again, overlapped), then reads them, as the SA database's
// stages read ahead of the packets. Over n SAs less over one: the least that n cold SAs add per
// packet. A lower bound: an SA's real objects lie on several pages (more TLB misses), and the
// stages depend on each other (the entry names the state, the state the keys).
double memory_ns(size_t n, size_t lines, double seconds) {
  constexpr size_t kSliceLines = 57;
  auto line = [](size_t l) { return (l * 7 % kSliceLines) * 64; };  // distinct for l < 57
  struct Slices {
    explicit Slices(size_t count) : count(count), mem(count * kSliceLines * 64, 1) {}
    size_t count;
    std::vector<uint8_t> mem;
    uint64_t k = 0, sum = 0;
  };
  Slices one(1), many(n);
  auto batch = [&](Slices& s) {
    std::array<const uint8_t*, kBatch> sa{};
    for (size_t j = 0; j < kBatch; ++j, ++s.k) {
      sa[j] = s.mem.data() + scrambled(s.k, s.count) * kSliceLines * 64;
      for (size_t l = 0; l < lines; ++l) __builtin_prefetch(sa[j] + line(l));
    }
    for (size_t j = 0; j < kBatch; ++j)
      for (size_t l = 0; l < lines; ++l) s.sum += sa[j][line(l)];
  };
  auto [ns_one, ns_many] = ns_per_packet(
      seconds, n, [&] { batch(one); }, [&] { batch(many); });
  if (one.sum == 0 || many.sum == 0)
    std::fprintf(stderr, "sa_spread_bench: the floor read nothing\n");
  return ns_many - ns_one;
}

// One side of a row: n SAs in a gateway's SA database and, mirrored, in its clients' (whose ESP
// frames the gateway decrypts: one per SA, `pool` in all, copies of the one SA's frame when n
// is 1, so that both sides read their frames from memory alike, as frames fresh from the wire
// would be).
class Bed {
 public:
  Bed(const Transform& t, size_t n, size_t pool, size_t total) : n_(n), pool_(pool), total_(total) {
    for (size_t i = 0; i < n; ++i) {
      EspKeys to_client = random_keys(t), to_gw = random_keys(t);
      if (!gw_.sad.add(spec(i, to_client, to_gw, false), nullptr, nullptr) ||
          !client_.sad.add(spec(i, to_gw, to_client, true), nullptr, nullptr))
        die(fmt_count("cannot install SA", i));
    }
    client_.io.capture = &frames_;
    for (size_t i = 0; i < n; ++i) {
      auto p = inner_packet(kClients + static_cast<uint32_t>(i) + 1, kInside, total);
      client_.outbound.packet(0, p.data() + kEth, total);
    }
    if (frames_.size() != n) die(fmt_count("the mirror made too few frames:", frames_.size()));
    while (frames_.size() < pool) frames_.push_back(frames_[frames_.size() % n]);
  }
  size_t sas() const { return n_; }
  // kBatch inner packets to the clients, encrypted.
  void out_batch() {
    for (size_t j = 0; j < kBatch; ++j, ++k_) {
      uint32_t dst = kClients + static_cast<uint32_t>(scrambled(k_, n_)) + 1;
      out_[j] = inner_packet(kInside, dst, total_);
      gw_.outbound.queue(0, out_[j].data() + kEth, total_);
    }
    gw_.outbound.complete();
  }
  // kBatch of the clients' frames, decrypted in place: each batch works on copies (the copy
  // costs the same whatever n is).
  void in_batch() {
    for (size_t j = 0; j < kBatch; ++j, ++k_) {
      in_[j] = frames_[scrambled(k_, pool_)];
      gw_.decap.queue(0, in_[j].data(), in_[j].size());
    }
    gw_.decap.complete();
  }
  // The SA database's part of a batch alone (index probes, the batch's loads of entries, states
  // and keys, the locks), over the same scrambled order: what the SA count costs before any
  // crypto.
  void lookup_out() {
    for (size_t j = 0; j < kBatch; ++j, ++k_) {
      src_[j] = kInside;
      dst_[j] = kClients + static_cast<uint32_t>(scrambled(k_, n_)) + 1;
    }
    gw_.sad.with_outbound_batch(src_, dst_, found_, [&] { hits_ += found_[0] != nullptr; });
  }
  void lookup_in() {
    for (size_t j = 0; j < kBatch; ++j, ++k_)
      spi_[j] = static_cast<uint32_t>(0x80000 + scrambled(k_, n_));
    gw_.sad.with_inbound_batch(spi_, found_, [&] { hits_ += found_[0] != nullptr; });
  }
  // The lines a packet reads of its SA: the entry's first line and its direction's, the SA
  // state's and keys' that the batch asks for, the index slot.
  void lines(Figures& f) {
    std::array<uint32_t, 1> spi{0x80000};
    gw_.sad.with_inbound_batch(spi, found_, [&] {
      if (!found_[0]) return;
      f.lines_in = 2 + found_[0]->in->warmed_lines(true) + 1;
      f.lines_out = 2 + found_[0]->out->warmed_lines(false) + 1;
    });
  }
  // What a run must have done for its figures to mean anything.
  void check() const {
    if (gw_.io.wire == 0) die("nothing was encrypted");
    if (gw_.io.kernel == 0) die("nothing was delivered");
    if (hits_ == 0) die("the look-ups found no SA");
  }

 private:
  static std::string fmt_count(const char* what, size_t i) {
    return std::string(what) + " " + std::to_string(i);
  }
  [[noreturn]] static void die(const std::string& why) {
    std::fprintf(stderr, "sa_spread_bench: %s\n", why.c_str());
    std::exit(1);
  }
  size_t n_, pool_, total_;
  Worker gw_{kLocal}, client_{kPeer};
  std::vector<std::vector<uint8_t>> frames_, out_{kBatch}, in_{kBatch};
  std::array<uint32_t, kBatch> src_{}, dst_{}, spi_{};
  std::array<Sad::Entry*, kBatch> found_{};
  uint64_t k_ = 0;
  size_t hits_ = 0;
};

// Site to site: the SA database's batch look-up among `sites` SAs whose remote sides are /28
// networks in 198.18.0.0/15 (in-process only), each with a /16 summary and a default beside
// them (three masks in use), the packets to the sites in the scrambled order. With one site
// and with all: what a hub's number of sites costs each packet out.
std::pair<double, double> site_lookups(size_t sites, double seconds) {
  struct Hub {
    explicit Hub(size_t n) : n(n) {
      const Transform t{"", EspCipher::AesCbc128, EspAuth::HmacSha1, 16, 20};
      auto add = [&](uint64_t id, Selector4 remote) {
        SaSpec s = spec(id - 1, random_keys(t), random_keys(t), false);
        s.client = false;
        s.local_ts = {kInside & 0xffffff00u, 0xffffff00u};
        s.remote_ts = remote;
        if (!w.sad.add(s, nullptr, nullptr)) {
          std::fprintf(stderr, "sa_spread_bench: cannot install site SA %llu\n",
                       static_cast<unsigned long long>(id));
          std::exit(1);
        }
      };
      for (size_t i = 0; i < n; ++i)
        add(i + 1, {kClients + 16 * static_cast<uint32_t>(i), 0xfffffff0u});
      add(n + 1, {kClients, 0xffff0000u});
      add(n + 2, {0, 0});
    }
    void batch() {
      for (size_t j = 0; j < kBatch; ++j, ++k) {
        src[j] = kInside;
        dst[j] = kClients + 16 * static_cast<uint32_t>(scrambled(k, n)) + 1;
      }
      w.sad.with_outbound_batch(src, dst, found,
                                [&] { hits += found[0] && found[0]->spec.id <= n; });
    }
    size_t n;
    Worker w{kLocal};
    std::array<uint32_t, kBatch> src{}, dst{};
    std::array<Sad::Entry*, kBatch> found{};
    uint64_t k = 0, hits = 0;
  };
  Hub one(1), many(sites);
  auto ns = ns_per_packet(
      seconds, sites, [&] { one.batch(); }, [&] { many.batch(); });
  if (one.hits == 0 || many.hits == 0) {
    std::fprintf(stderr, "sa_spread_bench: no site's SA was chosen\n");
    std::exit(1);
  }
  return ns;
}

// A row: one SA and n, measured in turns.
std::pair<Figures, Figures> measure(const Transform& t, size_t n, size_t total, double seconds) {
  Bed one(t, 1, n, total), many(t, n, n, total);
  Figures f1, fn;
  std::tie(f1.out_ns, fn.out_ns) = ns_per_packet(
      seconds, n, [&] { one.out_batch(); }, [&] { many.out_batch(); });
  std::tie(f1.in_ns, fn.in_ns) = ns_per_packet(
      seconds, n, [&] { one.in_batch(); }, [&] { many.in_batch(); });
  std::tie(f1.lookup_out_ns, fn.lookup_out_ns) = ns_per_packet(
      seconds / 4, n, [&] { one.lookup_out(); }, [&] { many.lookup_out(); });
  std::tie(f1.lookup_in_ns, fn.lookup_in_ns) = ns_per_packet(
      seconds / 4, n, [&] { one.lookup_in(); }, [&] { many.lookup_in(); });
  one.lines(f1);
  many.lines(fn);
  one.check();
  many.check();
  return {f1, fn};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 1.0;
  size_t many = 10000;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--sas" && i + 1 < argc)
      many = std::strtoul(argv[++i], nullptr, 10);
    else
      seconds = std::atof(argv[i]);
  }
  if (many < 2 || seconds <= 0) {
    std::fprintf(stderr, "usage: sa_spread_bench [seconds] [--sas N]\n");
    return 2;
  }
  const Transform transforms[] = {
      {"esp-aes esp-sha-hmac", EspCipher::AesCbc128, EspAuth::HmacSha1, 16, 20},
      {"esp-aes-gcm (128)", EspCipher::AesGcm128, EspAuth::None, 20, 0},
  };
  std::printf("crypto backend: %s; batches of %zu; %zu SAs vs 1, %.1f s per figure\n",
              std::string(crypto::backend_name(crypto::active().kind())).c_str(), kBatch, many,
              seconds);
  std::printf("%-22s %6s %11s %11s %8s %11s %11s %8s\n", "transform", "bytes", "out 1 ns",
              "out N ns", "ratio", "in 1 ns", "in N ns", "ratio");
  std::vector<std::pair<Figures, Figures>> lookups;
  std::vector<std::pair<const char*, size_t>> rows;
  for (const auto& t : transforms) {
    for (size_t total : {64, 1400}) {
      auto [one, spread] = measure(t, many, total, seconds);
      lookups.emplace_back(one, spread);
      rows.emplace_back(t.name, total);
      // Throughput ratio: packets per second with N SAs over those with one.
      std::printf("%-22s %6zu %11.0f %11.0f %8.2f %11.0f %11.0f %8.2f\n", t.name, total, one.out_ns,
                  spread.out_ns, one.out_ns / spread.out_ns, one.in_ns, spread.in_ns,
                  one.in_ns / spread.in_ns);
    }
  }
  std::printf("ratio: throughput over %zu SAs / over one SA (the issue's target: >= 0.90)\n", many);
  // Of the figures above, the SA database's batch look-ups alone (the best of each column).
  Figures best_one = lookups[0].first, best_n = lookups[0].second;
  for (const auto& [one, n] : lookups) {
    best_one.lookup_out_ns = std::min(best_one.lookup_out_ns, one.lookup_out_ns);
    best_one.lookup_in_ns = std::min(best_one.lookup_in_ns, one.lookup_in_ns);
    best_n.lookup_out_ns = std::min(best_n.lookup_out_ns, n.lookup_out_ns);
    best_n.lookup_in_ns = std::min(best_n.lookup_in_ns, n.lookup_in_ns);
  }
  std::printf(
      "of which the SA database's batch look-up (index, prefetch, locks), ns per packet:\n"
      "  out: %.1f with 1 SA, %.1f with %zu; in: %.1f with 1 SA, %.1f with %zu\n",
      best_one.lookup_out_ns, best_n.lookup_out_ns, many, best_one.lookup_in_ns,
      best_n.lookup_in_ns, many);
  auto [site1, sites] = site_lookups(1000, seconds / 2);
  std::printf(
      "site to site (/28 sites, a /16 summary and a default beside them), the SA database's\n"
      "batch look-up, ns per packet: %.1f with 1 site, %.1f with 1000\n",
      site1, sites);
  // The memory floor of each row: n cold SAs' lines less one warm SA's, and the best ratio it
  // leaves: one SA's time over that time plus the floor.
  std::map<size_t, double> floor;  // by lines per packet
  auto floor_of = [&](size_t lines) {
    if (!floor.contains(lines))
      floor[lines] = memory_ns(many, lines, seconds / 2) - memory_ns(1, lines, seconds / 2);
    return floor[lines];
  };
  std::printf(
      "what the memory alone allows: a packet's lines of its SA, what fetching them cold over\n"
      "%zu SAs adds per packet (ns), and the best ratio that leaves each row:\n",
      many);
  std::printf("%-22s %6s %6s %9s %8s %6s %9s %8s\n", "transform", "bytes", "lines", "out +ns",
              "at most", "lines", "in +ns", "at most");
  for (size_t i = 0; i < rows.size(); ++i) {
    const Figures& one = lookups[i].first;
    double out = floor_of(one.lines_out), in = floor_of(one.lines_in);
    std::printf("%-22s %6zu %6zu %9.0f %8.2f %6zu %9.0f %8.2f\n", rows[i].first, rows[i].second,
                one.lines_out, out, one.out_ns / (one.out_ns + out), one.lines_in, in,
                one.in_ns / (one.in_ns + in));
  }
  return 0;
}
