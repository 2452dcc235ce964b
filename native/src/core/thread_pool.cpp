#include "core/thread_pool.h"

namespace irk {

// Waiting threads (idle workers, the caller waiting for its workers) sleep on a condition variable
// at once, without polling first. Measured with native/tests/parallel_bench.c on the 2-core VM while
// another build ran: polling 10-100 us before sleeping made 2 threads 1.6x-25x slower than 1 at
// B = 32 (the poller takes the core the other thread needs); sleeping at once, 1.2x-3x, steadily.

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

bool ThreadPool::try_run(int64_t tasks, const std::function<void(int64_t)>& task) {
  bool idle = false;
  if (tasks > max_workers_ + 1 || !busy_.compare_exchange_strong(idle, true, std::memory_order_acquire))
    return false;
  struct Release {
    std::atomic<bool>& busy;
    ~Release() { busy.store(false, std::memory_order_release); }
  } release{busy_};

  while (threads_.size() < static_cast<size_t>(max_workers_)) {  // first run: start the workers
    int id = static_cast<int>(threads_.size());
    threads_.emplace_back([this, id] { worker(id); });
  }
  task_ = &task;
  tasks_ = tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_ = static_cast<int>(threads_.size());
    ++generation_;
  }
  wake_.notify_all();
  task(0);
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [this] { return pending_ == 0; });
  return true;
}

void ThreadPool::worker(int id) {
  uint64_t seen = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
    }
    if (id + 1 < tasks_) (*task_)(id + 1);
    std::lock_guard<std::mutex> lock(mutex_);
    if (--pending_ == 0) done_.notify_one();
  }
}

}  // namespace irk
