// A context's CPU workers: persistent threads that run the chunks of irk::parallel_for.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace irk {

class ThreadPool {
 public:
  // `workers` threads, started on the first run (a context that never goes parallel starts none).
  explicit ThreadPool(int workers) : max_workers_(workers) {}
  ~ThreadPool();  // joins the workers; no run may be in flight
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Runs task(t) for t in [0, tasks), tasks <= workers + 1: t = 0 on the caller, t on worker t - 1,
  // and returns when all are done. task must not throw. Returns false without running anything when
  // the pool is busy: another host thread's run, or a nested call from inside a task.
  bool try_run(int64_t tasks, const std::function<void(int64_t)>& task);

 private:
  void worker(int id);

  const int max_workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> busy_{false};  // one run at a time; a second caller runs its chunks itself

  // The job: written by the caller while every worker sleeps, read by the workers after they see a
  // new generation_, untouched until pending_ is back to 0.
  const std::function<void(int64_t)>* task_ = nullptr;
  int64_t tasks_ = 0;

  std::mutex mutex_;  // guards the fields below
  std::condition_variable wake_, done_;  // workers wait on wake_, the caller on done_
  uint64_t generation_ = 0;  // one more per job
  int pending_ = 0;  // workers that have not finished the current job
  bool stop_ = false;
};

}  // namespace irk
