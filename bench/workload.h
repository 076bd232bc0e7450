// SPDX-License-Identifier: Apache-2.0
//
// The shared performance workload (see docs/performance.md): a seeded,
// deterministic synthetic tenant written through the library's public write
// API. Every fact about customer i (its id, phone, identities, journey, case,
// interactions) is a pure function of (seed, i), so the benchmarks can pick a
// random customer and know its phone number without reading the database.
#ifndef OMNICTX_BENCH_WORKLOAD_H_
#define OMNICTX_BENCH_WORKLOAD_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "omnictx/options.h"
#include "omnictx/types.h"

namespace omnictx::bench {

// A small, fast, seedable generator (SplitMix64). Unlike the standard
// distributions, its output is the same with every standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, n); n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // True with probability `percent` / 100.
  bool Percent(int percent) { return Below(100) < static_cast<uint64_t>(percent); }

 private:
  uint64_t state_;
};

struct WorkloadConfig {
  int64_t customers = 1'000'000;
  uint64_t seed = 1;
};

// The dataset's fixed "now": every stored time is relative to it, so the
// generated file is the same on every run.
absl::Time WorkloadNow();

// Phone numbers are "+336" followed by 8 digits: a bijection of the index
// onto [0, 10^8), so indexes below N are the customers' numbers and indexes
// from N up are numbers nobody owns.
inline constexpr int64_t kPhoneSpace = 100'000'000;
std::string PhoneOf(uint64_t seed, int64_t index);
std::string CustomerIdOf(int64_t index);

// The journey definitions (5, of 4 to 8 steps) and agents (500).
inline constexpr int kJourneys = 5;
inline constexpr int kAgents = 500;
std::vector<Journey> JourneyDefinitions();

// What the generator does for one customer, derived from (seed, index).
struct CustomerPlan {
  int64_t index = 0;
  std::string id;
  std::string phone;
  std::string email;   // empty for the 40% without one
  std::string cookie;  // empty for the 60% without one
  int journey = -1;    // index into JourneyDefinitions(), -1 for none
  absl::Time journey_started = absl::InfinitePast();
  int journey_depth = 0;  // steps to advance past the entry step
  bool has_case = false;
  absl::Time case_opened = absl::InfinitePast();
  int agent = 0;
  // The interactions, oldest first, without journey or case ids (the
  // generator adds them once it knows them).
  std::vector<Interaction> interactions;
};
CustomerPlan PlanCustomer(uint64_t seed, int64_t index);

// An interaction "now" for a random customer, as the write benchmarks
// record it. Sometimes names a touchpoint that advances the customer's
// journey, when it has one.
Interaction RandomInteraction(const WorkloadConfig& config, Rng& rng);

// Store options every benchmark uses: the FakeClock at WorkloadNow() and
// the default region "FR". Other fields keep the library's defaults.
Options BenchOptions();

// Returns the path of the cached database for `config` under `dir`
// ("<dir>/omnictx-workload-v<generator>-schema<schema>-n<N>-s<seed>.db"),
// generating it first if it does not exist. Generation writes to a temporary
// name and renames it once complete, so an interrupted run never leaves a
// truncated cache behind. Progress goes to stderr. `generated` is set when it
// had to generate.
absl::StatusOr<std::string> EnsureWorkload(const WorkloadConfig& config, const std::string& dir,
                                           bool* generated);

// The directory the cache lives in: $OMNICTX_BENCH_DIR, else
// $TMPDIR/omnictx-bench, else /tmp/omnictx-bench.
std::string DefaultDataDir();

}  // namespace omnictx::bench

#endif  // OMNICTX_BENCH_WORKLOAD_H_
