// SPDX-License-Identifier: Apache-2.0
//
// Per-call latency collection for the benchmarks: each thread of a Google
// Benchmark run hands in its latencies, thread 0 merges them into exact
// percentiles (Google Benchmark's own counters can only sum or average).
#ifndef OMNICTX_BENCH_STATS_H_
#define OMNICTX_BENCH_STATS_H_

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace omnictx::bench {

using SteadyClock = std::chrono::steady_clock;

struct Summary {
  int64_t calls = 0;
  double wall_s = 0;
  double per_s = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0;
  double known = 0;   // fraction of lookups that found a customer
  double cpu_us = 0;  // CPU time of the calling threads per call
};

// CPU time the calling thread has used so far.
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

inline double Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest value with at least q of the calls at or below it.
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

// Each thread hands in its per-call latencies after its timing loop; thread
// 0 waits for all of them and publishes the merged percentiles. Google
// Benchmark starts every thread's loop together, so Reset (before thread
// 0's loop) always happens before any Add of the same run.
class Collector {
 public:
  void Reset(int threads) {
    std::lock_guard<std::mutex> lock(mu_);
    threads_ = threads;
    added_ = 0;
    latencies_.clear();
    first_ = SteadyClock::time_point::max();
    last_ = SteadyClock::time_point::min();
    known_ = 0;
    cpu_s_ = 0;
  }
  // `cpu_s` is the thread CPU time its timing loop used (0 if not measured).
  void Add(const std::vector<double>& latencies, SteadyClock::time_point first,
           SteadyClock::time_point last, int64_t known, double cpu_s = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    cpu_s_ += cpu_s;
    latencies_.insert(latencies_.end(), latencies.begin(), latencies.end());
    if (!latencies.empty()) {
      first_ = std::min(first_, first);
      last_ = std::max(last_, last);
    }
    known_ += known;
    ++added_;
    cv_.notify_all();
  }
  Summary Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return added_ == threads_; });
    Summary s;
    std::sort(latencies_.begin(), latencies_.end());
    s.calls = static_cast<int64_t>(latencies_.size());
    if (s.calls == 0) return s;
    s.wall_s = std::chrono::duration<double>(last_ - first_).count();
    s.per_s = s.wall_s > 0 ? static_cast<double>(s.calls) / s.wall_s : 0;
    s.p50_us = Percentile(latencies_, 0.50);
    s.p99_us = Percentile(latencies_, 0.99);
    s.p999_us = Percentile(latencies_, 0.999);
    s.max_us = latencies_.back();
    double sum = 0;
    for (double v : latencies_) sum += v;
    s.mean_us = sum / static_cast<double>(s.calls);
    s.known = static_cast<double>(known_) / static_cast<double>(s.calls);
    s.cpu_us = cpu_s_ * 1e6 / static_cast<double>(s.calls);
    return s;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int threads_ = 0;
  int added_ = 0;
  std::vector<double> latencies_;
  SteadyClock::time_point first_, last_;
  int64_t known_ = 0;
  double cpu_s_ = 0;
};

}  // namespace omnictx::bench

#endif  // OMNICTX_BENCH_STATS_H_
