// SPDX-License-Identifier: Apache-2.0
//
// Metrics: every channel measured the same way.
//
//   omnictx::MetricsQuery q;
//   q.start = now - absl::Hours(24);
//   q.end = now;
//   q.group_by = omnictx::MetricsGroup::kTouchpoint;
//   auto report = store->Metrics(q);   // omnictx::MetricsReport
//
// Operational KPIs (volumes, offered, answered, abandoned, waits, ASA, AHT,
// service level, abandonment) have one definition for all channels and are
// held to per-channel targets (DefaultChannelTarget). Outcome KPIs
// (first-contact resolution, journey funnels, channel outcomes and effort,
// satisfaction) do not depend on the channel. The report message
// (proto/omnictx/v1/metrics.proto) documents each figure.
#ifndef OMNICTX_METRICS_H_
#define OMNICTX_METRICS_H_

#include <map>
#include <string>

#include "absl/time/time.h"
#include "omnictx/types.h"
#include "omnictx/v1/metrics.pb.h"

namespace omnictx {

using MetricsReport = v1::MetricsReport;
using ChannelKpi = v1::ChannelKpi;
using JourneyFunnel = v1::JourneyFunnel;

// A channel's service target. Defaults per channel kind come from
// DefaultChannelTarget; MetricsQuery::targets overrides them.
struct ChannelTarget {
  // Share of offered contacts to answer within `answer_within`.
  double service_level = 0.8;
  absl::Duration answer_within = absl::Seconds(20);
  // Abandons faster than this are not offered contacts (misdials).
  absl::Duration short_abandon = absl::ZeroDuration();
};

// The documented defaults: voice and IVR 80% in 20 s (5 s short abandon),
// chat and video 80% in 60 s (5 s), messaging and SMS 80% in 15 min,
// social 80% in 1 h, email 90% in 24 h, everything else 80% in 24 h.
ChannelTarget DefaultChannelTarget(v1::ChannelKind channel);

// An extra grouping of the operational KPIs within each channel.
enum class MetricsGroup {
  kNone,
  kTouchpoint,  // the interaction's touchpoint key
  kAgent,       // the agent who handled it
  kJourney,     // the key of the journey instance it belongs to
  kPriority,    // the priority of the case it belongs to
  kHour,        // hour of day (UTC) it occurred, "00" to "23"
};

// What Store::Metrics measures.
struct MetricsQuery {
  // The window [start, end). Interactions count by when they occurred,
  // cases by when they were resolved, journeys by when they started.
  // Both required; at most Limits::kMaxMetricsWindowDays long.
  absl::Time start = absl::InfinitePast();
  absl::Time end = absl::InfinitePast();
  MetricsGroup group_by = MetricsGroup::kNone;
  // Targets overriding the defaults, by channel kind.
  std::map<v1::ChannelKind, ChannelTarget> targets = {};
  // A resolved case followed by an inbound contact within this window is
  // not a first-contact resolution.
  absl::Duration recontact_window = absl::Hours(24 * 7);
  // Only this journey in the funnels and channel outcomes (empty: all).
  std::string journey_key = {};
  // Per-case satisfaction rows are listed up to this many; more is
  // refused with ResourceExhausted (narrow the window).
  int max_case_rows = 1000;
};

}  // namespace omnictx

#endif  // OMNICTX_METRICS_H_
