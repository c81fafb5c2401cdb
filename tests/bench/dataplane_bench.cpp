// The dataplane end to end over veth: a generator in another namespace injects ESP for static
// SAs (decap) or cleartext (encap) at full rate into the appliance namespace, where Rampart's
// packet workers and the kernel forward it (the workers between the outside port and the TUN
// device eth0-vpn, the kernel between that device and the inside, as in rampartd); a sink
// beside the generator counts what comes out. Prints Mpps, Gbit/s of inner packets, loss and
// CPU-seconds (user, system, softirq, all cores) for one and two workers, next to limits
// measured in the same run: (a) t_crypto, the bare EVP work per packet
// (tests/bench/evp_baseline.hpp), and (b) the same AF_PACKET ports forwarding without ESP,
// whose rate gives t_io; and again on AF_XDP (issue 16): (b) the same frames forwarded by our
// XDP program's AF_XDP sockets, against AF_PACKET on those frames, and the ESP table on both
// I/O paths (the workers' WorkerIo), each row's limit using its own path's t_io. The combined
// limit is 1/(t_crypto/N + t_io(N)) for N workers.
// Decapsulating, a worker's CPU includes the kernel's forwarding of what it writes into the
// TUN device (the write runs it); encapsulating, the kernel forwards into the device in the
// inside NIC's softirq, which only the all-cores CPU columns show.
// Anti-replay is off on the benchmark SAs so that a pre-encrypted set of packets can be sent
// again and again (every packet is still authenticated and decrypted). Never fails on a figure.
// --sas N: the ESP runs over N SAs (default 8), consecutive frames on SAs far apart
// (tests/bench/dataplane_spread.sh compares 1 with 10,000).
//   dataplane_bench --gen-ns NS [--seconds S] [--sas N]   (in the appliance namespace; see
//   tests/bench/dataplane_forward.sh, which builds the namespaces)
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/crypto/backend.hpp"
#include "dataplane/esp/esp_sa.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "dataplane/forward/worker.hpp"
#include "dataplane/sad/sad.hpp"
#include "dataplane/xdp/steer_program.hpp"
#include "dataplane/xdp/xsk_port.hpp"
#include "platform/firewall.hpp"
#include "platform/netlink.hpp"
#include "platform/packet_port.hpp"
#include "platform/sysctl.hpp"
#include "platform/tun.hpp"
#include "tests/bench/evp_baseline.hpp"

using namespace rampart;
using namespace rampart::dataplane;
using namespace rampart::dataplane::ipv4;
using Clock = std::chrono::steady_clock;

namespace {

// The topology tests/bench/dataplane_forward.sh builds: the appliance's eth0 (outside) and eth1
// (inside) are cabled to the generator namespace's o0 and i0.
constexpr uint8_t kEth0Mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x01};
constexpr uint8_t kEth1Mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x53, 0x02};
constexpr uint8_t kO0Mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x53, 0xa0};
constexpr uint8_t kI0Mac[6] = {0x02, 0x00, 0x5e, 0x00, 0x53, 0xb0};
constexpr uint32_t kOutside = 0xc6336401;  // 198.51.100.1
constexpr uint32_t kInside = 0xc0000201;   // 192.0.2.1
constexpr uint32_t kHost = 0xc000020a;     // 192.0.2.10
constexpr uint32_t kPeer0 = 0xc6336402;    // 198.51.100.2 .. 198.51.100.9
constexpr uint32_t kClient0 = 0xcb00710a;  // 203.0.113.10 .. (each SA's client address)
constexpr int kPeers = 8;                  // several peers, so that fanout spreads them
constexpr size_t kFrames = 4096;           // distinct frames the generator cycles through
constexpr uint32_t kQueues = 2;            // each cable's queues (dataplane_forward.sh)
// Past 245 SAs the clients' addresses are 198.19.0.1 and on (RFC 2544's benchmarking range,
// as tunnel_scale.sh's pool; only inside the benchmark's namespaces).
constexpr uint32_t kManyClients0 = 0xc6130001;

// The SAs of the ESP runs (--sas; 8 by default), each with a client address of its own; they
// share the kPeers peers (what an SA costs the workers is its state and keys, not its peer).
int g_sas = 8;

uint32_t peer_of(int sa) {
  return kPeer0 + static_cast<uint32_t>(sa % kPeers);
}

uint32_t client_of(int sa) {
  return (g_sas <= 245 ? kClient0 : kManyClients0) + static_cast<uint32_t>(sa);
}

// The SA of the generator's n-th frame: consecutive frames go to SAs far apart (65537 is a
// prime above --sas, so n -> SA is a permutation of every run of g_sas frames), so that a batch
// of them touches as many SAs, and never neighbours in memory in order.
int sa_of_frame(size_t n) {
  return static_cast<int>(n * 65537 % static_cast<size_t>(g_sas));
}

// kFrames at least, a whole number of rounds over the SAs.
size_t frame_count() {
  auto sas = static_cast<size_t>(g_sas);
  return (kFrames + sas - 1) / sas * sas;
}

// Plain: cleartext inside to outside, no ESP (limit b); PlainOut: the decap run's ESP frames
// outside to inside, forwarded without ESP work (limit b for AF_XDP, which takes only ESP).
enum class Dir { Decap, Encap, Plain, PlainOut };

struct Transform {
  const char* name;
  EspCipher cipher;
  EspAuth auth;
  size_t key;
};
const Transform kTransforms[] = {{"AES-128-GCM", EspCipher::AesGcm128, EspAuth::None, 16 + 4},
                                 {"AES-128-CBC+SHA1", EspCipher::AesCbc128, EspAuth::HmacSha1, 16}};

EspKeys keys_for(const Transform& t, int sa) {
  return {t.cipher, t.auth, std::vector<uint8_t>(t.key, static_cast<uint8_t>(0x10 + sa)),
          std::vector<uint8_t>(20, static_cast<uint8_t>(0x40 + sa))};
}

// An IPv4/UDP packet of `size` bytes, at p.
void inner_packet(uint8_t* p, size_t size, uint32_t src, uint32_t dst, uint16_t sport) {
  std::memset(p, 0, size);
  write_header(p, {0, 64, kProtoUdp, static_cast<uint16_t>(size), 1, 0, src, dst});
  put16(p + 20, sport);
  put16(p + 22, 9);
  put16(p + 24, static_cast<uint16_t>(size - 20));
}

void ethernet(uint8_t* f, const uint8_t* dst, const uint8_t* src) {
  std::memcpy(f, dst, 6);
  std::memcpy(f + 6, src, 6);
  put16(f + 12, kTypeIpv4);
}

// The frames the generator sends for a run.
std::vector<std::vector<uint8_t>> make_frames(Dir dir, const Transform& t, size_t size) {
  std::vector<std::vector<uint8_t>> frames;
  std::vector<std::unique_ptr<EspSa>> peers;
  for (int i = 0; i < g_sas; ++i)
    peers.push_back(std::move(*EspSa::create(0x1000 + static_cast<uint32_t>(i), keys_for(t, i))));
  std::vector<uint8_t> inner(2048);
  for (size_t n = 0; n < frame_count(); ++n) {
    int sa = sa_of_frame(n);
    auto sport = static_cast<uint16_t>(10000 + n / static_cast<size_t>(g_sas));
    std::vector<uint8_t> f(2048);
    if (dir == Dir::Decap) {
      inner_packet(inner.data(), size, client_of(sa), kHost, sport);
      ethernet(f.data(), kEth0Mac, kO0Mac);
      size_t esp = peers[static_cast<size_t>(sa)]->encap(inner.data(), size, f.data() + kEth + 20,
                                                         f.size() - kEth - 20);
      write_header(f.data() + kEth, {0, 64, kProtoEsp, static_cast<uint16_t>(20 + esp), 1, 0,
                                     peer_of(sa), kOutside});
      f.resize(kEth + 20 + esp);
    } else {
      ethernet(f.data(), kEth1Mac, kI0Mac);
      inner_packet(f.data() + kEth, size, kHost, client_of(sa), sport);
      f.resize(kEth + size);
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

void add_sas(Sad& sad, const Transform& t, crypto::Backend* backend) {
  for (int i = 0; i < g_sas; ++i) {
    SaSpec s;
    s.id = static_cast<uint64_t>(i + 1);
    s.spi_in = 0x1000 + static_cast<uint32_t>(i);
    s.spi_out = 0x2000 + static_cast<uint32_t>(i);
    s.keys_in = keys_for(t, i);
    s.keys_out = keys_for(t, i);
    s.local = kOutside;
    s.peer = peer_of(i);
    s.local_ts = {0, 0};
    s.remote_ts = {client_of(i), 0xffffffff};
    s.replay_window = 0;
    s.backend = backend;
    if (auto r = sad.add(s); !r) std::fprintf(stderr, "SA: %s\n", r.error().c_str());
  }
}

// ---- the generator and sink, in the other namespace -------------------------------------------

struct NetnsGuard {  // runs the calling thread in another network namespace while it lives
  int back = -1;
  explicit NetnsGuard(const std::string& ns) {
    back = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int fd = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      std::perror(("setns " + ns).c_str());
      std::exit(2);
    }
    ::close(fd);
  }
  ~NetnsGuard() {
    ::setns(back, CLONE_NEWNET);
    ::close(back);
  }
};

struct Generator {
  int fd = -1;
  std::atomic<uint64_t> sent{0};
  explicit Generator(int ifindex) {
    fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // protocol 0: transmit only
    int one = 1;
    ::setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
    sockaddr_ll ll{};
    ll.sll_family = AF_PACKET;
    ll.sll_ifindex = ifindex;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&ll), sizeof ll) != 0) std::perror("bind gen");
  }
  ~Generator() { ::close(fd); }
  void run(const std::vector<std::vector<uint8_t>>& frames, const std::atomic<bool>& stop) {
    constexpr size_t kBatch = 64;
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    size_t next = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      for (size_t i = 0; i < kBatch; ++i) {
        const auto& f = frames[(next + i) % frames.size()];
        iov[i] = {const_cast<uint8_t*>(f.data()), f.size()};
        msgs[i] = {};
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
      }
      int k = ::sendmmsg(fd, msgs, kBatch, 0);
      if (k > 0) {
        next += static_cast<size_t>(k);
        sent.fetch_add(static_cast<uint64_t>(k), std::memory_order_relaxed);
      }
    }
  }
};

struct Sink {
  std::unique_ptr<platform::PacketPort> port;
  std::atomic<uint64_t> frames{0}, bytes{0};
  uint8_t want_proto;
  Sink(int ifindex, uint8_t proto) : want_proto(proto) {
    auto p = platform::PacketPort::open(ifindex);
    if (!p) {
      std::fprintf(stderr, "sink: %s\n", p.error().c_str());
      std::exit(2);
    }
    port = std::make_unique<platform::PacketPort>(std::move(*p));
  }
  void run(const std::atomic<bool>& stop) {
    pollfd pfd{port->fd(), POLLIN, 0};
    while (!stop.load(std::memory_order_relaxed)) {
      if (::poll(&pfd, 1, 20) <= 0) continue;
      uint64_t n = 0, b = 0;
      port->drain([&](uint8_t* f, size_t len, bool) {
        if (len >= kEth + 20 && get16(f + 12) == kTypeIpv4 && f[kEth + 9] == want_proto) {
          ++n;
          b += len - kEth;
        }
      });
      frames.fetch_add(n, std::memory_order_relaxed);
      bytes.fetch_add(b, std::memory_order_relaxed);
    }
  }
};

// ---- limit (b): the same ports forwarding without ESP
// --------------------------------------------

struct PlainForwarder {
  std::vector<platform::PacketPort> in, out;
  std::thread thread;
  std::atomic<bool> stop{false};
  // to_outside: the MACs of the outside cable (generator's o0), else of the inside one (i0).
  PlainForwarder(int in_ifindex, int out_ifindex, uint16_t fanout, bool to_outside = true) {
    in.push_back(std::move(*platform::PacketPort::open(in_ifindex, fanout)));
    out.push_back(std::move(*platform::PacketPort::open(out_ifindex, fanout + 1)));
    thread = std::thread([this, to_outside] {
      ::pthread_setname_np(::pthread_self(), "dp-plain");
      pollfd pfd{in[0].fd(), POLLIN, 0};
      while (!stop.load(std::memory_order_relaxed)) {
        if (::poll(&pfd, 1, 20) <= 0) continue;
        in[0].drain([&](uint8_t* f, size_t len, bool) {
          if (len < kEth + 20 || get16(f + 12) != kTypeIpv4 || f[kEth + 8] <= 1) return;
          std::memcpy(f, to_outside ? kO0Mac : kI0Mac, 6);
          std::memcpy(f + 6, to_outside ? kEth0Mac : kEth1Mac, 6);
          decrement_ttl(f + kEth);
          out[0].queue(f, len);
        });
        out[0].flush();
      }
    });
  }
  ~PlainForwarder() {
    stop = true;
    thread.join();
  }
};

// ---- limit (b) on AF_XDP: the same frames through our XDP program and AF_XDP sockets ----------

// Forwards what the XDP program steers from eth0's queue into an AF_XDP socket out of eth1
// through another (no ESP work): the AF_XDP path's own cost per packet. Only what the program
// steers can take this path, so the frames are the decap run's ESP frames, outside to inside.
struct XdpPlainForwarder {
  std::shared_ptr<xdp::SteerProgram> program;
  std::vector<std::unique_ptr<xdp::XskPort>> rx;
  std::unique_ptr<xdp::XskPort> tx;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::string error;
  // Forwarder k of n takes eth0's queues q with q mod n == k (as the workers share them) and
  // sends on eth1's queue k.
  XdpPlainForwarder(int out_ifindex, uint32_t k, uint32_t n) {
    auto p = xdp::SteerProgram::for_port(out_ifindex, "eth0");
    if (!p) {
      error = p.error();
      return;
    }
    program = *p;
    program->set_addresses({kOutside});
    program->set_max_frame(xdp::XskPort::kMaxRxFrame);
    for (uint32_t q = k; q < kQueues; q += n) {
      auto r = xdp::XskPort::open("eth0", q);
      if (!r) {
        error = r.error();
        return;
      }
      if (auto ok = program->add_socket(q, (*r)->fd()); !ok) error = ok.error();
      rx.push_back(std::move(*r));
    }
    auto t = xdp::XskPort::open("eth1", k);
    if (!t) {
      error = t.error();
      return;
    }
    tx = std::move(*t);
    thread = std::thread([this] { loop(); });
  }
  void loop() {
    ::pthread_setname_np(::pthread_self(), "dp-plain");
    std::vector<pollfd> fds;
    for (const auto& r : rx) fds.push_back({r->fd(), POLLIN, 0});
    while (!stop.load(std::memory_order_relaxed)) {
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      for (auto& r : rx)
        r->drain(
            [&](uint8_t* f, size_t len) {
              if (len < kEth + 20 || f[kEth + 8] <= 1) return;
              std::memcpy(f, kI0Mac, 6);
              std::memcpy(f + 6, kEth1Mac, 6);
              decrement_ttl(f + kEth);
              if (!tx->queue(f, len)) {
                tx->flush();
                tx->queue(f, len);
              }
            },
            [&] { tx->flush(); });
    }
  }
  // What the kernel could not hand the sockets (full RX rings, empty fill rings, other).
  xdp::XskPort::Drops drops() const {
    xdp::XskPort::Drops d;
    for (const auto& r : rx) {
      auto one = r->drops();
      d.ring_full += one.ring_full, d.fill_empty += one.fill_empty, d.other += one.other;
    }
    return d;
  }
  ~XdpPlainForwarder() {
    stop = true;
    if (thread.joinable()) thread.join();
  }
};

// ---- measuring ----------------------------------------------------------------------------------

struct Cpu {
  double user = 0, system = 0, softirq = 0;
};
Cpu cpu_now() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  double user, nice, system, idle, iowait, irq, softirq;
  f >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
  double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return {(user + nice) / hz, (system + irq) / hz, softirq / hz};
}

// CPU seconds (user + system) of this process's threads whose name starts with prefix: the
// forwarding threads alone, without the generator and the sink beside them.
double thread_cpu(const std::string& prefix) {
  double total = 0;
  double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(e.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name.rfind(prefix, 0) != 0) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    std::getline(stat, line);
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stod(field);
      if (i == 15) stime = std::stod(field);
    }
    total += (utime + stime) / hz;
  }
  return total;
}

struct Result {
  double mpps = 0, gbps = 0, loss = 0;
  double busy = 0;        // forwarding threads' CPU / (their number x the run's time)
  double ns_per_pkt = 0;  // forwarding threads' CPU per delivered packet
  Cpu cpu;
};

Result run(const std::string& gen_ns, Dir dir, const std::vector<std::vector<uint8_t>>& frames,
           double seconds, unsigned threads, const std::string& thread_name,
           const std::function<void()>& start_forwarding,
           const std::function<void()>& stop_forwarding) {
  std::unique_ptr<Generator> gen;
  std::unique_ptr<Sink> sink;
  {
    NetnsGuard in(gen_ns);
    int o0 = static_cast<int>(::if_nametoindex("o0")),
        i0 = static_cast<int>(::if_nametoindex("i0"));
    bool into_outside = dir == Dir::Decap || dir == Dir::PlainOut;
    gen = std::make_unique<Generator>(into_outside ? o0 : i0);
    bool esp_out = dir == Dir::Encap || dir == Dir::PlainOut;
    sink = std::make_unique<Sink>(into_outside ? i0 : o0, esp_out ? kProtoEsp : kProtoUdp);
  }
  start_forwarding();
  std::atomic<bool> stop_sink{false}, stop_gen{false};
  std::thread st([&] { sink->run(stop_sink); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  uint64_t f0 = sink->frames, b0 = sink->bytes;
  Cpu c0 = cpu_now();
  double w0 = thread_cpu(thread_name);
  auto t0 = Clock::now();
  std::thread gt([&] { gen->run(frames, stop_gen); });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop_gen = true;
  gt.join();
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // what is in flight arrives
  Cpu c1 = cpu_now();
  double w1 = thread_cpu(thread_name);
  stop_sink = true;
  st.join();
  stop_forwarding();
  Result r;
  double got = static_cast<double>(sink->frames - f0);
  double bytes = static_cast<double>(sink->bytes - b0);
  r.mpps = got / secs / 1e6;
  // Inner packets' bits: what the user's traffic gets through (encap: less the ESP overhead).
  double inner_bytes = got ? bytes / got : 0;
  if (dir == Dir::Encap && got)
    inner_bytes = static_cast<double>(frames[0].size() - kEth);  // every inner frame is alike
  r.gbps = got * inner_bytes * 8 / secs / 1e9;
  r.loss = gen->sent ? 1.0 - got / static_cast<double>(gen->sent) : 0;
  r.cpu = {c1.user - c0.user, c1.system - c0.system, c1.softirq - c0.softirq};
  r.busy = (w1 - w0) / (threads * secs);
  r.ns_per_pkt = got ? (w1 - w0) * 1e9 / got : 0;
  return r;
}

// What rampartd's dataplane service and VPN routes do around the workers: the TUN device up
// and set for the handoff, and the clients' addresses routed into it (the device, and its
// routes, go with the last worker, so this follows every start).
void hand_off() {
  if (auto r = platform::prepare_tun_device(vpn_device_of("eth0")); !r)
    std::fprintf(stderr, "tun: %s\n", r.error().c_str());
  auto nl = platform::Netlink::open();
  if (!nl) return;
  auto tun = static_cast<int>(::if_nametoindex(vpn_device_of("eth0").c_str()));
  for (int i = 0; i < g_sas; ++i)
    if (auto r = nl->add_device_route(client_of(i), 32, std::nullopt, tun, 0,
                                      platform::kRampartVpnProtocol);
        !r)
      std::fprintf(stderr, "route: %s\n", r.error().c_str());
}

std::vector<PortConfig> appliance_ports() {
  PortConfig out, in;
  out.ifindex = static_cast<int>(::if_nametoindex("eth0"));
  out.name = "eth0";
  std::copy(kEth0Mac, kEth0Mac + 6, out.mac.begin());
  out.address = kOutside;
  out.prefix = 26;
  out.outside = true;
  in.ifindex = static_cast<int>(::if_nametoindex("eth1"));
  in.name = "eth1";
  std::copy(kEth1Mac, kEth1Mac + 6, in.mac.begin());
  in.address = kInside;
  in.prefix = 24;
  return {out, in};
}

double crypto_ns(const Transform& t, Dir dir, size_t size) {
  const bench::Case* c = nullptr;
  for (const auto& k : bench::kCases)
    if (std::string(k.name) == t.name) c = &k;
  bench::Baseline base(*c);
  auto frames = make_frames(Dir::Decap, t, size);
  std::vector<uint8_t> work(2048);
  auto once = [&](size_t i) {
    const auto& f = frames[i % frames.size()];
    std::memcpy(work.data(), f.data() + kEth + 20, f.size() - kEth - 20);
    if (dir == Dir::Decap)
      bench::Baseline_decrypt(base, work.data(), size);
    else
      base.run(work.data(), size);
  };
  for (size_t i = 0; i < 2000; ++i) once(i);
  auto t0 = Clock::now();
  size_t n = 0;
  while (Clock::now() - t0 < std::chrono::milliseconds(500))
    for (size_t i = 0; i < 1000; ++i) once(n++);
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
         static_cast<double>(n);
}

// The bare work of a backend's job loop per packet, in batches of Sad::kMaxBatch as the
// workers submit them: the framing steps and one crypto::run per batch, no I/O (limit a for
// intel-ipsec-mb; the packets are copied in afresh each round, as a ring would hand them).
double batch_ns(const Transform& t, Dir dir, size_t size, crypto::Backend& b) {
  auto sa = EspSa::create(0x1000, keys_for(t, 0), 0, &b);
  if (!sa) return 0;
  auto frames = make_frames(Dir::Decap, t, size);
  std::vector<uint8_t> inner(size);
  inner_packet(inner.data(), size, client_of(0), kHost, 10000);
  constexpr size_t kB = Sad::kMaxBatch;
  std::vector<std::vector<uint8_t>> work(kB, std::vector<uint8_t>(2048));
  std::vector<crypto::Op> ops(kB);
  auto batch = [&](size_t round) {
    EspDrop d;
    for (size_t i = 0; i < kB; ++i) {
      if (dir == Dir::Decap) {
        // Of the peer frames, SA 0's keys made every g_sas-th one (sa_of_frame): use those.
        const auto& f = frames[((round * kB + i) * static_cast<size_t>(g_sas)) % frames.size()];
        std::memcpy(work[i].data(), f.data() + kEth + 20, f.size() - kEth - 20);
        (*sa)->decap_prepare(work[i].data(), f.size() - kEth - 20, &ops[i], &d);
      } else {
        (*sa)->encap_prepare(inner.data(), size, work[i].data(), work[i].size(), &ops[i], &d);
      }
    }
    crypto::run(ops);
    uint8_t* in = nullptr;
    uint8_t nh = 0;
    for (size_t i = 0; i < kB; ++i)
      if (dir == Dir::Decap)
        (*sa)->decap_finish(ops[i], &in, &nh, &d);
      else
        (*sa)->encap_finish(ops[i], &d);
  };
  for (size_t r = 0; r < 50; ++r) batch(r);
  auto t0 = Clock::now();
  size_t n = 0;
  while (Clock::now() - t0 < std::chrono::milliseconds(500))
    for (size_t r = 0; r < 20; ++r) batch(n++);
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
         static_cast<double>(n * kB);
}

}  // namespace

int main(int argc, char** argv) {
  std::string gen_ns;
  double seconds = 2;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--gen-ns" && i + 1 < argc)
      gen_ns = argv[++i];
    else if (a == "--seconds" && i + 1 < argc)
      seconds = std::atof(argv[++i]);
    else if (a == "--sas" && i + 1 < argc)
      g_sas = std::atoi(argv[++i]);
  }
  if (gen_ns.empty() || g_sas < 1 || g_sas > 60000) {
    std::fprintf(stderr, "usage: dataplane_bench --gen-ns NS [--seconds S] [--sas 1-60000]\n");
    return 2;
  }
  if (auto err = platform::install_dataplane_rules())  // the kernel leaves ESP to us
    std::fprintf(stderr, "nft: %s\n", err->c_str());
  auto ports = appliance_ports();
  std::vector<PortConfig> crypto_ports{ports[0]};
  if (auto r = platform::set_sysctl("net.ipv4.ip_forward", "1"); !r)
    std::fprintf(stderr, "ip_forward: %s\n", r.error().c_str());
  std::printf(
      "dataplane_bench: %.1f s per run, %u cores; the generator and the sink share them; %d "
      "SAs\n",
      seconds, std::thread::hardware_concurrency(), g_sas);
  auto cpu_text = [](const Cpu& c) {
    char b[64];
    std::snprintf(b, sizeof b, "%4.1f %4.1f %4.1f", c.user, c.system, c.softirq);
    return std::string(b);
  };

  // (b) forwarding without ESP, inside to outside, by size and worker count.
  std::printf("\n(b) the same AF_PACKET ports forwarding without ESP\n");
  std::printf("%5s %2s | %7s %7s %6s | %5s %9s | %s\n", "bytes", "N", "Mpps", "Gbit/s", "loss",
              "busy", "t_io", "CPU-s user sys softirq (all cores)");
  double t_io[2][3] = {};
  const size_t sizes[] = {64, 1400};
  for (size_t si = 0; si < 2; ++si)
    for (unsigned w = 1; w <= 2; ++w) {
      auto frames = make_frames(Dir::Plain, kTransforms[0], sizes[si]);
      std::vector<std::unique_ptr<PlainForwarder>> fw;
      Result r = run(
          gen_ns, Dir::Plain, frames, seconds, w, "dp-plain",
          [&] {
            for (unsigned k = 0; k < w; ++k)
              fw.push_back(std::make_unique<PlainForwarder>(ports[1].ifindex, ports[0].ifindex,
                                                            static_cast<uint16_t>(0x6a00)));
          },
          [&] { fw.clear(); });
      t_io[si][w] = r.ns_per_pkt;
      std::printf("%5zu %2u | %7.3f %7.2f %5.1f%% | %4.0f%% %7.0fns | %s\n", sizes[si], w, r.mpps,
                  r.gbps, r.loss * 100, r.busy * 100, r.ns_per_pkt, cpu_text(r.cpu).c_str());
    }

  // (b) on AF_XDP, against AF_PACKET on the very same frames and direction.
  std::printf(
      "\n(b) the same ports forwarding the decap run's ESP frames without ESP work, outside to"
      "\n    inside: AF_PACKET rings, then our XDP program and AF_XDP sockets (one per queue)\n");
  std::printf("%5s %2s %-9s | %7s %7s %6s | %5s %9s | %6s | %s\n", "bytes", "N", "io", "Mpps",
              "Gbit/s", "loss", "busy", "t_io", "gain", "CPU-s user sys softirq (all cores)");
  double t_io_xdp[2][3] = {};
  for (size_t si = 0; si < 2; ++si)
    for (unsigned w = 1; w <= 2; ++w) {
      auto frames = make_frames(Dir::Decap, kTransforms[0], sizes[si]);
      double t_pkt = 0;
      for (IoKind io : {IoKind::AfPacket, IoKind::AfXdp}) {
        std::vector<std::unique_ptr<PlainForwarder>> fw;
        std::vector<std::unique_ptr<XdpPlainForwarder>> xfw;
        std::string error;
        xdp::XskPort::Drops drops;
        Result r = run(
            gen_ns, Dir::PlainOut, frames, seconds, w, "dp-plain",
            [&] {
              for (unsigned k = 0; k < w; ++k)
                if (io == IoKind::AfPacket)
                  fw.push_back(std::make_unique<PlainForwarder>(
                      ports[0].ifindex, ports[1].ifindex, static_cast<uint16_t>(0x6c00), false));
                else if (xfw.push_back(std::make_unique<XdpPlainForwarder>(ports[0].ifindex, k, w));
                         !xfw.back()->error.empty())
                  error = xfw.back()->error;
            },
            [&] {
              for (const auto& x : xfw) {
                auto d = x->drops();
                drops.ring_full += d.ring_full, drops.fill_empty += d.fill_empty;
                drops.other += d.other;
              }
              fw.clear(), xfw.clear();
            });
        if (!error.empty()) {
          std::printf("%5zu %2u %-9s | %s\n", sizes[si], w, "af_xdp", error.c_str());
          continue;
        }
        double tio = r.ns_per_pkt;
        if (io == IoKind::AfPacket)
          t_pkt = tio;
        else
          t_io_xdp[si][w] = tio;
        std::printf("%5zu %2u %-9s | %7.3f %7.2f %5.1f%% | %4.0f%% %7.0fns | %5.2fx | %s",
                    sizes[si], w, std::string(io_kind_name(io)).c_str(), r.mpps, r.gbps,
                    r.loss * 100, r.busy * 100, tio, tio ? t_pkt / tio : 0,
                    cpu_text(r.cpu).c_str());
        if (io == IoKind::AfXdp)  // the sockets' own drop counts (XDP_STATISTICS)
          std::printf(" | socket drops: ring full %llu, fill empty %llu, other %llu",
                      static_cast<unsigned long long>(drops.ring_full),
                      static_cast<unsigned long long>(drops.fill_empty),
                      static_cast<unsigned long long>(drops.other));
        std::printf("\n");
      }
    }

  std::printf("\nESP through the packet workers, on each crypto backend (batches of up to %zu)\n",
              Sad::kMaxBatch);
  std::printf(
      "%-16s %-8s %-9s %5s %5s %2s | %7s %7s %6s | %5s %7s | %7s %7s | %7s %7s %5s | %5s | %s\n",
      "transform", "engine", "io", "dir", "bytes", "N", "Mpps", "Gbit/s", "loss", "busy", "worker",
      "t_crypt", "t_io", "can", "limit", "ratio", "gain", "CPU-s user sys softirq");
  std::vector<crypto::Backend*> engines{&crypto::openssl()};
  if (crypto::ipsec_mb()) engines.push_back(crypto::ipsec_mb());
  for (const auto& t : kTransforms)
    for (Dir dir : {Dir::Decap, Dir::Encap})
      for (size_t si = 0; si < 2; ++si) {
        size_t size = sizes[si];
        auto frames = make_frames(dir, t, size);
        double can_openssl[3] = {};
        for (crypto::Backend* engine : engines) {
          bool mb = engine->kind() == crypto::BackendKind::IpsecMb;
          // Limit a: bare EVP for OpenSSL (one packet per call is how EVP runs anyway), the
          // library's own job loop over whole batches for intel-ipsec-mb.
          double tc = mb ? batch_ns(t, dir, size, *engine) : crypto_ns(t, dir, size);
          for (IoKind io : {IoKind::AfPacket, IoKind::AfXdp})
            for (unsigned w = 1; w <= 2; ++w) {
              Sad sad;
              add_sas(sad, t, engine);
              std::vector<std::unique_ptr<Worker>> workers;
              Result r = run(
                  gen_ns, dir, frames, seconds, w, "dp-worker",
                  [&] {
                    for (unsigned k = 0; k < w; ++k) {
                      // The workers read the outside port and the TUN device; the kernel
                      // forwards between the device and the inside.
                      workers.push_back(std::make_unique<Worker>(
                          sad, crypto_ports, uint16_t{0x6b00}, WorkerIo{io, k, w}));
                      if (auto s = workers.back()->start(); !s)
                        std::fprintf(stderr, "worker: %s\n", s.error().c_str());
                    }
                    hand_off();
                  },
                  [&] { workers.clear(); });
              // Per packet, a worker spends r.ns_per_pkt; the bound is the crypto plus the same
              // ports' forwarding cost without ESP. "can" is what N such workers would forward if
              // the generator kept up: N / cost; "gain" is can over OpenSSL's can in this run.
              // Each path's own t_io: AF_PACKET's from the first (b) table, AF_XDP's from the
              // second (0 when its sockets could not be made: the limit is the crypto alone).
              double tio = io == IoKind::AfXdp ? t_io_xdp[si][w] : t_io[si][w];
              double can = r.ns_per_pkt ? w * 1e3 / r.ns_per_pkt : 0;
              double limit = w * 1e3 / (tc + tio);
              if (!mb && io == IoKind::AfPacket) can_openssl[w] = can;  // today's path
              std::printf(
                  "%-16s %-8s %-9s %5s %5zu %2u | %7.3f %7.2f %5.1f%% | %4.0f%% %5.0fns | %5.0fns "
                  "%5.0fns | %7.3f %7.3f %5.2f | %5.2f | %s\n",
                  t.name, std::string(crypto::backend_name(engine->kind())).c_str(),
                  std::string(io_kind_name(io)).c_str(), dir == Dir::Decap ? "decap" : "encap",
                  size, w, r.mpps, r.gbps, r.loss * 100, r.busy * 100, r.ns_per_pkt, tc, tio, can,
                  limit, can / limit, can_openssl[w] ? can / can_openssl[w] : 0,
                  cpu_text(r.cpu).c_str());
            }
        }
      }
  std::printf(
      "\nMpps/Gbit/s: inner packets the sink received per second; loss: sent but not received.\n"
      "On a 2-core machine the generator and the sink share the cores with the workers, so the\n"
      "delivered rate is mostly the generator's; the figures that compare are per packet:\n"
      "busy: the forwarding threads' CPU share; worker, t_io: their CPU per packet (ESP, and the\n"
      "same ports forwarding without ESP); t_crypt: the bare crypto per packet (limit a): EVP\n"
      "for openssl, the intel-ipsec-mb job loop over batches of %zu for ipsec-mb.\n"
      "can = N/worker, limit = N/(t_crypt + t_io) in Mpps, ratio = can/limit (targets: >= 0.80 at\n"
      "1400 bytes; at 64 bytes with AES-128-GCM, t_io/worker >= 0.70); gain = can / the can of\n"
      "openssl on af_packet (today's path), same N. In the (b) tables gain = AF_PACKET's t_io "
      "over\n"
      "AF_XDP's on the same frames.\n",
      Sad::kMaxBatch);
  platform::remove_dataplane_rules();
  return 0;
}
