// SPDX-License-Identifier: Apache-2.0
//
// The queueing formulas behind omnictx/staffing.h, in plain numbers
// (seconds, rates per second), so tests can reach them directly. Inputs are
// assumed valid: staffing.cc checks them.
#ifndef OMNICTX_METRICS_ERLANG_H_
#define OMNICTX_METRICS_ERLANG_H_

#include <limits>

#include "absl/status/statusor.h"

namespace omnictx::internal {

// Steady-state figures of one queue; times in seconds.
struct QueueFigures {
  double probability_wait = 0;
  double service_level = 0;
  // Mean wait of answered contacts; +infinity when the queue never settles.
  double asa = 0;
  double abandonment = 0;
  // Carried load per agent.
  double occupancy = 0;
};

// Erlang B (blocking probability of `agents` lines offered `erlangs`), by
// the recursion B(k) = A B(k-1) / (k + A B(k-1)), whose terms stay in [0, 1].
double ErlangB(int agents, double erlangs);

// Erlang C (probability of waiting), from Erlang B. REQUIRES: agents > erlangs.
double ErlangC(int agents, double erlangs);

// Erlang C figures for arrival rate `lambda`, mean handle time `aht` and
// service-level threshold `within`. A team no larger than the load gets
// probability_wait 1, service level 0, occupancy 1 and an infinite ASA.
QueueFigures ErlangCFigures(int agents, double lambda, double aht, double within);

// Erlang A (M/M/N+M) figures, with exponential patience of mean `patience`.
// Returns ResourceExhausted if the queue would need more than
// kMaxQueueStates states to sum (very long patience, overloaded team).
inline constexpr long kMaxQueueStates = 20'000'000;
absl::StatusOr<QueueFigures> ErlangAFigures(int agents, double lambda, double aht,
                                            double patience, double within);

}  // namespace omnictx::internal

#endif  // OMNICTX_METRICS_ERLANG_H_
