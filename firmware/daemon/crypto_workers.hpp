// Expensive IKE crypto off the event loop (DESIGN.md "Control plane"): a few threads compute
// Diffie-Hellman and LOCAL XAUTH password checks (PBKDF2) for the engine and hand the outcomes
// back through an eventfd that the daemon's epoll watches, so that a flood of first messages
// costs workers, not the loop that also serves the CLI, ESP keys and established peers. The
// DH queue is bounded: when it is full a new negotiation is refused (the engine counts it),
// and nothing queued is ever dropped.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "control/ike/engine.hpp"

namespace rampart::firmware {

class CryptoWorkers {
 public:
  // Half the cores (the loop and the dataplane keep the rest), at least one, at most four.
  static unsigned default_threads();
  // What rampartd --crypto-workers may ask for.
  static constexpr unsigned kMaxThreads = 16;
  // Jobs waiting or running per thread before new work is refused: a few hundred ms of DH.
  static constexpr size_t kQueuePerThread = 64;

  explicit CryptoWorkers(unsigned threads);
  ~CryptoWorkers();  // joins the threads; outcomes not yet delivered are dropped
  CryptoWorkers(const CryptoWorkers&) = delete;
  CryptoWorkers& operator=(const CryptoWorkers&) = delete;

  // Readable (an eventfd) when outcomes wait for deliver().
  int fd() const { return efd_; }
  // Queues dh_respond(group, peer); false when the queue is full (done is then dropped).
  bool submit(int group, ike::Bytes peer, ike::DhDone done);
  // Work that returns what the event loop runs next (deliver()). Never refused and taken
  // before any queued DH: it is for peers already authenticated (one XAUTH check per SA at a
  // time, so the SA table bounds it), and finishing them frees what new ones wait for.
  using Task = std::function<std::function<void()>()>;
  void submit_first(Task work);
  // On the event loop: runs what finished jobs returned, in completion order.
  void deliver();
  size_t pending() const;
  unsigned threads() const { return count_; }
  // DH computations per second the threads complete, from the measured wall time of recent
  // ones (so it falls when the cores are shared); 0 until one has been measured.
  uint32_t dh_per_second() const { return dh_per_second_.load(std::memory_order_relaxed); }

 private:
  struct Job {
    Task work;
    bool dh = false;  // counts against the queue limit and is timed
  };
  void run();
  void measured(uint64_t ns);  // mu_ held

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> first_;  // submit_first
  std::deque<Job> todo_;   // DH
  struct Done {
    std::function<void()> run;
    bool dh = false;
  };
  std::vector<Done> finished_;
  size_t in_flight_ = 0;         // DH queued or running, not yet delivered
  size_t others_in_flight_ = 0;  // submit_first work, the same
  const unsigned count_;         // threads_.size(), fixed before any thread starts
  size_t limit_ = 0;
  double ns_per_dh_ = 0;  // moving average over recent DH jobs
  std::atomic<uint32_t> dh_per_second_{0};
  bool stop_ = false;
  int efd_ = -1;
  std::vector<std::thread> threads_;
};

}  // namespace rampart::firmware
