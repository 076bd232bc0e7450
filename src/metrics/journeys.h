// SPDX-License-Identifier: Apache-2.0
//
// Journey analytics: funnels per journey version, how journeys that used
// each channel ended, which channel switches at which step led to success,
// and channel effort. Fed one instance at a time (with its transition
// history and its interactions); definitions in metrics.proto.
#ifndef OMNICTX_METRICS_JOURNEYS_H_
#define OMNICTX_METRICS_JOURNEYS_H_

#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "omnictx/metrics.h"
#include "omnictx/types.h"

namespace omnictx::metrics {

class JourneyAnalytics {
 public:
  // Adds one instance started in the window. `definition` is its journey
  // version; `instance` carries its history (oldest first); `interactions`
  // are the instance's interactions, oldest first. `now` decides stalls.
  void Add(const Journey& definition, const JourneyInstance& instance,
           const std::vector<Interaction>& interactions, absl::Time now);

  // Fills journeys, channel_outcomes, switches and the journey half of
  // effort.
  void Finish(MetricsReport& report) const;

 private:
  struct StepAcc {
    int64_t reached = 0, continued = 0, completed = 0, failed = 0, abandoned = 0, active = 0;
    std::vector<absl::Duration> times;
  };
  struct FunnelAcc {
    Journey definition;
    int64_t started = 0, completed = 0, failed = 0, abandoned = 0, merged = 0, active = 0;
    int64_t stalled = 0;
    std::map<std::string, StepAcc> steps;
  };
  struct OutcomeAcc {
    int64_t journeys = 0, succeeded = 0, interactions = 0;
  };
  struct SwitchAcc {
    int64_t count = 0, succeeded = 0;
  };

  std::map<std::pair<std::string, int32_t>, FunnelAcc> funnels_;
  std::map<int, OutcomeAcc> outcomes_;
  // (journey, step, from, to)
  std::map<std::tuple<std::string, std::string, int, int>, SwitchAcc> switches_;
  int64_t effort_journeys_ = 0;
  int64_t effort_switches_ = 0;
};

}  // namespace omnictx::metrics

#endif  // OMNICTX_METRICS_JOURNEYS_H_
