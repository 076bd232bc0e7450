// SPDX-License-Identifier: Apache-2.0
//
// Operational KPIs and satisfaction, accumulated one interaction at a time
// so a window of millions of interactions is read once, in a stream.
// Definitions (one for every channel) are in proto/omnictx/v1/metrics.proto.
#ifndef OMNICTX_METRICS_KPI_H_
#define OMNICTX_METRICS_KPI_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "omnictx/metrics.h"
#include "omnictx/types.h"

namespace omnictx::metrics {

// Returns InvalidArgument naming the field if the query is malformed.
absl::Status ValidateQuery(const MetricsQuery& query);

// The target the query holds `channel` to: its override or the default.
ChannelTarget TargetFor(const MetricsQuery& query, v1::ChannelKind channel);

// Nearest-rank percentile (q in (0, 1]) of `values`, which it sorts.
// Zero when empty.
absl::Duration Percentile(std::vector<absl::Duration>& values, double q);

// The group label used when an interaction has no value for the grouping
// (no touchpoint, no agent, no journey, no case).
inline constexpr std::string_view kNoGroup = "(none)";

// Accumulates ChannelKpi rows per channel and, with a grouping, per group.
class ChannelKpis {
 public:
  explicit ChannelKpis(const MetricsQuery& query) : query_(query) {}

  // Adds one interaction. `group` is its value for query.group_by (ignored
  // when the query does not group).
  void Add(const Interaction& interaction, std::string_view group);

  // The rows, channels in enum order, each channel's total before its
  // groups (groups in name order).
  std::vector<v1::ChannelKpi> Finish() const;

 private:
  struct Acc {
    int64_t inbound = 0, outbound = 0, offered = 0, answered = 0, abandoned = 0;
    int64_t short_abandoned = 0, answered_within = 0, handled = 0;
    std::vector<absl::Duration> waits;  // offered contacts
    absl::Duration answered_wait_total = absl::ZeroDuration();
    absl::Duration abandoned_wait_total = absl::ZeroDuration();
    absl::Duration handle_total = absl::ZeroDuration();
    std::set<std::string> agents;
  };
  void AddTo(Acc& acc, const Interaction& i, const ChannelTarget& target);
  v1::ChannelKpi Row(v1::ChannelKind channel, const std::string& group, const Acc& acc) const;

  const MetricsQuery& query_;
  std::map<std::pair<int, std::string>, Acc> acc_;
};

// Returns true if the interaction's score is on the NPS scale (0-10):
// attributes["satisfaction_scale"] is "nps". Otherwise it is CSAT (1-5).
bool IsNps(const Interaction& i);

// Returns true if the interaction carries a score within its scale.
bool HasValidScore(const Interaction& i);

// Accumulates satisfaction scores per channel, per journey and per case.
class Satisfaction {
 public:
  // `journey_key` is the key of the interaction's journey instance, empty if none.
  void Add(const Interaction& interaction, std::string_view journey_key);
  // Number of distinct cases with scores so far.
  size_t cases() const { return by_case_.size(); }
  // Rows: channels (enum order), then journeys, then cases (id order).
  std::vector<v1::SatisfactionRow> Finish() const;

 private:
  struct Acc {
    int64_t csat = 0, csat_sum = 0, csat_satisfied = 0;
    int64_t nps = 0, promoters = 0, detractors = 0;
  };
  static void AddTo(Acc& acc, const Interaction& i);
  static v1::SatisfactionRow Row(std::string dimension, std::string key, const Acc& acc);

  std::map<int, Acc> by_channel_;
  std::map<std::string, Acc> by_journey_;
  std::map<int64_t, Acc> by_case_;
};

// Channel switches in a sequence of interactions (oldest first): pairs of
// consecutive interactions on different channel kinds, ignoring ones with
// no channel.
int64_t CountSwitches(const std::vector<Interaction>& interactions);

}  // namespace omnictx::metrics

#endif  // OMNICTX_METRICS_KPI_H_
