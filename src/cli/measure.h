// SPDX-License-Identifier: Apache-2.0
//
// What `metrics`, `metrics staffing --channel` and `report` share: the
// per-channel target flags, and the demand each channel put on the contact
// centre in a window (the busiest hour of a real-time channel, the workload
// of an asynchronous one, the measured AHT and patience) for staffing.
#ifndef OMNICTX_CLI_MEASURE_H_
#define OMNICTX_CLI_MEASURE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/cli.h"
#include "omnictx/metrics.h"
#include "omnictx/staffing.h"

namespace omnictx::cli {

// Adds the repeatable `--target CHANNEL=LEVEL/WITHIN` (e.g. voice=0.8/20s;
// only when `with_target`) and `--short-abandon CHANNEL=DURATION` (e.g.
// voice=5s) to q.targets. A channel's other fields keep its defaults
// (DefaultChannelTarget). Returns InvalidArgument naming the flag and the
// problem (malformed, unknown channel, channel given twice, level outside
// (0, 1], answer time not positive, bad duration).
absl::Status ApplyTargetFlags(const Invocation& inv, MetricsQuery& q, bool with_target);

// One channel's demand measured over a window.
struct MeasuredChannel {
  v1::ChannelKind channel = v1::CHANNEL_KIND_UNSPECIFIED;
  bool realtime = true;  // IsRealTime(channel)
  ChannelTarget target = {};  // the target its KPIs were held to
  // Real-time channels: the busiest hour of day (UTC, "09") by offered
  // contacts, and those contacts per hour averaged over the days of the
  // window; empty and 0 when nothing was offered.
  std::string busiest_hour = {};
  double contacts_per_hour = 0;
  // The channel's AHT over the window; unset when no interaction carried
  // a handle time.
  std::optional<absl::Duration> aht = std::nullopt;
  // Mean patience of a waiting customer, estimated as exponential
  // patience is: the total wait of offered contacts (answered ones waited
  // at least that long) divided by the abandons. Unset without abandons.
  std::optional<absl::Duration> patience = std::nullopt;
  // Interactions with a handle time, their total, and that as erlangs
  // over the window (the workload of an asynchronous channel).
  int64_t handled = 0;
  absl::Duration handle_time_total = absl::ZeroDuration();
  double workload_erlangs = 0;
};

struct MeasuredWindow {
  absl::Duration window = absl::ZeroDuration();
  // Whole days the window covers (at least 1): an hour of day occurs once
  // per day.
  double days = 1;
  std::vector<MeasuredChannel> channels;  // in channel order
};

// Reads the measures from the KPIs of a window, total (no grouping) and
// grouped by hour of day.
MeasuredWindow Measure(const MetricsReport& total, const MetricsReport& by_hour);

// Runs both queries (q's grouping is ignored) and measures.
struct MeasuredReport {
  MetricsReport total;
  MeasuredWindow measured;
};
absl::StatusOr<MeasuredReport> MeasureWindow(Store& store, MetricsQuery q);

// The patience estimate of one KPI row (see MeasuredChannel::patience).
std::optional<absl::Duration> MeasuredPatience(const v1::ChannelKpi& row);

// The staffing what-if of a window: every real-time channel with offered
// contacts at its busiest hour (AHT measured, else `default_aht`), every
// asynchronous channel with a workload, compared by
// staffing::ComparePooling. Patience (Erlang A) is used only when every
// real-time channel has a measured one; otherwise Erlang C throughout.
struct PooledChannel {
  MeasuredChannel measured;
  absl::Duration aht = absl::ZeroDuration();  // as used
  bool aht_measured = true;
};
struct WindowPooling {
  std::vector<PooledChannel> realtime;
  std::vector<PooledChannel> async;
  bool erlang_a = false;
  // Real-time channels without a measured patience (why Erlang C).
  std::vector<std::string> without_patience;
  // What went to ComparePooling: real-time channels, then asynchronous.
  std::vector<staffing::ChannelDemand> demands;
  std::optional<staffing::PoolingResult> result;  // unset when no demand
};
absl::StatusOr<WindowPooling> PoolWindow(const MeasuredWindow& measured,
                                         absl::Duration default_aht);

}  // namespace omnictx::cli

#endif  // OMNICTX_CLI_MEASURE_H_
