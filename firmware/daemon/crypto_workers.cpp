#include "firmware/daemon/crypto_workers.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

namespace rampart::firmware {

unsigned CryptoWorkers::default_threads() {
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  return std::clamp(cores / 2, 1u, 4u);
}

CryptoWorkers::CryptoWorkers(unsigned threads)
    : limit_(kQueuePerThread * std::max(1u, threads)),
      efd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  // The threads inherit a mask with every signal blocked: the daemon takes SIGTERM and SIGINT
  // through a signalfd on its loop, which works only if no thread can receive them.
  sigset_t all, saved;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &saved);
  for (unsigned i = 0; i < std::max(1u, threads); ++i) threads_.emplace_back([this] { run(); });
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
  {
    std::lock_guard lock(mu_);
    if (in_flight_ >= limit_) return false;
    ++in_flight_;
    todo_.push_back(Job{group, std::move(peer), std::move(done), std::nullopt});
  }
  wake_.notify_one();
  return true;
}

void CryptoWorkers::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !todo_.empty(); });
      if (stop_) return;
      job = std::move(todo_.front());
      todo_.pop_front();
    }
    job.outcome = ike::dh_respond(job.group, job.peer);
    {
      std::lock_guard lock(mu_);
      finished_.push_back(std::move(job));
    }
    uint64_t one = 1;
    (void)!::write(efd_, &one, sizeof one);
  }
}

void CryptoWorkers::deliver() {
  uint64_t count = 0;
  (void)!::read(efd_, &count, sizeof count);
  std::vector<Job> ready;
  {
    std::lock_guard lock(mu_);
    ready.swap(finished_);
    in_flight_ -= ready.size();
  }
  // Outside the lock: a callback may submit new work.
  for (auto& j : ready) j.done(std::move(*j.outcome));
}

size_t CryptoWorkers::pending() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace rampart::firmware
