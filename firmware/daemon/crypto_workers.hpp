// Expensive IKE crypto off the event loop (DESIGN.md "Control plane"): a few threads compute
// Diffie-Hellman for the engine and hand the outcomes back through an eventfd that the
// daemon's epoll watches, so that a flood of first messages costs workers, not the loop that
// also serves the CLI, ESP keys and established peers. The queue is bounded: when it is full
// a new negotiation is refused (the engine counts it), and nothing queued is ever dropped.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "control/ike/engine.hpp"

namespace rampart::firmware {

class CryptoWorkers {
 public:
  // Half the cores (the loop and the dataplane keep the rest), at least one, at most four.
  static unsigned default_threads();
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
  // On the event loop: calls done of every finished job, in completion order.
  void deliver();
  size_t pending() const;

 private:
  struct Job {
    int group = 0;
    ike::Bytes peer;
    ike::DhDone done;
    std::optional<ike::DhOutcome> outcome;
  };
  void run();

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> todo_;
  std::vector<Job> finished_;
  size_t in_flight_ = 0;  // queued or running, not yet delivered
  size_t limit_ = 0;
  bool stop_ = false;
  int efd_ = -1;
  std::vector<std::thread> threads_;
};

}  // namespace rampart::firmware
