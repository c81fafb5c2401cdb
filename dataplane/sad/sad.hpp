// The security association database the packet workers read: inbound SAs by SPI, outbound SAs
// by the traffic they protect. The control plane adds and removes; nothing here knows IKE or
// the configuration model (DESIGN: the dataplane gets SAs through its own small API).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "dataplane/esp/esp_sa.hpp"
#include "dataplane/sad/dataplane_counters.hpp"
#include "dataplane/sad/u32_table.hpp"
#include "platform/expected.hpp"

namespace rampart::dataplane {

struct Selector4 {
  uint32_t address = 0, mask = 0;  // host order
  uint8_t protocol = 0;            // 0: any
  uint16_t port = 0;               // 0: any
  bool contains(uint32_t a) const { return (a & mask) == (address & mask); }
};

// What every packet of the SA reads comes first (the endpoints, the ports, the selectors: one
// cache line at the start of Sad::Entry); the keys, read only when the SA is keyed, last.
struct SaSpec {
  uint64_t id = 0;  // the control plane's handle (conn_id)
  uint32_t spi_in = 0, spi_out = 0;
  uint32_t local = 0, peer = 0;            // tunnel endpoints, host order
  uint16_t local_port = 0, peer_port = 0;  // UDP encapsulation (RFC 3948) when both are set
  Selector4 local_ts, remote_ts;           // protected traffic: our side and the peer's side
  size_t replay_window = 64;
  uint32_t lifetime_seconds = 0, lifetime_kilobytes = 0;
  // A remote-access client's SA: its remote side is the address IKE assigned it. Only these
  // addresses are answered for (proxy ARP) and announced on the inside; a site's host selector
  // is routed, never impersonated.
  bool client = false;
  // The crypto backend to key both directions for; null: the one chosen at start
  // (crypto::active()). The benchmarks compare the backends in one run through it.
  crypto::Backend* backend = nullptr;
  EspKeys keys_in, keys_out;  // wiped once the SA's directions are keyed
};

// Traffic that a static crypto map entry protects (a permit line of its ACL) while no SA does
// yet: the control plane's "acquire" policies. A packet under one is dropped, as the ASA drops
// while the tunnel comes up, and the control plane is asked to negotiate.
struct AcquirePolicy {
  Selector4 local, remote;
  uint64_t cookie = 0;  // the control plane's handle for the entry
};

class Sad {
 public:
  // Laid out by who reads it (at 10,000 SAs each line is a miss): a packet in reads the spec's
  // first line and the inbound line, a packet out the same first line and the outbound line,
  // and those two lines are written by different workers at once (an SA's two directions, like
  // different SAs, run in parallel: its ESP arrives on the worker the fanout's hash picks, its
  // traffic out on the one its destination picks).
  struct alignas(64) Entry {
    SaSpec spec;
    // Each direction's lock: one packet at a time per SA and direction (the outbound sequence
    // numbers and fragment counts, the inbound replay window and identity counts).
    // In: packets that decrypted but did not match the SA's selectors ("#pkts invalid identity
    // (rcv)") or were not IPv4 ("#pkts invalid ip version (rcv)").
    alignas(64) std::unique_ptr<EspSa> in;
    std::mutex in_busy;
    uint64_t invalid_identity = 0, invalid_ip_version = 0;
    // Out: "show crypto ipsec sa"'s per-SA fragmentation and PMTU lines.
    alignas(64) std::unique_ptr<EspSa> out;
    std::mutex out_busy;
    uint64_t prefrag_ok = 0, postfrag_ok = 0;
    uint64_t prefrag_failed = 0, postfrag_failed = 0, fragments = 0, pmtu_sent = 0;
    // In the outbound index (go_live); until then the SA only decrypts.
    bool live = false;
  };
  // Each step of an install, as "debug crypto ipsec" prints it ("IPSEC: ..."); the caller
  // decides whether anyone watches.
  using Trace = std::function<void(const std::string&)>;
  // Prepares both directions (keys the EVP contexts); an error text when a key is unusable, or
  // when the inbound SPI or the id is already installed (nothing is replaced). The steps taken
  // are told to trace, in the order they happen; outbound_added runs once the outbound SA is
  // keyed, before the inbound one is.
  rampart::expected<void, std::string> add(const SaSpec& spec, const Trace& trace = {},
                                           const std::function<void()>& outbound_added = {});
  // add() in two steps, for a responder's quick mode: the peer may send on our inbound SPI as
  // soon as it has our QM2, but we may send on its SPI only once its QM3 shows it has the keys.
  // add_inbound keys both directions (checked as add checks) and decrypts at once; nothing
  // leaves on the SA, no route or selector follows it, and nothing is traced. go_live puts it
  // in the outbound index, with add's trace; false when the id is not installed.
  rampart::expected<void, std::string> add_inbound(const SaSpec& spec);
  bool go_live(uint64_t id, const Trace& trace = {},
               const std::function<void()>& outbound_added = {});
  bool inbound_spi_in_use(uint32_t spi) const;
  // The encrypt rule the outbound index holds for exactly these proxies: the id of the live SA
  // that traffic between them leaves on now (the newest, when a rekey left two), 0 when none
  // (the ASA's "NP encrypt rule look up ... rule=").
  uint64_t encrypt_rule(const Selector4& local, const Selector4& remote) const;
  // Nothing leaves on the SA any more (out of the outbound index), while its inbound SPI still
  // decrypts what was sent on it before; remove() ends it.
  void retire(uint64_t id);
  void remove(uint64_t id);
  // Reads under the lock: f(const Entry&) for the SA with this id, when there is one.
  template <typename F>
  bool with(uint64_t id, F&& f) const {
    std::shared_lock lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end()) return false;
    std::scoped_lock busy(it->second->in_busy, it->second->out_busy);
    f(*it->second);
    return true;
  }
  // Runs f(Entry&) under the lock for the SA an inbound ESP packet belongs to, or for the SA
  // that protects src -> dst (the most specific remote side). False when there is none. The
  // workers use these: an SA cannot go away while a packet is in it.
  template <typename F>
  bool with_inbound(uint32_t spi, F&& f) {
    std::shared_lock lock(mu_);
    Entry* const* e = by_spi_.find(spi);
    if (!e) return false;
    std::lock_guard busy((*e)->in_busy);
    f(**e);
    return true;
  }
  // The most packets a worker hands over in one batch.
  static constexpr size_t kMaxBatch = 64;
  // A batch of inbound ESP packets: found[i] is the SA of spis[i] (null when none), and f()
  // runs with every SA found locked, so that a batch shares one crypto run. The SAs are locked
  // in address order, one worker's batch after the other's when they share an SA: two workers
  // never wait on each other crosswise. The OpenSSL contexts are the SA's own, which is why
  // the lock stays held over the run. No SA goes away before f returns.
  template <typename F>
  void with_inbound_batch(std::span<const uint32_t> spis, std::span<Entry*> found, F&& f) {
    std::shared_lock lock(mu_);
    const size_t n = std::min(spis.size(), kMaxBatch);
    for (size_t i = 0; i < n; ++i) by_spi_.warm(spis[i]);
    for (size_t i = 0; i < n; ++i) {
      Entry* const* e = by_spi_.find(spis[i]);
      found[i] = e ? *e : nullptr;
    }
    warm_batch(found.first(std::min(spis.size(), kMaxBatch)), true);
    BatchLock held(found.first(std::min(spis.size(), kMaxBatch)), &Entry::in_busy);
    f();
  }
  // The same for a batch of outbound packets: found[i] is the SA that protects srcs[i] ->
  // dsts[i], null when none does.
  template <typename F>
  void with_outbound_batch(std::span<const uint32_t> srcs, std::span<const uint32_t> dsts,
                           std::span<Entry*> found, F&& f) {
    std::shared_lock lock(mu_);
    outbound_batch_locked(srcs, dsts, found);
    warm_batch(found.first(std::min(srcs.size(), kMaxBatch)), false);
    BatchLock held(found.first(std::min(srcs.size(), kMaxBatch)), &Entry::out_busy);
    f();
  }
  template <typename F>
  bool with_outbound(uint32_t src, uint32_t dst, F&& f) {
    std::shared_lock lock(mu_);
    Entry* e = outbound_locked(src, dst);
    if (!e) return false;
    std::lock_guard busy(e->out_busy);
    f(*e);
    return true;
  }
  size_t size() const;
  // Changes whenever an SA is added or removed, so that a reader of hosts() knows to look again.
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Changes when what the SAs reach may have: a remote host gains its first SA or loses its
  // last, or one of another peer or kind joins or leaves it, or a site-to-site SA (a remote
  // prefix) comes or goes. Not when a rekey adds an SA beside one of the same host, peer and
  // kind, nor when the old one goes: the routes and sets that follow the SAs stay as they are.
  uint64_t reach_generation() const { return reach_generation_.load(std::memory_order_acquire); }
  // Remote-access clients' assigned addresses (SaSpec::client), sorted: the inside answers ARP
  // for them and announces them.
  std::vector<uint32_t> remote_hosts() const;

  void set_acquire_policies(std::vector<AcquirePolicy> policies);
  // From the workers, for a packet no SA protects: true when a policy covers it (the packet is
  // to be dropped) and its acquire is queued.
  bool acquire(uint32_t src, uint32_t dst);
  // The control plane takes the queued acquires (each policy once, however many packets).
  std::vector<uint64_t> take_acquires();
  // clear crypto ipsec sa counters
  void clear_counters();
  // The workers' drops and events (each worker counts in a block of its own; read sums them),
  // kept beside the SAs so that what a deleted SA counted is not lost either.
  DataplaneCounters& counters() { return counters_; }
  const DataplaneCounters& counters() const { return counters_; }
  // Every ESP drop, of live and deleted SAs, by EspDrop.
  std::array<uint64_t, 8> esp_drops() const;
  void clear_drops(int64_t now);

 private:
  // At 10,000 SAs a batch's entries, SA states and keys are mostly out of the caches, and each
  // is a pointer read from the one before: three stages over the whole batch, so that the
  // misses of the batch's SAs overlap (as VPP's dual/quad loops do). Loads, not prefetches
  // (touch_line says why).
  static void warm_batch(std::span<Entry* const> found, bool inbound) {
    for (Entry* e : found)
      if (e) {
        touch_line(&e->spec);
        touch_line(inbound ? static_cast<const void*>(&e->in) : &e->out);
      }
    for (Entry* e : found)
      if (e) (inbound ? e->in : e->out)->warm_state(inbound);
    for (Entry* e : found)
      if (e) (inbound ? e->in : e->out)->warm_keys(inbound);
  }
  // Locks one direction (which) of the distinct entries of a batch in address order (nulls
  // skipped), unlocks them when it goes.
  struct BatchLock {
    BatchLock(std::span<Entry* const> found, std::mutex Entry::*which) : which_(which) {
      for (Entry* e : found)
        if (e) order_[n_++] = e;
      std::sort(order_.begin(), order_.begin() + n_, std::less<Entry*>());
      n_ = static_cast<size_t>(std::unique(order_.begin(), order_.begin() + n_) - order_.begin());
      for (size_t i = 0; i < n_; ++i) (order_[i]->*which_).lock();
    }
    ~BatchLock() {
      for (size_t i = n_; i-- > 0;) (order_[i]->*which_).unlock();
    }
    BatchLock(const BatchLock&) = delete;
    BatchLock& operator=(const BatchLock&) = delete;
    std::mutex Entry::*which_;
    std::array<Entry*, kMaxBatch> order_;
    size_t n_ = 0;
  };
  // The live SAs whose remote side is one host, in outbound order: two inline (a client, and
  // for a moment its rekey's successor), any more beside them, so that a look-up reads the
  // table's slot and the first entry, and nothing in between.
  class HostSas {
   public:
    template <typename F>
    Entry* find_if(F&& f) const {
      for (Entry* e : first_) {
        if (!e) return nullptr;
        if (f(e)) return e;
      }
      if (more_)
        for (Entry* e : *more_)
          if (f(e)) return e;
      return nullptr;
    }
    Entry* front() const { return first_[0]; }
    std::vector<Entry*> all() const;
    void assign(const std::vector<Entry*>& list);

   private:
    std::array<Entry*, 2> first_{};
    std::unique_ptr<std::vector<Entry*>> more_;
  };
  Entry* outbound_locked(uint32_t src, uint32_t dst);
  // The live SAs whose remote side is wider than one host (site to site), for the outbound
  // choice: grouped by remote mask, longest first, and within a mask hashed by the remote
  // network, so that a look-up is one probe per mask in use (a few) where a walk over them all
  // read every site's SA per packet (a hub of 1,000 sites: 1,000).
  class PrefixSas {
   public:
    // In outbound order: of the SAs of one remote network and mask, the newest first.
    void insert(Entry* e);
    void erase(Entry* e);
    // The first SA, most specific remote side first, that protects src -> dst.
    Entry* choose(uint32_t src, uint32_t dst) const;
    // Of the SAs whose remote side is network/mask, the first (in outbound order) f accepts.
    template <typename F>
    const Entry* find_if(uint32_t network, uint32_t mask, F&& f) const {
      for (const Mask& m : masks_)
        if (m.mask == mask) {
          const std::vector<Entry*>* list = m.by_network.find(network & mask);
          if (!list) return nullptr;
          for (const Entry* e : *list)
            if (f(e)) return e;
          return nullptr;
        }
      return nullptr;
    }

   private:
    struct Mask {
      uint32_t mask = 0;
      U32Table<std::vector<Entry*>> by_network;
    };
    std::vector<Mask> masks_;  // the longest (numerically largest) mask first
  };
  // outbound_locked for a batch, in stages (the slots, then the first entries, then the
  // choice), so that the cache misses of its packets overlap.
  void outbound_batch_locked(std::span<const uint32_t> srcs, std::span<const uint32_t> dsts,
                             std::span<Entry*> found);
  Entry* outbound_choice(const HostSas* host, uint32_t src, uint32_t dst);
  // Puts an entry in the outbound index, telling trace each rule.
  void publish_locked(Entry* e, const Trace& trace);
  void index_locked(Entry* e);    // into the outbound index, in order
  void unindex_locked(Entry* e);  // out of it
  mutable std::shared_mutex mu_;  // the maps: workers read, the control plane writes
  DataplaneCounters counters_;
  std::map<uint64_t, std::unique_ptr<Entry>> entries_;
  // Hashed, not ordered: at 10,000 SAs a tree's walk was a chain of cache misses per packet.
  U32Table<Entry*> by_spi_;
  // The SPD: SAs whose remote side is one host (remote access: one per client) by that address,
  // and the others by remote mask and network, so that an outbound lookup is a hash probe plus
  // one per site-to-site mask in use.
  U32Table<HostSas> by_remote_host_;
  PrefixSas by_remote_prefix_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> reach_generation_{0};
  std::vector<AcquirePolicy> acquire_policies_;  // under mu_
  std::mutex acquire_mu_;
  std::vector<uint64_t> acquires_;  // under acquire_mu_
};

}  // namespace rampart::dataplane
