// A load generator for IKEv1 responders (issue 15): many EzVPN clients (aggressive mode + XAUTH
// + mode-config + quick mode, tests/bench/ike_load/client.hpp) or LAN-to-LAN peers (main mode +
// quick mode) set up against a gateway, each checking everything it receives, as fast as the
// gateway answers (a window of clients in flight) or at a chosen rate. Prints set-ups per
// second, latency percentiles and completions and failures by phase. With --dh-bound it times
// instead the responder's DH work per set-up (one fresh key and one shared secret of the group,
// ike::dh_respond: what our engine's crypto workers run) on this one thread, and again with one
// LOCAL XAUTH password check (PBKDF2) added: the bound of an EzVPN set-up.
//
// Sources: each slot of the window is a UDP socket bound to one of the --sources addresses (the
// caller puts them on the interface) and an ephemeral port, so that every client in flight has
// its own address and port as a client behind its own NAT would; a slot starts its next client
// once its last one completed or failed. Ordinary sockets, not raw ones: the kernel's UDP path
// is what real clients use, and answers reach the right client by its socket.
//   ike_load --target A.B.C.D --sources A.B.C.D[+N] [--count N] [--window W] [--rate R]
//            [--dh G] [--main-mode | --no-xauth] [--id NAME] [--psk KEY] [--user U] [--password P]
//            [--remote NET/BITS] [--timeout-ms T] [--retries R] [--pause-ms P] [--hold]
//            [--hold-seconds S [--rekey-s R [--rekey-after A]]] [--p2-lifetime S]
//            [--max-seconds S] [--probe-ms P [--probe-to A.B.C.D]]
//   ike_load --dh-bound SECONDS [--dh G]
//   ike_load --sizes
// --hold leaves the tunnels up (no Deletes). --hold-seconds keeps them as clients do
// (tunnel_scale.sh): every tunnel keeps its own socket, each on the next --sources address (so give
// at least
// --count of them for one tunnel per address), the generator prints "HOLDING n" once all are
// set up and then for S seconds answers the gateway's DPD R-U-THERE and, with --rekey-s, rekeys
// each tunnel's phase 2 every R seconds (spread evenly over each period, the first period
// beginning A seconds into the hold), deleting the SA it replaced; then it
// disconnects them all and prints what the held tunnels saw. --p2-lifetime: the phase-2
// lifetime offered in quick mode (default 28,800 s); the gateway keeps it if not longer than
// its own, so a rekey must come before it ends: each held tunnel then rekeys every --rekey-s
// from its own set-up (during the set-up of the others too), not on the hold's schedule.
// --probe-ms P: during the hold each tunnel sends an ICMP echo request every P ms (spread evenly
// over the tunnels) in ESP from its mode-config address to --probe-to (default 192.0.2.10, a
// host behind the gateway), on its newest SA, and opens the replies on any SA it keeps
// (ike_load/probe.hpp); none in the last 2.5 s, so that every probe is settled by the end. ESP
// is IP protocol 50: one raw socket sends every tunnel's (with the tunnel's own source
// address) and receives all of them, by SPI to the tunnel. The report's PROBES line counts
// those sent, answered, lost (no answer within 2 s), and of the lost those sent within 2 s of
// one of their tunnel's rekeys (lost_near_rekey; sent_near_rekey: all probes sent so).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "control/aaa/password.hpp"
#include "control/ike/sa.hpp"
#include "dataplane/esp/esp_sa.hpp"
#include "dataplane/forward/ipv4.hpp"
#include "tests/bench/ike_load/client.hpp"
#include "tests/bench/ike_load/probe.hpp"

using namespace rampart;
using namespace rampart::bench;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
  uint32_t target = 0, first_source = 0, sources = 1;
  uint64_t count = 100;
  size_t window = 32;
  double rate = 0;  // new clients per second; 0: as fast as answered
  int group = 2;
  bool main_mode = false, hold = false, xauth = true;
  std::string id = "EZ", psk = "cisco123", user = "cisco", password = "cisco";
  uint32_t remote_net = 0, remote_mask = 0;
  int timeout_ms = 2000, retries = 3;
  int pause_ms = 10;  // before a message that follows one nothing answers (see take_deferred)
  double max_seconds = 600, dh_bound = 0, hold_seconds = 0, rekey_seconds = 0;
  double rekey_after = 0;
  uint32_t phase2_life = 28800;
  bool phase2_life_given = false;
  size_t key_pool = 16;
  int probe_ms = 0;                // 0: no ESP probes
  uint32_t probe_to = 0xc000020a;  // 192.0.2.10, the labs' inside host
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr, "ike_load: %s (see the comment at the top of ike_load.cpp)\n", why);
  std::exit(2);
}

uint32_t parse_ip(const std::string& s) {
  in_addr a{};
  if (inet_pton(AF_INET, s.c_str(), &a) != 1) usage(("bad address " + s).c_str());
  return ntohl(a.s_addr);
}

std::string ip_text(uint32_t a) {
  in_addr x{htonl(a)};
  char b[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, &x, b, sizeof b);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    if (k == "--main-mode") {
      o.main_mode = true;
      continue;
    }
    if (k == "--hold") {
      o.hold = true;
      continue;
    }
    if (k == "--no-xauth") {
      o.xauth = false;
      continue;
    }
    if (i + 1 >= argc) usage(("no value for " + k).c_str());
    std::string v = argv[++i];
    if (k == "--target") {
      o.target = parse_ip(v);
    } else if (k == "--sources") {
      auto plus = v.find('+');
      o.first_source = parse_ip(v.substr(0, plus));
      o.sources = plus == std::string::npos ? 1 : std::stoul(v.substr(plus + 1));
    } else if (k == "--remote") {
      auto slash = v.find('/');
      int bits = slash == std::string::npos ? 32 : std::stoi(v.substr(slash + 1));
      o.remote_mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
      o.remote_net = parse_ip(v.substr(0, slash)) & o.remote_mask;
    } else if (k == "--count") {
      o.count = std::stoull(v);
    } else if (k == "--window") {
      o.window = std::stoul(v);
    } else if (k == "--rate") {
      o.rate = std::stod(v);
    } else if (k == "--dh") {
      o.group = std::stoi(v);
    } else if (k == "--id") {
      o.id = v;
    } else if (k == "--psk") {
      o.psk = v;
    } else if (k == "--user") {
      o.user = v;
    } else if (k == "--password") {
      o.password = v;
    } else if (k == "--timeout-ms") {
      o.timeout_ms = std::stoi(v);
    } else if (k == "--pause-ms") {
      o.pause_ms = std::stoi(v);
    } else if (k == "--retries") {
      o.retries = std::stoi(v);
    } else if (k == "--max-seconds") {
      o.max_seconds = std::stod(v);
    } else if (k == "--hold-seconds") {
      o.hold_seconds = std::stod(v);
      o.hold = true;
    } else if (k == "--rekey-after") {
      o.rekey_after = std::stod(v);
    } else if (k == "--p2-lifetime") {
      o.phase2_life = static_cast<uint32_t>(std::stoul(v));
      o.phase2_life_given = true;
    } else if (k == "--rekey-s") {
      o.rekey_seconds = std::stod(v);
    } else if (k == "--probe-ms") {
      o.probe_ms = std::stoi(v);
    } else if (k == "--probe-to") {
      o.probe_to = parse_ip(v);
    } else if (k == "--dh-bound") {
      o.dh_bound = std::stod(v);
    } else {
      usage(("unknown option " + k).c_str());
    }
  }
  if (!ike::dh_group_supported(o.group)) usage("unsupported DH group");
  if (o.probe_ms < 0 || (o.probe_ms > 0 && o.hold_seconds == 0))
    usage("--probe-ms needs a positive period and --hold-seconds");
  if (o.dh_bound == 0 && (!o.target || !o.first_source || o.window == 0 || o.sources == 0))
    usage("--target, --sources and a window are needed");
  return o;
}

void fill_random(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

// Calls one() for SECONDS on this thread; what it managed per second (0 when one() failed).
template <class F>
double per_second(double seconds, F one) {
  uint64_t n = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (auto now = start; now < end; now = Clock::now())
    for (int i = 0; i < 4; ++i, ++n)
      if (!one()) return 0;
  return static_cast<double>(n) / std::chrono::duration<double>(Clock::now() - start).count();
}

// The responder's DH per set-up, on this thread: the upper bound of set-ups per second per core.
// Then the same with the LOCAL XAUTH check added (the password as "username U password P"
// stores it, PBKDF2), the bound of an EzVPN set-up against the local user database.
int dh_bound(const Options& o) {
  auto peer = ike::DhKey::generate(o.group);
  if (!peer) return 1;
  auto dh = [&] { return ike::dh_respond(o.group, peer->public_value()).has_value(); };
  const config::PasswordHash stored = aaa::hash_password(o.password);
  auto check = [&] { return aaa::verify_password(stored, o.password, o.user); };
  double dh_rate = per_second(o.dh_bound, dh);
  double check_rate = per_second(o.dh_bound / 2, check);
  if (dh_rate == 0 || check_rate == 0) return 1;
  std::printf("dh-bound: group %d: %.0f set-ups/s per core (one key + one shared secret)\n",
              o.group, dh_rate);
  std::printf(
      "xauth-bound: group %d: %.0f set-ups/s per core (that + one LOCAL password check, "
      "%.0f/s alone)\n",
      o.group, 1 / (1 / dh_rate + 1 / check_rate), check_rate);
  return 0;
}

struct Slot {
  int fd = -1;
  uint32_t address = 0;  // the fd's: the source of the slot's clients
  std::optional<Client> client;
  Clock::time_point started, deadline, deferred_at;
  Bytes deferred;
  int retransmits = 0;
};

struct Tally {
  uint64_t started = 0, completed = 0, failed = 0, retransmits = 0, ignored = 0;
  uint64_t late = 0;  // answers to a client already finished (the gateway's Deletes, resends)
  std::map<Phase, uint64_t> passed;             // clients that got through each phase
  std::map<std::string, uint64_t> failures;     // "phase: reason"
  std::map<int, uint64_t> ignored_by_exchange;  // ISAKMP exchange type of what was ignored
  std::vector<double> latency_ms;
  // The held tunnels (--hold-seconds): DPD answered, rekeys done and failed, Deletes received.
  uint64_t dpd_acks = 0, rekeys = 0, rekeys_failed = 0, deletes = 0, lost = 0;
  // The ESP probes (--probe-ms): summed over the tunnels; tunnels that lost any; ESP on no SPI
  // of ours (a reply on an SA already closed).
  ProbeCounts probes;
  uint64_t probe_lossy_tunnels = 0, probe_stray = 0, probe_send_errors = 0;
};

// A tunnel that is up and held: its client keeps the socket it was set up on.
struct Held {
  int fd = -1;
  std::optional<Client> client;
  Clock::time_point next_rekey, deadline;
  int retransmits = 0;
  bool rekeying = false;
  std::optional<Prober> prober;  // with --probe-ms
  Clock::time_point next_probe;
};

// epoll's tags of a held tunnel's socket and of the ESP socket (slots: their index alone).
constexpr uint64_t kHeldTag = uint64_t{1} << 63, kEspTag = uint64_t{1} << 62;

int open_socket(uint32_t address) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror(("bind " + ip_text(address)).c_str());
    ::close(fd);
    return -1;
  }
  return fd;
}

class Generator {
 public:
  explicit Generator(const Options& o) : o_(o) {
    to_.sin_family = AF_INET;
    to_.sin_addr.s_addr = htonl(o.target);
    to_.sin_port = htons(500);
    for (size_t i = 0; i < o.key_pool; ++i) {
      auto k = ike::DhKey::generate(o.group);
      if (k) keys_.push_back(std::make_shared<const ike::DhKey>(std::move(*k)));
    }
  }

  bool open_slots() {
    ep_ = ::epoll_create1(0);
    slots_.resize(o_.window);
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (!open_slot(i)) return false;
    }
    return o_.probe_ms == 0 || open_esp();
  }

  // The probes' socket: raw ESP with our own outer header (each tunnel's source address).
  bool open_esp() {
    esp_fd_ = ::socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ESP);
    int on = 1, buffer = 4 << 20;
    if (esp_fd_ < 0 || ::setsockopt(esp_fd_, IPPROTO_IP, IP_HDRINCL, &on, sizeof on) != 0) {
      std::perror("ike_load: raw ESP socket");
      return false;
    }
    ::setsockopt(esp_fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    watch(esp_fd_, kEspTag);
    return true;
  }

  // A fresh socket for slot I on the next source address (in turn, so that held tunnels
  // spread over all of them).
  bool open_slot(size_t i) {
    Slot& s = slots_[i];
    s.address = o_.first_source + static_cast<uint32_t>(next_source_++ % o_.sources);
    s.fd = open_socket(s.address);
    if (s.fd < 0) return false;
    watch(s.fd, i);
    return true;
  }

  void watch(int fd, uint64_t tag) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = tag;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  }

  // --hold-seconds: the tunnels stay up for that long, answering DPD and rekeying; then all
  // disconnect.
  void hold() {
    std::printf("HOLDING %zu tunnels, set up in %.2f s\n", held_.size(), elapsed_);
    std::fflush(stdout);
    const auto start = Clock::now();
    const auto end = start + std::chrono::duration<double>(o_.hold_seconds);
    const auto period = std::chrono::duration<double>(o_.rekey_seconds);
    const auto first = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(o_.rekey_after));
    for (size_t i = 0; i < held_.size() && !own_clock(); ++i)  // spread over one period
      held_[i]->next_rekey =
          first + std::chrono::duration_cast<Clock::duration>(
                      period * (static_cast<double>(i) + 0.5) / static_cast<double>(held_.size()));
    const auto probe_period = std::chrono::milliseconds(o_.probe_ms);
    for (size_t i = 0; i < held_.size() && o_.probe_ms > 0; ++i)  // spread over one period
      held_[i]->next_probe = start + std::chrono::duration_cast<Clock::duration>(
                                         probe_period * (static_cast<double>(i) + 0.5) /
                                         static_cast<double>(held_.size()));
    // The last probe leaves early enough to be answered or lost by the end.
    probe_until_ = std::chrono::time_point_cast<Clock::duration>(end) - kProbeDeadline -
                   std::chrono::milliseconds(500);
    auto next_tick = start;
    for (auto now = start; now < end; now = Clock::now()) {
      wait_and_receive();
      if (now >= next_tick) {  // a walk of all tunnels each 10 ms, not each wake-up
        tick_held(now);
        next_tick = now + std::chrono::milliseconds(10);
      }
    }
    for (auto& h : held_) {
      if (!h->client) continue;
      if (h->prober) h->prober->expire(Clock::now());
      if (h->client->done())
        for (const auto& b : h->client->disconnect()) send(h->fd, b);
      retire(*h, {});
    }
  }

  void run() {
    begin_ = Clock::now();
    const auto give_up = begin_ + std::chrono::duration<double>(o_.max_seconds);
    auto next_tick = begin_;
    while ((t_.started < o_.count || busy()) && Clock::now() < give_up) {
      start_due();
      wait_and_receive();
      expire();
      // Tunnels on their own clocks rekey while the others are still being set up: at 10,000
      // the set-up takes longer than a short lifetime.
      if (own_clock() && Clock::now() >= next_tick) {
        tick_held(Clock::now());
        next_tick = Clock::now() + std::chrono::milliseconds(10);
      }
    }
    elapsed_ = std::chrono::duration<double>(Clock::now() - begin_).count();
    for (auto& s : slots_)
      if (s.client) finish(s, "unfinished at the time limit");
  }

  bool holding() const { return o_.hold_seconds > 0; }
  // With --p2-lifetime each held tunnel rekeys every --rekey-s from its own set-up, as a real
  // client does before its SA's lifetime ends; otherwise the rekeys are spread over the hold.
  bool own_clock() const { return holding() && o_.rekey_seconds > 0 && o_.phase2_life_given; }

  int report() {
    const char* kind = o_.main_mode ? "main mode + quick mode"
                       : o_.xauth   ? "aggressive mode + xauth + mode-config + quick mode"
                                    : "aggressive mode + mode-config + quick mode (no xauth)";
    std::printf("ike_load: %s, DH group %d, %llu set-ups, window %zu%s, %u source addresses\n",
                kind, o_.group, static_cast<unsigned long long>(o_.count), o_.window,
                o_.rate > 0 ? (", rate " + std::to_string(o_.rate)).c_str() : "", o_.sources);
    double rate = elapsed_ > 0 ? static_cast<double>(t_.completed) / elapsed_ : 0;
    std::printf(
        "completed %llu of %llu (%.1f %%) in %.2f s: %.1f set-ups/s\n",
        static_cast<unsigned long long>(t_.completed), static_cast<unsigned long long>(t_.started),
        t_.started ? 100.0 * static_cast<double>(t_.completed) / static_cast<double>(t_.started)
                   : 0.0,
        elapsed_, rate);
    auto& l = t_.latency_ms;
    double p50 = percentile(l, 50), p90 = percentile(l, 90), p99 = percentile(l, 99),
           max = percentile(l, 100);
    std::printf("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", p50, p90, p99, max);
    std::printf("passed:");
    for (Phase p : {Phase::Phase1, Phase::Xauth, Phase::ModeConfig, Phase::QuickMode})
      if (p == Phase::Phase1 || p == Phase::QuickMode ||
          (!o_.main_mode && (p == Phase::ModeConfig || o_.xauth)))
        std::printf(" %s %llu", phase_name(p), static_cast<unsigned long long>(t_.passed[p]));
    std::printf(
        "\nfailed %llu, retransmits %llu, ignored answers %llu, after the end %llu\n",
        static_cast<unsigned long long>(t_.failed), static_cast<unsigned long long>(t_.retransmits),
        static_cast<unsigned long long>(t_.ignored), static_cast<unsigned long long>(t_.late));
    if (!t_.ignored_by_exchange.empty()) {
      std::printf("  ignored by exchange type:");
      for (const auto& [ex, n] : t_.ignored_by_exchange)
        std::printf(" %d: %llu", ex, static_cast<unsigned long long>(n));
      std::printf(" (2 main, 4 aggressive, 5 informational, 6 transaction, 32 quick mode)\n");
    }
    for (const auto& [why, n] : t_.failures)
      std::printf("  failure: %s: %llu\n", why.c_str(), static_cast<unsigned long long>(n));
    if (holding())
      std::printf(
          "HELD tunnels=%zu dpd_acks=%llu rekeys=%llu rekeys_failed=%llu deletes_received=%llu "
          "lost=%llu\n",
          held_.size(), static_cast<unsigned long long>(t_.dpd_acks),
          static_cast<unsigned long long>(t_.rekeys),
          static_cast<unsigned long long>(t_.rekeys_failed),
          static_cast<unsigned long long>(t_.deletes), static_cast<unsigned long long>(t_.lost));
    if (o_.probe_ms > 0) {
      const ProbeCounts& p = t_.probes;
      std::printf(
          "PROBES sent=%llu answered=%llu lost=%llu lost_near_rekey=%llu lost_other=%llu "
          "sent_near_rekey=%llu late=%llu on_previous_sa=%llu refused_replay=%llu "
          "refused_auth=%llu refused_other=%llu not_ours=%llu stray=%llu "
          "send_errors=%llu tunnels_with_loss=%llu\n",
          static_cast<unsigned long long>(p.sent), static_cast<unsigned long long>(p.answered),
          static_cast<unsigned long long>(p.lost),
          static_cast<unsigned long long>(p.lost_near_rekey),
          static_cast<unsigned long long>(p.lost - p.lost_near_rekey),
          static_cast<unsigned long long>(p.near_rekey), static_cast<unsigned long long>(p.late),
          static_cast<unsigned long long>(p.on_previous),
          static_cast<unsigned long long>(p.refused_replay),
          static_cast<unsigned long long>(p.refused_auth),
          static_cast<unsigned long long>(p.refused_other),
          static_cast<unsigned long long>(p.not_ours),
          static_cast<unsigned long long>(t_.probe_stray),
          static_cast<unsigned long long>(t_.probe_send_errors),
          static_cast<unsigned long long>(t_.probe_lossy_tunnels));
    }
    std::printf("RESULT setups_per_s=%.1f completed=%llu started=%llu p50_ms=%.1f p99_ms=%.1f\n",
                rate, static_cast<unsigned long long>(t_.completed),
                static_cast<unsigned long long>(t_.started), p50, p99);
    return 0;
  }

 private:
  bool busy() const {
    for (const auto& s : slots_)
      if (s.client) return true;
    return false;
  }

  void send(int fd, const Bytes& b) {
    ::sendto(fd, b.data(), b.size(), 0, reinterpret_cast<const sockaddr*>(&to_), sizeof to_);
  }
  void send(const Slot& s, const Bytes& b) { send(s.fd, b); }

  void arm(Slot& s) {
    s.deadline = Clock::now() + std::chrono::milliseconds(o_.timeout_ms);
    s.retransmits = 0;
  }

  void start_due() {
    for (size_t i = 0; i < slots_.size() && t_.started < o_.count; ++i) {
      Slot& s = slots_[i];
      if (s.client) continue;
      if (o_.rate > 0) {
        double due = std::chrono::duration<double>(Clock::now() - begin_).count() * o_.rate;
        if (static_cast<double>(t_.started) >= due) return;
      }
      ClientParams p;
      p.main_mode = o_.main_mode;
      p.xauth = o_.xauth;
      p.dh_group = o_.group;
      p.group = o_.id;
      p.psk = o_.psk;
      p.user = o_.user;
      p.password = o_.password;
      p.local_address = s.address;
      p.remote_net = o_.remote_net;
      p.remote_mask = o_.remote_mask;
      p.phase2_life = o_.phase2_life;
      if (!keys_.empty()) p.key = keys_[t_.started % keys_.size()];
      s.client.emplace(std::move(p), fill_random);
      s.started = Clock::now();
      ++t_.started;
      Bytes first = s.client->start();
      if (s.client->failed()) {
        finish(s, s.client->error());
        continue;
      }
      send(s, first);
      arm(s);
    }
  }

  void wait_and_receive() {
    epoll_event evs[64];
    int n = ::epoll_wait(ep_, evs, 64, 1);
    uint8_t buf[65536];
    for (int k = 0; k < n; ++k) {
      if (evs[k].data.u64 == kEspTag) {
        receive_esp(buf, sizeof buf);
        continue;
      }
      if (evs[k].data.u64 & kHeldTag) {
        receive_held(*held_[evs[k].data.u64 & ~kHeldTag], buf, sizeof buf);
        continue;
      }
      Slot& s = slots_[evs[k].data.u64];
      for (;;) {
        ssize_t len = ::recv(s.fd, buf, sizeof buf, 0);
        if (len <= 0) break;
        if (!s.client) {
          ++t_.late;
          continue;
        }
        const Phase before = s.client->phase();
        uint64_t ignored_before = s.client->ignored();
        auto out = s.client->receive(Bytes(buf, buf + len));
        if (uint64_t more = s.client->ignored() - ignored_before; more > 0) {
          t_.ignored += more;
          t_.ignored_by_exchange[len > 18 ? buf[18] : 0] += more;  // header byte 18: exchange
        }
        for (const auto& b : out) send(s, b);
        if (s.client->phase() != before) arm(s);  // progress: a fresh timeout for the next step
        if (Bytes d = s.client->take_deferred(); !d.empty()) {
          s.deferred = std::move(d);
          s.deferred_at = Clock::now() + std::chrono::milliseconds(o_.pause_ms);
        }
        if (s.client->failed()) {
          finish(s, s.client->error());
        } else if (s.client->done()) {
          t_.latency_ms.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - s.started).count());
          finish(s, {});
        }
      }
    }
  }

  void expire() {
    const auto now = Clock::now();
    for (auto& s : slots_) {
      if (s.client && !s.deferred.empty() && now >= s.deferred_at) {
        send(s, s.deferred);
        s.deferred.clear();
        arm(s);
      }
      if (!s.client || !s.deferred.empty() || now < s.deadline) continue;
      if (s.retransmits >= o_.retries) {
        finish(s, "no answer");
        continue;
      }
      ++s.retransmits;
      ++t_.retransmits;
      send(s, s.client->last_request());
      s.deadline = now + std::chrono::milliseconds(o_.timeout_ms << s.retransmits);
    }
  }

  // ESP from the gateway, for any tunnel: to the one whose inbound SPI it carries.
  void receive_esp(uint8_t* buf, size_t size) {
    for (;;) {
      ssize_t len = ::recv(esp_fd_, buf, size, 0);
      if (len <= 0) return;
      size_t ihl = size_t{buf[0] & 0x0fu} * 4;
      if (static_cast<size_t>(len) < ihl + dataplane::kEspHeader) continue;
      uint32_t spi = dataplane::ipv4::get32(buf + ihl);
      auto it = by_spi_.find(spi);
      Held* h = it == by_spi_.end() ? nullptr : held_[it->second].get();
      if (!h || !h->prober) {
        ++t_.probe_stray;
        continue;
      }
      h->prober->receive(buf + ihl, static_cast<size_t>(len) - ihl, Clock::now());
    }
  }

  // A held tunnel's newest SA pair to its prober (its first, or a rekey's).
  void take_child(Held& h) {
    if (!h.prober) return;
    uint32_t closed = 0;
    std::string error;
    if (!h.prober->take(h.client->child(), Clock::now(), &closed, &error)) {
      retire(h, "held: " + error);
      return;
    }
    if (closed) by_spi_.erase(closed);
    by_spi_[h.client->child().inbound_spi] = index_of(h);
  }

  size_t index_of(const Held& h) const {
    for (size_t i = held_.size(); i-- > 0;)  // a new tunnel is the last one
      if (held_[i].get() == &h) return i;
    return held_.size();
  }

  // Datagrams for a held tunnel: DPD to answer, a rekey's QM2, Deletes.
  void receive_held(Held& h, uint8_t* buf, size_t size) {
    for (;;) {
      ssize_t len = ::recv(h.fd, buf, size, 0);
      if (len <= 0) return;
      if (!h.client) {
        ++t_.late;
        continue;
      }
      for (const auto& b : h.client->receive(Bytes(buf, buf + len))) send(h.fd, b);
      if (h.client->failed()) {
        retire(h, "held: " + h.client->error());
      } else if (h.rekeying && h.client->done()) {
        h.rekeying = false;
        ++t_.rekeys;
        take_child(h);  // sends on the new SA from now, as vpnc does
        if (!h.client) return;
        for (const auto& b : h.client->retire_previous()) send(h.fd, b);
      }
    }
  }

  // Starts the rekeys that are due, resends those not answered, gives up on the silent.
  void tick_held(Clock::time_point now) {
    for (auto& hp : held_) {
      Held& h = *hp;
      if (!h.client) continue;
      if (h.prober) tick_probe(h, now);
      if (!h.rekeying && o_.rekey_seconds > 0 && now >= h.next_rekey) {
        for (const auto& b : h.client->rekey()) send(h.fd, b);
        if (h.prober) h.prober->rekey_began(now);
        h.rekeying = true;
        h.retransmits = 0;
        h.deadline = now + std::chrono::milliseconds(o_.timeout_ms);
        h.next_rekey += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(o_.rekey_seconds));
      } else if (h.rekeying && now >= h.deadline) {
        if (h.retransmits >= o_.retries) {
          ++t_.rekeys_failed;
          retire(h, "held: rekey not answered");
          continue;
        }
        ++h.retransmits;
        ++t_.retransmits;
        send(h.fd, h.client->last_request());
        h.deadline = now + std::chrono::milliseconds(o_.timeout_ms << h.retransmits);
      }
    }
  }

  // A probe when the tunnel's is due (only during the hold, until probe_until_), and the losses
  // of those unanswered too long.
  void tick_probe(Held& h, Clock::time_point now) {
    h.prober->expire(now);
    if (now < h.next_probe || now >= probe_until_) return;
    const auto period = std::chrono::milliseconds(o_.probe_ms);
    h.next_probe += period;
    if (h.next_probe <= now) h.next_probe = now + period;  // behind: skip, do not burst
    Bytes p = h.prober->probe(now);
    if (p.empty()) return;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(o_.target);
    if (::sendto(esp_fd_, p.data(), p.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                 sizeof to) < 0)
      ++t_.probe_send_errors;  // counted as sent; it will be lost
  }

  // A held tunnel's end: its counts join the tally; with a reason, it was lost.
  void retire(Held& h, const std::string& why) {
    t_.dpd_acks += h.client->dpd_acks();
    t_.deletes += h.client->deletes();
    if (h.prober) {
      h.prober->expire(Clock::now(), !why.empty());  // a lost tunnel's probes are lost with it
      t_.probes += h.prober->counts();
      if (h.prober->counts().lost > 0) ++t_.probe_lossy_tunnels;
      for (uint32_t spi : h.prober->inbound_spis()) by_spi_.erase(spi);
      h.prober.reset();
    }
    if (!why.empty()) {
      ++t_.lost;
      ++t_.failures[why];
    }
    h.client.reset();
  }

  // Counts the client's end; a completed one says goodbye unless the tunnels are to stay.
  void finish(Slot& s, const std::string& error) {
    Client& c = *s.client;
    const Phase reached = c.phase();
    for (Phase p : {Phase::Phase1, Phase::Xauth, Phase::ModeConfig, Phase::QuickMode})
      if (static_cast<int>(p) < static_cast<int>(reached)) ++t_.passed[p];
    if (error.empty()) {
      ++t_.completed;
      if (holding()) {  // the tunnel keeps this socket; the slot takes a fresh one
        auto h = std::make_unique<Held>();
        h->fd = s.fd;
        h->client.emplace(std::move(c));
        if (o_.probe_ms > 0)
          h->prober.emplace(
              ProbeEnds{s.address, o_.target, h->client->assigned_address(), o_.probe_to});
        if (own_clock())
          h->next_rekey = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                             std::chrono::duration<double>(o_.rekey_seconds));
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kHeldTag | held_.size();
        ::epoll_ctl(ep_, EPOLL_CTL_MOD, s.fd, &ev);
        held_.push_back(std::move(h));
        take_child(*held_.back());
        s.client.reset();
        s.deferred.clear();
        if (!open_slot(static_cast<size_t>(&s - slots_.data()))) {
          std::fprintf(stderr, "ike_load: no socket for the next client (ulimit -n?)\n");
          std::exit(1);
        }
        return;
      }
      if (!o_.hold)
        for (const auto& b : c.disconnect()) send(s, b);
    } else {
      ++t_.failed;
      ++t_.failures[std::string(phase_name(reached)) + ": " + error];
    }
    s.client.reset();
    s.deferred.clear();
  }

  const Options& o_;
  sockaddr_in to_{};
  int ep_ = -1;
  std::vector<Slot> slots_;
  std::vector<std::unique_ptr<Held>> held_;
  int esp_fd_ = -1;
  std::unordered_map<uint32_t, size_t> by_spi_;               // inbound SPI -> held_ index
  Clock::time_point probe_until_ = Clock::time_point::min();  // no probes before the hold
  uint64_t next_source_ = 0;
  std::vector<std::shared_ptr<const ike::DhKey>> keys_;
  Tally t_;
  Clock::time_point begin_;
  double elapsed_ = 0;
};

}  // namespace

// The fixed part of what the daemon keeps per tunnel (sizeof; the heap behind its strings,
// keys, maps and cipher contexts is not in it): the SA database's floor, beside the RSS that
// tunnel_scale.sh measures.
int sizes() {
  std::printf(
      "sizeof: IkeSa %zu, IpsecSa %zu, IkeSa::PendingQm %zu, EspSa %zu bytes (fixed "
      "parts; one tunnel: one IkeSa, one IpsecSa, two EspSa)\n",
      sizeof(ike::IkeSa), sizeof(ike::IpsecSa), sizeof(ike::IkeSa::PendingQm),
      sizeof(dataplane::EspSa));
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--sizes") return sizes();
  Options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception&) {  // std::stoi and the like on a value that is no number
    usage("a value is not a number");
  }
  if (o.dh_bound > 0) return dh_bound(o);
  Generator g(o);
  if (!g.open_slots()) return 1;
  g.run();
  if (g.holding()) g.hold();
  return g.report();
}
