#include "firmware/daemon/crypto_workers.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

namespace rampart::firmware {

namespace {
// Weight of the newest DH job in the moving average of their cost: about the last 30 jobs,
// enough to follow a change of group mix within a fraction of a second at full load.
constexpr double kAverageWeight = 1.0 / 32;
}  // namespace

unsigned CryptoWorkers::default_threads() {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp(cores / 2, 1u, 4u);
}

CryptoWorkers::CryptoWorkers(unsigned threads)
    : count_(std::clamp(threads, 1u, kMaxThreads)),
      limit_(kQueuePerThread * count_),
      efd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  // The threads inherit a mask with every signal blocked: the daemon takes SIGTERM and SIGINT
  // through a signalfd on its loop, which works only if no thread can receive them.
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  for (unsigned i = 0; i < count_; ++i) threads_.emplace_back([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

CryptoWorkers::~CryptoWorkers() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  if (efd_ >= 0) ::close(efd_);
}

bool CryptoWorkers::submit(int group, ike::Bytes peer, ike::DhDone done) {
  Task work = [group, peer = std::move(peer), done = std::move(done)]() -> std::function<void()> {
    return [done, out = ike::dh_respond(group, peer)]() mutable { done(std::move(out)); };
  };
  {
    std::lock_guard lock(mu_);
    if (in_flight_ >= limit_) return false;
    ++in_flight_;
    todo_.push_back(Job{std::move(work), true});
  }
  wake_.notify_one();
  return true;
}

void CryptoWorkers::submit_first(Task work) {
  {
    std::lock_guard lock(mu_);
    ++others_in_flight_;
    first_.push_back(Job{std::move(work), false});
  }
  wake_.notify_one();
}

void CryptoWorkers::measured(uint64_t ns) {
  double x = static_cast<double>(std::max<uint64_t>(ns, 1));
  ns_per_dh_ = ns_per_dh_ == 0 ? x : ns_per_dh_ + (x - ns_per_dh_) * kAverageWeight;
  double per_second = 1e9 * static_cast<double>(count_) / ns_per_dh_;
  dh_per_second_.store(static_cast<uint32_t>(std::min(per_second, 1e9)), std::memory_order_relaxed);
}

void CryptoWorkers::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !first_.empty() || !todo_.empty(); });
      if (stop_) return;
      auto& from = first_.empty() ? todo_ : first_;
      job = std::move(from.front());
      from.pop_front();
    }
    auto start = std::chrono::steady_clock::now();
    std::function<void()> then = job.work();
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    {
      std::lock_guard lock(mu_);
      if (job.dh) measured(static_cast<uint64_t>(ns));
      finished_.push_back(Done{std::move(then), job.dh});
    }
    uint64_t one = 1;
    (void)!::write(efd_, &one, sizeof one);
  }
}

void CryptoWorkers::deliver() {
  uint64_t count = 0;
  (void)!::read(efd_, &count, sizeof count);
  std::vector<Done> ready;
  {
    std::lock_guard lock(mu_);
    ready.swap(finished_);
    for (const auto& d : ready) --(d.dh ? in_flight_ : others_in_flight_);
  }
  // Outside the lock: a callback may submit new work.
  for (auto& d : ready) d.run();
}

size_t CryptoWorkers::pending() const {
  std::lock_guard lock(mu_);
  return in_flight_ + others_in_flight_;
}

}  // namespace rampart::firmware
