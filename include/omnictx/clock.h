// SPDX-License-Identifier: Apache-2.0
//
// The source of time for a Store. Injected through Options::clock so tests
// can move time by hand.
#ifndef OMNICTX_CLOCK_H_
#define OMNICTX_CLOCK_H_

#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace omnictx {

// Tells the current time. Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current time.
  virtual absl::Time Now() const = 0;
};

// Returns a clock that reads the system's real time. Never null.
std::shared_ptr<Clock> RealClock();

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  // Moves the clock forward (or back, for a negative duration).
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }
  // Sets the clock to a point in time.
  void Set(absl::Time t) {
    absl::MutexLock lock(&mu_);
    now_ = t;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace omnictx

#endif  // OMNICTX_CLOCK_H_
